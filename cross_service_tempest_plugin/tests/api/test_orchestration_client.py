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

"""The plugin's Heat client against the real Heat API.

Small stacks without cloud resources (OS::Heat::RandomString,
OS::Heat::TestResource) so only Heat itself is needed: if these fail, the
scenario failures are not about DNS.
"""

from tempest import config
from tempest.lib.common.utils import data_utils
from tempest.lib import decorators
from tempest.lib import exceptions as lib_exc
from tempest import test

from cross_service_tempest_plugin.common import waiters
from cross_service_tempest_plugin.tests import base

CONF = config.CONF

TEMPLATE = """heat_template_version: 2018-08-31
parameters:
  length: {type: number, default: 8}
resources:
  rand:
    type: OS::Heat::RandomString
    properties: {length: {get_param: length}}
outputs:
  value: {value: {get_attr: [rand, value]}}
"""

FAILING_TEMPLATE = """heat_template_version: 2018-08-31
resources:
  broken:
    type: OS::Heat::TestResource
    properties: {fail: true, value: expected failure}
"""


class OrchestrationClientTest(test.BaseTestCase):
    """Stacks, resources, outputs, events, validate: real Heat URLs."""

    credentials = ['primary']

    @classmethod
    def skip_checks(cls):
        super().skip_checks()
        if not getattr(CONF.service_available, 'heat', False):
            raise cls.skipException('[service_available] heat is not '
                                    'enabled')

    @classmethod
    def setup_credentials(cls):
        cls.set_network_resources()
        super().setup_credentials()

    @classmethod
    def setup_clients(cls):
        super().setup_clients()
        for name, client in base.orchestration_clients(
                cls.os_primary).items():
            setattr(cls, name, client)

    def _create(self, template, **kwargs):
        name = data_utils.rand_name(self.__class__.__name__)
        body = self.stacks_client.create_stack(name, template, **kwargs)
        stack_id = body['stack']['id']
        self.addCleanup(self._delete, name, stack_id)
        return name, stack_id

    def _delete(self, name, stack_id):
        try:
            self.stacks_client.delete_stack(name, stack_id)
        except lib_exc.NotFound:
            return
        waiters.wait_for_stack_deleted(self.stacks_client, name, stack_id)

    def _wait(self, name, stack_id, status):
        return waiters.wait_for_stack_status(
            self.stacks_client, name, stack_id, status,
            events_client=self.events_client,
            resources_client=self.resources_client)

    @decorators.idempotent_id('c354b902-6b3c-4377-8059-f06fac574b56')
    def test_stack_lifecycle(self):
        params = self.templates_client.validate_template(TEMPLATE)
        self.assertIn('length', params['Parameters'])

        name, stack_id = self._create(TEMPLATE, parameters={'length': 12})
        self._wait(name, stack_id, 'CREATE_COMPLETE')

        # By name: Heat redirects to name/id; the client follows.
        self.assertEqual(stack_id,
                         self.stacks_client.show_stack(name)['stack']['id'])
        resources = self.resources_client.list_resources(name, None)
        self.assertEqual(['rand'], [r['resource_name']
                                    for r in resources['resources']])
        resource = self.resources_client.show_resource(name, stack_id, 'rand')
        self.assertEqual('CREATE_COMPLETE',
                         resource['resource']['resource_status'])
        output = self.outputs_client.show_output(name, stack_id, 'value')
        self.assertEqual(12, len(output['output']['output_value']))
        events = self.events_client.list_events(name, stack_id)['events']
        self.assertIn(('rand', 'CREATE_COMPLETE'),
                      [(e['resource_name'], e['resource_status'])
                       for e in events])

        self.stacks_client.update_stack(name, stack_id, TEMPLATE,
                                        parameters={'length': 20})
        self._wait(name, stack_id, 'UPDATE_COMPLETE')
        output = self.outputs_client.show_output(name, stack_id, 'value')
        self.assertEqual(20, len(output['output']['output_value']))

        self.stacks_client.delete_stack(name, stack_id)
        waiters.wait_for_stack_deleted(self.stacks_client, name, stack_id)

    @decorators.idempotent_id('4520eda8-5b7d-4b83-b254-a3af57c6a228')
    def test_failed_stack_reports_reasons(self):
        name, stack_id = self._create(FAILING_TEMPLATE)
        exc = self.assertRaises(waiters.StackStatusError, self._wait, name,
                                stack_id, 'CREATE_COMPLETE')
        message = str(exc)
        self.assertIn('reached CREATE_FAILED while waiting for '
                      'CREATE_COMPLETE', message)
        self.assertIn('broken (OS::Heat::TestResource) CREATE_FAILED', message)
        self.assertIn('Last ', message)
