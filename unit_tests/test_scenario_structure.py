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

"""One source of truth: actions registry, settings defaults, result files,
schema errors with the key's exact path."""

import datetime
import json
import os
import tempfile
import unittest

from cross_service_tempest_plugin import config as cs_config
from cross_service_tempest_plugin.scenarios import actions
from cross_service_tempest_plugin.scenarios import errors
from cross_service_tempest_plugin.scenarios import loader
from cross_service_tempest_plugin.scenarios import results
from cross_service_tempest_plugin.scenarios import settings
from unit_tests import scenario_fakes


class TestActionRegistry(unittest.TestCase):

    def test_loader_accepts_exactly_the_registered_actions(self):
        self.assertEqual(tuple(actions.ACTIONS), loader.action_names())
        self.assertIn('check_wire', loader.action_names())

    def test_a_new_action_is_one_registration(self):
        self.addCleanup(actions.ACTIONS.pop, 'say_hello', None)

        @actions.action('say_hello')
        def say_hello(run, step):
            step.details['hello'] = run.values['zone_name']
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'hello.yaml')
            with open(path, 'w') as f:
                f.write('scenarios:\n  floating_ip_dns:\n    steps: '
                        '[create_zone, say_hello, delete_zone]\n')
            catalog = loader.load_catalog([path])
        cloud = scenario_fakes.FakeCloud()
        result = cloud.run(catalog, 'floating_ip_dns').run()
        self.assertTrue(result.passed, result.to_json(indent=1))
        self.assertTrue(result.step('say_hello').details['hello'].startswith(
            'cs-'))

    def test_registering_twice_is_refused(self):
        self.assertRaisesRegex(ValueError, 'registered twice',
                               actions.action('deploy'), lambda r, s: None)


class TestSettingsDefaults(unittest.TestCase):

    def test_defaults_are_the_option_defaults(self):
        s = settings.Settings()
        for name in ('zone_suffix', 'zone_email', 'zone_ttl',
                     'record_timeout', 'record_interval', 'check_nameservers',
                     'check_reverse', 'template_dir', 'cleanup_timeout',
                     'results_dir'):
            self.assertEqual(cs_config.default(name), getattr(s, name), name)

    def test_unknown_option_name(self):
        self.assertRaises(KeyError, cs_config.default, 'nope')


class TestSchemaPaths(unittest.TestCase):

    def load(self, body):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'bad.yaml')
            with open(path, 'w') as f:
                f.write('scenarios:\n  floating_ip_dns:\n' + body)
            with self.assertRaises(errors.ScenarioError) as ctx:
                loader.load_catalog([path])
        self.assertIn(path, str(ctx.exception))
        return str(ctx.exception)

    def test_unknown_key_in_a_list_entry(self):
        msg = self.load('    records:\n      - {name: a, address_output: b}\n'
                        '      - {name: a, adress_output: b}\n')
        self.assertIn('unknown key scenarios.floating_ip_dns.records[1].'
                      'adress_output (allowed: absent, address_output',
                      msg)

    def test_wrong_type_deep_down(self):
        msg = self.load('    records:\n      - {name: a, address_output: b,'
                        ' ptr: maybe}\n')
        self.assertIn("key scenarios.floating_ip_dns.records[0].ptr must be "
                      "a boolean (true/false), got 'maybe'", msg)

    def test_mapping_expected(self):
        msg = self.load('    stack: [a]\n')
        self.assertIn('key scenarios.floating_ip_dns.stack must be a '
                      'mapping, got list', msg)

    def test_empty_plain_key_is_allowed(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'ok.yaml')
            with open(path, 'w') as f:
                f.write('scenarios:\n  floating_ip_dns:\n    requires:\n')
            self.assertIn('floating_ip_dns',
                          loader.load_catalog([path]).names())


class TestResultFiles(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_file_name(self):
        result = results.ScenarioResult('servers_dns', [])
        when = datetime.datetime(2026, 11, 23, 12, 45, 1,
                                 tzinfo=datetime.timezone.utc)
        self.assertEqual('20261123T124501Z-servers_dns-cs-0123456789.json',
                         results.result_file_name(result, 'cs-0123456789',
                                                  when))

    def test_every_run_writes_one_file(self):
        cloud = scenario_fakes.FakeCloud()
        catalog = loader.load_catalog()
        runs = [cloud.run(catalog, 'floating_ip_dns',
                          results_dir=self.tmp.name,
                          ) for _ in range(2)]
        runs[1].result_extra['test'] = 'some.test.id'
        for run in runs:
            run.run()
        files = sorted(os.listdir(self.tmp.name))
        self.assertEqual(2, len(files), files)
        self.assertEqual(sorted(os.path.basename(r.result_file)
                                for r in runs), files)
        for run in runs:
            self.assertRegex(os.path.basename(run.result_file),
                             r'^\d{8}T\d{6}Z-floating_ip_dns-%s\.json$'
                             % run.label)
            with open(run.result_file) as f:
                doc = json.load(f)
            want = run.result.to_dict()
            self.assertEqual(json.loads(json.dumps(want, default=str)),
                             {k: v for k, v in doc.items() if k != 'test'})
        with open(runs[1].result_file) as f:
            self.assertEqual('some.test.id', json.load(f)['test'])

    def test_no_file_without_results_dir_or_steps(self):
        cloud = scenario_fakes.FakeCloud()
        catalog = loader.load_catalog()
        run = cloud.run(catalog, 'floating_ip_dns')
        run.run()
        self.assertIsNone(run.result_file)
        idle = cloud.run(catalog, 'floating_ip_dns',
                         results_dir=self.tmp.name)
        idle.cleanup()
        self.assertEqual([], os.listdir(self.tmp.name))

    def test_unwritable_dir_fails_the_run_saying_why(self):
        # issue 22 #10: the result was lost with exit 0 (only a log line)
        blocker = os.path.join(self.tmp.name, 'file')
        with open(blocker, 'w'):
            pass
        cloud = scenario_fakes.FakeCloud()
        run = cloud.run(loader.load_catalog(), 'floating_ip_dns',
                        results_dir=os.path.join(blocker, 'sub'))
        with self.assertLogs('cross_service_tempest_plugin.scenarios.engine',
                             'ERROR') as logs:
            result = run.run()
        self.assertFalse(result.passed)
        self.assertIn('results_dir', logs.output[0])
        self.assertIn('result file not written to [cross_service] '
                      'results_dir %s: Not a directory'
                      % os.path.join(blocker, 'sub'), result.cleanup_errors)
