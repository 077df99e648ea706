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

"""Loading tempest.conf, once per process, for every front door.

The Python API, the cleanup command, the leak check and the fault
tests' health check read Tempest's CONF through :func:`load_config`: one
path per process, checked before anything uses it (``ConfigError``).
"""

import os

from cross_service_tempest_plugin import config as cs_config
from cross_service_tempest_plugin.scenarios import errors
from cross_service_tempest_plugin.scenarios import yaml_files


class ConfigError(errors.ScenarioError):
    """tempest.conf is missing, unreadable or inconsistent."""


_loaded_path = None


def load_config(config_file=None):
    """Load tempest.conf once per process; returns Tempest's CONF.

    ``config_file`` wins; else ``TEMPEST_CONFIG_DIR``/``TEMPEST_CONFIG`` as
    Tempest reads them (default ``./etc/tempest.conf``).
    """
    global _loaded_path
    if config_file:
        path = os.path.abspath(config_file)
    else:
        path = os.path.abspath(os.path.join(
            os.environ.get('TEMPEST_CONFIG_DIR',
                           os.path.join(os.getcwd(), 'etc')),
            os.environ.get('TEMPEST_CONFIG', 'tempest.conf')))
    if os.path.isdir(path):
        raise ConfigError('config file %s is a directory, not a file (pass '
                          'the path of tempest.conf itself)' % path)
    if not os.path.isfile(path):
        raise ConfigError(
            'config file %s does not exist (pass config_file / --config, or '
            'set TEMPEST_CONFIG_DIR and TEMPEST_CONFIG)' % path)
    try:
        yaml_files.read_text(path, 'config file', 'an INI file (tempest.conf)')
    except errors.ScenarioError as exc:    # unreadable, not UTF-8, binary
        raise ConfigError(str(exc))
    if _loaded_path and _loaded_path != path:
        raise ConfigError('Tempest configuration already loaded from %s in '
                          'this process; cannot switch to %s'
                          % (_loaded_path, path))
    from tempest import config
    if not _loaded_path:
        config.CONF.set_config_path(path)
    conf = config.CONF
    try:
        conf.cross_service.zone_suffix
    except Exception as exc:
        raise ConfigError('config file %s: %s: %s'
                          % (path, type(exc).__name__, exc))
    _loaded_path = path
    problems = cs_config.validate(conf)
    if problems:
        raise ConfigError('config file %s: %s' % (path, '; '.join(problems)))
    return conf
