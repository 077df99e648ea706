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

"""The service settings the scenarios depend on, kept once.

``service-settings.ini`` next to this module is the one source: the local
constellation applies it (``tools/constellation`` asks it to), the devstack
plugin (devstack/plugin.sh) with devstack's ``iniget``; ``after_up`` is the
plugin's step on a constellation.  Standard library only:
the constellation's CLI runs with the system python3, and devstack runs
``python3 -m cross_service_settings`` before any venv of ours exists.
"""

import collections
import configparser
import os

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    'service-settings.ini')
# file key of an option section -> the config file it goes to
FILES = {'neutron': 'neutron.conf', 'ml2': 'ml2_conf.ini',
         'designate': 'designate.conf', 'tempest': 'tempest.conf'}

Option = collections.namedtuple('Option', 'file group name value')


def load(path=PATH):
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str        # option names as written
    with open(path) as f:
        parser.read_file(f)
    return parser


def options(parser=None):
    """Every option of the file's "<file>:<group>" sections, in order."""
    parser = parser or load()
    out = []
    for section in parser.sections():
        if ':' not in section:
            continue
        key, group = section.split(':', 1)
        if key not in FILES:
            raise ValueError('%s: section [%s]: unknown file %r (known: %s)'
                             % (PATH, section, key, ', '.join(FILES)))
        for name, value in parser.items(section):
            out.append(Option(key, group, name, value))
    return out


def section(file_key, group, parser=None):
    """{option: value} of one option section (empty when absent)."""
    parser = parser or load()
    name = '%s:%s' % (file_key, group)
    return dict(parser.items(name)) if parser.has_section(name) else {}


def value(section_name, option, parser=None):
    return (parser or load()).get(section_name, option)


def csv(section_name, option, parser=None):
    return [v.strip() for v in value(section_name, option, parser).split(',')
            if v.strip()]


def extension_drivers(loaded, parser=None):
    """ML2 extension_drivers with ours added and the others kept.

    ``loaded``: the drivers already configured (list).  Drivers that ours
    subclass ([extension_drivers] replaced) are dropped: loaded together
    with dns_domain_keywords they break network create.
    """
    wanted = csv('ml2:ml2', 'extension_drivers', parser)
    replaced = set(csv('extension_drivers', 'replaced', parser))
    out = [d for d in loaded if d not in replaced or d in wanted]
    out += [d for d in wanted if d not in out]
    return out


def not_applied_by_devstack(parser=None):
    return csv('devstack', 'not_applied', parser)


def reverse_zone_cidrs(tempest_cross_service, parser=None):
    """CIDRs of the [cross_service] options whose zones are made ahead.

    ``tempest_cross_service``: that group's {option: value}.
    """
    return [tempest_cross_service[o] for o in
            csv('reverse_zones', 'cidr_options', parser)
            if tempest_cross_service.get(o)]


def ipam_window(parser=None):
    return int(value('reverse_zones', 'ipam_window', parser))
