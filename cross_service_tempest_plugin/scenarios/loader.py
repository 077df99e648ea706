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

"""Scenario definitions: load the shipped YAML files, merge user files.

A scenario file is a mapping ``scenarios: {<name>: <definition>}``. Files
are merged in order, later files winning key by key (mappings are merged
recursively; lists and scalars are replaced). Every key is checked against
the schema below and every ``{placeholder}`` must have a value; errors name
the key and the file it came from.
"""

import copy
import glob
import os
import string

import jsonschema
import yaml

DEFINITIONS_DIR = os.path.join(os.path.dirname(__file__), 'definitions')
TEMPLATES_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)),
                             'templates')

# Schema of one scenario: key → type, nested dict for sub-mappings,
# [schema] for a list of mappings (turned into a JSON schema below).
RECORD_SCHEMA = {
    'name': str,            # fqdn template; may use {label}
    'label_output': str,    # stack output: a label or list of labels
    'address_output': str,  # stack output: an address or list of them
    'zone': str,            # zone the forward rrset lives in
    'ptr': bool,            # also expect PTR records (default true)
    'absent': bool,         # expected NOT to exist (default false)
}
SCENARIO_SCHEMA = {
    'description': str,
    'credentials': str,     # 'primary' or 'admin': who owns the stacks
    'requires': list,       # requirement names, see settings.SERVICES
    'vars': dict,           # defaults for {placeholders}; --set overrides
    'zone': bool,           # whether the scenario creates its zone
    # the zone's name (default {name_prefix}.{zone_suffix}); may use
    # {project_id}/{project_name} of the stacks' owner
    'zone_name': str,
    'stack': {
        'template': str,
        'parameters': dict,
    },
    'records': [RECORD_SCHEMA],
    'update': {
        'vars': dict,       # changed vars → stack update, records re-read
    },
    'dns_assignment': {
        'port_output': str,
        'fqdn': str,
    },
    'floating_ip': {
        'id_output': str,
        'dns_name': str,
        'dns_domain': str,
    },
    'steps': list,
    # A bug of a service this scenario reproduces, asserted as such: the
    # records of the listed types that are current when the stack is
    # deleted must still be published after check_removed (every other
    # record must be gone as usual). When the bug is fixed they are
    # removed, and check_removed fails asking to drop this entry.
    'known_bug': {
        'summary': str,     # what is wrong, where (file/function)
        'lingering': list,  # record types left behind, e.g. [A]
    },
}
REQUIRED_KEYS = ('description', 'stack', 'records', 'steps')
CREDENTIALS = ('primary', 'admin')


class ScenarioError(ValueError):
    """A scenario definition or an override is wrong (names key + file)."""


class UnknownScenario(ScenarioError):
    def __init__(self, name, available):
        self.name = name
        self.available = sorted(available)
        super().__init__('unknown scenario %r; available scenarios: %s'
                         % (name, ', '.join(self.available) or '(none)'))


def _load_yaml(path):
    try:
        with open(path) as f:
            data = yaml.safe_load(f)
    except OSError as exc:
        raise ScenarioError('scenario file %s: cannot be read: %s'
                            % (path, exc.strerror or exc))
    except yaml.YAMLError as exc:
        raise ScenarioError('scenario file %s: not valid YAML: %s'
                            % (path, exc))
    if not isinstance(data, dict) or not isinstance(
            data.get('scenarios'), dict):
        raise ScenarioError("scenario file %s: top level must be a mapping "
                            "with a 'scenarios' mapping" % path)
    unknown = set(data) - {'scenarios'}
    if unknown:
        raise ScenarioError('scenario file %s: unknown top-level key(s) %s'
                            % (path, ', '.join(sorted(unknown))))
    return data['scenarios']


_JSON_TYPES = {dict: 'object', list: 'array', str: 'string',
               bool: 'boolean'}
_TYPE_NAMES = {'object': 'mapping', 'array': 'list', 'string': 'string',
               'boolean': 'boolean (true/false)'}


