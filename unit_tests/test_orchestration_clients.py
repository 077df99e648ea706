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

"""Heat REST clients: URLs, verbs, bodies, redirects and errors."""

import testtools

from tempest.lib import exceptions as lib_exc

from cross_service_tempest_plugin.services import orchestration
from cross_service_tempest_plugin.services.orchestration import base
from unit_tests import orchestration_fakes as fakes
from unit_tests.orchestration_fakes import BASE_URL
from unit_tests.orchestration_fakes import redirect
from unit_tests.orchestration_fakes import response

STACK_ID = '5b1c3c64-53e2-4f4c-a3a0-0f2b8a2c1d7e'
STACK = {'stack': {'id': STACK_ID, 'stack_name': 'st',
                   'stack_status': 'CREATE_COMPLETE'}}


class TestRegistration(testtools.TestCase):

    def test_all_clients_exported(self):
        self.assertEqual(
            ['StacksClient', 'ResourcesClient', 'OutputsClient',
             'EventsClient', 'TemplatesClient'], orchestration.__all__)
        for name in orchestration.__all__:
            self.assertTrue(issubclass(getattr(orchestration, name),
                                       base.OrchestrationClient))

    def test_http_layer_never_follows_redirects(self):
        # Even if a caller asks for it: urllib3 would repeat a DELETE.
        client = orchestration.StacksClient(
            fakes.FakeAuthProvider(), 'orchestration', 'RegionOne',
            follow_redirects=True)
        self.assertFalse(client.http_obj.follow_redirects)

    def test_no_api_version_inserted(self):
        self.assertIsNone(orchestration.StacksClient.api_version)


