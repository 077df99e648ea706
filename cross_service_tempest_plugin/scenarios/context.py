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

"""One run's context: its label, engine settings and placeholder values.

Built once per run, before anything exists: the Python API's pre-checks
(override keys and values, stack parameters) and the run itself use the
same :class:`RunContext`, and the keys an override may set are derived
from it (the scenario's vars, the placeholders, the engine settings).
"""

import dataclasses

from tempest.lib.common.utils import data_utils

from cross_service_tempest_plugin import config as cs_config
from cross_service_tempest_plugin.scenarios import errors
from cross_service_tempest_plugin.scenarios import placeholders
from cross_service_tempest_plugin.scenarios import settings as settings_mod

# The {placeholders} each run fills besides those from tempest.conf
# (settings.CONF_CONTEXT): its zone, the prefix of its resource names, and
# the owner of its stacks (known once its credentials exist).
OWNER_PLACEHOLDERS = ('project_id', 'project_name')
RUN_PLACEHOLDERS = ('zone_name', 'name_prefix',
                    'zone_suffix') + OWNER_PLACEHOLDERS
PLACEHOLDERS = settings_mod.CONF_PLACEHOLDERS + RUN_PLACEHOLDERS
# Override keys that tune the engine instead of filling {placeholders}.
SETTINGS = cs_config.SETTING_OVERRIDES
# What the pre-check renders for the owner before the credentials exist.
OWNER_STAND_INS = {'project_id': '0' * 32, 'project_name': 'x'}
# interval setting → the timeout it must stay below
INTERVALS = (('record_interval', 'record_timeout'),
             ('stack_interval', 'stack_timeout'))


def tuned_settings(overrides):
    """The engine settings among ``overrides``, checked like their options.

    Needs neither tempest.conf nor the definition: the front doors call it
    first, and :class:`RunContext` again for the run.
    """
    overrides = placeholders.Overrides.of(overrides)
    tuned = {}
    for key, value in overrides.items():
        if key in SETTINGS:
            try:
                tuned[key] = cs_config.check_setting(key, value)
            except ValueError as exc:
                raise errors.ScenarioError('%s: %s' % (overrides.where(key),
                                                       exc))
    return tuned


def new_label():
    """A run's label: in every name it gives, and in its lease."""
    return 'cs-%s' % data_utils.rand_uuid_hex()[:10]


class RunContext(object):
    """What one run of scenario ``name`` fills in and how it is tuned.

    ``settings``: from tempest.conf (:class:`..settings.Settings`); the
    engine settings among ``overrides`` replace theirs, checked like the
    options of the same name. ``project_id``/``project_name``: the owner
    of the stacks, once known (:meth:`set_owner`).
    """

    def __init__(self, name, definition, settings, overrides=None,
                 label=None, project_id=None, project_name=None):
        self.name = name
        self.definition = definition
        self.overrides = placeholders.Overrides.of(overrides)
        self.label = label or new_label()
        self.placeholder_overrides, tuned = self._split()
        self.settings = dataclasses.replace(settings, **tuned)
        self._check_intervals()
        self.owner = {}
        self.set_owner(project_id, project_name)

    @property
    def vars(self):
        return self.definition.get('vars') or {}

    def settable(self):
        """The keys an override may set: vars, placeholders, settings."""
        return set(self.vars) | set(PLACEHOLDERS) | set(SETTINGS)

    def _split(self):
        """Overrides → (placeholder values, engine settings), checked."""
        tuned = tuned_settings(self.overrides)
        settable = self.settable()
        for key in self.overrides:
            if key not in settable:
                raise errors.ScenarioError(
                    '%s: unknown key %r (settable: the scenario\'s vars %s; '
                    'placeholders %s; engine settings %s)' % (
                        self.overrides.where(key), key,
                        ', '.join(sorted(self.vars)) or '-',
                        ', '.join(PLACEHOLDERS), ', '.join(SETTINGS)))
        values = {k: v for k, v in self.overrides.items() if k not in tuned}
        return values, tuned

    def _check_intervals(self):
        for interval, timeout in INTERVALS:
            problem = cs_config.interval_problem(
                getattr(self.settings, interval),
                getattr(self.settings, timeout), names=(interval, timeout))
            if problem:
                key = interval if interval in self.overrides else timeout
                raise errors.ScenarioError('%s: %s' % (
                    self.overrides.where(key), problem))

    def set_owner(self, project_id, project_name):
        """The project that owns the run's stacks (its credentials')."""
        for key, value in zip(OWNER_PLACEHOLDERS, (project_id,
                                                   project_name)):
            if value:
                self.owner[key] = value

    def values(self, stand_ins=False):
        """Every placeholder's value for this run.

        ``stand_ins``: an owner not known yet gets OWNER_STAND_INS (the
        pre-check, before the credentials exist).
        """
        s = self.settings
        context = dict(s.context)
        context.setdefault('zone_email', s.zone_email)
        context.setdefault('zone_ttl', s.zone_ttl)
        context.setdefault('zone_suffix', s.zone_suffix)
        context['name_prefix'] = self.label
        context['zone_name'] = '%s.%s' % (self.label, s.zone_suffix)
        if stand_ins:
            context.update(OWNER_STAND_INS)
        context.update(self.owner)
        if self.definition.get('zone_name'):
            context['zone_name'] = placeholders.render(
                self.definition['zone_name'], context,
                'scenarios.%s.zone_name' % self.name)
        values = dict(context)
        values.update(self.vars)
        values.update(self.placeholder_overrides)
        return values

    def where(self, key):
        """Where an overridden key was set (None: not overridden)."""
        return self.overrides.where(key) if key in self.overrides else None
