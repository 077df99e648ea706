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


"""Where a scenario's Heat template is found, and the files sent with it."""

import glob
import os

from cross_service_tempest_plugin.scenarios.errors import ScenarioError
from cross_service_tempest_plugin.scenarios import yaml_files

TEMPLATES_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)),
                             'templates')
DEFINITIONS_DIR = os.path.join(os.path.dirname(__file__), 'definitions')


def template_dirs(template_dir=None, scenario_file=None):
    """Where a template is looked for, in order.

    ``template_dir``, the directory of the scenario file that names it
    (not for the shipped ones), the packaged templates.
    """
    dirs = [template_dir]
    if scenario_file and os.path.dirname(
            os.path.abspath(scenario_file)) != DEFINITIONS_DIR:
        dirs.append(os.path.dirname(os.path.abspath(scenario_file)))
    dirs.append(TEMPLATES_DIR)
    return [d for d in dirs if d]


def find_template(name, template_dir=None, scenario_file=None):
    """Path of a template (looked for in :func:`template_dirs`).

    An absolute path stands for itself, a relative one may name a
    subdirectory (``../templates/x.yaml`` next to a scenario file).
    """
    dirs = template_dirs(template_dir, scenario_file)
    for base in dirs:
        path = os.path.join(base, name)
        if os.path.isfile(path) and not (scenario_file and os.path.samefile(
                path, scenario_file)):
            return path
    raise ScenarioError('template %r not found in %s' % (
        name, ' or '.join(dirs)))


def template_files(template_dir=None):
    """All templates by file name (checks of the shipped ones)."""
    files = {}
    for base in (TEMPLATES_DIR, template_dir):
        if base:
            for path in sorted(glob.glob(os.path.join(base, '*.yaml'))):
                with open(path) as f:
                    files[os.path.basename(path)] = f.read()
    return files


# A resource type naming a template file (nested stack), as Heat reads it.
NESTED_SUFFIXES = ('.yaml', '.yml', '.template')
MAX_FILES = 100


def references(hot):
    """File names a HOT template uses: ``get_file`` and nested types."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == 'get_file' and isinstance(value, str):
                    found.append(('get_file', value))
                elif key == 'type' and isinstance(value, str) and \
                        value.endswith(NESTED_SUFFIXES):
                    found.append(('template', value))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(hot.get('resources') or {})
    walk(hot.get('outputs') or {})
    return found


def referenced_files(path, template_dir=None):
    """{name: text} of the files the template at ``path`` references.

    What Heat needs in a stack's ``files`` and nothing else (a file that
    does not belong to the template would be stored in Heat's database
    and readable through the stack's files API): each ``get_file`` and
    each nested template type, nested templates searched recursively. A
    name is looked for as :func:`find_template` does (``template_dir``,
    the referencing template's directory, the packaged templates); an
    absolute path or a URL is refused.
    """
    files = {}
    todo = [path]
    seen = set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        hot = yaml_files.load_yaml_file(current, 'template')
        if not isinstance(hot, dict):
            continue
        for how, name in references(hot):
            if os.path.isabs(name) or '://' in name:
                raise ScenarioError(
                    'template %s: %s %r: only a file name next to the '
                    'template (or in template_dir) can be sent to Heat'
                    % (current, how, name))
            if name in files:
                continue
            found = find_template(name, template_dir, current)
            files[name] = yaml_files.read_text(found, 'template file',
                                               'a text file')
            if len(files) > MAX_FILES:
                raise ScenarioError('template %s references more than %d '
                                    'files' % (path, MAX_FILES))
            if how == 'template':
                todo.append(found)
    return files


def _dependencies(node, names):
    """Resources of ``names`` that ``node`` refers to (Heat's rules)."""
    found = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == 'get_resource' and isinstance(value, str):
                found.add(value)
            elif key == 'get_attr' and isinstance(value, list) and value \
                    and isinstance(value[0], str):
                found.add(value[0])
            found |= _dependencies(value, names)
    elif isinstance(node, list):
        for value in node:
            found |= _dependencies(value, names)
    return found & names


def leaves(hot):
    """Names of the resources of a HOT template that depend on none.

    Heat's convergence engine starts these first and sleeps 1 s after
    each one it starts (``Stack.converge_stack``, "Sleep between
    check_resource calls", Heat bug 1566845): a template with N leaves
    starts its last one N - 1 s late, however fast its creation.  The
    shipped templates keep to one (``depends_on`` where nothing else
    orders them).
    """
    resources = hot.get('resources') or {}
    names = set(resources)
    out = []
    for name, res in resources.items():
        res = res or {}
        deps = _dependencies(res.get('properties') or {}, names)
        after = res.get('depends_on') or []
        deps |= set([after] if isinstance(after, str) else after) & names
        if not deps - {name}:
            out.append(name)
    return sorted(out)