class TestStacksClient(testtools.TestCase):

    def test_create_stack(self):
        client = fakes.make_client(
            orchestration.StacksClient,
            response(201, {'stack': {'id': STACK_ID, 'links': []}}))
        body = client.create_stack(
            'st', 'heat_template_version: 2018-08-31\n',
            parameters={'zone': 'a.test.'}, timeout_mins=5,
            tags=['cross', 'service'])
        self.assertEqual(STACK_ID, body['stack']['id'])
        self.assertEqual(201, body.response.status)
        req = client.http_obj.requests[0]
        self.assertEqual(('POST', BASE_URL + '/stacks'),
                         (req['method'], req['url']))
        self.assertEqual({
            'stack_name': 'st',
            'template': 'heat_template_version: 2018-08-31\n',
            'parameters': {'zone': 'a.test.'},
            'environment': {}, 'files': {},
            'disable_rollback': True,
            'timeout_mins': 5,
            'tags': 'cross,service'}, req['body'])
        self.assertEqual('fake-token', req['headers']['X-Auth-Token'])

    def test_create_stack_sends_dict_template_as_text(self):
        client = fakes.make_client(orchestration.StacksClient,
                                   response(201, {'stack': {'id': 'x'}}))
        client.create_stack('st', {'heat_template_version': '2018-08-31'})
        template = client.http_obj.requests[0]['body']['template']
        self.assertIsInstance(template, str)
        self.assertIn('2018-08-31', template)
        self.assertNotIn('timeout_mins', client.http_obj.requests[0]['body'])

    def test_create_stack_bad_request(self):
        client = fakes.make_client(
            orchestration.StacksClient,
            response(400, {'error': {'message': 'Property error: zone'}}))
        exc = self.assertRaises(lib_exc.BadRequest, client.create_stack,
                                'st', 'bad')
        self.assertIn('Property error: zone', str(exc))

    def test_create_stack_unexpected_success_code(self):
        client = fakes.make_client(orchestration.StacksClient,
                                   response(200, {'stack': {'id': 'x'}}))
        self.assertRaises(lib_exc.InvalidHttpSuccessCode,
                          client.create_stack, 'st', 't')

    def test_show_stack_by_name_follows_redirect(self):
        client = fakes.make_client(
            orchestration.StacksClient,
            redirect(BASE_URL + '/stacks/st/' + STACK_ID),
            response(200, STACK))
        body = client.show_stack('st')
        self.assertEqual('CREATE_COMPLETE', body['stack']['stack_status'])
        self.assertEqual(
            [('GET', BASE_URL + '/stacks/st'),
             ('GET', BASE_URL + '/stacks/st/' + STACK_ID)],
            client.http_obj.calls())
        # The second request is authenticated too.
        self.assertEqual('fake-token',
                         client.http_obj.requests[1]['headers'][
                             'X-Auth-Token'])

    def test_show_stack_redirect_from_other_host_url(self):
        # Heat builds Location from its own host URL (proxy, mount point):
        # we still go through the catalog endpoint.
        client = fakes.make_client(
            orchestration.StacksClient,
            redirect('https://heat.internal/heat-api/v1/project-1/stacks/'
                     'st/' + STACK_ID),
            response(200, STACK))
        client.show_stack('st')
        self.assertEqual(BASE_URL + '/stacks/st/' + STACK_ID,
                         client.http_obj.calls()[1][1])

    def test_show_stack_by_name_and_id_single_request(self):
        client = fakes.make_client(orchestration.StacksClient,
                                   response(200, STACK))
        client.show_stack('st/' + STACK_ID)
        self.assertEqual([('GET', BASE_URL + '/stacks/st/' + STACK_ID)],
                         client.http_obj.calls())

    def test_show_stack_not_found(self):
        client = fakes.make_client(
            orchestration.StacksClient,
            response(404, {'error': {'message': 'The Stack (st) could not '
                                                'be found.'}}))
        self.assertRaises(lib_exc.NotFound, client.show_stack, 'st')

    def test_redirect_without_location(self):
        client = fakes.make_client(
            orchestration.StacksClient,
            response(302, '', **{'content-type': 'text/plain'}))
        exc = self.assertRaises(lib_exc.InvalidHttpSuccessCode,
                                client.show_stack, 'st')
        self.assertIn('without a Location header', str(exc))

    def test_redirect_loop_is_bounded(self):
        loop = redirect(BASE_URL + '/stacks/st')
        client = fakes.make_client(orchestration.StacksClient,
                                   *[loop] * (base.MAX_REDIRECTS + 1))
        exc = self.assertRaises(lib_exc.InvalidHttpSuccessCode,
                                client.show_stack, 'st')
        self.assertIn('more than %d redirects' % base.MAX_REDIRECTS,
                      str(exc))

    def test_redirect_to_foreign_url_refused(self):
        client = fakes.make_client(orchestration.StacksClient,
                                   redirect('http://elsewhere/login'))
        exc = self.assertRaises(lib_exc.InvalidHttpSuccessCode,
                                client.show_stack, 'st')
        self.assertIn('Cannot follow redirect', str(exc))

    def test_update_stack(self):
        client = fakes.make_client(orchestration.StacksClient,
                                   response(202, ''))
        client.update_stack('st', STACK_ID, 'tmpl', parameters={'a': 'b'})
        req = client.http_obj.requests[0]
        self.assertEqual(('PUT', BASE_URL + '/stacks/st/' + STACK_ID),
                         (req['method'], req['url']))
        self.assertEqual({'template': 'tmpl', 'parameters': {'a': 'b'},
                          'environment': {}, 'files': {}}, req['body'])

    def test_update_stack_needs_id(self):
        client = fakes.make_client(orchestration.StacksClient)
        exc = self.assertRaises(ValueError, client.update_stack, 'st', None,
                                'tmpl')
        self.assertIn('update_stack needs the stack id', str(exc))
        self.assertEqual([], client.http_obj.requests)

    def test_delete_stack(self):
        client = fakes.make_client(orchestration.StacksClient,
                                   response(204, ''))
        body = client.delete_stack('st', STACK_ID)
        self.assertEqual(204, body.response.status)
        self.assertEqual([('DELETE', BASE_URL + '/stacks/st/' + STACK_ID)],
                         client.http_obj.calls())

    def test_delete_stack_redirect_is_not_success(self):
        # A 302 on DELETE deleted nothing: it must not pass silently, nor
        # be replayed by the client.
        client = fakes.make_client(
            orchestration.StacksClient,
            redirect(BASE_URL + '/stacks/st/' + STACK_ID))
        self.assertRaises(lib_exc.InvalidHttpSuccessCode,
                          client.delete_stack, 'st', STACK_ID)
        self.assertEqual(1, len(client.http_obj.requests))

    def test_delete_stack_needs_id(self):
        client = fakes.make_client(orchestration.StacksClient)
        self.assertRaises(ValueError, client.delete_stack, 'st', '')

    def test_delete_stack_not_found(self):
        client = fakes.make_client(orchestration.StacksClient,
                                   response(404, {'error': {}}))
        self.assertRaises(lib_exc.NotFound, client.delete_stack, 'st',
                          STACK_ID)

    def test_list_stacks_with_filters(self):
        client = fakes.make_client(orchestration.StacksClient,
                                   response(200, {'stacks': []}))
        body = client.list_stacks(status='CREATE_COMPLETE')
        self.assertEqual([], body['stacks'])
        self.assertEqual(
            [('GET', BASE_URL + '/stacks?status=CREATE_COMPLETE')],
            client.http_obj.calls())

    def test_server_error(self):
        client = fakes.make_client(
            orchestration.StacksClient,
            response(500, {'error': {'message': 'trustee not configured'}}))
        exc = self.assertRaises(lib_exc.ServerFault, client.list_stacks)
        self.assertIn('trustee not configured', str(exc))


