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

"""The constellation's CLI imports the standard library only.

It runs on the system python: it installs the services venv and must still
stop what runs (down, destroy, status) when that venv is missing or broken.
Every module it imports, found by reading the imports (also those inside
functions), may import nothing else; the hand-written stand-ins for a
library say in their docstring which library and why not.
"""

import ast
import importlib
import os
import sys

import pytest

# the directory holding the package
REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
OURS = ('constellation',)
# module -> the library of the services venv it stands in for
STAND_INS = {
    'constellation.supervisor': 'supervisor.xmlrpc',
    'constellation.rest': 'keystoneauth1',
    'constellation.procs': 'psutil',
    'constellation.poll': 'tenacity',
    'constellation.lifecycle': 'prettytable',
}


def _file(name):
    base = os.path.join(REPO, *name.split('.'))
    for path in (base + '.py', os.path.join(base, '__init__.py')):
        if os.path.isfile(path):
            return path
    return None


def _imports(path, module):
    for node in ast.walk(ast.parse(open(path).read(), path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                pkg = module.rsplit('.', node.level)[0]
                base = pkg + ('.' + node.module if node.module else '')
            else:
                base = node.module
            yield base, node.lineno
            for alias in node.names:
                yield base + '.' + alias.name, node.lineno


def cli_closure(roots=('constellation.cli', 'constellation.__main__')):
    """{module: path} reachable from the CLI, and the foreign imports."""
    seen, foreign, todo = {}, [], list(roots)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen[module] = path = _file(module)
        for name, line in _imports(path, module):
            top = name.split('.')[0]
            if top in OURS:
                if _file(name) and name not in seen:
                    todo.append(name)
            elif top not in sys.stdlib_module_names:
                foreign.append('%s:%d imports %s' % (
                    os.path.relpath(path, REPO), line, name))
    return seen, foreign


def test_cli_imports_only_the_standard_library():
    seen, foreign = cli_closure()
    # the walk found the CLI's real dependencies
    for module in ('constellation.core', 'constellation.bootstrap',
                   'constellation.service_settings') + tuple(STAND_INS):
        assert module in seen
    assert foreign == []


def test_walk_sees_an_import_inside_a_function(tmp_path):
    path = tmp_path / 'm.py'
    path.write_text('import os\n\ndef f():\n    import psutil\n')
    names = [n for n, _l in _imports(str(path), 'constellation.m')]
    assert names == ['os', 'psutil']


@pytest.mark.parametrize('module', sorted(STAND_INS))
def test_stand_in_says_why_in_one_line(module):
    doc = importlib.import_module(module).__doc__
    why = [line for line in doc.splitlines()
           if line.startswith('Stdlib, not %s: ' % STAND_INS[module])]
    assert len(why) == 1, doc
