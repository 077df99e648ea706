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

"""The scenario base class: skips, client aliases, config check."""

import testtools

from unit_tests import tempest_subprocess

ALL_AVAILABLE = """
    [service_available]
    nova = true
    neutron = true
    designate = true
    heat = true
    [network-feature-enabled]
    api_extensions = dns-integration,dns-domain-ports,router
"""

# A class of one scenario test, as the shipped ones are: servers_dns
# requires heat, designate, neutron, nova and the DNS extensions.
SKIP_SNIPPET = """
    from cross_service_tempest_plugin.tests.scenario import engine_test

    class T(engine_test.ScenarioEngineTest):
        @engine_test.scenario('servers_dns')
        def test_it(self):
            self.run_scenario()

    try:
        T.skip_checks()
    except T.skipException as exc:
        result({'skipped': str(exc)})
    else:
        result({'skipped': None})
"""


class TestSkipChecks(testtools.TestCase):
    """What a test needs is its scenario's ``requires``, stated once."""

    def test_names_every_missing_service(self):
        got = tempest_subprocess.run(SKIP_SNIPPET, extra_conf="""
            [service_available]
            nova = true
            neutron = true
            designate = false
            heat = false
        """)
        self.assertEqual(
            'scenario servers_dns needs: [service_available] heat, '
            '[service_available] designate', got['skipped'])

    def test_names_missing_network_extensions(self):
        got = tempest_subprocess.run(SKIP_SNIPPET, extra_conf="""
            [service_available]
            designate = true
            heat = true
            [network-feature-enabled]
            api_extensions = dns-integration,router
        """)
        self.assertEqual(
            'scenario servers_dns needs: Neutron extension dns-domain-ports '
            '([network-feature-enabled] api_extensions)', got['skipped'])

    def test_names_plugin_when_option_not_registered(self):
        # As if heat-tempest-plugin were not installed.
        got = tempest_subprocess.run('''
            from unittest import mock
            from oslo_config import cfg
            from cross_service_tempest_plugin.tests.scenario import (
                engine_test)

            real = engine_test.CONF

            class ServiceAvailable(object):
                def __getattr__(self, name):
                    if name == 'heat':
                        raise cfg.NoSuchOptError(name, 'service_available')
                    return getattr(real.service_available, name)

            class Conf(object):
                service_available = ServiceAvailable()

                def __getattr__(self, name):
                    return getattr(real, name)

            class T(engine_test.ScenarioEngineTest):
                @engine_test.scenario('floating_ip_dns')
                def test_it(self):
                    self.run_scenario()

            with mock.patch.object(engine_test, 'CONF', Conf()):
                try:
                    T.skip_checks()
                except T.skipException as exc:
                    result(str(exc))
                else:
                    result(None)
        ''', extra_conf=ALL_AVAILABLE)
        self.assertEqual(
            'scenario floating_ip_dns needs: [service_available] heat (no '
            'such option: install heat-tempest-plugin)', got)

    def test_runs_when_everything_is_there(self):
        got = tempest_subprocess.run(SKIP_SNIPPET, extra_conf=ALL_AVAILABLE)
        self.assertIsNone(got['skipped'])

    def test_scenario_named_once_gives_class_scenarios_and_tags(self):
        got = tempest_subprocess.run("""
            from cross_service_tempest_plugin.tests.scenario import (
                engine_test, test_floating_ip_dns, test_servers_dns,
                test_zone_pools)

            def attrs(cls, name):
                return sorted(getattr(getattr(cls, name),
                                      '__testtools_attrs'))

            fip = test_floating_ip_dns.FloatingIpDnsTest
            srv = test_servers_dns.ServersDnsTest
            pools = test_zone_pools.ZonePoolsTest
            result({
                'fip': list(fip.scenarios),
                'srv_attrs': [a for a in attrs(
                    srv, 'test_servers_ports_published_through_floating_ips')
                    if not a.startswith('id-')],
                'pools_attrs': [a for a in attrs(
                    pools, 'test_default_zone_not_served_by_second_pool')
                    if not a.startswith('id-')],
            })
        """, extra_conf=ALL_AVAILABLE)
        self.assertEqual({
            'fip': ['floating_ip_dns', 'floating_ip_no_zone'],
            # servers_dns requires nova and neutron: compute, network.
            'srv_attrs': ['compute', 'network', 'slow'],
            # zone_on_default_pool requires neutron, not nova.
            'pools_attrs': ['network', 'slow'],
        }, got)

    def test_run_scenario_without_a_decorator_says_how(self):
        got = tempest_subprocess.run("""
            from cross_service_tempest_plugin.tests.scenario import (
                engine_test)

            class T(engine_test.ScenarioEngineTest):
                def test_plain(self):
                    self.run_scenario()

            try:
                T('test_plain').test_plain()
            except TypeError as exc:
                result(str(exc))
        """, extra_conf=ALL_AVAILABLE)
        self.assertIn('decorate the test with @engine_test.scenario(NAME) '
                      'or pass the scenario name to run_scenario()', got)


