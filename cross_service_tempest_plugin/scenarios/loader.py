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

from cross_service_tempest_plugin.scenarios import actions
from cross_service_tempest_plugin.scenarios import checks
from cross_service_tempest_plugin.scenarios import errors
from cross_service_tempest_plugin.scenarios import schema
from cross_service_tempest_plugin.scenarios import templates
from cross_service_tempest_plugin.scenarios import yaml_files
from cross_service_tempest_plugin import threshold_items

ScenarioError = errors.ScenarioError
UnknownScenario = errors.UnknownScenario


def _load_yaml(path):
    data = yaml_files.load_yaml_file(path)
    if not isinstance(data, dict) or not isinstance(
            data.get('scenarios'), dict):
        raise ScenarioError("scenario file %s: top level must be a mapping "
                            "with a 'scenarios' mapping" % path)
    unknown = set(data) - {'scenarios'}
    if unknown:
        raise ScenarioError('scenario file %s: unknown top-level key(s) %s'
                            % (path, ', '.join(sorted(unknown))))
    return data['scenarios']


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
        self.files = list(files)
        self.definitions = {}
        self.origin = {}        # scenario name → list of files
        template_file = {}      # scenario name → file naming its template
        for path in self.files:
            for name, definition in _load_yaml(path).items():
                problem = schema.name_problem(name)
                if problem:
                    raise ScenarioError('scenario file %s: scenario name %r '
                                        '%s' % (path, name, problem))
                where = 'scenarios.%s' % name
                schema.check_schema(definition, where, path)
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
    try:
        threshold_items.validate(definition['thresholds'],
                                 'scenarios.%s' % name, name)
    except threshold_items.ThresholdError as exc:
        raise ScenarioError('%s: %s' % (files, exc))
    steps = schema.step_names(definition)
    for i, item in enumerate(definition['thresholds']):
        if item.get('step') and item['step'] not in steps:
            raise ScenarioError('%s: scenarios.%s.thresholds[%d]: no step %r'
                                ' (steps: %s)' % (files, name, i, item['step'],
                                                  ', '.join(steps)))


def shipped_files():
    return sorted(glob.glob(os.path.join(templates.DEFINITIONS_DIR,
                                         '*.yaml')))


def load_catalog(extra_files=(), template_dir=None):
    """Shipped definitions merged with ``extra_files`` (later wins)."""
    return ScenarioCatalog(
        shipped_files() + yaml_files.file_list(extra_files), template_dir)


def action_names():
    """The actions steps may name: those registered in :mod:`.actions`."""
    return actions.names()
