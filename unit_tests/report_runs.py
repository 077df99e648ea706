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

"""Series of result documents made from the recorded ones (data/report).

A series is N runs of one scenario, an hour apart, each a copy of a real
result (``cross-service-scenario run --json`` on the constellation) with
its step times moved and, where asked, scaled, its settings (result
schema 2) set, and chosen runs replaced by a recorded failure. Used by the
report's unit tests and tools/report_screenshots.py.
"""

import copy
import json
import os

DATA = os.path.join(os.path.dirname(__file__), 'data', 'report')
HOUR = 3600.0


def recorded(name):
    with open(os.path.join(DATA, name + '.json'), encoding='utf-8') as f:
        return json.load(f)


def shifted(doc, start, scale=1.0):
    """A copy of ``doc`` whose first step starts at ``start``.

    Every step's duration (and its place after the first) times ``scale``.
    """
    doc = copy.deepcopy(doc)
    t0 = min(s['started_at'] for s in doc['steps'] if s.get('started_at'))
    for step in doc['steps'] + ([doc['cleanup']] if doc.get('cleanup')
                                else []):
        if step.get('started_at'):
            step['started_at'] = start + (step['started_at'] - t0) * scale
        if step.get('duration') is not None:
            step['duration'] = round(step['duration'] * scale, 3)
    if doc.get('duration') is not None:
        doc['duration'] = round(doc['duration'] * scale, 3)
    return doc


def series(n, passed='floating_ip_dns-1', failed='floating_ip_dns-wrongname',
           failed_at=(), scales=None, settings=None, start=None):
    """→ n result documents, oldest first.

    ``failed_at``: indexes of the runs that are the recorded failure;
    ``scales``: {index: factor} for the durations; ``settings``: {index:
    {key: value}} merged into the run's settings from that index on.
    """
    ok, bad = recorded(passed), recorded(failed)
    start = start or min(s['started_at'] for s in ok['steps']
                         if s.get('started_at'))
    docs, current = [], {'record_timeout': 60, 'record_interval': 1}
    for i in range(n):
        current = dict(current, **(settings or {}).get(i, {}))
        doc = shifted(bad if i in failed_at else ok, start + i * HOUR,
                      (scales or {}).get(i, 1.0))
        doc['schema_version'] = 2
        doc['settings'] = dict(current)
        docs.append(doc)
    return docs


def write(docs, directory):
    """Each document to ``directory/run-NN.json``; → the paths."""
    os.makedirs(directory, exist_ok=True)
    paths = []
    for i, doc in enumerate(docs):
        path = os.path.join(directory, 'run-%02d.json' % i)
        with open(path, 'w', encoding='utf-8') as f:
            json.dump(doc, f)
        paths.append(path)
    return paths
