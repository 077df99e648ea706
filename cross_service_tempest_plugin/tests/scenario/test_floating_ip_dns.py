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


class FloatingIpDnsTest(engine_test.ScenarioEngineTest):
    """Use case 2: Floating IPs are published in the external DNS service.

    Neutron admin guide "DNS Integration with an External Service":
    https://docs.openstack.org/neutron/latest/admin/config-dns-int-ext-serv.html
    A floating IP with its own dns_name and dns_domain.
    """

    @decorators.idempotent_id('117c9e44-8d92-4b6f-9929-6b7989d52a33')
    @engine_test.scenario('floating_ip_dns')
    def test_floating_ip_own_dns_name_and_domain(self):
        """A + PTR in the API and on every nameserver; gone after delete."""
        self.run_scenario()

    @decorators.idempotent_id('e91b6314-62a4-45c0-9ccf-600035a65301')
    @engine_test.scenario('floating_ip_no_zone')
    def test_floating_ip_dns_domain_without_zone(self):
        """Neutron skips publishing: FIP keeps its DNS attributes, no A/PTR.

        Observed and documented in neutron.db.dns_db
        (_add_ips_to_external_dns_service logs "The DNS domain ... was not
        found" and creates neither the A nor the PTR record).
        """
        self.run_scenario()
