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


class EventsClient(base.OrchestrationClient):
    """Stack and resource events."""

    def list_events(self, stack_name, stack_id, **params):
        """GET .../events -> ``{'events': [...]}``.

        params: e.g. ``limit``, ``sort_dir``, ``resource_status``,
        ``nested_depth``. ``stack_id`` may be None (Heat redirects).
        """
        url = base.stack_path(stack_name, stack_id) + '/events'
        return self.get_json(base.with_query(url, params))

    def list_resource_events(self, stack_name, stack_id, resource_name,
                             **params):
        """GET .../resources/{resource_name}/events."""
        url = '%s/resources/%s/events' % (
            base.stack_path(stack_name, stack_id), base.quote(resource_name))
        return self.get_json(base.with_query(url, params))
