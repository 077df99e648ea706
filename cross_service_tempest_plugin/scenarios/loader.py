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
the schema below when the files are loaded, the merged definitions by
:mod:`.checks` (template, placeholders, the sections steps need); errors
name the key and the file it came from.
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
STEP_SCHEMA = {'name': str, 'action': str}  # or just the action's name
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
    # the Designate pool its zone is on: 'default' (unless given) or
    # 'second' ([cross_service] second_pool_id, zone attribute pool_id);
    # check_wire/check_removed query that pool's nameservers,
    # check_other_pool the other pool's
    'pool': str,
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
    'steps': [STEP_SCHEMA],
    # A bug of a service this scenario reproduces, asserted as such: the
    # records of the listed types that are current when the stack is
    # deleted must still be published after check_removed (every other
    # record must be gone as usual). When the bug is fixed they are
    # removed, and check_removed fails asking to drop this entry.
    'known_bug': {
        'summary': str,     # what is wrong, where (file/function)
        'lingering': list,  # record types left behind, e.g. [A]
        'upstream': str,    # the upstream change that fixes it (to look for)
    },
    # Limits (SLA) the run's result carries and the report (or run
    # --fail-on-breach) checks: items as in report/thresholds.py, e.g.
    # {metric: propagation, max: 5} (scenario implied).
    'thresholds': list,
}
REQUIRED_KEYS = ('description', 'stack', 'records', 'steps')
CREDENTIALS = ('primary', 'admin')
POOLS = ('default', 'second')


class ScenarioError(ValueError):
    """A scenario definition or an override is wrong (names key + file)."""


class UnknownScenario(ScenarioError):
    def __init__(self, name, available):
        self.name = name
        self.available = sorted(available)
        super().__init__('unknown scenario %r; available scenarios: %s'
                         % (name, ', '.join(self.available) or '(none)'))


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load, but a key given twice in one mapping is an error."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:       # unhashable: construct_mapping says so
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, 'duplicate key %r (YAML would keep only the '
                    'last one)' % (key,), key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def read_text(path, what, expected='a YAML file'):
    """The UTF-8 text of ``path``; ScenarioError saying why not."""
    if os.path.isdir(path):
        raise ScenarioError('%s %s: is a directory, not a file'
                            % (what, path))
    try:
        with open(path, 'rb') as f:
            raw = f.read()
    except OSError as exc:
        raise ScenarioError('%s %s: cannot be read: %s'
                            % (what, path, exc.strerror or exc))
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            '%s %s: not UTF-8 text (byte 0x%02x at offset %d); expected %s'
            % (what, path, raw[exc.start], exc.start, expected))
    if '\x00' in text:
        raise ScenarioError('%s %s: binary data (NUL byte at offset %d); '
                            'expected %s' % (what, path, text.index('\x00'),
                                             expected))
    return text


def load_yaml_file(path, what='scenario file'):
    """The data of a YAML file (UTF-8, unique keys) or ScenarioError."""
    text = read_text(path, what)
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise ScenarioError('%s %s: not valid YAML: %s'
                            % (what, path, exc))


def _load_yaml(path):
    data = load_yaml_file(path)
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


_JSON_SCHEMA = json_schema(SCENARIO_SCHEMA)
# A step is an action name or a mapping (which must name its action); the
# object keywords do not apply to a string.
_JSON_SCHEMA['properties']['steps']['items'].update(
    type=['string', 'object'], required=['action'])
