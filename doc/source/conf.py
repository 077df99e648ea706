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

extensions = [
    'openstackdocstheme',
    'oslo_config.sphinxext',
    'cliff.sphinxext',
]
# cross-service-scenario's commands: cliff's own options are documented
# once, under the application.
autoprogram_cliff_ignored = ['--help']

openstackdocs_repo_name = 'openstack/cross-service-tempest-plugin'
openstackdocs_use_storyboard = False
openstackdocs_auto_name = False

project = 'cross-service-tempest-plugin'
copyright = '2026, OpenStack Foundation'
master_doc = 'index'
source_suffix = '.rst'
exclude_patterns = ['_build']
add_module_names = True
pygments_style = 'native'
html_theme = 'openstackdocs'
