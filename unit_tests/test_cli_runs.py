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


CHILD = r'''
import json, signal, sys, time
def stop(signum, frame):
    sys.stderr.write('cleaning up\n')
    sys.stderr.flush()
    time.sleep(0.3)
    print(json.dumps({'scenario': sys.argv[1], 'duration': 1.0,
                      'values': {'name_prefix': 'cs-' + sys.argv[1]}}))
    sys.exit(130)
signal.signal(signal.SIGINT, stop)
sys.stderr.write('started\n')
sys.stderr.flush()
time.sleep(60)
'''


class TestInterruptConcurrentRuns(unittest.TestCase):

    def test_ctrl_c_reaches_every_started_run_once_and_waits(self):
        import os
        import signal
        import sys
        import threading
        import time
        from unittest import mock

        args = _args(names=['a', 'b', 'c'], concurrency=2)
        out = io.StringIO()
        started = time.monotonic()

        def interrupt():
            # once both runs have started (a loaded machine may be slow)
            deadline = time.monotonic() + 60
            while (out.getvalue().count('] started') < 2 and
                   time.monotonic() < deadline):
                time.sleep(0.05)
            os.kill(os.getpid(), signal.SIGINT)
        timer = threading.Thread(target=interrupt, daemon=True)
        with mock.patch.object(runs, '_check'), \
                mock.patch.object(runs, 'child_argv',
                                  lambda a, name, o=None: [
                                      sys.executable, '-c', CHILD, name]):
            timer.start()
            rc = runs.run_all(args, out, io.StringIO())
        text = out.getvalue()
        self.assertEqual(cli.EXIT_INTERRUPTED, rc, text)
        self.assertLess(time.monotonic() - started, 70, text)
        self.assertIn('interrupted: 2 run(s) cleaning up, 1 not started',
                      text)
        for name in ('a', 'b'):
            self.assertIn('[%s] started' % name, text)
            self.assertIn('[%s] cleaning up' % name, text)
            self.assertRegex(text, r'%s +\| cs-%s +\| INTERRUPTED'
                             % (name, name))
        self.assertNotIn('[c]', text)
        self.assertRegex(text, r'c +\| - +\| NOT STARTED')
