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


class TemplatesClient(base.OrchestrationClient):
    """Template validation."""

    def validate_template(self, template, parameters=None, environment=None):
        """POST /validate -> 200 with the template's parameters/description.

        An invalid template raises ``BadRequest`` with Heat's reason.
        """
        body = {
            'template': base.template_text(template),
            'parameters': parameters or {},
            'environment': environment or {},
        }
        return self.send_json('POST', 'validate', body, 200)