def json_schema(schema):
    """The JSON schema of a schema table like :data:`SCENARIO_SCHEMA`.

    A sub-mapping or a list of mappings must be there as such; a plain
    typed key may also be empty (``null``).
    """
    if isinstance(schema, dict):
        return {'type': 'object', 'additionalProperties': False,
                'properties': {k: json_schema(v)
                               for k, v in schema.items()}}
    if isinstance(schema, list):
        return {'type': 'array', 'items': json_schema(schema[0])}
    return {'type': [_JSON_TYPES[schema], 'null']}


_VALIDATOR = jsonschema.Draft7Validator(json_schema(SCENARIO_SCHEMA))


def _key_path(where, path):
    return where + ''.join('[%d]' % p if isinstance(p, int) else '.%s' % p
                           for p in path)


def _schema_error(error, where, path):
    """A jsonschema error → ScenarioError naming key path and file."""
    key = _key_path(where, error.absolute_path)
    if error.validator == 'additionalProperties':
        allowed = error.schema['properties']
        unknown = sorted(k for k in error.instance if k not in allowed)
        return ScenarioError('%s: unknown key %s.%s (allowed: %s)' % (
            path, key, unknown[0], ', '.join(sorted(allowed))))
    if error.validator == 'type':
        want = error.validator_value
        want = want[0] if isinstance(want, list) else want
        got = error.instance
        return ScenarioError('%s: key %s must be a %s, got %s' % (
            path, key, _TYPE_NAMES[want],
            type(got).__name__ if want in ('object', 'array')
            else repr(got)))
    return ScenarioError('%s: key %s: %s' % (path, key, error.message))


