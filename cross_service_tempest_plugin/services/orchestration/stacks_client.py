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

from tempest.lib.common import rest_client

from cross_service_tempest_plugin.services.orchestration import base


class StacksClient(base.OrchestrationClient):
    """Heat stacks: create, show, update, delete, list."""

    def create_stack(self, name, template, parameters=None, environment=None,
                     files=None, timeout_mins=None, disable_rollback=True,
                     tags=None):
        """POST /stacks -> 201 ``{'stack': {'id': ..., 'links': ...}}``."""
        body = {
            'stack_name': name,
            'template': base.template_text(template),
            'parameters': parameters or {},
            'environment': environment or {},
            'files': files or {},
            'disable_rollback': disable_rollback,
        }
        if timeout_mins is not None:
            body['timeout_mins'] = timeout_mins
        if tags:
            body['tags'] = (tags if isinstance(tags, str)
                            else ','.join(tags))
        return self.send_json('POST', 'stacks', body, 201)

    def show_stack(self, stack_identifier):
        """GET a stack by name, id or "name/id" (follows Heat's 302)."""
        return self.get_json(base.stack_path(stack_identifier))

    def update_stack(self, stack_name, stack_id, template, parameters=None,
                     environment=None, files=None):
        """PUT /stacks/{name}/{id} -> 202 (the update runs async)."""
        self._require_id('update_stack', stack_id)
        body = {
            'template': base.template_text(template),
            'parameters': parameters or {},
            'environment': environment or {},
            'files': files or {},
        }
        return self.send_json('PUT', base.stack_path(stack_name, stack_id),
                              body, 202)

    def delete_stack(self, stack_name, stack_id):
        """DELETE /stacks/{name}/{id} -> 204 (the delete runs async)."""
        self._require_id('delete_stack', stack_id)
        resp, body = self.delete(base.stack_path(stack_name, stack_id))
        self.expected_success(204, resp.status)
        return rest_client.ResponseBody(resp)

    def list_stacks(self, **params):
        """GET /stacks -> ``{'stacks': [...]}``; params are Heat filters."""
        return self.get_json(base.with_query('stacks', params))

    @staticmethod
    def _require_id(method, stack_id):
        # Heat answers PUT/DELETE on /stacks/{name} with a 302 and does
        # nothing, so a missing id would look like success.
        if not stack_id:
            raise ValueError(
                '%s needs the stack id as well as the name (got stack_id=%r);'
                ' Heat only redirects requests on /stacks/{name}'
                % (method, stack_id))