class TestClientsAndConfig(testtools.TestCase):

    def test_scenario_clients(self):
        got = tempest_subprocess.run("""
            from tempest import clients
            from tempest.tests.lib import fake_credentials
            from cross_service_tempest_plugin.tests import base

            class T(base.CrossServiceScenarioTest):
                pass

            creds = fake_credentials.FakeKeystoneV3Credentials()
            T.os_primary = clients.Manager(creds)
            T.os_admin = clients.Manager(creds)
            T.setup_clients()
            names = ['stacks', 'resources', 'events', 'recordsets', 'zones',
                     'ports', 'floating_ips', 'admin_recordsets',
                     'admin_zones']
            result({owner: [type(getattr(c, n)).__name__ for n in names]
                    for owner, c in T.scenario_clients.items()})
        """, extra_conf=ALL_AVAILABLE)
        expected = ['StacksClient', 'ResourcesClient', 'EventsClient',
                    'RecordsetClient', 'ZonesClient', 'PortsClient',
                    'FloatingIPsClient', 'RecordsetClient', 'ZonesClient']
        self.assertEqual({'primary': expected, 'admin': expected}, got)

    def test_inconsistent_config_is_an_error(self):
        got = tempest_subprocess.run("""
            from tempest.lib import exceptions
            from cross_service_tempest_plugin.tests import base
            try:
                base.CrossServiceScenarioTest.resource_setup()
            except exceptions.InvalidConfiguration as exc:
                result(str(exc))
            else:
                result(None)
        """, extra_conf="""
            [cross_service]
            provider_network_type = flat
        """)
        self.assertIn('[cross_service] provider_physical_network is required '
                      'when provider_network_type = flat', got)


class TestCredentialsKeptOnLeftovers(testtools.TestCase):

    def test_clear_credentials_only_without_leftovers(self):
        got = tempest_subprocess.run("""
            import logging
            from cross_service_tempest_plugin.tests.scenario import (
                engine_test)

            cleared = []

            class Provider(object):
                def clear_creds(self):
                    cleared.append(True)

            class Creds(object):
                project_name, username = 'p-1', 'u-1'

            class Manager(object):
                credentials = Creds()

            logged = []

            class Handler(logging.Handler):
                def emit(self, record):
                    logged.append(record.getMessage())
            logging.getLogger(engine_test.__name__).addHandler(Handler())

            class T(engine_test.ScenarioEngineTest):
                _creds_provider = Provider()
                os_primary = Manager()

            class Run(object):
                label = 'cs-x'
                class result(object):
                    cleanup_errors = ['cleanup of stack cs-x-stack failed']

            T.clear_credentials()
            first = len(cleared)
            t = T('run_scenario')
            t._keep_credentials_if_leftovers(Run())
            T.clear_credentials()
            result({'first': first, 'then': len(cleared), 'log': logged})
        """, extra_conf=ALL_AVAILABLE)
        self.assertEqual(1, got['first'])
        self.assertEqual(1, got['then'])
        self.assertEqual(1, len(got['log']))
        self.assertIn('NOT clearing the credentials', got['log'][0])
        self.assertIn('primary: project p-1 user u-1', got['log'][0])
        self.assertIn('cleanup of stack cs-x-stack failed', got['log'][0])
