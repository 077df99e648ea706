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


class FloatingIpMoveTest(engine_test.ScenarioEngineTest):
    """Use case 1, then the floating IP moves to another port.

    Neutron admin guide "DNS Integration with an External Service",
    "Use case 1: Floating IPs are published with associated port DNS
    attributes":
    https://docs.openstack.org/neutron/latest/admin/config-dns-int-ext-serv.html
    A class of its own (not ServersDnsTest's): Tempest runs the tests of one
    class on one worker, and this is the suite's longest test.
    """

    @decorators.idempotent_id('3dbd37b8-bc84-4e88-84ae-0db7675b068b')
    @engine_test.scenario('floating_ip_move')
    def test_floating_ip_moved_to_another_port(self):
        """Stack update moves the FIP: old name's A goes, new one comes."""
        self.run_scenario()
