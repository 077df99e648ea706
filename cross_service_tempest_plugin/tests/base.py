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

from tempest import config
from tempest.lib import exceptions as lib_exc
from tempest import test

from cross_service_tempest_plugin import config as cs_config
from cross_service_tempest_plugin.scenarios import settings

CONF = config.CONF


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

    What a test needs is stated once, in its scenario's ``requires``
    (checked by ``engine_test.ScenarioEngineTest.skip_checks``).

    ``scenario_clients['primary'|'admin']``: the clients a scenario run
    uses when its stacks belong to the primary or the admin project.
    """

    credentials = ['primary', 'admin']

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
