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

"""``run A B --repeat N --concurrency M``: plan, children, summary."""

import argparse
import io
import unittest

from cross_service_tempest_plugin import cli
from cross_service_tempest_plugin import runs


def _args(**kw):
    base = dict(names=['a'], config=None, scenario_file=[], overrides=[],
                until=None, json=False, fail_on_breach=False,
                results_dir=None, repeat=1, concurrency=1)
    base.update(kw)
    return argparse.Namespace(**base)


class TestPlan(unittest.TestCase):

    def test_each_scenario_repeat_times_in_turn(self):
        self.assertEqual([('a', 'a#1'), ('b', 'b#1'), ('a', 'a#2'),
                          ('b', 'b#2')], runs.plan(['a', 'b'], 2))
        self.assertEqual([('a', 'a')], runs.plan(['a'], 1))

    def test_child_argv_passes_every_option(self):
        args = _args(config='t.conf', scenario_file=['x.yaml'],
                     overrides=['k=v'], until='deploy', fail_on_breach=True,
                     results_dir='/r')
        opts = argparse.Namespace(debug=True, verbose_level=3)
        argv = runs.child_argv(args, 'a', opts)
        self.assertEqual(['--debug', '-v', '-v', 'run', 'a', '--json',
                          '--config', 't.conf', '--scenario-file', 'x.yaml',
                          '--set', 'k=v', '--until', 'deploy',
                          '--fail-on-breach', '--results-dir', '/r'],
                         argv[3:])

    def test_summary_names_labels_and_not_started(self):
        out = io.StringIO()
        runs._summary(runs.plan(['a'], 2), {'a#1': cli.EXIT_OK},
                      [{'run': 'a#1', 'values': {'name_prefix': 'cs-1'},
                        'duration': 3.0}], out)
        text = out.getvalue()
        self.assertRegex(text, r'a#1 +\| cs-1 +\| PASSED +\| 3.0')
        self.assertRegex(text, r'a#2 +\| - +\| NOT STARTED')
