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

"""Heat REST clients, one per resource, registered as ``orchestration``."""

from cross_service_tempest_plugin.services.orchestration.events_client \
    import EventsClient
from cross_service_tempest_plugin.services.orchestration.outputs_client \
    import OutputsClient
from cross_service_tempest_plugin.services.orchestration.resources_client \
    import ResourcesClient
from cross_service_tempest_plugin.services.orchestration.stacks_client \
    import StacksClient
from cross_service_tempest_plugin.services.orchestration.templates_client \
    import TemplatesClient

__all__ = ['StacksClient', 'ResourcesClient', 'OutputsClient',
           'EventsClient', 'TemplatesClient']
