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

"""Scenario definitions: shipped files, merging, errors, templates."""

import os
import tempfile
import unittest

import yaml

from cross_service_tempest_plugin.scenarios import context as run_context
from cross_service_tempest_plugin.scenarios import errors
from cross_service_tempest_plugin.scenarios import loader
from cross_service_tempest_plugin.scenarios import placeholders
from cross_service_tempest_plugin.scenarios import schema
from cross_service_tempest_plugin.scenarios import templates

SHIPPED = ('dns_domain_keywords', 'floating_ip_dns', 'floating_ip_move',
           'floating_ip_no_zone', 'provider_port_dns', 'provider_port_rename',
           'servers_dns', 'zone_on_default_pool', 'zone_on_second_pool')


class TempFiles(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, 'w') as f:
            f.write(text)
        return path


class TestShipped(unittest.TestCase):

    def test_all_shipped_scenarios_load(self):
        self.assertEqual(list(SHIPPED), loader.load_catalog().names())

    def test_templates_exist_and_are_hot_2018_or_later(self):
        catalog = loader.load_catalog()
        for name in catalog.names():
            template = catalog.get(name)['stack']['template']
            templates.find_template(template)
        for fname, text in templates.template_files().items():
            data = yaml.safe_load(text)
            self.assertGreaterEqual(str(data['heat_template_version']),
                                    '2018-08-31', fname)
            self.assertTrue(data.get('description'), fname)

    def test_nested_template_types_are_shipped(self):
        files = templates.template_files()
        for fname, text in files.items():
            for res in (yaml.safe_load(text).get('resources') or {}).values():
                types = [res['type']]
                if res['type'] == 'OS::Heat::ResourceGroup':
                    types.append(res['properties']['resource_def']['type'])
                for t in types:
                    if t.endswith('.yaml'):
                        self.assertIn(t, files, fname)

    def test_no_removed_or_wrong_heat_properties(self):
        for fname, text in templates.template_files().items():
            for rname, res in (yaml.safe_load(text).get('resources')
                               or {}).items():
                self.assertNotEqual('OS::Designate::Domain', res['type'])
                if res['type'] == 'OS::Neutron::Port':
                    # Heat's Port has dns_name but no dns_domain.
                    self.assertNotIn('dns_domain', res['properties'],
                                     '%s %s' % (fname, rname))

    def test_every_placeholder_has_a_value(self):
        catalog = loader.load_catalog()
        context = {k: 'x' for k in run_context.PLACEHOLDERS}
        for name in catalog.names():
            d = catalog.get(name)
            placeholders.render(d.get('zone_name', ''), context, name)
            values = dict(context, **(d.get('vars') or {}))
            placeholders.render(d['stack']['parameters'], values, name)
            placeholders.render(d.get('update') or {}, values, name)
            for rec in d['records']:
                placeholders.render(rec, dict(values, label='l'), name)


