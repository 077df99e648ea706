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

from tempest.lib import decorators

from cross_service_tempest_plugin.tests.scenario import engine_test


class {{ cookiecutter.__class_name }}(engine_test.ScenarioEngineTest):
    """The {{ cookiecutter.name }} scenario, run by the scenario engine.

    Neutron admin guide, "DNS Integration with an External Service",
    {{ cookiecutter.__use_case | wordwrap(72) | indent(4) }}:
    {{ cookiecutter.__guide_url }}

    {{ cookiecutter.description | wordwrap(72) | indent(4) }}
    """

    @decorators.idempotent_id('{{ cookiecutter.__idempotent_id }}')
    @engine_test.scenario('{{ cookiecutter.name }}')
    def test_{{ cookiecutter.name }}(self):
        """Records in the API and on every nameserver; gone after delete."""
        self.run_scenario()