_VALIDATOR = jsonschema.Draft7Validator(_JSON_SCHEMA)


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
        want = [w for w in (want if isinstance(want, list) else [want])
                if w != 'null']
        got = error.instance
        return ScenarioError('%s: key %s must be a %s, got %s' % (
            path, key, ' or a '.join(_TYPE_NAMES[w] for w in want),
            type(got).__name__ if isinstance(got, (dict, list))
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
    """All scenario definitions, with the file each key came from.

    Every definition is checked when loaded (:func:`.checks.check`);
    ``template_dir`` is ``[cross_service] template_dir``, where templates
    are looked for first.
    """

    def __init__(self, files, template_dir=None):
        # Imported here: checks reads the actions, which import this module.
        from cross_service_tempest_plugin.scenarios import checks
        self.files = list(files)
        self.definitions = {}
        self.origin = {}        # scenario name → list of files
        template_file = {}      # scenario name → file naming its template
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
                if (definition.get('stack') or {}).get('template'):
                    template_file[name] = path
        for name, definition in self.definitions.items():
            checks.check(name, definition, ', '.join(self.origin[name]),
                         template_file.get(name), template_dir)
            if definition.get('thresholds') is not None:
                check_thresholds(definition, name,
                                 ', '.join(self.origin[name]))

    def names(self):
        return sorted(self.definitions)

    def get(self, name):
        if name not in self.definitions:
            raise UnknownScenario(name, self.definitions)
        return copy.deepcopy(self.definitions[name])

    def files_of(self, name):
        return list(self.origin.get(name, []))


def check_thresholds(definition, name, files):
    """The definition's thresholds are valid items (else ScenarioError)."""
    # Plain Python (yaml only): the report's plotting stays an extra.
    from cross_service_tempest_plugin.report import results as report_results
    from cross_service_tempest_plugin.report import thresholds
    try:
        thresholds.validate(definition['thresholds'], 'scenarios.%s' % name,
                            name)
    except report_results.ReportError as exc:
        raise ScenarioError('%s: %s' % (files, exc))
    steps = step_names(definition)
    for i, item in enumerate(definition['thresholds']):
        if item.get('step') and item['step'] not in steps:
            raise ScenarioError('%s: scenarios.%s.thresholds[%d]: no step %r'
                                ' (steps: %s)' % (files, name, i, item['step'],
                                                  ', '.join(steps)))


def shipped_files():
    return sorted(glob.glob(os.path.join(DEFINITIONS_DIR, '*.yaml')))


def file_list(files, what='scenario_files'):
    """``files`` as a list of paths.

    One path (str or os.PathLike) is one file, not a sequence of
    one-letter names.
    """
    if files is None:
        return []
    if isinstance(files, (str, os.PathLike)):
        files = [files]
    if not isinstance(files, (list, tuple)) or not all(
            isinstance(f, (str, os.PathLike)) for f in files):
        raise ScenarioError('%s must be a path or a list of paths; got %r'
                            % (what, files))
    return [os.fspath(f) for f in files]


def load_catalog(extra_files=(), template_dir=None):
    """Shipped definitions merged with ``extra_files`` (later wins)."""
    return ScenarioCatalog(shipped_files() + file_list(extra_files),
                           template_dir)


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


def parse_override(text, origin='--set'):
    """``key=value`` (value parsed as YAML scalar) → (key, value)."""
    key, sep, raw = text.partition('=')
    key = key.strip()
    if not sep or not key:
        raise ScenarioError('%s: bad override %r: expected KEY=VALUE'
                            % (origin, text))
    try:
        value = yaml.safe_load(raw) if raw.strip() else ''
    except yaml.YAMLError:
        value = raw
    if isinstance(value, (dict, list)):
        value = raw
    return key, value


class Overrides(dict):
    """A run's overrides, knowing where each came from (for errors)."""

    def __init__(self, values=(), origin='overrides'):
        super().__init__(values)
        self.origin = origin
        self.texts = {}         # key → the KEY=VALUE text it came from

    @classmethod
    def parse(cls, texts, origin='--set'):
        """``KEY=VALUE`` texts (later ones win) → Overrides."""
        over = cls(origin=origin)
        for text in texts:
            key, value = parse_override(text, origin)
            over[key] = value
            over.texts[key] = text
        return over

    @classmethod
    def of(cls, overrides):
        """An API argument (None or a mapping) → Overrides."""
        if isinstance(overrides, cls):
            return overrides
        if overrides is None:
            return cls()
        if isinstance(overrides, str) or not hasattr(overrides, 'items'):
            raise ScenarioError(
                'overrides must be a mapping {key: value}, e.g. '
                "overrides={'dns_name': 'web'}; got %s %r"
                % (type(overrides).__name__, overrides))
        bad = [k for k in overrides if not isinstance(k, str)]
        if bad:
            raise ScenarioError('overrides: keys must be strings; got %r'
                                % bad[0])
        return cls(overrides)

    def where(self, key):
        """``--set k=v`` or ``overrides['k']``: where ``key`` was set."""
        if key in self.texts:
            return '%s %s' % (self.origin, self.texts[key])
        return '%s[%r]' % (self.origin, key)


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
    """All templates by file name (for Heat's ``files``: nested types)."""
    files = {}
    for base in (TEMPLATES_DIR, template_dir):
        if base:
            for path in sorted(glob.glob(os.path.join(base, '*.yaml'))):
                with open(path) as f:
                    files[os.path.basename(path)] = f.read()
    return files
