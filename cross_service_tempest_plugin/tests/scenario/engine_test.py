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

"""Tempest front door to the scenario engine (shared by the test classes).

Each test method names its scenario once, with :func:`scenario`; the
class's ``scenarios`` and Tempest's tags (``slow``, the service tags) are
derived from it and from the definition's ``requires``. The engine (the
same one as ``cross_service_tempest_plugin.api``) runs the steps with the
clients of the base class, and the test fails with the failing step's
message.
"""

import functools
import json

from oslo_log import log as logging
from tempest.common import utils
from tempest import config
from tempest.lib import decorators

from cross_service_tempest_plugin import credentials
from cross_service_tempest_plugin import lost_resources
from cross_service_tempest_plugin.scenarios import engine
from cross_service_tempest_plugin.scenarios import loader
from cross_service_tempest_plugin.scenarios import provenance
from cross_service_tempest_plugin.tests import base

CONF = config.CONF
LOG = logging.getLogger(__name__)


# ``requires:`` entry -> Tempest's service tag (tempest.common.utils.
# services knows these; Heat and Designate have no tag there).
SERVICE_TAGS = {'nova': 'compute', 'neutron': 'network'}


@functools.lru_cache(maxsize=1)
def _shipped_catalog():
    return loader.load_catalog()


def scenario(name):
    """Decorate a test method: it runs scenario ``name``.

    The method's body calls ``self.run_scenario()``. Every scenario test
    deploys stacks and waits for DNS propagation, so it is tagged
    ``slow``; a shipped definition's ``requires`` also gives Tempest's
    service tags (``compute``, ``network``). A scenario defined only in
    ``[cross_service] scenario_files`` gets no service tags (the
    configuration is not read at import); its ``requires`` are checked
    in ``skip_checks`` like every other's.
    """
    catalog = _shipped_catalog()
    requires = (catalog.get(name).get('requires') or []
                if name in catalog.names() else [])
    tags = [SERVICE_TAGS[r] for r in requires if r in SERVICE_TAGS]

    def decorator(f):
        f.scenario = name
        if tags:
            f = utils.services(*tags)(f)
        return decorators.attr(type='slow')(f)
    return decorator


def progress_hook(name):
    """Hooks logging a "progress: ..." line as each step starts and ends.

    A long run (tools/run-scenario-job.sh, bench/scenario_bench.py follow
    tempest.log) shows which scenario and step are running and how many
    steps are left.
    """
    def before_step(run, step_name):
        names = run.step_names
        LOG.info('progress: %s (%s): step %s started, %d of %d', name,
                 run.label, step_name, names.index(step_name) + 1,
                 len(names))

    def after_step(run, step):
        LOG.info('progress: %s (%s): step %s %s in %.1f s, %d step(s) '
                 'left', name, run.label, step.name, step.status,
                 step.duration or 0.0, len(run.pending_steps()))
    return {'before_step': before_step, 'after_step': after_step}


class ScenarioEngineTest(base.CrossServiceScenarioTest):
    """Runs named scenario definitions through the engine."""

    # Scenarios the class runs, derived from its @scenario methods (a
    # class may also list more by hand): a missing requirement skips the
    # class, naming the service, extension or option.
    scenarios = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        named = [getattr(m, 'scenario', None) for m in vars(cls).values()]
        own = tuple(n for n in named if n)
        cls.scenarios = tuple(dict.fromkeys(
            tuple(cls.__dict__.get('scenarios', ())) + own +
            tuple(super(cls, cls).scenarios)))

    @classmethod
    def skip_checks(cls):
        super().skip_checks()
        catalog = cls._catalog()
        for name in cls.scenarios:
            missing = engine.missing_requirements(
                catalog.get(name), CONF, utils.is_extension_enabled)
            if missing:
                raise cls.skipException('scenario %s needs: %s'
                                        % (name, ', '.join(missing)))

    @classmethod
    def _catalog(cls):
        return loader.load_catalog(CONF.cross_service.scenario_files,
                                   CONF.cross_service.template_dir)

    def run_scenario(self, name=None, overrides=None):
        """Run every step of ``name``; fail with the failing step's error.

        ``name``: by default the one the test method's :func:`scenario`
        decorator names.
        """
        if name is None:
            method = getattr(self, self._testMethodName)
            name = getattr(method, 'scenario', None)
            if name is None:
                raise TypeError('%s: decorate the test with '
                                '@engine_test.scenario(NAME) or pass the '
                                'scenario name to run_scenario()'
                                % self.id())
        definition = self._catalog().get(name)
        role = definition.get('credentials', 'primary')
        run = engine.ScenarioRun(
            name, definition, self.scenario_clients[role],
            engine.Settings.from_conf(CONF), overrides=overrides,
            result_extra={'test': self.id()}, hooks=progress_hook(name),
            lost_sweep=lost_resources.sweep_for(
                getattr(self, 'os_%s' % role), CONF))
        run.result.cloud = provenance.cloud(CONF)
        run.result.overrides = dict(overrides or {})
        # run() cleans up itself; this also covers an error between steps.
        self.addCleanup(self._cleanup_run, run)
        result = run.run()
        self._keep_credentials_if_leftovers(run)
        self._add_result_detail(result)
        for bug in result.known_bugs:
            LOG.warning('scenario %s reproduced a known service bug (records '
                        'left after delete: %s): %s', name,
                        [r['name'] for r in bug['lingering']],
                        bug['summary'])
        if not result.passed:
            self.fail('scenario %s failed at step %s: %s%s%s' % (
                name, result.failed_step, result.error,
                ''.join('\n' + e for e in result.cleanup_errors),
                '\n' + self._credentials_kept() if result.cleanup_errors
                else ''))
        return result

    def _cleanup_run(self, run):
        run.cleanup()
        self._keep_credentials_if_leftovers(run)

    def _keep_credentials_if_leftovers(self, run):
        """Cleanup failed: the class keeps its credentials (see below)."""
        if run.result.cleanup_errors:
            cls = type(self)
            cls.leftovers = getattr(cls, 'leftovers', []) + [
                '%s (%s): %s' % (self.id(), run.label, e)
                for e in run.result.cleanup_errors]

    @classmethod
    def _credentials_kept(cls):
        return credentials.kept_message(
            (role, manager.credentials) for role, manager in (
                ('primary', getattr(cls, 'os_primary', None)),
                ('admin', getattr(cls, 'os_admin', None)))
            if getattr(manager, 'credentials', None) is not None)

    @classmethod
    def clear_credentials(cls):
        """Keep the dynamic credentials when a run's cleanup failed.

        Heat deletes a stack with its owner's trust: clearing the project
        and user would orphan the stacks left behind. Say so loudly.
        """
        leftovers = getattr(cls, 'leftovers', None)
        if leftovers:
            LOG.error('%s: cleanup failed, NOT clearing the credentials; %s. '
                      'Left behind: %s', cls.__name__,
                      cls._credentials_kept(), ' | '.join(leftovers))
            return
        super().clear_credentials()

    def _add_result_detail(self, result):
        try:
            from testtools import content
            self.addDetail('scenario-result', content.text_content(
                json.dumps(result.to_dict(), indent=1, default=str)))
        except Exception:  # details are a nicety, never a failure
            pass
