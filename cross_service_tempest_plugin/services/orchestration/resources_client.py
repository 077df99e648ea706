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

from cross_service_tempest_plugin.services.orchestration import base


class ResourcesClient(base.OrchestrationClient):
    """Resources of a stack."""

    def list_resources(self, stack_name, stack_id, **params):
        """GET .../resources -> ``{'resources': [...]}``.

        params: e.g. ``nested_depth``, ``with_detail``, ``status``.
        ``stack_id`` may be None: Heat redirects the name to name/id.
        """
        url = base.stack_path(stack_name, stack_id) + '/resources'
        return self.get_json(base.with_query(url, params))

    def show_resource(self, stack_name, stack_id, resource_name):
        """GET .../resources/{resource_name} -> ``{'resource': {...}}``."""
        url = '%s/resources/%s' % (base.stack_path(stack_name, stack_id),
                                   base.quote(resource_name))
        return self.get_json(url)
