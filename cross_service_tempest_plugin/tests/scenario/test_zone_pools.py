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

from tempest.lib import decorators

from cross_service_tempest_plugin.tests.scenario import engine_test


class ZonePoolsTest(engine_test.ScenarioEngineTest):
    """A zone is served by its own Designate pool's nameservers only.

    Designate's pool scheduler (pool_id_attribute filter):
    https://docs.openstack.org/designate/latest/admin/pools.html
    Needs a second pool: [cross_service] second_pool_id and
    second_pool_nameservers (else the class is skipped naming them).
    """

    @decorators.idempotent_id('ad86c50e-e808-4cbc-8814-b5665006bb25')
    @engine_test.scenario('zone_on_second_pool')
    def test_zone_with_pool_id_served_by_that_pool_only(self):
        """pool_id attribute: A on the second pool, absent on the default."""
        self.run_scenario()

    @decorators.idempotent_id('e6578a94-9fda-429c-8874-2ca12612cc83')
    @engine_test.scenario('zone_on_default_pool')
    def test_default_zone_not_served_by_second_pool(self):
        """No attribute: A on the default pool, absent on the second."""
        self.run_scenario()
