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

"""Checks of a merged scenario definition, made when it is loaded.

Everything a run would otherwise find out only after its zone stack
exists: required keys, known requirements, step actions and the sections
they read, the template (found; the parameters the definition passes are
those it declares) and a value for every ``{placeholder}``. Each error
names the file(s), the key path and what is wrong.
"""

import os
import re

from cross_service_tempest_plugin.scenarios import actions
from cross_service_tempest_plugin.scenarios import context
from cross_service_tempest_plugin.scenarios import errors
from cross_service_tempest_plugin.scenarios import placeholders
from cross_service_tempest_plugin.scenarios import schema
from cross_service_tempest_plugin.scenarios import settings
from cross_service_tempest_plugin.scenarios import stacks
from cross_service_tempest_plugin.scenarios import templates
from cross_service_tempest_plugin.scenarios import yaml_files

ScenarioError = errors.ScenarioError


def check(name, definition, files, template_file=None, template_dir=None):
    """Check one merged definition; raise ScenarioError on the first error.

    ``files``: the files it came from (for messages); ``template_file``:
    the one that named ``stack.template`` (a relative template is looked
    for next to it). A template found there is replaced by its absolute
    path, so that runs find it whatever the working directory.
    """
    def fail(key, problem):
        raise ScenarioError('%s: scenarios.%s%s: %s' % (
            files, name, '.' + key if key else '', problem))

    for key in schema.REQUIRED_KEYS:
        if definition.get(key) in (None, '', [], {}):
            fail(key, 'is missing')
    _check_basics(definition, fail)
    _check_steps(definition, fail)
    _check_template(definition, fail, template_file, template_dir)
    _check_placeholders(definition, fail)


def _check_basics(definition, fail):
    creds = definition.get('credentials', 'primary')
    if creds not in schema.CREDENTIALS:
        fail('credentials', 'must be one of %s, got %r'
             % (', '.join(schema.CREDENTIALS), creds))
    pool = definition.get('pool', 'default')
    if pool not in schema.POOLS:
        fail('pool', 'must be one of %s, got %r'
             % (', '.join(schema.POOLS), pool))
    if pool == 'second' and creds != 'admin':
        fail('pool', "second needs credentials: admin (Designate's policy "
             'zone_create_forced_pool: a zone names its pool_id as admin)')
    if pool == 'second' and 'second_pool' not in (
            definition.get('requires') or []):
        fail('requires', 'pool: second needs the requirement second_pool')
    for i, req in enumerate(definition.get('requires') or []):
        if req not in settings.REQUIREMENTS:
            fail('requires[%d]' % i, 'unknown requirement %r (known: %s)'
                 % (req, ', '.join(settings.REQUIREMENTS)))
    bug = definition.get('known_bug')
    if bug is not None and (not bug.get('summary') or
                            not bug.get('lingering')):
        fail('known_bug', 'needs summary and lingering')
    for i, rec in enumerate(definition['records']):
        for key in ('name', 'address_output'):
            if not rec.get(key):
                fail('records[%d]' % i, 'needs %s (has: %s)'
                     % (key, ', '.join(sorted(rec)) or 'nothing'))


def _check_steps(definition, fail):
    seen = set()
    known = actions.names()
    for i, step in enumerate(definition['steps']):
        step_name, action = schema.step_spec(step)
        where = 'steps[%d]' % i
        if action not in known:
            fail(where, 'unknown action %r (known: %s)'
                 % (action, ', '.join(known)))
        if step_name in seen:
            fail(where, 'duplicate step name %r' % step_name)
        seen.add(step_name)
        if action == 'create_zone' and definition.get('zone') is False:
            fail(where, 'create_zone, but the scenario says zone: false')
        section = actions.NEEDS.get(action)
        if section:
            spec = definition.get(section) or {}
            want = sorted(schema.SCENARIO_SCHEMA[section])
            missing = [k for k in want if spec.get(k) in (None, '')]
            if missing:
                fail(section, 'the step %s (action %s) needs this section '
                     'with %s; missing: %s' % (
                         step_name, action, ', '.join(want),
                         ', '.join(missing)))


def _check_template(definition, fail, template_file, template_dir):
    stack = definition['stack']
    name = stack.get('template')
    if not name:
        fail('stack.template', 'is missing')
    try:
        path = templates.find_template(name, template_dir, template_file)
    except ScenarioError as exc:
        fail('stack.template', exc)
    if (template_file and not os.path.isabs(name) and
            os.path.dirname(path) not in (template_dir,
                                          templates.TEMPLATES_DIR)):
        stack['template'] = os.path.abspath(path)
    hot = yaml_files.load_yaml_file(path, 'template')
    if not isinstance(hot, dict) or 'heat_template_version' not in hot:
        fail('stack.template', '%s is not a HOT template (no '
             'heat_template_version)' % path)
    try:        # what the stack will send with it is there
        templates.referenced_files(path, template_dir)
    except ScenarioError as exc:
        fail('stack.template', exc)
    declared = hot.get('parameters') or {}
    given = stack.get('parameters') or {}
    for key in given:
        if key not in declared:
            fail('stack.parameters.%s' % key, 'the template %s has no '
                 'parameter %r (parameters: %s)' % (
                     path, key, ', '.join(sorted(declared)) or 'none'))
    for key, spec in sorted(declared.items()):
        if key not in given and 'default' not in (spec or {}):
            fail('stack.parameters', 'the template %s needs parameter %r '
                 '(it has no default)' % (path, key))


