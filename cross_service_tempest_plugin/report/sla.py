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

"""Every threshold (SLA) item over the runs → verdicts, in one place.

Timing metrics (:mod:`.thresholds`), ``failure_rate`` (with its default
of 0 % per scenario, :mod:`.failure_rate`), ``performance_degradation``
(:mod:`.degradation`, against the previous runs or a baseline set) and
``outliers`` (:mod:`.outliers`).
"""

from cross_service_tempest_plugin.report import degradation
from cross_service_tempest_plugin.report import failure_rate
from cross_service_tempest_plugin.report import outliers
from cross_service_tempest_plugin.report import thresholds as thr
from cross_service_tempest_plugin import threshold_items


def scenarios(t, runs):
    """The scenarios an item applies to: its own, else every one run."""
    names = sorted({r.scenario for r in runs
                    if t.get('scenario') in (None, r.scenario)})
    return names or [t.get('scenario') or 'any scenario']


def evaluate(items, runs, baseline_runs=None, default_failure_rate=True):
    """→ verdict dicts (see :func:`.thresholds.evaluate`)."""
    items = list(items)
    verdicts = (failure_rate.verdicts(runs, items, default_failure_rate) +
                thr.evaluate(items, runs))
    for t in items:
        if t['metric'] == threshold_items.DEGRADATION:
            verdicts += [degradation.verdict(t, name, runs, baseline_runs)
                         for name in scenarios(t, runs)]
        elif t['metric'] == threshold_items.OUTLIERS:
            verdicts += [outliers.verdict(t, name, runs)
                         for name in scenarios(t, runs)]
    return verdicts


def breaches(verdicts):
    return [v for v in verdicts if v['status'] == thr.BREACH]
