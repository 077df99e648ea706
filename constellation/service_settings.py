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

"""The service settings a caller asks for, applied to the rendered configs.

A plain INI file (``up --service-settings FILE`` or
``$CONSTELLATION_SERVICE_SETTINGS``): every ``[<file>:<group>]`` section
sets its options in that group of that config, replacing the
constellation's own value (as a devstack local.conf's post-config does).
Sections without ``:`` are the caller's own and ignored here.
"""

import configparser

from constellation import errors

ENV = 'CONSTELLATION_SERVICE_SETTINGS'
# file key of a section -> the config it goes to (under etc/; tempest.conf
# is the constellation's output for Tempest)
FILES = {
    'keystone': 'keystone/keystone.conf',
    'glance': 'glance/glance-api.conf',
    'placement': 'placement/placement.conf',
    'nova': 'nova/nova.conf',
    'neutron': 'neutron/neutron.conf',
    'ml2': 'neutron/ml2_conf.ini',
    'designate': 'designate/designate.conf',
    'heat': 'heat/heat.conf',
    'tempest': 'tempest.conf',
}


class SettingsError(errors.Failure):
    """The service settings file cannot be used (named, with the cause)."""


def load(path):
    """{file key: {group: {option: value}}} of the file at ``path``."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str        # option names as written
    try:
        with open(path) as f:
            parser.read_file(f)
    except OSError as e:
        raise SettingsError('service settings %s (--service-settings or '
                            '$%s): cannot read it: %s'
                            % (path, ENV, e.strerror or e))
    except configparser.Error as e:
        raise SettingsError('service settings %s: not an INI file: %s'
                            % (path, str(e).splitlines()[0]))
    out = {}
    for section in parser.sections():
        if ':' not in section:
            continue
        key, group = section.split(':', 1)
        if key not in FILES or not group:
            raise SettingsError(
                'service settings %s: section [%s]: unknown file %r (an '
                'option section is [<file>:<group>], file one of: %s)'
                % (path, section, key, ', '.join(FILES)))
        out.setdefault(key, {})[group] = dict(parser.items(section))
    return out


def for_file(ctx, key):
    """{group: {option: value}} asked for the config of file ``key``."""
    return (ctx.get('service_settings') or {}).get(key, {})


def sections(settings):
    """``[file:group]`` names of loaded settings, for the log."""
    return ['%s:%s' % (key, group) for key, groups in settings.items()
            for group in groups]


def changed(old, new):
    """``[file:group]`` sections that differ between two loaded settings."""
    names = sorted(set(sections(old)) | set(sections(new)))

    def get(settings, name):
        key, group = name.split(':', 1)
        return settings.get(key, {}).get(group)
    return [n for n in names if get(old, n) != get(new, n)]
