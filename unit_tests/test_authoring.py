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

"""The scenario template and ``cross-service-scenario new``."""

import importlib.util
import io
import os
import shutil
import subprocess
import sys
from unittest import mock
import uuid

import fixtures
import testtools
import yaml

from cross_service_tempest_plugin import authoring
from cross_service_tempest_plugin import cli
from cross_service_tempest_plugin.scenarios import loader
from cross_service_tempest_plugin.scenarios import templates
from cross_service_tempest_plugin.tests.scenario import engine_test

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    rc = cli.main(list(argv), stdout=out, stderr=err)
    return rc, out.getvalue(), err.getvalue()


def load_module(path):
    spec = importlib.util.spec_from_file_location(
        'generated_%s' % uuid.uuid4().hex, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _refuse_move(src, dst):
    raise PermissionError(13, 'Permission denied', dst)


class TestNewScenario(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.out = self.useFixture(fixtures.TempDir()).path
        # cookiecutter must neither prompt nor write into $HOME.
        self.home = self.useFixture(fixtures.TempDir()).path
        self.useFixture(fixtures.EnvironmentVariable('HOME', self.home))

    def test_each_base_loads_like_the_shipped_scenarios(self):
        for base in authoring.BASES:
            name = 'my_%s' % base
            gen = authoring.new_scenario(name, self.out, base=base)
            self.assertEqual('directory', gen.layout)
            self.assertEqual(
                [os.path.join(self.out, name, 'scenarios', name + '.yaml'),
                 os.path.join(self.out, name, 'templates', name + '.yaml'),
                 os.path.join(self.out, name, 'tests',
                              'test_%s.py' % name)], gen.files)
            # The loader's public function, with its validation.
            catalog = loader.load_catalog([gen.scenario_file])
            definition = catalog.get(name)
            self.assertEqual([gen.scenario_file], catalog.files_of(name))
            self.assertEqual('admin' if base == 'provider_port'
                             else 'primary', definition['credentials'])
            self.assertIn('create_zone', definition['steps'])
            self.assertIn('check_removed', definition['steps'])
            # The template resolves without template_dir, and every nested
            # type it uses is one of the packaged templates.
            path = templates.find_template(definition['stack']['template'])
            self.assertEqual(gen.template_file, path)
            with open(path) as f:
                hot = yaml.safe_load(f)
            nested = {r['type'] for r in hot['resources'].values()
                      if r['type'].endswith('.yaml')}
            nested |= {r['properties']['resource_def']['type']
                       for r in hot['resources'].values()
                       if r['type'] == 'OS::Heat::ResourceGroup'}
            self.assertTrue(nested)
            self.assertLessEqual(nested, set(templates.template_files()))
            # Every stack parameter the definition passes is declared.
            self.assertEqual(set(hot['parameters']),
                             set(definition['stack']['parameters']))
            # Every output a record/check reads exists.
            used = {r['address_output'] for r in definition['records']}
            used |= {r['label_output'] for r in definition['records']
                     if 'label_output' in r}
            for section in ('floating_ip', 'dns_assignment'):
                for key, value in definition.get(section, {}).items():
                    if key.endswith('_output'):
                        used.add(value)
            self.assertLessEqual(used, set(hot['outputs']))

    def test_test_class_is_thin_with_a_fresh_idempotent_id(self):
        ids = []
        for name in ('case_one', 'case_two'):
            gen = authoring.new_scenario(name, self.out, base='servers')
            module = load_module(gen.test_file)
            cls = getattr(module, name.title().replace('_', '') + 'Test')
            self.assertTrue(issubclass(cls, engine_test.ScenarioEngineTest))
            self.assertEqual((name,), cls.scenarios)
            attrs = getattr(getattr(cls, 'test_' + name), '__testtools_attrs')
            ids += [uuid.UUID(a[3:]) for a in attrs if a.startswith('id-')]
            self.assertIn('DNS Integration with an External Service',
                          cls.__doc__)
            self.assertIn('Use case 1: Floating IPs are published with '
                          'associated port DNS', ' '.join(
                              cls.__doc__.split()))
        self.assertEqual(2, len(set(ids)))
        self.assertEqual({4}, {i.version for i in ids})

    def test_generated_files_are_flake8_clean(self):
        files = []
        for base in authoring.BASES:
            files.append(authoring.new_scenario(
                'lint_%s' % base, self.out, base=base,
                description='A "quoted" text: with # and a long line that '
                            'has to be wrapped to stay within the limit of '
                            'seventy-nine columns.').test_file)
        proc = subprocess.run(
            [sys.executable, '-m', 'flake8'] + files, cwd=REPO,
            capture_output=True, text=True, timeout=120)
        self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)

    def test_inputs_reach_the_definition(self):
        gen = authoring.new_scenario(
            'custom', self.out, base='floating_ip', dns_name='www',
            description='My own  words\nhere.', credentials='admin')
        definition = loader.load_catalog([gen.scenario_file]).get('custom')
        self.assertEqual('www', definition['vars']['dns_name'])
        self.assertEqual('My own words here.',
                         definition['description'].strip())
        self.assertEqual('admin', definition['credentials'])

    def test_output_directory_made_when_missing(self):
        out = os.path.join(self.out, 'new', 'dir')
        rc, stdout, err = run_cli('new', 'fresh', '--output', out)
        self.assertEqual(0, rc, err)
        self.assertTrue(os.path.isfile(os.path.join(
            out, 'fresh', 'scenarios', 'fresh.yaml')), stdout)

    def test_output_directory_not_made_on_bad_input(self):
        out = os.path.join(self.out, 'never')
        rc, _, err = run_cli('new', 'x', '--base', 'router', '--output', out)
        self.assertEqual(2, rc)
        self.assertIn("--base 'router'", err)
        self.assertFalse(os.path.exists(out))

    def test_output_not_writable_is_an_error_not_a_traceback(self):
        ro = os.path.join(self.out, 'ro')
        os.makedirs(ro)
        os.chmod(ro, 0o555)
        self.addCleanup(os.chmod, ro, 0o755)
        if os.access(ro, os.W_OK):     # root ignores the mode
            self.useFixture(fixtures.MonkeyPatch(
                'cross_service_tempest_plugin.authoring.shutil.move',
                _refuse_move))
        rc, _, err = run_cli('new', 'fresh', '--output', ro)
        self.assertEqual(1, rc, err)
        self.assertIn('error: --output %s: cannot write' % ro, err)
        self.assertNotIn('Traceback', err)

    def test_into_a_plugin_tree(self):
        tree = self.out
        pkg = os.path.join(tree, 'cross_service_tempest_plugin')
        os.makedirs(pkg)
        for path in ('setup.cfg', os.path.join(
                'cross_service_tempest_plugin', 'plugin.py')):
            with open(os.path.join(tree, path), 'w') as f:
                f.write('')
        rc, out, err = run_cli('new', 'in_tree', '--base', 'provider_port',
                               '--output', tree)
        self.assertEqual(0, rc, err)
        expected = [os.path.join(pkg, 'scenarios', 'definitions',
                                 'in_tree.yaml'),
                    os.path.join(pkg, 'templates', 'in_tree.yaml'),
                    os.path.join(pkg, 'tests', 'scenario',
                                 'test_in_tree.py')]
        self.assertEqual(['wrote %s' % p for p in expected],
                         out.splitlines()[:3])
        self.assertFalse(os.path.exists(os.path.join(tree, 'in_tree')))
        # In the tree the template is found by name: in the package once
        # the tree is installed, here through template_dir.
        definition = loader.load_catalog(
            [expected[0]], os.path.join(pkg, 'templates')).get('in_tree')
        self.assertEqual('in_tree.yaml', definition['stack']['template'])
        self.assertEqual(expected[1], templates.find_template(
            'in_tree.yaml', os.path.join(pkg, 'templates')))
        rc, out, err = run_cli('new', 'in_tree', '--output', tree)
        self.assertEqual(2, rc)
        self.assertIn("NAME 'in_tree' already exists: %s" % expected[0],
                      err)

    def test_cli_writes_and_says_how_to_use_it(self):
        rc, out, err = run_cli('new', 'my_case', '--output', self.out)
        self.assertEqual(0, rc, err)
        scenario = os.path.join(self.out, 'my_case', 'scenarios',
                                'my_case.yaml')
        self.assertIn('wrote %s' % scenario, out)
        self.assertIn('cross-service-scenario run my_case --scenario-file '
                      '%s' % scenario, out)
        rc, out, err = run_cli('show', 'my_case', '--scenario-file',
                               scenario, '-f', 'yaml')
        self.assertEqual(0, rc, err)
        self.assertEqual([scenario], yaml.safe_load(out)['files'])
        rc, out, err = run_cli('new', 'my_case', '--output', self.out)
        self.assertEqual(2, rc)
        self.assertEqual("error: NAME 'my_case' already exists: %s\n"
                         % os.path.join(self.out, 'my_case'), err)

    def test_bad_input_exits_2_without_traceback(self):
        cases = [
            (['My-Case'], 'NAME \'My-Case\' is not usable: it must be a '
                          'Python identifier in lower case'),
            (['1case'], "NAME '1case' is not usable"),
            (['class'], "NAME 'class' is not usable"),
            (['a' * 33], 'is 33 characters long; use at most 32'),
            (['floating_ip_dns'], "NAME 'floating_ip_dns' already exists: "
                                  "a scenario of that name is defined in "),
            (['x', '--base', 'router'], "--base 'router': choose one of "
                                        "floating_ip, servers, "
                                        "provider_port"),
            (['x', '--base', 'provider_port', '--credentials', 'primary'],
             'only admin can create the provider network'),
            (['x', '--credentials', 'root'], "--credentials 'root'"),
            (['x', '--dns-name', 'a.b'], "--dns-name 'a.b' must be one DNS "
                                         "label"),
            (['x', '--description', 'a """ b'], '--description must be'),
        ]
        for args, message in cases:
            if '--output' not in args:
                args = args + ['--output', self.out]
            rc, out, err = run_cli('new', *args)
            self.assertEqual(2, rc, args)
            self.assertTrue(err.startswith('error: '), err)
            self.assertIn(message, err)
            self.assertNotIn('Traceback', err)
            self.assertEqual('', out)
        self.assertEqual([], os.listdir(self.out))

    def test_without_the_extra_it_names_the_extra(self):
        with mock.patch.dict(sys.modules, {'cookiecutter': None,
                                           'cookiecutter.main': None}):
            rc, out, err = run_cli('new', 'my_case', '--output', self.out)
        self.assertEqual(2, rc)
        self.assertEqual(
            "error: rendering templates needs the optional 'authoring' "
            "extra, which is not installed (missing module: cookiecutter); "
            "install it with: pip install "
            "'cross-service-tempest-plugin[authoring]'\n", err)
        self.assertEqual([], os.listdir(self.out))

    def test_byte_code_of_installed_templates_is_not_rendered(self):
        # pip compiles the .py files of installed data files.
        root = os.path.join(self.useFixture(fixtures.TempDir()).path, 'cc')
        shutil.copytree(authoring.template_root(), root)
        cache = os.path.join(root, 'tempest-plugin',
                             '{{cookiecutter.repo_name}}', '__pycache__')
        os.makedirs(cache)
        with open(os.path.join(cache, 'setup.cpython-311.pyc'), 'wb') as f:
            f.write(b'\x00')
        with mock.patch.object(authoring, 'template_root',
                               return_value=root):
            top = authoring.render_plugin(self.out, 'demo', 'DemoPlugin')
        found = [d for d, _, _ in os.walk(top) if '__pycache__' in d]
        self.assertEqual([], found)
        self.assertTrue(os.path.isfile(os.path.join(top, 'setup.py')))

    def test_nothing_written_to_home(self):
        authoring.new_scenario('quiet', self.out)
        self.assertEqual([], os.listdir(self.home))
