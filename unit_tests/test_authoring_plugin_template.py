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

"""cookiecutter/tempest-plugin: this repository is its own output.

Rendered with repo_name=cross_service and testclass=CrossServiceTempestPlugin
every generated path exists here, and the class, option group and entry
points agree with pyproject.toml and setup.cfg. Rendered with other names
it installs into a fresh venv next to Tempest and shows up in
``tempest list-plugins``.
"""

import ast
import configparser
import os
import subprocess
import sys
import time
import tomllib

import fixtures
import testtools

from tempest.test_discover import plugins

from cross_service_tempest_plugin import authoring
from cross_service_tempest_plugin import config as cs_config
from cross_service_tempest_plugin import plugin

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONSTRAINTS = os.path.join(REPO, 'constraints', 'plugin.txt')
HOOKS = ('load_tests', 'register_opts', 'get_opt_lists',
         'get_service_clients')


def setup_cfg(path):
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(path, 'setup.cfg'))
    return cfg


def pyproject(path):
    with open(os.path.join(path, 'pyproject.toml'), 'rb') as f:
        return tomllib.load(f)


def entry_points(project, group):
    return sorted('%s = %s' % item for item in
                  project['project']['entry-points'][group].items())


def rendered_files(top):
    for dirpath, _, files in os.walk(top):
        for name in files:
            yield os.path.relpath(os.path.join(dirpath, name), top)


class TestTemplateIsThisRepository(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.EnvironmentVariable(
            'HOME', self.useFixture(fixtures.TempDir()).path))
        self.top = authoring.render_plugin(
            self.useFixture(fixtures.TempDir()).path, 'cross_service',
            'CrossServiceTempestPlugin')

    def test_every_generated_path_exists_here(self):
        files = sorted(rendered_files(self.top))
        self.assertIn(os.path.join('cross_service_tempest_plugin',
                                   'plugin.py'), files)
        self.assertGreaterEqual(len(files), 13)
        missing = [f for f in files
                   if not os.path.isfile(os.path.join(REPO, f))]
        self.assertEqual([], missing)

    def test_entry_points_and_packages_agree_with_ours(self):
        ours, rendered = pyproject(REPO), pyproject(self.top)
        for group in ('tempest.test_plugins', 'oslo.config.opts'):
            self.assertEqual(entry_points(ours, group),
                             entry_points(rendered, group))
        self.assertEqual(
            ['cross_service = cross_service_tempest_plugin.plugin:'
             'CrossServiceTempestPlugin'],
            entry_points(rendered, 'tempest.test_plugins'))
        for key in ('license', 'requires-python', 'dynamic'):
            self.assertEqual(ours['project'][key],
                             rendered['project'][key], key)
        self.assertEqual(ours['build-system'], rendered['build-system'])
        self.assertEqual(ours['tool'], rendered['tool'])
        self.assertEqual(setup_cfg(REPO)['files']['packages'].split(),
                         setup_cfg(self.top)['files']['packages'].split())

    def test_class_group_and_hooks_agree(self):
        pkg = os.path.join(self.top, 'cross_service_tempest_plugin')
        with open(os.path.join(pkg, 'plugin.py')) as f:
            tree = ast.parse(f.read())
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
        self.assertEqual(['CrossServiceTempestPlugin'],
                         [c.name for c in classes])
        self.assertEqual(set(HOOKS), {n.name for n in classes[0].body
                                      if isinstance(n, ast.FunctionDef)})
        cls = plugin.CrossServiceTempestPlugin
        self.assertTrue(issubclass(cls, plugins.TempestPlugin))
        for hook in HOOKS:
            self.assertIn(hook, vars(cls))
        with open(os.path.join(pkg, 'config.py')) as f:
            names = {t.id for n in ast.parse(f.read()).body
                     if isinstance(n, ast.Assign) for t in n.targets}
        self.assertEqual({'cross_service_group', 'CrossServiceGroup'}, names)
        self.assertEqual('cross_service', cs_config.cross_service_group.name)
        self.assertTrue(cs_config.CrossServiceGroup)


class TestOtherNamesInstallNextToTempest(testtools.TestCase):
    """A fresh venv, Tempest and the rendered plugin, pinned (~20-60 s).

    pip's cache makes it quick where the unit venv was built; nothing of
    the unit venv is shared (no --system-site-packages, no --no-deps).
    """

    def test_storage_backup_shows_in_tempest_list_plugins(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        top = authoring.render_plugin(tmp, 'storage_backup',
                                      'StorageBackupTempestPlugin',
                                      project='Storage Backup')
        venv = os.path.join(tmp, 'venv')
        start = time.monotonic()
        subprocess.run([sys.executable, '-m', 'venv', venv], check=True,
                       timeout=120)
        python = os.path.join(venv, 'bin', 'python')
        # Not a git checkout: pbr takes the version from the environment.
        env = dict(os.environ, PBR_VERSION='0.1.0',
                   PIP_DISABLE_PIP_VERSION_CHECK='1')
        proc = subprocess.run(
            [python, '-m', 'pip', 'install', '-q', '-c', CONSTRAINTS,
             'tempest', top], env=env, capture_output=True, text=True,
            timeout=900)
        self.assertEqual(0, proc.returncode, proc.stderr[-3000:])
        out = subprocess.run(
            [os.path.join(venv, 'bin', 'tempest'), 'list-plugins'],
            capture_output=True, text=True, timeout=120, check=True).stdout
        rows = [[c.strip() for c in line.split('|')[1:-1]]
                for line in out.splitlines() if line.startswith('|')]
        self.assertIn(['storage_backup', 'storage_backup_tempest_plugin.'
                       'plugin:StorageBackupTempestPlugin'], rows)
        # Only Tempest's own plugins could be there besides ours.
        self.assertNotIn('cross_service', [r[0] for r in rows])
        sys.stderr.write('fresh venv + tempest + storage_backup plugin: '
                         '%.0f s\n' % (time.monotonic() - start))
