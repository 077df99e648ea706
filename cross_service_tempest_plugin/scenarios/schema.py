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


"""The schema of one scenario definition, checked key by key.

Every key of every file is checked against :data:`SCENARIO_SCHEMA` as the
file is loaded (errors name the key path and the file); a step is an
action name or ``{name, action}`` (:func:`step_spec`).
"""

import keyword
import re

import jsonschema

from cross_service_tempest_plugin.scenarios.errors import ScenarioError


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
# A scenario's name: it names its files, test module, Tempest's projects
# (tempest-cross-service-<name>-<digits>, which the sweeper recognises)
# and result files.
NAME_RE = re.compile(r'^[a-z][a-z0-9_]*$')
NAME_MAX = 32       # keeps a generated test module within 79 columns
CREDENTIALS = ('primary', 'admin')
POOLS = ('default', 'second')


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


def step_names(definition):
    return [step_spec(s)[0] for s in definition['steps']]


def check_step(scenario, definition, step, option):
    """``step`` must name a step of ``definition`` (``option`` says who)."""
    names = step_names(definition)
    if step is not None and step not in names:
        raise ScenarioError('%s: scenario %s has no step %r (steps: %s)'
                            % (option, scenario, step, ', '.join(names)))


def step_spec(step):
    """``action`` or ``{name: ..., action: ...}`` → (name, action)."""
    if isinstance(step, str):
        return step, step
    if isinstance(step, dict) and set(step) <= {'name', 'action'} and \
            step.get('action'):
        return step.get('name', step['action']), step['action']
    raise ScenarioError('bad step %r: use an action name or a mapping with '
                        'name and action' % (step,))


def name_problem(name):
    """What is wrong with a scenario name (None: nothing)."""
    if not isinstance(name, str):
        return ('must be a string, got %s %r (YAML reads it so: quote it)'
                % (type(name).__name__, name))
    if not NAME_RE.match(name) or keyword.iskeyword(name):
        return ('must be a Python identifier in lower case (letters, '
                'digits, _; starting with a letter; not a keyword): it '
                'names the scenario\'s files, its test module, its '
                'projects (which the sweeper must recognise) and its '
                'results')
    if len(name) > NAME_MAX:
        return 'is %d characters long; use at most %d' % (len(name),
                                                          NAME_MAX)
    return None
