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


"""Where a scenario's Heat template is found, and the files sent with it."""

import glob
import os

from cross_service_tempest_plugin.scenarios.errors import ScenarioError

TEMPLATES_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)),
                             'templates')
DEFINITIONS_DIR = os.path.join(os.path.dirname(__file__), 'definitions')


def template_dirs(template_dir=None, scenario_file=None):
    """Where a template is looked for, in order.

    ``template_dir``, the directory of the scenario file that names it
    (not for the shipped ones), the packaged templates.
    """
    dirs = [template_dir]
    if scenario_file and os.path.dirname(
            os.path.abspath(scenario_file)) != DEFINITIONS_DIR:
        dirs.append(os.path.dirname(os.path.abspath(scenario_file)))
    dirs.append(TEMPLATES_DIR)
    return [d for d in dirs if d]


def find_template(name, template_dir=None, scenario_file=None):
    """Path of a template (looked for in :func:`template_dirs`).

    An absolute path stands for itself, a relative one may name a
    subdirectory (``../templates/x.yaml`` next to a scenario file).
    """
    dirs = template_dirs(template_dir, scenario_file)
    for base in dirs:
        path = os.path.join(base, name)
        if os.path.isfile(path) and not (scenario_file and os.path.samefile(
                path, scenario_file)):
            return path
    raise ScenarioError('template %r not found in %s' % (
        name, ' or '.join(dirs)))


def template_files(template_dir=None):
    """All templates by file name (for Heat's ``files``: nested types)."""
    files = {}
    for base in (TEMPLATES_DIR, template_dir):
        if base:
            for path in sorted(glob.glob(os.path.join(base, '*.yaml'))):
                with open(path) as f:
                    files[os.path.basename(path)] = f.read()
    return files
