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

The test classes only name the scenarios; the engine (the same one as
``cross_service_tempest_plugin.api``) runs the steps with the clients of the
base class, and the test fails with the failing step's message.
"""

import json

from oslo_log import log as logging
from tempest.common import utils
from tempest import config

from cross_service_tempest_plugin.scenarios import engine
from cross_service_tempest_plugin.scenarios import loader
from cross_service_tempest_plugin.tests import base

CONF = config.CONF
LOG = logging.getLogger(__name__)


class ScenarioEngineTest(base.CrossServiceScenarioTest):
    """Runs named scenario definitions through the engine."""

    # Scenarios the class runs: a missing requirement skips the class,
    # naming the service, extension or option.
    scenarios = ()

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
        return loader.load_catalog(CONF.cross_service.scenario_files)

    def run_scenario(self, name, overrides=None):
        """Run every step of ``name``; fail with the failing step's error."""
        definition = self._catalog().get(name)
        run = engine.ScenarioRun(
            name, definition,
            self.scenario_clients[definition.get('credentials', 'primary')],
            engine.Settings.from_conf(CONF), overrides=overrides,
            result_extra={'test': self.id()})
        # run() cleans up itself; this also covers an error between steps.
        self.addCleanup(run.cleanup)
        result = run.run()
        self._add_result_detail(result)
        for bug in result.known_bugs:
            LOG.warning('scenario %s reproduced a known service bug (records '
                        'left after delete: %s): %s', name,
                        [r['name'] for r in bug['lingering']],
                        bug['summary'])
        if not result.passed:
            self.fail('scenario %s failed at step %s: %s%s' % (
                name, result.failed_step, result.error,
                ''.join('\n' + e for e in result.cleanup_errors)))
        return result

    def _add_result_detail(self, result):
        try:
            from testtools import content
            self.addDetail('scenario-result', content.text_content(
                json.dumps(result.to_dict(), indent=1, default=str)))
        except Exception:  # details are a nicety, never a failure
            pass