def _placeholders(text):
    """Names of the ``{placeholders}`` in ``text``; ValueError if bad."""
    names = []
    for _literal, field, spec, _conv in placeholders._FORMATTER.parse(text):
        if field is None:
            continue
        base = re.split(r'[.\[]', field, maxsplit=1)[0]
        if not base or base.isdigit():
            raise ValueError('{%s}: a placeholder needs a name' % field)
        names.append(base)
        if spec:
            names += _placeholders(spec)
    return names


def _strings(value, where):
    """(key path, string) for every string in ``value`` (recursively)."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, '%s[%d]' % (where, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, '%s.%s' % (where, key))


def _check_placeholders(definition, fail):
    known = set(definition.get('vars') or {}) | set(context.PLACEHOLDERS)
    update = (definition.get('update') or {}).get('vars') or {}
    for key in update:
        if key not in known:
            fail('update.vars.%s' % key, 'not a var of this scenario (vars: '
                 '%s)' % ', '.join(sorted(definition.get('vars') or {})))
    targets = [('stack.parameters', definition['stack'].get('parameters'),
                known),
               ('update.vars', update, known)]
    for i, rec in enumerate(definition['records']):
        targets.append(('records[%d].name' % i, rec.get('name'),
                        known | ({'label'} if rec.get('label_output')
                                 else set())))
        targets.append(('records[%d].zone' % i, rec.get('zone'), known))
    for section in ('dns_assignment', 'floating_ip'):
        targets.append((section, definition.get(section), known))
    for where, value, names in targets:
        for key, text in _strings(value, where):
            try:
                used = _placeholders(text)
            except ValueError as exc:
                fail(key, 'bad placeholder in %r: %s' % (text, exc))
            for used_name in used:
                if used_name not in names:
                    fail(key, 'no value for {%s} in %r (known: %s)' % (
                        used_name, text, ', '.join(sorted(names))))


_BOOLEANS = ('true', 'false', 'yes', 'no', 'on', 'off', 't', 'f', '1', '0')


def parameter_problem(value, spec):
    """What is wrong with a stack parameter value, or None.

    ``spec``: the template's declaration (type number/boolean, range,
    allowed_values); the value is the one Heat gets (a string, see
    heat_parameters).
    """
    kind = (spec or {}).get('type', 'string')
    if kind == 'number':
        try:
            number = float(value)
        except ValueError:
            return 'must be a number, got %r' % value
    elif kind == 'boolean' and value.lower() not in _BOOLEANS:
        return 'must be a boolean (true/false), got %r' % value
    for constraint in (spec or {}).get('constraints') or []:
        allowed = constraint.get('allowed_values')
        if allowed is not None and value not in [str(a) for a in allowed]:
            return 'must be one of %s, got %r' % (
                ', '.join(str(a) for a in allowed), value)
        bounds = constraint.get('range')
        if bounds and kind == 'number':
            if 'min' in bounds and number < bounds['min']:
                return 'must be >= %s, got %s' % (bounds['min'], value)
            if 'max' in bounds and number > bounds['max']:
                return 'must be <= %s, got %s' % (bounds['max'], value)
    return None


def check_parameters(definition, values, template_dir, where):
    """Check the stack parameters a run would pass, before any stack.

    ``values``: the run's placeholder values (vars, overrides, config);
    ``where(placeholder)`` names an overridden placeholder's origin (or
    None). Checked as deployed and as after the ``update`` section.
    """
    path = templates.find_template(definition['stack']['template'],
                                   template_dir)
    declared = yaml_files.load_yaml_file(path, 'template').get(
        'parameters') or {}
    raw = definition['stack'].get('parameters') or {}
    update = (definition.get('update') or {}).get('vars') or {}
    phases = [('', values)]
    if update:
        phases.append((' after the update', dict(values, **placeholders.render(
            update, values, 'update.vars'))))
    for phase, phase_values in phases:
        params = stacks.heat_parameters(placeholders.render(
            raw, phase_values, 'stack.parameters'))
        for key, value in params.items():
            problem = parameter_problem(value, declared.get(key))
            if not problem:
                continue
            used = [u for text in _strings(raw.get(key), '')
                    for u in _placeholders(text[1])]
            origin = [where(u) for u in used if where(u)]
            raise ScenarioError('%sstack parameter %s of %s%s: %s' % (
                origin[0] + ': ' if origin else '', key,
                os.path.basename(path), phase, problem))
