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


class ServersDnsTest(engine_test.ScenarioEngineTest):
    """Use case 1: floating IPs published with associated port DNS attributes.

    Neutron admin guide "DNS Integration with an External Service",
    "Use case 1: Floating IPs are published with associated port DNS
    attributes":
    https://docs.openstack.org/neutron/latest/admin/config-dns-int-ext-serv.html
    Servers' ports with dns_name, network with dns_domain.
    """

    @decorators.idempotent_id('aade1382-4a57-4dc2-904d-54979adadc4e')
    @engine_test.scenario('servers_dns')
    def test_servers_ports_published_through_floating_ips(self):
        """Two servers: one A per server name + one PTR per floating IP."""
        self.run_scenario()
