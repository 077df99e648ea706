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

"""No dead code or drift: private names used; no stale zone sentence.

A module-level private name (an assignment, function or class) that its
own module never reads is dead code (e.g. the lock ``database._MARKERS``
that nothing took); flake8 does not see it.
"""

import ast
import os

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ('constellation', 'cross_service_tempest_plugin',
            'cross_service_settings')


def _modules():
    for package in PACKAGES:
        for root, _dirs, files in os.walk(os.path.join(REPO, package)):
            for name in sorted(files):
                if name.endswith('.py'):
                    yield os.path.relpath(os.path.join(root, name), REPO)


def dead_names(source):
    """Module-level ``_names`` that ``source`` never reads."""
    tree = ast.parse(source)
    defined = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                             ast.ClassDef)):
            defined.append(node.name)
        elif isinstance(node, ast.Assign):
            defined += [t.id for t in node.targets
                        if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target,
                                                            ast.Name):
            defined.append(node.target.id)
    read = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            read.add(node.id)
        elif isinstance(node, ast.Attribute):
            read.add(node.attr)
    return [name for name in defined if name.startswith('_') and
            not name.startswith('__') and name not in read]


def test_the_check_finds_a_dead_name():
    assert dead_names('import threading\n_LOCK = threading.Lock()\n'
                      '_USED = 1\n\n\ndef f():\n    return _USED\n') == \
        ['_LOCK']


@pytest.mark.parametrize('path', list(_modules()))
def test_no_dead_private_name(path):
    with open(os.path.join(REPO, path)) as f:
        assert dead_names(f.read()) == [], path


def _texts():
    yield 'README.rst'
    yield os.path.join('cross_service_tempest_plugin', 'config.py')
    docs = os.path.join(REPO, 'doc', 'source')
    for top, _dirs, names in sorted(os.walk(docs)):
        for name in sorted(names):
            if name.endswith('.rst'):
                yield os.path.relpath(os.path.join(top, name), REPO)


@pytest.mark.parametrize('path', list(_texts()))
def test_zones_are_said_to_be_per_run(path):
    # each scenario run creates its zone, not each test class
    with open(os.path.join(REPO, path)) as f:
        text = ' '.join(f.read().split())
    assert 'test class creates' not in text, path
