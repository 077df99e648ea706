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

"""The day upstream fixes a known bug: what the flipped assertion says,
and [cross_service] fixed_known_bugs for the series that have the fix."""

import unittest

from cross_service_tempest_plugin.scenarios import loader
from unit_tests import scenario_fakes


class TestKnownBugFixed(unittest.TestCase):

    def setUp(self):
        self.cloud = scenario_fakes.FakeCloud()
        self.catalog = loader.load_catalog()

    def _run(self, neutron_bug, fixed=()):
        if neutron_bug:
            real_delete = self.cloud.stacks.delete_stack

            def delete_with_bug(*args, **kwargs):
                self.cloud.keep_types_on_delete = {'A'}
                return real_delete(*args, **kwargs)
            self.cloud.stacks.delete_stack = delete_with_bug
        run = self.cloud.run(self.catalog, 'floating_ip_move')
        run.settings.fixed_known_bugs = list(fixed)
        return run.run()

    def test_flipped_assertion_names_scenario_fix_and_edit(self):
        result = self._run(neutron_bug=False)
        self.assertEqual('check_removed', result.failed_step)
        for part in ('known bug no longer reproduces in scenario '
                     'floating_ip_move',
                     'Look for the upstream fix: a Neutron change to '
                     'neutron/db/dns_db.py '
                     '_process_dns_floatingip_update_precommit',
                     'Add floating_ip_move to [cross_service] '
                     'fixed_known_bugs',
                     'delete the known_bug of scenario floating_ip_move'):
            self.assertIn(part, result.error)

    def test_fixed_cloud_listed_passes(self):
        result = self._run(neutron_bug=False, fixed=['floating_ip_move'])
        self.assertTrue(result.passed, result.error)
        self.assertEqual([], result.known_bugs)

    def test_listed_but_bug_still_there_fails(self):
        # fixed_known_bugs set on a series without the fix: the lingering
        # record is a failure like any other
        result = self._run(neutron_bug=True, fixed=['floating_ip_move'])
        self.assertFalse(result.passed)
        self.assertEqual('check_removed', result.failed_step)

    def test_other_scenarios_listed_change_nothing(self):
        result = self._run(neutron_bug=True, fixed=['servers_dns'])
        self.assertTrue(result.passed, result.error)
        self.assertEqual(1, len(result.known_bugs))