class TestResourcesClient(testtools.TestCase):

    def test_list_resources(self):
        client = fakes.make_client(orchestration.ResourcesClient,
                                   response(200, {'resources': [{}]}))
        body = client.list_resources('st', STACK_ID, nested_depth=2)
        self.assertEqual(1, len(body['resources']))
        self.assertEqual(
            [('GET', BASE_URL + '/stacks/st/%s/resources?nested_depth=2'
              % STACK_ID)], client.http_obj.calls())

    def test_list_resources_by_name_keeps_query_over_redirect(self):
        location = (BASE_URL + '/stacks/st/%s/resources?nested_depth=2'
                    % STACK_ID)
        client = fakes.make_client(orchestration.ResourcesClient,
                                   redirect(location),
                                   response(200, {'resources': []}))
        client.list_resources('st', None, nested_depth=2)
        self.assertEqual(
            [('GET', BASE_URL + '/stacks/st/resources?nested_depth=2'),
             ('GET', location)], client.http_obj.calls())

    def test_show_resource_quotes_name(self):
        client = fakes.make_client(orchestration.ResourcesClient,
                                   response(200, {'resource': {}}))
        client.show_resource('st', STACK_ID, 'my port/1')
        self.assertEqual(
            BASE_URL + '/stacks/st/%s/resources/my%%20port%%2F1' % STACK_ID,
            client.http_obj.calls()[0][1])

    def test_show_resource_not_found(self):
        client = fakes.make_client(orchestration.ResourcesClient,
                                   response(404, {'error': {}}))
        self.assertRaises(lib_exc.NotFound, client.show_resource, 'st',
                          STACK_ID, 'nope')


class TestOutputsClient(testtools.TestCase):

    def test_list_outputs(self):
        client = fakes.make_client(orchestration.OutputsClient,
                                   response(200, {'outputs': []}))
        client.list_outputs('st', STACK_ID)
        self.assertEqual(
            [('GET', BASE_URL + '/stacks/st/%s/outputs' % STACK_ID)],
            client.http_obj.calls())

    def test_show_output(self):
        output = {'output': {'output_key': 'fqdn',
                             'output_value': 'vm1.a.test.'}}
        client = fakes.make_client(orchestration.OutputsClient,
                                   response(200, output))
        body = client.show_output('st', STACK_ID, 'fqdn')
        self.assertEqual('vm1.a.test.', body['output']['output_value'])
        self.assertEqual(
            [('GET', BASE_URL + '/stacks/st/%s/outputs/fqdn' % STACK_ID)],
            client.http_obj.calls())

    def test_outputs_need_id(self):
        client = fakes.make_client(orchestration.OutputsClient)
        exc = self.assertRaises(ValueError, client.show_output, 'st', None,
                                'fqdn')
        self.assertIn('no /stacks/{name}/outputs redirect', str(exc))
        self.assertRaises(ValueError, client.list_outputs, 'st', None)


class TestEventsClient(testtools.TestCase):

    def test_list_events(self):
        client = fakes.make_client(orchestration.EventsClient,
                                   response(200, {'events': []}))
        client.list_events('st', STACK_ID, sort_dir='desc', limit=5)
        self.assertEqual(
            [('GET', BASE_URL + '/stacks/st/%s/events?sort_dir=desc&limit=5'
              % STACK_ID)], client.http_obj.calls())

    def test_list_resource_events(self):
        client = fakes.make_client(orchestration.EventsClient,
                                   response(200, {'events': []}))
        client.list_resource_events('st', STACK_ID, 'fip')
        self.assertEqual(
            [('GET', BASE_URL + '/stacks/st/%s/resources/fip/events'
              % STACK_ID)], client.http_obj.calls())


class TestTemplatesClient(testtools.TestCase):

    def test_validate_template(self):
        client = fakes.make_client(
            orchestration.TemplatesClient,
            response(200, {'Parameters': {}, 'Description': 'd'}))
        body = client.validate_template('tmpl', parameters={'a': 1})
        self.assertEqual('d', body['Description'])
        req = client.http_obj.requests[0]
        self.assertEqual(('POST', BASE_URL + '/validate'),
                         (req['method'], req['url']))
        self.assertEqual({'template': 'tmpl', 'parameters': {'a': 1},
                          'environment': {}}, req['body'])

    def test_validate_invalid_template(self):
        client = fakes.make_client(
            orchestration.TemplatesClient,
            response(400, {'error': {
                'message': 'The template version is invalid'}}))
        exc = self.assertRaises(lib_exc.BadRequest,
                                client.validate_template, 'x: y')
        self.assertIn('The template version is invalid', str(exc))


class TestPathHelpers(testtools.TestCase):

    def test_stack_path(self):
        self.assertEqual('stacks/st', base.stack_path('st'))
        self.assertEqual('stacks/st/1', base.stack_path('st', '1'))
        self.assertEqual('stacks/st/1', base.stack_path('st/1'))
        exc = self.assertRaises(ValueError, base.stack_path, '')
        self.assertIn('stack_name is required', str(exc))
