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


class DnsDomainKeywordsTest(engine_test.ScenarioEngineTest):
    """Use case 3 with dns_domain keywords: one zone per project.

    Neutron admin guide "DNS Integration with an External Service",
    "Use case 3: Ports are published directly in the external DNS service":
    https://docs.openstack.org/neutron/latest/admin/config-dns-int-ext-serv.html
    With the dns_domain_keywords extension driver a network's or port's
    dns_domain may contain <project_id> (and <project_name>, <user_id>,
    <user_name>), expanded with the requester's values on publication.
    Here a port's (Heat cannot pass a keyword on a network's dns_domain).
    """

    @decorators.idempotent_id('2267a6ff-5170-4144-9385-1dd5be111506')
    @engine_test.scenario('dns_domain_keywords')
    def test_ports_published_in_the_projects_keyword_zone(self):
        """Port dns_domain <project_id>.…: A in the project's zone + PTR."""
        self.run_scenario()
