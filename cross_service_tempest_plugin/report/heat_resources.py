# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Where a scenario's deploy went: its Heat resources over the runs.

The engine records each resource's start and duration from Heat's events
in the deploy step (``details['heat_resources']``, rows of
:func:`..common.heat_events.resource_spans`).  Here they become one row
per resource and scenario: in how many runs it was seen, the median start
after the deploy's first resource and the median and longest duration.
"""

import collections
import statistics

DEPLOY = 'deploy'       # the action whose step holds the rows


def table(runs):
    """→ {scenario: [{'resource', 'n', 'start', 'seconds', 'max'}]}.

    Only scenarios with a deploy that recorded resources; rows ordered by
    median start, then name.
    """
    seen = collections.OrderedDict()
    for run in runs:
        for step in run.steps:
            rows = (step.details or {}).get('heat_resources')
            if step.action != DEPLOY or not isinstance(rows, list):
                continue
            mine = seen.setdefault(run.scenario, collections.OrderedDict())
            for row in rows:
                if isinstance(row, dict) and 'resource' in row:
                    mine.setdefault(row['resource'], []).append(row)
    out = collections.OrderedDict()
    for scenario, by_resource in seen.items():
        rows = []
        for resource, spans in by_resource.items():
            secs = [float(s.get('seconds') or 0) for s in spans]
            rows.append({
                'resource': resource, 'n': len(spans),
                'start': statistics.median(
                    float(s.get('start') or 0) for s in spans),
                'seconds': statistics.median(secs), 'max': max(secs)})
        out[scenario] = sorted(rows, key=lambda r: (r['start'],
                                                    r['resource']))
    return out
