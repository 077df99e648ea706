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


class ProviderPortDnsTest(engine_test.ScenarioEngineTest):
    """Use case 3: Ports are published directly in the external DNS service.

    Neutron admin guide "DNS Integration with an External Service"
    (the network's dns_domain, as in its use case 3c):
    https://docs.openstack.org/neutron/latest/admin/config-dns-int-ext-serv.html
    Admin: a port on a provider network, published directly.

    Both tests create the provider network of [cross_service]
    provider_*; they are in one class so that a class-grouped parallel run
    never creates that segment twice at the same time.
    """

    @decorators.idempotent_id('3d485f8b-fde7-4c7c-8c65-c1c4d24f7b80')
    @engine_test.scenario('provider_port_dns')
    def test_provider_port_published_directly(self):
        """A (+AAAA with IPv6) and PTRs, dns_assignment fqdn; gone after."""
        self.run_scenario()

    @decorators.idempotent_id('b0fc9f13-1cd3-4277-aa4e-1d55764ece19')
    @engine_test.scenario('provider_port_rename')
    def test_port_dns_name_renamed_by_stack_update(self):
        """Rename via stack update: old records go, new ones come."""
        self.run_scenario()
