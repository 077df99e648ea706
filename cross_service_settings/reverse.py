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

"""Neutron's names of reverse zones (pure).

As neutron/services/externaldns/drivers/designate/driver.py
Designate._get_in_addr_zone_name: an address's reverse name without the
(32 - ipv4_ptr_zone_prefix_size) / 8 bytes or
(128 - ipv6_ptr_zone_prefix_size) / 4 nibbles that vary inside one zone.
"""

import ipaddress

# Neutron's defaults (neutron/conf/services/extdns_designate_driver.py)
NEUTRON_DEFAULTS = {'ipv4_ptr_zone_prefix_size': '24',
                    'ipv6_ptr_zone_prefix_size': '120'}


def _prefix(version, designate):
    key = 'ipv%d_ptr_zone_prefix_size' % version
    return int(designate.get(key) or NEUTRON_DEFAULTS[key])


def skipped(version, designate):
    """Labels of a reverse name that vary inside one of Neutron's zones."""
    if version == 4:
        return int((32 - _prefix(4, designate)) / 8)
    return int((128 - _prefix(6, designate)) / 4)


def zone(address, designate):
    """The reverse zone Neutron puts ``address``'s PTR in.

    ``designate``: Neutron's [designate] options ({name: value}).
    """
    ip = ipaddress.ip_address(address)
    name = ip.reverse_pointer + '.'
    return '.'.join(name.split('.')[skipped(ip.version, designate):])


def zones(cidrs, designate, window):
    """Neutron's reverse zones of each subnet's first ``window`` addresses."""
    out = []
    for cidr in cidrs:
        net = ipaddress.ip_network(cidr, strict=False)
        units = skipped(net.version, designate)
        span = (256 if net.version == 4 else 16) ** units
        first = int(net.network_address)
        end = first + min(window, net.num_addresses)
        for addr in list(range(first, end, span)) + [end - 1]:
            name = zone(ipaddress.ip_address(addr), designate)
            if name not in out:
                out.append(name)
    return out
