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

"""Tempest plugin entry point of {{ cookiecutter.project }}."""

import os

from tempest import config
from tempest.test_discover import plugins

from {{ cookiecutter.__package }} import config as project_config


class {{ cookiecutter.testclass }}(plugins.TempestPlugin):
    """{{ cookiecutter.project }} tests for Tempest."""

    def load_tests(self):
        """Return the package's tests/ directory and the top directory."""
        base_path = os.path.split(os.path.dirname(
            os.path.abspath(__file__)))[0]
        test_dir = os.path.join(base_path, '{{ cookiecutter.__package }}',
                                'tests')
        return test_dir, base_path

    def register_opts(self, conf):
        config.register_opt_group(
            conf, project_config.{{ cookiecutter.repo_name }}_group,
            project_config.{{ cookiecutter.__group_var }})

    def get_opt_lists(self):
        return [(project_config.{{ cookiecutter.repo_name }}_group.name,
                 project_config.{{ cookiecutter.__group_var }})]

    def get_service_clients(self):
        """Service clients to register (see services/); none yet."""
        return []