class TestMerge(TempFiles):

    def test_user_file_wins_key_by_key(self):
        path = self.write('mine.yaml', """
scenarios:
  floating_ip_dns:
    vars:
      dns_name: other
""")
        catalog = loader.load_catalog([path])
        d = catalog.get('floating_ip_dns')
        self.assertEqual('other', d['vars']['dns_name'])
        # untouched keys kept, nested ones too
        self.assertEqual('10.251.0.0/24', d['vars']['cidr'])
        self.assertEqual('floating_ip.yaml', d['stack']['template'])
        self.assertEqual([f for f in loader.shipped_files()
                          if f.endswith('/floating_ip_dns.yaml')] + [path],
                         catalog.files_of('floating_ip_dns'))

    def test_later_user_file_wins_and_lists_replace(self):
        a = self.write('a.yaml', """
scenarios:
  servers_dns:
    vars: {server_count: 3}
    steps: [create_zone, deploy, delete, delete_zone]
""")
        b = self.write('b.yaml', """
scenarios:
  servers_dns:
    vars: {server_count: 4}
""")
        d = loader.load_catalog([a, b]).get('servers_dns')
        self.assertEqual(4, d['vars']['server_count'])
        self.assertEqual(['create_zone', 'deploy', 'delete', 'delete_zone'],
                         d['steps'])

    def test_new_scenario_from_user_file(self):
        path = self.write('new.yaml', """
scenarios:
  my_fip:
    description: mine
    stack:
      template: floating_ip.yaml
      parameters: {name_prefix: p, dns_name: a, dns_domain: "{zone_name}",
                   public_network: "{public_network_id}"}
    records:
      - {name: "a.{zone_name}", address_output: floating_ip}
    steps: [create_zone, deploy, check_api]
""")
        self.assertIn('my_fip', loader.load_catalog([path]).names())

    def test_unknown_key_names_key_and_file(self):
        path = self.write('bad.yaml', """
scenarios:
  floating_ip_dns:
    stack:
      tempalte: x.yaml
""")
        with self.assertRaises(errors.ScenarioError) as ctx:
            loader.load_catalog([path])
        self.assertIn(path, str(ctx.exception))
        self.assertIn('scenarios.floating_ip_dns.stack.tempalte',
                      str(ctx.exception))

    def test_known_bug_needs_summary_and_lingering(self):
        path = self.write('bug.yaml', """
scenarios:
  floating_ip_dns:
    known_bug:
      summary: something is wrong
""")
        with self.assertRaises(errors.ScenarioError) as ctx:
            loader.load_catalog([path])
        self.assertIn(path, str(ctx.exception))
        self.assertIn('scenarios.floating_ip_dns.known_bug: needs summary '
                      'and lingering', str(ctx.exception))

    def test_missing_key_names_key_and_file(self):
        path = self.write('incomplete.yaml', """
scenarios:
  half:
    description: no records
    stack: {template: zone.yaml}
    steps: [deploy]
""")
        with self.assertRaises(errors.ScenarioError) as ctx:
            loader.load_catalog([path])
        self.assertIn(path, str(ctx.exception))
        self.assertIn('scenarios.half.records: is missing',
                      str(ctx.exception))

    def test_wrong_type_unknown_action_duplicate_step(self):
        cases = {
            'vars: [1, 2]': 'key scenarios.floating_ip_dns.vars must be a '
                            'mapping',
            'steps: [deploy, explode]': "unknown action 'explode'",
            'steps: [deploy, deploy]': "duplicate step name 'deploy'",
            'credentials: root': 'credentials: must be one of',
            'pool: gold': 'scenarios.floating_ip_dns.pool: must be one of '
                          'default, second',
            # floating_ip_dns runs as primary: Designate lets only an
            # admin name a zone's pool
            'pool: second': 'pool: second needs credentials: admin',
        }
        for body, message in cases.items():
            path = self.write('t.yaml', 'scenarios:\n  floating_ip_dns:\n'
                              '    %s\n' % body)
            with self.assertRaises(errors.ScenarioError) as ctx:
                loader.load_catalog([path])
            self.assertIn(message, str(ctx.exception), body)

    def test_second_pool_needs_the_second_pool_requirement(self):
        path = self.write('t.yaml', 'scenarios:\n  provider_port_dns:\n'
                          '    pool: second\n')
        with self.assertRaises(errors.ScenarioError) as ctx:
            loader.load_catalog([path])
        self.assertIn('scenarios.provider_port_dns.requires: pool: second '
                      'needs the requirement second_pool', str(ctx.exception))

    def test_bad_files(self):
        missing = os.path.join(self.tmp.name, 'nope.yaml')
        self.assertRaisesRegex(errors.ScenarioError, 'nope.yaml: cannot be '
                               'read', loader.load_catalog, [missing])
        bad = self.write('bad.yaml', 'scenarios: [\n')
        self.assertRaisesRegex(errors.ScenarioError, 'not valid YAML',
                               loader.load_catalog, [bad])
        other = self.write('other.yaml', 'scenario: {}\n')
        self.assertRaisesRegex(errors.ScenarioError, "'scenarios' mapping",
                               loader.load_catalog, [other])

    def test_unknown_scenario_lists_available(self):
        with self.assertRaises(errors.UnknownScenario) as ctx:
            loader.load_catalog().get('nope')
        for name in SHIPPED:
            self.assertIn(name, str(ctx.exception))


