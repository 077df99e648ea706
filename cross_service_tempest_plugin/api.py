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

"""Public Python API: run the cross-service scenarios outside ``tempest run``.

Stable names: :func:`list_scenarios`, :func:`describe_scenarios`,
:func:`show_scenario`, :func:`run_scenario`, :class:`Scenario`,
:class:`ScenarioResult`, :class:`StepResult`, :class:`ScenarioError`,
:class:`UnknownScenario`, :class:`ConfigError`.

The same engine runs the Tempest test classes. Credentials come from
Tempest's own machinery: dynamic credentials created with the admin account
of tempest.conf (``[auth] use_dynamic_credentials = True``), or the
pre-provisioned accounts file (``[auth] test_accounts_file``)::

    from cross_service_tempest_plugin import api

    result = api.run_scenario('floating_ip_dns',
                              config_file='/path/to/tempest.conf')
    print(result.passed, result.to_json(indent=2))

    def restart_worker(run, step):
        if step == 'check_api':
            subprocess.check_call(['tools/constellation', 'restart',
                                   'designate-worker'])

    with api.Scenario('servers_dns', hooks={'before_step': restart_worker},
                      config_file='tempest.conf') as sc:
        sc.run_step('create_zone')
        sc.run_step('deploy')
        sc.run_step('check_api')      # the hook restarts the worker first
        sc.run()                      # the remaining steps
    # leaving the block deletes whatever is left (stack, zone)
"""

import dataclasses

from cross_service_tempest_plugin import config as cs_config
from cross_service_tempest_plugin import credentials
from cross_service_tempest_plugin import lease
from cross_service_tempest_plugin import lost_resources
from cross_service_tempest_plugin.scenarios import context as run_context
from cross_service_tempest_plugin.scenarios import engine
from cross_service_tempest_plugin.scenarios import errors
from cross_service_tempest_plugin.scenarios import loader
from cross_service_tempest_plugin.scenarios import placeholders
from cross_service_tempest_plugin.scenarios import yaml_files
from cross_service_tempest_plugin import tempest_conf

ScenarioError = errors.ScenarioError
ConfigError = tempest_conf.ConfigError
load_config = tempest_conf.load_config
UnknownScenario = errors.UnknownScenario
ScenarioResult = engine.ScenarioResult
StepResult = engine.StepResult

# Override keys that tune the engine instead of filling {placeholders}
# → what they accept (the type and range of the option of the same name).
SETTING_OVERRIDES = {key: cs_config.describe_type(key)
                     for key in cs_config.SETTING_OVERRIDES}

__all__ = ['list_scenarios', 'describe_scenarios', 'show_scenario',
           'run_scenario', 'Scenario', 'ScenarioResult', 'StepResult',
           'ScenarioError', 'UnknownScenario', 'ConfigError',
           'SETTING_OVERRIDES']


def _catalog(conf=None, scenario_files=()):
    files = list(conf.cross_service.scenario_files) if conf else []
    files += yaml_files.file_list(scenario_files)
    return loader.load_catalog(
        files, conf.cross_service.template_dir if conf else None)


def list_scenarios(config_file=None, scenario_files=()):
    """Names of the shipped scenarios (plus those of user files)."""
    conf = load_config(config_file) if config_file else None
    return _catalog(conf, scenario_files).names()


def describe_scenarios(config_file=None, scenario_files=()):
    """``{name: description}`` of the scenarios (sorted by name)."""
    conf = load_config(config_file) if config_file else None
    catalog = _catalog(conf, scenario_files)
    return {name: ' '.join(catalog.get(name)['description'].split())
            for name in catalog.names()}


def show_scenario(name, config_file=None, scenario_files=()):
    """The merged definition of one scenario (a dict) and its files."""
    conf = load_config(config_file) if config_file else None
    catalog = _catalog(conf, scenario_files)
    definition = catalog.get(name)
    definition['files'] = catalog.files_of(name)
    return definition


