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

"""Shipped durations seed stestr's first schedule (real stestr repo)."""

import json
import os
import re
import sys

from stestr.repository import file as stestr_file
from stestr import scheduler

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'tools', 'lib'))

import suite_durations  # noqa: E402

SHIPPED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))), 'tools', 'suite-durations.json')
P = 'cross_service_tempest_plugin.tests.scenario.'


def by_class(test_id):
    return re.match(r'([^\.]*\.)*', test_id).group(0)   # tempest's regex


def ids():
    return [P + 'test_a.A.test_1[id-1,slow]', P + 'test_a.A.test_2[slow]',
            P + 'test_b.B.test_1', P + 'test_c.C.test_1',
            P + 'test_d.D.test_1']


def durations(tmp_path, values):
    path = tmp_path / 'durations.json'
    path.write_text(json.dumps({'durations': dict(zip(ids(), values)),
                                'measured': {'load': '1.0'}}))
    return str(path)


def test_seeded_repository_balances_the_first_run(tmp_path):
    repo = stestr_file.RepositoryFactory().initialise(str(tmp_path))
    # A's two tests are the long ones: round-robin put A and C together
    n, _m = suite_durations.seed(durations(tmp_path, [60, 50, 30, 30, 40]),
                                 repo.base)
    assert n == 5
    times = repo.get_test_times(ids())
    assert not times['unknown'] and times['known'][ids()[0]] == 60.0
    parts = scheduler.partition_tests(ids(), 2, repo, by_class)
    loads = sorted(sum(dict(zip(ids(), [60, 50, 30, 30, 40]))[t] for t in p)
                   for p in parts)
    assert loads == [100, 110]      # 110 (A) vs B+C+D, not 130 vs 80


def test_known_durations_are_not_overwritten(tmp_path):
    repo = stestr_file.RepositoryFactory().initialise(str(tmp_path))
    suite_durations.seed(durations(tmp_path, [1, 1, 1, 1, 1]), repo.base)
    n, _m = suite_durations.seed(durations(tmp_path, [9, 9, 9, 9, 9]),
                                 repo.base)
    assert n == 0
    assert repo.get_test_times(ids())['known'][ids()[2]] == 1.0


def test_write_keeps_matching_ids_only(tmp_path):
    repo = stestr_file.RepositoryFactory().initialise(str(tmp_path))
    suite_durations.seed(durations(tmp_path, [61.23, 2, 3, 4, 5]), repo.base)
    out = str(tmp_path / 'out.json')
    assert suite_durations.write(repo.base, out, r'test_a\.',
                                 {'load': '2.5'}) == 2
    doc = json.load(open(out))
    assert doc['durations'] == {P + 'test_a.A.test_1': 61.2,
                                P + 'test_a.A.test_2': 2.0}
    assert doc['measured']['load'] == '2.5' and 'at' in doc['measured']
    assert 'do not edit' in doc['about']


def test_shipped_file_names_tests_of_the_suite():
    with open(SHIPPED) as f:
        doc = json.load(f)
    assert doc['durations'] and all(
        k.startswith('cross_service_tempest_plugin.tests.')
        and v > 0 for k, v in doc['durations'].items())