class TestRender(unittest.TestCase):

    def test_whole_placeholder_keeps_type(self):
        self.assertEqual(2, placeholders.render('{n}', {'n': 2}, 'w'))
        self.assertEqual('a-2.z.', placeholders.render(
            'a-{n}.{z}', {'n': 2, 'z': 'z.'}, 'w'))
        self.assertEqual({'x': [3]}, placeholders.render({'x': ['{n}']},
                                                         {'n': 3}, 'w'))

    def test_missing_value_names_key_and_place(self):
        with self.assertRaises(errors.ScenarioError) as ctx:
            placeholders.render({'p': 'x-{zone}'}, {'zone_name': 'z'},
                                'scenarios.s.stack')
        self.assertIn('scenarios.s.stack.p: no value for {zone}',
                      str(ctx.exception))

    def test_parse_override(self):
        self.assertEqual(('server_count', 3),
                         placeholders.parse_override('server_count=3'))
        self.assertEqual(('dns_name', 'a=b'),
                         placeholders.parse_override('dns_name=a=b'))
        self.assertEqual(('check_reverse', False),
                         placeholders.parse_override('check_reverse=false'))
        self.assertRaisesRegex(errors.ScenarioError, 'expected KEY=VALUE',
                               placeholders.parse_override, 'novalue')

    def test_step_spec(self):
        self.assertEqual(('a', 'a'), schema.step_spec('a'))
        self.assertEqual(('x', 'check_api'), schema.step_spec(
            {'name': 'x', 'action': 'check_api'}))
        self.assertRaises(errors.ScenarioError, schema.step_spec, {'x': 1})


class TestBoundedInput(TempFiles):
    """Issue 22 #5: input that exhausts the machine is refused first."""

    def load(self, path):
        return loader.load_catalog([path])

    def test_alias_bomb(self):
        lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
        for i in range(1, 8):
            lines.append('a%d: &a%d [%s]' % (i, i, ', '.join(
                ['*a%d' % (i - 1)] * 10)))
        path = self.write('bomb.yaml', '\n'.join(lines) + '\n')
        self.assertRaisesRegex(errors.ScenarioError, 'stands for more than '
                               '200000 YAML nodes once its aliases are '
                               'expanded', self.load, path)

    def test_deep_nesting(self):
        path = self.write('deep.yaml', '[' * 5000 + ']' * 5000)
        self.assertRaisesRegex(errors.ScenarioError, 'nested deeper than 64 '
                               'levels', self.load, path)

    def test_fifo_and_device(self):
        fifo = os.path.join(self.tmp.name, 'fifo')
        os.mkfifo(fifo)
        self.assertRaisesRegex(errors.ScenarioError, r'not a regular file '
                               r'\(a FIFO\)', self.load, fifo)
        self.assertRaisesRegex(errors.ScenarioError, 'not a regular file '
                               r'\(a character device\)', self.load,
                               '/dev/zero')

    def test_size(self):
        path = self.write('big.yaml', 'a' * (4 * 1024 * 1024 + 1))
        self.assertRaisesRegex(errors.ScenarioError, 'larger than 4194304 '
                               'bytes', self.load, path)


