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
import os

from cross_service_tempest_plugin.scenarios import engine
from cross_service_tempest_plugin.scenarios import loader

ScenarioError = loader.ScenarioError
UnknownScenario = loader.UnknownScenario
ScenarioResult = engine.ScenarioResult
StepResult = engine.StepResult

# Override keys that tune the engine instead of filling {placeholders}.
SETTING_OVERRIDES = {
    'record_timeout': float, 'record_interval': float,
    'stack_timeout': float, 'stack_interval': float,
    'cleanup_timeout': float,
    'check_nameservers': bool, 'check_reverse': bool,
}

__all__ = ['list_scenarios', 'describe_scenarios', 'show_scenario',
           'run_scenario', 'Scenario', 'ScenarioResult', 'StepResult',
           'ScenarioError', 'UnknownScenario', 'ConfigError',
           'SETTING_OVERRIDES']


class ConfigError(ScenarioError):
    """tempest.conf is missing, unreadable or inconsistent."""


_loaded_path = None


def load_config(config_file=None):
    """Load tempest.conf once per process; returns Tempest's CONF.

    ``config_file`` wins; else ``TEMPEST_CONFIG_DIR``/``TEMPEST_CONFIG`` as
    Tempest reads them (default ``./etc/tempest.conf``).
    """
    global _loaded_path
    if config_file:
        path = os.path.abspath(config_file)
    else:
        path = os.path.abspath(os.path.join(
            os.environ.get('TEMPEST_CONFIG_DIR',
                           os.path.join(os.getcwd(), 'etc')),
            os.environ.get('TEMPEST_CONFIG', 'tempest.conf')))
    if not os.path.isfile(path):
        raise ConfigError(
            'config file %s does not exist (pass config_file / --config, or '
            'set TEMPEST_CONFIG_DIR and TEMPEST_CONFIG)' % path)
    try:
        with open(path) as f:
            f.read(1)
    except OSError as exc:
        raise ConfigError('config file %s cannot be read: %s' % (path, exc))
    if _loaded_path and _loaded_path != path:
        raise ConfigError('Tempest configuration already loaded from %s in '
                          'this process; cannot switch to %s'
                          % (_loaded_path, path))
    from tempest import config
    if not _loaded_path:
        config.CONF.set_config_path(path)
    conf = config.CONF
    try:
        conf.cross_service.zone_suffix
    except Exception as exc:
        raise ConfigError('config file %s: %s: %s'
                          % (path, type(exc).__name__, exc))
    _loaded_path = path
    from cross_service_tempest_plugin import config as cs_config
    problems = cs_config.validate(conf)
    if problems:
        raise ConfigError('config file %s: %s' % (path, '; '.join(problems)))
    return conf


def _catalog(conf=None, scenario_files=()):
    files = list(conf.cross_service.scenario_files) if conf else []
    files += list(scenario_files or ())
    return loader.load_catalog(files)


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


def _split_overrides(overrides):
    values, settings = {}, {}
    for key, value in (overrides or {}).items():
        if key in SETTING_OVERRIDES:
            try:
                if SETTING_OVERRIDES[key] is bool and isinstance(value, str):
                    value = value.lower() in ('1', 'true', 'yes', 'on')
                settings[key] = SETTING_OVERRIDES[key](value)
            except (TypeError, ValueError):
                raise ScenarioError('overrides: %s must be a %s, got %r'
                                    % (key, SETTING_OVERRIDES[key].__name__,
                                       value))
        else:
            values[key] = value
    return values, settings


class _Credentials(object):
    """Primary/admin managers from Tempest's credential providers."""

    def __init__(self, conf, name):
        from tempest.common import credentials_factory
        self.provider = credentials_factory.get_credentials_provider(
            name='cross-service-%s' % name,
            network_resources={'network': False, 'router': False,
                               'subnet': False, 'dhcp': False},
            identity_version=conf.identity.auth_version)

    def managers(self, owner):
        from tempest import clients
        try:
            admin = clients.Manager(
                self.provider.get_admin_creds().credentials)
            if owner == 'admin':
                return admin, admin
            return clients.Manager(
                self.provider.get_primary_creds().credentials), admin
        except Exception as exc:
            raise ConfigError('cannot get credentials through Tempest (%s '
                              'of tempest.conf [auth]): %s: %s' % (
                                  'dynamic credentials with the admin account'
                                  if conf_dynamic() else
                                  'pre-provisioned accounts',
                                  type(exc).__name__, exc))

    def clear(self):
        self.provider.clear_creds()


class Scenario(object):
    """One scenario run, step by step; a context manager.

    Entering creates credentials and clients; leaving (also on an exception
    or Ctrl-C) deletes every resource the run created and the credentials.
    ``hooks``: an object or dict with ``before_step(run, step_name)`` and/or
    ``after_step(run, step_result)``, or a list of them.
    ``overrides``: values for the scenario's vars and placeholders, plus the
    engine settings in ``SETTING_OVERRIDES``.
    """

    def __init__(self, name, config_file=None, overrides=None, hooks=None,
                 scenario_files=()):
        self.name = name
        self.config_file = config_file
        self.overrides = dict(overrides or {})
        self.hooks = hooks
        self.scenario_files = scenario_files
        self.run_ = None
        self._creds = None
        self.conf = load_config(config_file)
        catalog = _catalog(self.conf, scenario_files)
        self.definition = catalog.get(name)
        self.files = catalog.files_of(name)
        self._values, self._settings = _split_overrides(self.overrides)
        # Fail on bad override keys before any credential is created.
        engine.apply_overrides(self.definition,
                               engine.Settings.from_conf(self.conf).context
                               | {'zone_name': '', 'name_prefix': '',
                                  'zone_email': '', 'zone_ttl': ''},
                               self._values)
        missing = engine.missing_requirements(
            self.definition, self.conf, _extension_enabled)
        if missing:
            raise ConfigError('scenario %s needs: %s' % (name,
                                                         ', '.join(missing)))

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
        settings = dataclasses.replace(engine.Settings.from_conf(self.conf),
                                       **self._settings)
        self._creds = _Credentials(self.conf, self.name)
        try:
            owner, admin = self._creds.managers(
                self.definition.get('credentials', 'primary'))
            clients = engine.ScenarioClients.from_managers(owner, admin)
            self.run_ = engine.ScenarioRun(self.name, self.definition,
                                           clients, settings,
                                           overrides=self._values,
                                           hooks=self.hooks)
        except BaseException:
            self._creds.clear()
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        self.cleanup()
        return False

    def _creds_summary(self):
        try:
            prov = self._creds.provider
            out = []
            for role, creds in sorted(getattr(prov, '_creds', {}).items()):
                c = getattr(creds, 'credentials', creds)
                out.append('%s: project %s user %s' % (
                    role, getattr(c, 'project_name', '?'),
                    getattr(c, 'username', '?')))
            return '; '.join(out) or 'unknown'
        except Exception:
            return 'unknown'

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
                    'credentials kept for manual cleanup: %s' %
                    self._creds_summary())
                self._creds = None
            if self._creds is not None:
                creds, self._creds = self._creds, None
                try:
                    creds.clear()
                except Exception as exc:
                    if self.run_ is not None:
                        self.run_.result.cleanup_errors.append(
                            'clearing credentials failed: %s' % exc)
        return self.result if self.run_ else None


def conf_dynamic():
    from tempest import config
    return config.CONF.auth.use_dynamic_credentials


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
