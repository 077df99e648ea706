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

"""Expected DNS records and the names they have.

An :class:`ExpectedRecord` is one rrset with the exact set of values it
must have; values and names are compared in one canonical text
(:func:`normalise_value`, :func:`fqdn`). The API checks
(``dns_checks``), the wire queries (``dns_wire``) and the engine share it.
"""

import ipaddress


def fqdn(name):
    return name if name.endswith('.') else name + '.'


def normalise_value(rtype, value):
    """Canonical text of a value (addresses compressed, names dotted)."""
    value = str(value).strip()
    if rtype in ('A', 'AAAA'):
        return str(ipaddress.ip_address(value))
    if rtype in ('PTR', 'CNAME', 'NS'):
        return fqdn(value.lower())
    return value


def address_type(address):
    return 'A' if ipaddress.ip_address(address).version == 4 else 'AAAA'


def reverse_name(address):
    return ipaddress.ip_address(address).reverse_pointer + '.'


class ExpectedRecord(object):
    """One rrset: name + type + the exact set of values (zone for the API)."""

    def __init__(self, name, rtype, values, zone=None):
        self.name = fqdn(name.lower())
        self.type = rtype
        self.values = frozenset(normalise_value(rtype, v) for v in values)
        self.zone = fqdn(zone.lower()) if zone else None

    @property
    def key(self):
        return (self.name, self.type)

    def to_dict(self):
        return {'name': self.name, 'type': self.type,
                'values': sorted(self.values), 'zone': self.zone}

    def __repr__(self):
        return '%s %s %s' % (self.name, self.type, sorted(self.values))

    def __eq__(self, other):
        return (isinstance(other, ExpectedRecord) and
                (self.key, self.values, self.zone) ==
                (other.key, other.values, other.zone))

    def __hash__(self):
        return hash((self.key, self.values, self.zone))


def build_expected(records, with_ptr):
    """Group (name, address, zone) triples into ExpectedRecord rrsets.

    Adds one PTR per address pointing at its name when ``with_ptr``.
    """
    grouped = {}
    zones = {}
    for name, address, zone in records:
        key = (fqdn(name.lower()), address_type(address))
        grouped.setdefault(key, set()).add(address)
        zones[key] = zone
    result = [ExpectedRecord(n, t, v, zones[(n, t)])
              for (n, t), v in sorted(grouped.items())]
    if with_ptr:
        for name, address, _zone in sorted(records):
            result.append(ExpectedRecord(reverse_name(address), 'PTR',
                                         [name]))
    return result