def check_schema(definition, where, path):
    """Check one scenario against the schema; the first error is raised."""
    errors = sorted(_VALIDATOR.iter_errors(definition),
                    key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        raise _schema_error(errors[0], where, path)


def merge(base, over):
    """Merge ``over`` onto ``base`` key by key (mappings recursively)."""
    result = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


class ScenarioCatalog(object):
    """All scenario definitions, with the file each key came from."""

    def __init__(self, files):
        self.files = list(files)
        self.definitions = {}
        self.origin = {}        # scenario name → list of files
        for path in self.files:
            for name, definition in _load_yaml(path).items():
                where = 'scenarios.%s' % name
                check_schema(definition, where, path)
                if name in self.definitions:
                    self.definitions[name] = merge(self.definitions[name],
                                                   definition)
                else:
                    self.definitions[name] = copy.deepcopy(definition)
                self.origin.setdefault(name, []).append(path)
        for name, definition in self.definitions.items():
            self._check_complete(name, definition)

    def _check_complete(self, name, definition):
        files = ', '.join(self.origin[name])
        for key in REQUIRED_KEYS:
            if definition.get(key) in (None, '', [], {}):
                raise ScenarioError('%s: scenarios.%s.%s is missing'
                                    % (files, name, key))
        if not definition['stack'].get('template'):
            raise ScenarioError('%s: scenarios.%s.stack.template is missing'
                                % (files, name))
        creds = definition.get('credentials', 'primary')
        if creds not in CREDENTIALS:
            raise ScenarioError('%s: scenarios.%s.credentials must be one of '
                                '%s, got %r' % (files, name,
                                                ', '.join(CREDENTIALS), creds))
        seen = set()
        known = action_names()
        for i, step in enumerate(definition['steps']):
            step_name, action = step_spec(step)
            if action not in known:
                raise ScenarioError(
                    '%s: scenarios.%s.steps[%d]: unknown action %r '
                    '(known: %s)' % (files, name, i, action,
                                     ', '.join(known)))
            if step_name in seen:
                raise ScenarioError('%s: scenarios.%s.steps[%d]: duplicate '
                                    'step name %r' % (files, name, i,
                                                      step_name))
            seen.add(step_name)
            if action == 'update' and not definition.get('update'):
                raise ScenarioError('%s: scenarios.%s has an update step but '
                                    'no update section' % (files, name))
        bug = definition.get('known_bug')
        if bug is not None and (not bug.get('summary') or
                                not bug.get('lingering')):
            raise ScenarioError('%s: scenarios.%s.known_bug needs summary and '
                                'lingering' % (files, name))
        for i, rec in enumerate(definition['records']):
            if not rec.get('name') or not rec.get('address_output'):
                raise ScenarioError('%s: scenarios.%s.records[%d] needs name '
                                    'and address_output' % (files, name, i))

    def names(self):
        return sorted(self.definitions)

    def get(self, name):
        if name not in self.definitions:
            raise UnknownScenario(name, self.definitions)
        return copy.deepcopy(self.definitions[name])

    def files_of(self, name):
        return list(self.origin.get(name, []))


def shipped_files():
    return sorted(glob.glob(os.path.join(DEFINITIONS_DIR, '*.yaml')))


def load_catalog(extra_files=()):
    """Shipped definitions merged with ``extra_files`` (later wins)."""
    return ScenarioCatalog(shipped_files() + list(extra_files))


def action_names():
    """The actions steps may name: those registered in :mod:`.actions`."""
    # Imported here: the actions import this module.
    from cross_service_tempest_plugin.scenarios import actions
    return actions.names()


def step_names(definition):
    return [step_spec(s)[0] for s in definition['steps']]


def step_spec(step):
    """``action`` or ``{name: ..., action: ...}`` → (name, action)."""
    if isinstance(step, str):
        return step, step
    if isinstance(step, dict) and set(step) <= {'name', 'action'} and \
            step.get('action'):
        return step.get('name', step['action']), step['action']
    raise ScenarioError('bad step %r: use an action name or a mapping with '
                        'name and action' % (step,))


class _Strict(dict):
    def __init__(self, values, where):
        super().__init__(values)
        self.where = where

    def __missing__(self, key):
        raise ScenarioError('%s: no value for {%s} (known: %s)'
                            % (self.where, key, ', '.join(sorted(self))))


_FORMATTER = string.Formatter()


def render(value, values, where):
    """Fill ``{placeholders}`` in strings (recursively in lists/dicts).

    A string that is exactly one placeholder keeps the value's type.
    """
    if isinstance(value, str):
        parsed = list(_FORMATTER.parse(value))
        if (len(parsed) == 1 and parsed[0][0] == '' and parsed[0][1] and
                not parsed[0][2] and not parsed[0][3]):
            key = parsed[0][1]
            if key not in values:
                _Strict(values, where).__missing__(key)
            return values[key]
        try:
            return value.format_map(_Strict(values, where))
        except (ValueError, IndexError, AttributeError) as exc:
            raise ScenarioError('%s: bad placeholder in %r: %s'
                                % (where, value, exc))
    if isinstance(value, list):
        return [render(v, values, '%s[%d]' % (where, i))
                for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: render(v, values, '%s.%s' % (where, k))
                for k, v in value.items()}
    return value


def parse_override(text):
    """``key=value`` (value parsed as YAML scalar) → (key, value)."""
    key, sep, raw = text.partition('=')
    key = key.strip()
    if not sep or not key:
        raise ScenarioError('bad override %r: expected key=value' % text)
    try:
        value = yaml.safe_load(raw) if raw.strip() else ''
    except yaml.YAMLError:
        value = raw
    if isinstance(value, (dict, list)):
        value = raw
    return key, value


def find_template(name, template_dir=None):
    """Path of a template: ``template_dir`` first, then the packaged one."""
    for base in (template_dir, TEMPLATES_DIR):
        if base:
            path = os.path.join(base, name)
            if os.path.isfile(path):
                return path
    raise ScenarioError('template %r not found in %s' % (
        name, ' or '.join(d for d in (template_dir, TEMPLATES_DIR) if d)))


def template_files(template_dir=None):
    """All templates by file name (for Heat's ``files``: nested types)."""
    files = {}
    for base in (TEMPLATES_DIR, template_dir):
        if base:
            for path in sorted(glob.glob(os.path.join(base, '*.yaml'))):
                with open(path) as f:
                    files[os.path.basename(path)] = f.read()
    return files
