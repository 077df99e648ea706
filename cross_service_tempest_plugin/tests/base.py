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
from tempest.lib import exceptions as lib_exc
from tempest import test

from cross_service_tempest_plugin import config as cs_config
from cross_service_tempest_plugin.scenarios import settings

CONF = config.CONF

# [service_available] option -> who registers it.
REQUIRED_SERVICES = (
    ('nova', 'tempest'),
    ('neutron', 'tempest'),
    ('designate', 'designate-tempest-plugin'),
    ('heat', 'heat-tempest-plugin'),
)


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

    ``scenario_clients['primary'|'admin']``: the clients a scenario run
    uses when its stacks belong to the primary or the admin project.
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
        missing_ext = [ext for ext in settings.DNS_EXTENSIONS
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
        # The same builder as the Python API's (scenarios.settings).
        cls.scenario_clients = {
            'primary': settings.ScenarioClients.from_managers(
                cls.os_primary, cls.os_admin),
            'admin': settings.ScenarioClients.from_managers(
                cls.os_admin, cls.os_admin),
        }

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        problems = cs_config.validate(CONF)
        if problems:
            raise lib_exc.InvalidConfiguration('; '.join(problems))