class Scenario(object):
    """One scenario run, step by step; a context manager.

    Entering creates credentials and clients; leaving (also on an exception
    or Ctrl-C) deletes every resource the run created and the credentials.
    ``hooks``: an object or dict with ``before_step(run, step_name)`` and/or
    ``after_step(run, step_result)``, or a list of them.
    ``overrides``: values for the scenario's vars and placeholders, plus the
    engine settings in ``SETTING_OVERRIDES``. ``results_dir``: where the
    result file goes (default ``[cross_service] results_dir``; none when
    both are unset); the ``results_dir`` attribute may be changed before
    entering.
    """

    def __init__(self, name, config_file=None, overrides=None, hooks=None,
                 scenario_files=(), results_dir=None):
        self.name = name
        self.config_file = config_file
        # Checks that need no tempest.conf first.
        self.overrides = placeholders.Overrides.of(overrides)
        try:
            engine.normalise_hooks(hooks)
        except ValueError as exc:
            raise ScenarioError(str(exc))
        self.hooks = hooks
        self.scenario_files = yaml_files.file_list(scenario_files)
        self.run_ = None
        self._creds = None
        self._lease = None
        run_context.tuned_settings(self.overrides)
        self.conf = load_config(config_file)
        # where the result file goes (None: no file)
        self.results_dir = (results_dir or
                            self.conf.cross_service.results_dir)
        catalog = _catalog(self.conf, self.scenario_files)
        self.definition = catalog.get(name)
        self.files = catalog.files_of(name)
        # Fail on bad override keys before any credential is created; the
        # run uses this same context.
        self.context = run_context.RunContext(
            name, self.definition, engine.Settings.from_conf(self.conf),
            self.overrides)
        self._check_parameters()
        missing = engine.missing_requirements(
            self.definition, self.conf, _extension_enabled)
        if missing:
            raise ConfigError('scenario %s needs: %s' % (name,
                                                         ', '.join(missing)))

    def _check_parameters(self):
        """Stack parameters as this run would pass them fit the template.

        E.g. ``--set server_count=0`` against ``count``'s range.
        """
        from cross_service_tempest_plugin.scenarios import checks
        checks.check_parameters(
            self.definition, self.context.values(stand_ins=True),
            self.context.settings.template_dir, self.context.where)

    def check_step(self, step, option='until'):
        """ScenarioError unless ``step`` names a step of this scenario."""
        engine.check_step(self.name, self.definition, step, option)

    def __enter__(self):
        if self.run_ is not None:
            # A second run would overwrite the first one's state (its zone
            # stack and credentials would leak).
            raise ScenarioError(
                'Scenario %s was already entered: one Scenario object runs '
                'once; create a new Scenario for another run' % self.name)
        self.context.settings = dataclasses.replace(
            self.context.settings, results_dir=self.results_dir)
        # taken before the credentials exist; names them as they do, so
        # the sweeper knows this process is alive (cross_service_tempest_
        # plugin.lease) and, once it is gone, that they are left over
        self._lease = lease.take()
        self._creds = credentials.RunCredentials(self.conf, self.name)
        try:
            owner, admin = self._creds.managers(
                self.definition.get('credentials', 'primary'))
            if self._lease is not None:
                self._lease.add(*self._creds.project_names())
            clients = engine.ScenarioClients.from_managers(owner, admin)
            self.run_ = engine.ScenarioRun(self.name, self.definition,
                                           clients, context=self.context,
                                           hooks=self.hooks,
                                           lease=self._lease,
                                           lost_sweep=lost_resources.sweep_for(
                                               owner, self.conf))
            self._provenance(admin)
        except BaseException:
            self._creds.clear()
            self._release_lease(True)
            raise
        return self

    def _release_lease(self, forget):
        if getattr(self, '_lease', None) is not None:
            self._lease.release(forget=forget)
            self._lease = None

    def _provenance(self, admin):
        """The cloud, the overrides and the services' versions."""
        from cross_service_tempest_plugin.scenarios import provenance
        result = self.run_.result
        result.cloud = provenance.cloud(self.conf)
        result.overrides = dict(self.overrides)
        result.service_versions = provenance.service_versions(
            admin.auth_provider, self.conf)

    def __exit__(self, exc_type, exc, tb):
        self.cleanup()
        return False

    def _run(self, what):
        if self.run_ is None:
            raise ScenarioError(
                'Scenario %s: %s before the run started: use "with '
                'Scenario(...) as sc:" (entering creates the credentials '
                'and clients)' % (self.name, what))
        return self.run_

    @property
    def steps(self):
        return self._run('steps').step_names

    @property
    def result(self):
        return self._run('result').result

    def run_step(self, name):
        """Run one step by name → StepResult."""
        return self._run('run_step(%r)' % name).run_step(name)

    def run_next(self):
        """Run the next pending step → StepResult (None when done)."""
        run = self._run('run_next()')
        pending = run.pending_steps()
        return run.run_step(pending[0]) if pending else None

    def run(self, until=None):
        """Run the pending steps (up to ``until``), then clean up."""
        return self._run('run()').run(until=until)

    def cleanup(self):
        """Delete what the run created, then the credentials. Idempotent."""
        try:
            if self.run_ is not None:
                self.run_.cleanup()
        finally:
            if self.run_ is not None and self.run_.result.cleanup_errors:
                # Heat deletes with the owner's trust: keep the project and
                # user so that the leftovers can still be deleted.
                self.run_.result.cleanup_errors.append(
                    credentials.kept_message(self._creds.roles()))
                self._creds = None
            kept = self._creds is None
            if self._creds is not None:
                creds, self._creds = self._creds, None
                try:
                    creds.clear()
                except Exception as exc:
                    kept = True
                    if self.run_ is not None:
                        self.run_.result.cleanup_errors.append(
                            'clearing credentials failed: %s' % exc)
            # kept when something is left: the sweeper then knows at once
            self._release_lease(forget=not kept)
        return self.result if self.run_ else None


def _extension_enabled(ext, service):
    from tempest.common import utils
    return utils.is_extension_enabled(ext, service)


def run_scenario(name, config_file=None, overrides=None, hooks=None,
                 until=None, scenario_files=()):
    """Run a scenario whole (or up to step ``until``) → ScenarioResult.

    Cleanup always runs. Bad input (unknown scenario, bad override key,
    missing config) raises ScenarioError/ConfigError before anything is
    created; a failing step is reported in the result, not raised.
    """
    sc = Scenario(name, config_file=config_file, overrides=overrides,
                  hooks=hooks, scenario_files=scenario_files)
    sc.check_step(until)
    with sc:
        sc.run(until=until)
    return sc.result
