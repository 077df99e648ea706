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


class OutputsClient(base.OrchestrationClient):
    """Stack outputs.

    They exist only under /stacks/{name}/{id}: Heat has no redirect for them.
    """

    def list_outputs(self, stack_name, stack_id):
        """GET .../outputs -> ``{'outputs': [{'output_key': ...}, ...]}``."""
        self._require_id(stack_id)
        return self.get_json(
            base.stack_path(stack_name, stack_id) + '/outputs')

    def show_output(self, stack_name, stack_id, key):
        """GET .../outputs/{key} -> ``{'output': {'output_value': ...}}``."""
        self._require_id(stack_id)
        return self.get_json('%s/outputs/%s' % (
            base.stack_path(stack_name, stack_id), base.quote(key)))

    @staticmethod
    def _require_id(stack_id):
        if not stack_id:
            raise ValueError('stack outputs need the stack id (got %r): Heat '
                             'has no /stacks/{name}/outputs redirect'
                             % (stack_id,))
