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

"""[cross_service] options: registration, checks, sample config."""

import os
import subprocess
import tempfile
import types

from oslo_config import cfg
import testtools

from cross_service_tempest_plugin import config as cs_config
from cross_service_tempest_plugin import plugin
from unit_tests import tempest_subprocess

OPTION_NAMES = [
    'zone_email', 'zone_ttl', 'zone_suffix', 'record_timeout',
    'record_interval', 'stack_interval', 'check_nameservers',
    'guest_http_hostname', 'check_reverse',
    'provider_network_type', 'provider_physical_network',
    'provider_segmentation_id', 'provider_cidr', 'provider_ipv6_cidr',
    'published_cidr', 'second_pool_id', 'second_pool_nameservers',
    'template_dir', 'cleanup_timeout', 'results_dir', 'scenario_files',
    'fixed_known_bugs']


class ConfTestCase(testtools.TestCase):
    """A private ConfigOpts with the plugin's options, read from a file."""

    def load(self, body=''):
        conf = cfg.ConfigOpts()
        plugin.CrossServiceTempestPlugin().register_opts(conf)
        tmp = self.useFixture_tempdir()
        path = os.path.join(tmp, 'tempest.conf')
        with open(path, 'w') as f:
            f.write('[cross_service]\n' + body)
        conf(args=[], default_config_files=[path])
        return conf

    def useFixture_tempdir(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        return tmp.name

    def assertBadValue(self, body, option, reason):
        conf = self.load(body)
        exc = self.assertRaises(cfg.ConfigFileValueError, getattr,
                                conf.cross_service, option)
        self.assertIn(option, str(exc))
        self.assertIn(reason, str(exc))


class TestOptions(ConfTestCase):

    def test_all_options_registered_with_help(self):
        names = [opt.name for opt in cs_config.CrossServiceGroup]
        self.assertEqual(OPTION_NAMES, names)
        for opt in cs_config.CrossServiceGroup:
            self.assertTrue(opt.help, opt.name)

    def test_defaults_are_valid_and_consistent(self):
        conf = self.load()
        opts = conf.cross_service
        self.assertEqual('cross-service.test.', opts.zone_suffix)
        self.assertEqual('hostmaster@cross-service.test', opts.zone_email)
        self.assertEqual('203.0.113.0/24', opts.provider_cidr)
        self.assertEqual('2001:db8:5e00::/64', opts.provider_ipv6_cidr)
        self.assertIsNone(opts.provider_network_type)
        self.assertTrue(opts.check_nameservers)
        self.assertEqual([], cs_config.validate(conf))

    def test_good_values(self):
        conf = self.load('zone_suffix = Example.ORG.\n'
                         'zone_email = dns-admin@example.org\n'
                         'provider_cidr = 198.51.100.0/28\n'
                         'provider_ipv6_cidr = 2001:DB8:1::/64\n'
                         'record_interval = 0.5\n')
        self.assertEqual('example.org.', conf.cross_service.zone_suffix)
        self.assertEqual('2001:db8:1::/64',
                         conf.cross_service.provider_ipv6_cidr)
        self.assertEqual(0.5, conf.cross_service.record_interval)

    def test_zone_suffix_needs_trailing_dot(self):
        self.assertBadValue('zone_suffix = example.org\n', 'zone_suffix',
                            "must end with '.'")

    def test_zone_suffix_bad_label(self):
        self.assertBadValue('zone_suffix = ex_ample..org.\n', 'zone_suffix',
                            'dot-separated DNS labels')
        self.assertBadValue('zone_suffix = -a.org.\n', 'zone_suffix',
                            'dot-separated DNS labels')

    def test_zone_suffix_too_long(self):
        long_suffix = '.'.join(['a' * 60] * 4) + '.'
        self.assertBadValue('zone_suffix = %s\n' % long_suffix,
                            'zone_suffix', 'within 253 characters')

    def test_zone_email(self):
        self.assertBadValue('zone_email = hostmaster\n', 'zone_email',
                            'must be an e-mail address')
        self.assertBadValue('zone_email = a@localhost\n', 'zone_email',
                            'must be an e-mail address')

    def test_provider_cidr(self):
        self.assertBadValue('provider_cidr = 2001:db8::/64\n',
                            'provider_cidr', 'must be an IPv4 CIDR')
        self.assertBadValue('provider_cidr = 203.0.113.5/24\n',
                            'provider_cidr', 'host bits set')
        self.assertBadValue('provider_cidr = 203.0.113.0/30\n',
                            'provider_cidr', 'too small')
        self.assertBadValue('provider_ipv6_cidr = 10.0.0.0/24\n',
                            'provider_ipv6_cidr', 'must be an IPv6 CIDR')

    def test_numeric_bounds(self):
        conf = self.load('record_timeout = 0\n')
        exc = self.assertRaises(cfg.ConfigFileValueError, getattr,
                                conf.cross_service, 'record_timeout')
        self.assertIn('record_timeout', str(exc))
        conf = self.load('provider_network_type = vlan-x\n')
        exc = self.assertRaises(cfg.ConfigFileValueError, getattr,
                                conf.cross_service, 'provider_network_type')
        self.assertIn('provider_network_type', str(exc))


class TestValidate(ConfTestCase):

    def problems(self, body):
        return cs_config.validate(self.load(body))

    def test_vlan_needs_physnet(self):
        self.assertEqual(
            ['[cross_service] provider_physical_network is required when '
             'provider_network_type = vlan'],
            self.problems('provider_network_type = vlan\n'))

    def test_second_pool_needs_its_nameservers(self):
        self.assertEqual(
            ['[cross_service] second_pool_nameservers is required when '
             'second_pool_id is set (p2) and check_nameservers is True: '
             "the pool-routing scenarios query that pool's nameservers"],
            self.problems('second_pool_id = p2\n'))
        self.assertEqual([], self.problems(
            'second_pool_id = p2\nsecond_pool_nameservers = 127.0.0.1:53\n'))
        self.assertEqual([], self.problems(
            'second_pool_id = p2\ncheck_nameservers = False\n'))

    def test_vlan_id_range(self):
        self.assertEqual(
            ['[cross_service] provider_segmentation_id must be a VLAN id '
             '1-4094 when provider_network_type = vlan (got 5000)'],
            self.problems('provider_network_type = vlan\n'
                          'provider_physical_network = physnet1\n'
                          'provider_segmentation_id = 5000\n'))

    def test_flat_has_no_segmentation_id(self):
        self.assertEqual(
            ['[cross_service] provider_segmentation_id must be unset when '
             'provider_network_type = flat (got 7)'],
            self.problems('provider_network_type = flat\n'
                          'provider_physical_network = physnet1\n'
                          'provider_segmentation_id = 7\n'))

    def test_tunnel_has_no_physnet(self):
        self.assertEqual(
            ["[cross_service] provider_physical_network must be unset when "
             "provider_network_type = vxlan (got 'physnet1')"],
            self.problems('provider_network_type = vxlan\n'
                          'provider_physical_network = physnet1\n'))

    def test_interval_below_timeout(self):
        self.assertEqual(
            ['[cross_service] record_interval (10.0 s) must be smaller than '
             'record_timeout (5 s)'],
            self.problems('record_interval = 10\nrecord_timeout = 5\n'))

    def test_stack_interval_below_heat_build_timeout(self):
        conf = self.load('stack_interval = 30\n')
        self.assertEqual(30.0, conf.cross_service.stack_interval)
        with_heat = types.SimpleNamespace(
            cross_service=conf.cross_service,
            heat_plugin=types.SimpleNamespace(build_timeout=20))
        self.assertEqual(
            ['[cross_service] stack_interval (30.0 s) must be smaller than '
             '[heat_plugin] build_timeout (20 s)'],
            cs_config.validate(with_heat))
        with_heat.heat_plugin.build_timeout = 300
        self.assertEqual([], cs_config.validate(with_heat))
        # unset: the engine polls at [heat_plugin] build_interval
        self.assertIsNone(self.load('').cross_service.stack_interval)

    def test_paths_must_exist(self):
        problems = self.problems('template_dir = /nonexistent/tpl\n'
                                 'scenario_files = /nonexistent/a.yaml\n')
        self.assertEqual(
            ["[cross_service] template_dir '/nonexistent/tpl' is not a "
             "directory",
             "[cross_service] scenario_files: '/nonexistent/a.yaml' is not "
             "a file"], problems)

    def test_results_dir_must_be_a_directory(self):
        with tempfile.NamedTemporaryFile() as f:
            self.assertEqual(
                ["[cross_service] results_dir %r is not a writable "
                 "directory" % f.name],
                self.problems('results_dir = %s\n' % f.name))
        # Not there yet: created by the first run.
        self.assertEqual([], self.problems('results_dir = /nonexistent/r\n'))

    def test_valid_vlan(self):
        self.assertEqual([], self.problems(
            'provider_network_type = vlan\n'
            'provider_physical_network = physnet1\n'
            'provider_segmentation_id = 1234\n'))


class TestSampleConfig(testtools.TestCase):

    def generate(self, namespace):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'sample.conf')
            subprocess.run(
                [tempest_subprocess.venv_command('oslo-config-generator'),
                 '--namespace', namespace, '--output-file', out],
                check=True, capture_output=True, timeout=120)
            with open(out) as f:
                return f.read()

    def test_plugin_namespace(self):
        sample = self.generate('cross_service_tempest_plugin')
        self.assertIn('[cross_service]', sample)
        for name in OPTION_NAMES:
            self.assertIn('\n#%s =' % name, sample)
        self.assertIn('#zone_suffix = cross-service.test.', sample)
        self.assertIn('# Parent domain of the test zones', sample)

    def test_tempest_namespace_includes_plugin(self):
        # What `tempest init` and tempest's own sample config use.
        sample = self.generate('tempest.config')
        self.assertIn('[cross_service]', sample)
        self.assertIn('#zone_email = hostmaster@cross-service.test', sample)


class TestStackInterval(testtools.TestCase):
    """The engine's stack poll interval, read through Tempest's CONF.

    [cross_service] stack_interval, else [heat_plugin] build_interval.
    """

    SNIPPET = '''
        from tempest import config
        from cross_service_tempest_plugin.scenarios import settings
        result(settings.Settings.from_conf(config.CONF).stack_interval)
    '''

    def test_own_option_wins(self):
        self.assertEqual(0.5, tempest_subprocess.run(self.SNIPPET, """
            [heat_plugin]
            build_interval = 3
            [cross_service]
            stack_interval = 0.5
        """))

    def test_unset_falls_back_to_heat_build_interval(self):
        self.assertEqual(3, tempest_subprocess.run(self.SNIPPET, """
            [heat_plugin]
            build_interval = 3
        """))
