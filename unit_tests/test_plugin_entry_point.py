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

"""The plugin as Tempest sees it: entry point, tests dir, clients."""

import os
import subprocess
from unittest import mock

import stevedore
import testtools

from tempest import config as tempest_config
from tempest.lib import exceptions as lib_exc

from cross_service_tempest_plugin import config as cs_config
from cross_service_tempest_plugin import plugin
from cross_service_tempest_plugin.services import orchestration
from unit_tests import tempest_subprocess

HEAT_PARAMS = {
    'disable_ssl_certificate_validation': False, 'ca_certs': None,
    'trace_requests': '', 'http_timeout': None, 'proxy_url': None,
    'endpoint_type': 'internal', 'build_timeout': 321,
    'build_interval': 3, 'region': 'RegionTwo', 'service': 'orchestration',
}


class TestEntryPoint(testtools.TestCase):

    def test_stevedore_finds_plugin(self):
        mgr = stevedore.ExtensionManager('tempest.test_plugins',
                                         invoke_on_load=False)
        self.assertIn('cross_service', mgr.names())
        self.assertIs(plugin.CrossServiceTempestPlugin,
                      mgr['cross_service'].plugin)

    def test_tempest_list_plugins(self):
        out = subprocess.run(
            [tempest_subprocess.venv_command('tempest'), 'list-plugins'],
            capture_output=True, text=True, timeout=120, check=True).stdout
        rows = [[c.strip() for c in line.split('|')[1:-1]]
                for line in out.splitlines() if line.startswith('|')]
        self.assertIn(['cross_service', 'cross_service_tempest_plugin.'
                       'plugin:CrossServiceTempestPlugin'], rows)


class TestPluginHooks(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.plugin = plugin.CrossServiceTempestPlugin()

    def test_load_tests_is_package_tests_dir_only(self):
        test_dir, top = self.plugin.load_tests()
        pkg = os.path.dirname(os.path.abspath(plugin.__file__))
        self.assertEqual(os.path.join(pkg, 'tests'), test_dir)
        self.assertEqual(os.path.dirname(pkg), top)
        self.assertTrue(os.path.isfile(os.path.join(test_dir,
                                                    '__init__.py')))
        unit_dir = os.path.dirname(os.path.abspath(__file__))
        self.assertFalse(unit_dir.startswith(test_dir + os.sep))

    def test_opt_lists(self):
        self.assertEqual([('cross_service', cs_config.CrossServiceGroup)],
                         self.plugin.get_opt_lists())

    def test_service_clients_from_heat_plugin_group(self):
        with mock.patch.object(tempest_config, 'service_client_config',
                               return_value=dict(HEAT_PARAMS)) as scc:
            clients = self.plugin.get_service_clients()
        scc.assert_called_once_with('heat_plugin')
        self.assertEqual(1, len(clients))
        params = clients[0]
        self.assertEqual('orchestration', params['name'])
        self.assertEqual('cross_service.orchestration',
                         params['service_version'])
        self.assertEqual(orchestration.__name__, params['module_path'])
        self.assertEqual(orchestration.__all__, params['client_names'])
        for key, value in HEAT_PARAMS.items():
            self.assertEqual(value, params[key], key)

    def test_never_registers_designate_clients(self):
        with mock.patch.object(tempest_config, 'service_client_config',
                               return_value=dict(HEAT_PARAMS)):
            clients = self.plugin.get_service_clients()
        names = {c['name'] for c in clients}
        versions = {c['service_version'] for c in clients}
        self.assertFalse(names & {'dns_v2', 'dns_admin'})
        self.assertFalse(versions & {'dns.v2', 'dns.admin'})

    def test_service_clients_without_heat_plugin(self):
        def fake_scc(name=None):
            if name:
                raise lib_exc.UnknownServiceClient(services=name)
            return {'http_timeout': None}

        fake_conf = mock.Mock()
        fake_conf.identity.region = 'RegionX'
        with mock.patch.object(tempest_config, 'service_client_config',
                               fake_scc), \
                mock.patch.object(tempest_config, 'CONF', fake_conf):
            params = self.plugin.get_service_clients()[0]
        self.assertEqual('orchestration', params['service'])
        self.assertEqual('public', params['endpoint_type'])
        self.assertEqual('RegionX', params['region'])
        self.assertEqual(1200, params['build_timeout'])


class TestClientManager(testtools.TestCase):
    """A tempest.clients.Manager with fake credentials, real plugins."""

    def test_manager_exposes_orchestration_and_dns(self):
        got = tempest_subprocess.run("""
            from tempest import clients
            from tempest.tests.lib import fake_credentials
            mgr = clients.Manager(
                fake_credentials.FakeKeystoneV3Credentials())
            stacks = mgr.orchestration.StacksClient()
            result({
                'has': [n for n in ('orchestration', 'dns_v2', 'dns_admin')
                        if hasattr(mgr, n)],
                'registered': sorted(mgr.registered_services),
                'clients': [type(getattr(mgr.orchestration, n)()).__name__
                            for n in ('StacksClient', 'ResourcesClient',
                                      'OutputsClient', 'EventsClient',
                                      'TemplatesClient')],
                'zones': type(mgr.dns_v2.ZonesClient()).__name__,
                'stacks': [stacks.service, stacks.endpoint_type,
                           stacks.region, stacks.build_timeout,
                           stacks.build_interval,
                           stacks.http_obj.follow_redirects],
            })
        """, extra_conf="""
            [heat_plugin]
            catalog_type = orchestration-x
            endpoint_type = internal
            region = RegionTwo
            build_timeout = 321
            build_interval = 3
        """)
        self.assertEqual(['orchestration', 'dns_v2', 'dns_admin'],
                         got['has'])
        self.assertIn('cross_service.orchestration', got['registered'])
        self.assertIn('dns.v2', got['registered'])
        self.assertEqual(['StacksClient', 'ResourcesClient', 'OutputsClient',
                          'EventsClient', 'TemplatesClient'], got['clients'])
        self.assertEqual('ZonesClient', got['zones'])
        self.assertEqual(['orchestration-x', 'internal', 'RegionTwo', 321,
                          3, False], got['stacks'])
