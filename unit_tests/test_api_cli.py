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

"""CLI argument handling and bad input (each call in a fresh process:
Tempest's CONF is a process-wide singleton). Nothing here needs a cloud:
every case fails before credentials are created.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

from unit_tests import tempest_subprocess


def cli(*args, conf_extra=None, env_extra=None):
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith('TEMPEST_CONFIG')}
        env.update(env_extra or {})
        argv = list(args)
        if conf_extra is not None:
            path = tempest_subprocess.write_conf(tmp, conf_extra)
            argv = [a.replace('@CONF@', path) for a in argv]
        proc = subprocess.run(
            [sys.executable, '-m', 'cross_service_tempest_plugin.cli'] + argv,
            cwd=tmp, env=env, capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


ENABLED = tempest_subprocess.ENABLED


class TestCli(unittest.TestCase):

    def test_list_without_config(self):
        rc, out, err = cli('list', '-f', 'value', '-c', 'Name')
        self.assertEqual(0, rc, err)
        names = out.split()
        self.assertIn('floating_ip_dns', names)
        self.assertIn('provider_port_rename', names)

    def test_list_json(self):
        rc, out, err = cli('list', '-f', 'json')
        self.assertEqual(0, rc, err)
        rows = {r['Name']: r['Description'] for r in json.loads(out)}
        self.assertIn('Use case 2', rows['floating_ip_dns'])

    def test_show_json_keeps_structure(self):
        rc, out, err = cli('show', 'servers_dns', '-f', 'json')
        self.assertEqual(0, rc, err)
        data = json.loads(out)
        self.assertEqual('servers_dns', data['name'])
        self.assertEqual('servers.yaml', data['stack']['template'])
        self.assertIn('deploy', data['steps'])

    def test_show_table_writes_unicode_not_escapes(self):
        rc, out, err = cli('show', 'servers_dns')
        self.assertEqual(0, rc, err)
        self.assertIn('\u2192', out)
        self.assertNotIn('\\u2192', out)

    def test_version(self):
        from cross_service_tempest_plugin.scenarios import provenance
        rc, out, err = cli('--version')
        self.assertEqual(0, rc, err)
        self.assertEqual('cross-service-scenario %s\n'
                         % provenance.plugin_version(), out)

    def test_help_lists_commands_and_help_of_one(self):
        rc, out, err = cli('help')
        self.assertEqual(0, rc, err)
        for name in ('list', 'show', 'run', 'new', 'report', 'cleanup',
                     'complete', 'help'):
            self.assertRegex(out, r'\n  %s ' % name)
        rc, out, err = cli('help', 'run')
        self.assertEqual(0, rc, err)
        self.assertIn('--concurrency N', out)

    def test_complete_writes_bash_completion(self):
        rc, out, err = cli('complete')
        self.assertEqual(0, rc, err)
        self.assertIn('complete -F _cross_service_scenario '
                      'cross-service-scenario', out)
        self.assertIn('--concurrency', out)

    def test_bad_repeat(self):
        rc, out, err = cli('run', 'floating_ip_dns', '--repeat', '0')
        self.assertEqual(2, rc)
        self.assertIn('--repeat: must be a whole number >= 1', err)

    def test_several_scenarios_checked_before_any_run(self):
        rc, out, err = cli('run', 'floating_ip_dns', 'nope', '--config',
                           '@CONF@', conf_extra=ENABLED)
        self.assertEqual(2, rc, err)
        self.assertIn("unknown scenario 'nope'", err)
        self.assertNotIn('==', out)

    def test_show(self):
        rc, out, err = cli('show', 'servers_dns')
        self.assertEqual(0, rc, err)
        self.assertIn('template: servers.yaml', out)

    def test_unknown_scenario_lists_available(self):
        rc, out, err = cli('show', 'nope')
        self.assertEqual(2, rc)
        self.assertIn("unknown scenario 'nope'", err)
        self.assertIn('floating_ip_dns', err)
        rc, out, err = cli('run', 'nope', '--config', '@CONF@',
                           conf_extra=ENABLED)
        self.assertEqual(2, rc, err)
        self.assertIn('available scenarios:', err)

    def test_missing_config_file(self):
        rc, out, err = cli('run', 'floating_ip_dns', '--config',
                           '/nonexistent/tempest.conf')
        self.assertEqual(2, rc)
        self.assertIn('/nonexistent/tempest.conf does not exist', err)

    def test_no_config_anywhere(self):
        rc, out, err = cli('run', 'floating_ip_dns')
        self.assertEqual(2, rc)
        self.assertIn('TEMPEST_CONFIG_DIR', err)

    def test_invalid_config_value_named(self):
        rc, out, err = cli('run', 'floating_ip_dns', '--config', '@CONF@',
                           conf_extra=ENABLED + """
