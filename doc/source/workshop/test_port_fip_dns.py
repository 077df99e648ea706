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

"""The workshop's test, written the Tempest way (doc/source/workshop.rst).

Neutron's "Floating IPs are published with associated port DNS
attributes", deployed by the Heat template next to this file.
"""

import os

from designate_tempest_plugin.common import waiters as dns_waiters
from designate_tempest_plugin.services.dns.query import query_client
from tempest.common import utils
from tempest import config
from tempest.lib.common.utils import data_utils
from tempest.lib.common.utils import test_utils
from tempest.lib import decorators
from tempest import test

from cross_service_tempest_plugin.common import waiters

CONF = config.CONF
TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        'port_fip_dns.yaml')


class PortFloatingIpDnsTest(test.BaseTestCase):

    credentials = ['primary']

    @classmethod
    def skip_checks(cls):
        super().skip_checks()
        for service in ('neutron', 'designate', 'heat'):
            if not getattr(CONF.service_available, service):
                raise cls.skipException('[service_available] %s is False'
                                        % service)
        if not utils.is_extension_enabled('dns-integration', 'network'):
            raise cls.skipException('Neutron extension dns-integration is '
                                    'not enabled')

    @classmethod
    def setup_credentials(cls):
        # The stack builds its own network and router.
        cls.set_network_resources()
        super().setup_credentials()

    @classmethod
    def setup_clients(cls):
        super().setup_clients()
        # 'orchestration' is registered by this plugin, 'dns_v2' by
        # designate-tempest-plugin: both in Tempest's client registry.
        cls.stacks_client = cls.os_primary.orchestration.StacksClient()
        cls.zones_client = cls.os_primary.dns_v2.ZonesClient()
        cls.recordset_client = cls.os_primary.dns_v2.RecordsetClient()
        cls.query_client = query_client.QueryClient(
            nameservers=CONF.dns.nameservers,
            query_timeout=CONF.dns.query_timeout,
            build_interval=CONF.cross_service.record_interval,
            build_timeout=CONF.cross_service.record_timeout)

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        label = data_utils.rand_name('ws').lower()
        cls.zone_name = '%s.%s' % (label, CONF.cross_service.zone_suffix)
        _, zone = cls.zones_client.create_zone(
            name=cls.zone_name, email=CONF.cross_service.zone_email,
            ttl=CONF.cross_service.zone_ttl, wait_until='ACTIVE')
        cls.zone_id = zone['id']
        cls.addClassResourceCleanup(
            test_utils.call_and_ignore_notfound_exc,
            cls.zones_client.delete_zone, cls.zone_id)

        with open(TEMPLATE) as f:
            template = f.read()
        name = data_utils.rand_name('ws-stack')
        body = cls.stacks_client.create_stack(name, template, parameters={
            'name': name, 'zone': cls.zone_name, 'dns_name': 'my-vm',
            'public_network': CONF.network.public_network_id})
        stack_id = body['stack']['id']
        # Registered after the zone's: cleanups run last-in first-out, so
        # the stack (and its floating IP) goes before the zone.
        cls.addClassResourceCleanup(cls._delete_stack, name, stack_id)
        stack = waiters.wait_for_stack_status(
            cls.stacks_client, name, stack_id, 'CREATE_COMPLETE')
        outputs = {o['output_key']: o['output_value']
                   for o in stack['outputs']}
        cls.floating_ip = outputs['floating_ip']

    @classmethod
    def _delete_stack(cls, name, stack_id):
        test_utils.call_and_ignore_notfound_exc(
            cls.stacks_client.delete_stack, name, stack_id)
        waiters.wait_for_stack_deleted(cls.stacks_client, name, stack_id)

    @decorators.idempotent_id('5b0f7c1e-2a43-4f0e-9d51-7f3c8e6a2b19')
    def test_floating_ip_published_with_port_dns_name(self):
        fqdn = 'my-vm.' + self.zone_name
        # On the wire first: every nameserver of the pool answers (waits up
        # to [cross_service] record_timeout; Neutron publishes right after
        # the floating IP is associated, BIND gets it from Designate).
        dns_waiters.wait_for_query(self.query_client, fqdn, 'A')
        for answer in self.query_client.query(fqdn, 'A'):
            self.assertEqual([self.floating_ip],
                             [rd.address for rd in answer.answer[0]])
        # The Designate API: Neutron created exactly this A record.
        _, body = self.recordset_client.list_recordset(
            self.zone_id, params={'name': fqdn, 'type': 'A'})
        self.assertEqual([[self.floating_ip]],
                         [r['records'] for r in body['recordsets']])
