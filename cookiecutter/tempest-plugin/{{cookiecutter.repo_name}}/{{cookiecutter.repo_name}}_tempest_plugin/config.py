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

"""Options of the ``[{{ cookiecutter.repo_name }}]`` group."""

from oslo_config import cfg

{{ cookiecutter.repo_name }}_group = cfg.OptGroup(
    name='{{ cookiecutter.repo_name }}',
    title='{{ cookiecutter.project }} test options')

{{ cookiecutter.__group_var }} = [
    cfg.IntOpt('build_timeout',
               default=300,
               min=1,
               help='Seconds to wait for a resource of '
                    '{{ cookiecutter.project }} to reach its status.'),
]


def list_opts():
    """Options for oslo-config-generator (namespace of this package)."""
    return [({{ cookiecutter.repo_name }}_group,
             {{ cookiecutter.__group_var }})]