class TestTemplateDir(TempFiles):

    def test_override_dir_wins_by_file_name(self):
        self.write('zone.yaml', 'heat_template_version: 2021-04-16\n')
        self.assertEqual(os.path.join(self.tmp.name, 'zone.yaml'),
                         templates.find_template('zone.yaml', self.tmp.name))
        files = templates.template_files(self.tmp.name)
        self.assertIn('2021-04-16', files['zone.yaml'])
        self.assertIn('servers.yaml', files)

    def test_only_referenced_files_go_to_heat(self):
        # issue 22 #4: every *.yaml of template_dir travelled with each
        # stack (a clouds.yaml with a password was stored in Heat)
        self.write('clouds.yaml', 'clouds: {x: {auth: {password: s3}}}\n')
        self.write('top.yaml', 'heat_template_version: 2021-04-16\n'
                   'resources:\n  a: {type: mid.yaml}\n'
                   '  b:\n    type: OS::Heat::Value\n'
                   '    properties: {value: {get_file: data.txt}}\n')
        self.write('mid.yaml', 'heat_template_version: 2021-04-16\n'
                   'resources:\n  c: {type: zone.yaml}\n')
        self.write('data.txt', 'hello\n')
        files = templates.referenced_files(
            os.path.join(self.tmp.name, 'top.yaml'), self.tmp.name)
        self.assertEqual({'mid.yaml', 'zone.yaml', 'data.txt'}, set(files))
        self.assertEqual('hello\n', files['data.txt'])
        # shipped templates: only their nested ones
        self.assertEqual({'tenant_topology.yaml', 'server_port.yaml'},
                         set(templates.referenced_files(
                             templates.find_template('servers.yaml'))))
        self.assertEqual(set(), set(templates.referenced_files(
            templates.find_template('floating_ip.yaml'))))

    def test_get_file_of_an_absolute_path_is_refused(self):
        self.write('top.yaml', 'heat_template_version: 2021-04-16\n'
                   'resources:\n  b:\n    type: OS::Heat::Value\n'
                   '    properties: {value: {get_file: /etc/passwd}}\n')
        self.assertRaisesRegex(
            errors.ScenarioError, "get_file '/etc/passwd': only a file name",
            templates.referenced_files, os.path.join(self.tmp.name,
                                                     'top.yaml'))

    def test_missing_template_named(self):
        self.assertRaisesRegex(errors.ScenarioError, "template 'x.yaml' not "
                               "found", templates.find_template, 'x.yaml')


class TestThresholds(TempFiles):

    def test_shipped_thresholds_are_valid(self):
        catalog = loader.load_catalog()
        self.assertIn({'metric': 'propagation', 'max': 15},
                      catalog.get('floating_ip_dns')['thresholds'])

    def test_bad_threshold_names_file_scenario_and_item(self):
        path = self.write('bad.yaml', """
scenarios:
  floating_ip_dns:
    thresholds:
      - {metric: propagation, max: 5}
      - {metric: propagaton, max: 5}
""")
        with self.assertRaises(errors.ScenarioError) as ctx:
            loader.load_catalog([path])
        msg = str(ctx.exception)
        self.assertIn(path, msg)
        self.assertIn('scenarios.floating_ip_dns: thresholds[1]: metric '
                      'must be one of', msg)

    def test_threshold_step_must_exist(self):
        path = self.write('bad.yaml', """
scenarios:
  floating_ip_dns:
    thresholds: [{metric: step_duration, step: deplyo, max: 60}]
""")
        with self.assertRaises(errors.ScenarioError) as ctx:
            loader.load_catalog([path])
        self.assertIn("thresholds[0]: no step 'deplyo'", str(ctx.exception))

    def test_thresholds_must_be_a_list(self):
        path = self.write('bad.yaml', """
scenarios:
  floating_ip_dns:
    thresholds: {metric: propagation, max: 5}
""")
        with self.assertRaises(errors.ScenarioError) as ctx:
            loader.load_catalog([path])
        self.assertIn('key scenarios.floating_ip_dns.thresholds must be a '
                      'list', str(ctx.exception))