[cross_service]
zone_suffix = no-dot
""")
        self.assertEqual(2, rc, err)
        self.assertIn('zone_suffix', err)

    def test_bad_set_key_named(self):
        rc, out, err = cli('run', 'floating_ip_dns', '--config', '@CONF@',
                           '--set', 'colour=blue', conf_extra=ENABLED)
        self.assertEqual(2, rc, err)
        self.assertIn("unknown key 'colour'", err)
        self.assertIn('dns_name', err)

    def test_bad_set_syntax(self):
        rc, out, err = cli('run', 'floating_ip_dns', '--set', 'novalue')
        self.assertEqual(2, rc)
        self.assertIn("bad override 'novalue'", err)

    def test_bad_setting_value(self):
        rc, out, err = cli('run', 'floating_ip_dns', '--config', '@CONF@',
                           '--set', 'record_timeout=soon',
                           conf_extra=ENABLED)
        self.assertEqual(2, rc, err)
        self.assertIn('record_timeout must be an integer >= 1', err)

    def test_bad_until_step(self):
        rc, out, err = cli('run', 'floating_ip_dns', '--config', '@CONF@',
                           '--until', 'nope', conf_extra=ENABLED)
        self.assertEqual(2, rc, err)
        self.assertIn("no step 'nope'", err)
        self.assertIn('check_wire', err)

    def test_missing_requirement_named(self):
        rc, out, err = cli('run', 'provider_port_dns', '--config', '@CONF@',
                           conf_extra=ENABLED)
        self.assertEqual(2, rc, err)
        self.assertIn('[cross_service] provider_network_type', err)

    def test_scenario_file_merge_via_cli(self):
        with tempfile.NamedTemporaryFile('w', suffix='.yaml',
                                         delete=False) as f:
            f.write('scenarios:\n  floating_ip_dns:\n    vars:\n'
                    '      dns_name: mine\n')
        self.addCleanup(os.unlink, f.name)
        rc, out, err = cli('show', 'floating_ip_dns', '--scenario-file',
                           f.name)
        self.assertEqual(0, rc, err)
        self.assertIn('dns_name: mine', out)
        self.assertIn(f.name, out)

    def test_usage_error(self):
        rc, out, err = cli()
        self.assertEqual(2, rc)


class TestApiImport(unittest.TestCase):

    def test_public_names(self):
        from cross_service_tempest_plugin import api
        for name in api.__all__:
            self.assertTrue(hasattr(api, name), name)
        self.assertEqual(json.loads(json.dumps(sorted(
            api.list_scenarios()))), sorted(api.list_scenarios()))


class TestScenarioRunsOnce(unittest.TestCase):
    """api.Scenario refuses a second entry and steps before entering."""

    def scenario(self, run_=None):
        from cross_service_tempest_plugin import api
        sc = api.Scenario.__new__(api.Scenario)  # no tempest.conf needed
        sc.name, sc.run_ = 'floating_ip_dns', run_
        return sc

    def test_second_enter_is_refused(self):
        from cross_service_tempest_plugin import api
        sc = self.scenario(run_=object())
        with self.assertRaises(api.ScenarioError) as ctx:
            sc.__enter__()
        self.assertIn('already entered', str(ctx.exception))

    def test_steps_before_enter_are_refused(self):
        from cross_service_tempest_plugin import api
        sc = self.scenario()
        for call in (lambda: sc.run_step('deploy'), sc.run, sc.run_next,
                     lambda: sc.steps):
            with self.assertRaises(api.ScenarioError) as ctx:
                call()
            self.assertIn('before the run started', str(ctx.exception))
