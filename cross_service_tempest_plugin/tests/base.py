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

"""Base class of the cross-service scenario tests."""

from oslo_config import cfg
from tempest.common import utils
from tempest import config
from tempest.lib.common.utils import data_utils
from tempest.lib.common.utils import test_utils
from tempest.lib import exceptions as lib_exc
from tempest import test

from cross_service_tempest_plugin.common import waiters
from cross_service_tempest_plugin import config as cs_config

CONF = config.CONF

# [service_available] option -> who registers it.
REQUIRED_SERVICES = (
    ('nova', 'tempest'),
    ('neutron', 'tempest'),
    ('designate', 'designate-tempest-plugin'),
    ('heat', 'heat-tempest-plugin'),
)
REQUIRED_NETWORK_EXTENSIONS = ('dns-integration', 'dns-domain-ports')


def orchestration_clients(manager):
    """The Heat clients of a client manager, by their alias names."""
    orchestration = manager.orchestration
    return {
        'stacks_client': orchestration.StacksClient(),
        'resources_client': orchestration.ResourcesClient(),
        'outputs_client': orchestration.OutputsClient(),
        'events_client': orchestration.EventsClient(),
        'templates_client': orchestration.TemplatesClient(),
    }


class CrossServiceScenarioTest(test.BaseTestCase):
    """Nova + Neutron + Designate + Heat, driven through Heat stacks.

    Client aliases (primary project unless prefixed ``admin_``):
    stacks/resources/outputs/events/templates_client (Heat, this plugin),
    zones/recordset/ptr_client (Designate), query_client (the pool's
    nameservers on the wire), networks/subnets/ports/floating_ips_client
    (Neutron), servers_client (Nova).
    """

    credentials = ['primary', 'admin']

    @classmethod
    def skip_checks(cls):
        super().skip_checks()
        missing = []
        for service, registered_by in REQUIRED_SERVICES:
            try:
                available = getattr(CONF.service_available, service)
            except cfg.NoSuchOptError:
                missing.append('[service_available] %s (no such option: '
                               'install %s)' % (service, registered_by))
                continue
            if not available:
                missing.append('[service_available] %s' % service)
        if missing:
            raise cls.skipException(
                'Needs these services, which are not enabled: %s'
                % ', '.join(missing))
        missing_ext = [ext for ext in REQUIRED_NETWORK_EXTENSIONS
                       if not utils.is_extension_enabled(ext, 'network')]
        if missing_ext:
            raise cls.skipException(
                'Needs Neutron API extension(s) %s, not listed in '
                '[network-feature-enabled] api_extensions'
                % ', '.join(missing_ext))

    @classmethod
    def setup_credentials(cls):
        # The stacks create the networks they need: no network/router per
        # dynamic-credentials project.
        cls.set_network_resources()
        super().setup_credentials()

    @classmethod
    def setup_clients(cls):
        super().setup_clients()
        for prefix, manager in (('', cls.os_primary),
                                ('admin_', cls.os_admin)):
            dns = manager.dns_v2
            aliases = orchestration_clients(manager)
            aliases.update({
                'zones_client': dns.ZonesClient(),
                'recordset_client': dns.RecordsetClient(),
                'ptr_client': dns.PtrClient(),
                'networks_client': manager.networks_client,
                'subnets_client': manager.subnets_client,
                'ports_client': manager.ports_client,
                'floating_ips_client': manager.floating_ips_client,
                'servers_client': manager.servers_client,
            })
            for name, client in aliases.items():
                setattr(cls, prefix + name, client)
        # Imported here: dnspython is not needed to list tests.
        from designate_tempest_plugin.services.dns.query import query_client
        cls.query_client = query_client.QueryClient(
            nameservers=CONF.dns.nameservers,
            query_timeout=CONF.dns.query_timeout,
            build_interval=CONF.cross_service.record_interval,
            build_timeout=CONF.cross_service.record_timeout)

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        problems = cs_config.validate(CONF)
        if problems:
            raise lib_exc.InvalidConfiguration('; '.join(problems))

    @classmethod
    def unique_zone_name(cls, prefix='cs'):
        """``<random label>.<[cross_service] zone_suffix>``."""
        label = data_utils.rand_name(prefix).lower().replace('_', '-')
        return '%s.%s' % (label, CONF.cross_service.zone_suffix)

    def create_stack(self, template, parameters=None, name=None,
                     environment=None, files=None, stacks_client=None,
                     wait=True):
        """Create a stack, wait for CREATE_COMPLETE, delete it on cleanup.

        The cleanup (registered before waiting) deletes the stack and
        waits until it is gone, also when the test failed.
        :returns: (stack_name, stack_id, stack dict or None if not waited)
        """
        client = stacks_client or self.stacks_client
        name = name or data_utils.rand_name(
            self.__class__.__name__ + '-stack')
        body = client.create_stack(name, template, parameters=parameters,
                                   environment=environment, files=files)
        stack_id = body['stack']['id']
        self.addCleanup(self.delete_stack_and_wait, client, name, stack_id)
        stack = None
        if wait:
            stack = self.wait_for_stack(name, stack_id, 'CREATE_COMPLETE',
                                        stacks_client=client)
        return name, stack_id, stack

    def wait_for_stack(self, name, stack_id, status, stacks_client=None):
        admin = stacks_client is self.admin_stacks_client
        return waiters.wait_for_stack_status(
            stacks_client or self.stacks_client, name, stack_id, status,
            events_client=(self.admin_events_client if admin
                           else self.events_client),
            resources_client=(self.admin_resources_client if admin
                              else self.resources_client))

    @classmethod
    def delete_stack_and_wait(cls, stacks_client, name, stack_id):
        """Delete a stack (if still there) and wait until it is gone."""
        test_utils.call_and_ignore_notfound_exc(
            stacks_client.delete_stack, name, stack_id)
        waiters.wait_for_stack_deleted(stacks_client, name, stack_id)
