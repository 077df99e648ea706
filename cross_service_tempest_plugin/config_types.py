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

"""Value types of the ``[cross_service]`` options (oslo.config types).

Each refuses a bad value with oslo.config's message naming the option
plus the reason given here.
"""

import ipaddress
import re

from oslo_config import types

_LABEL_RE = re.compile(r'^(?!-)[a-z0-9-]{1,63}(?<!-)$', re.IGNORECASE)
_EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$')
# Room left for the random label the tests put in front of zone_suffix.
_ZONE_PREFIX_ROOM = 32


class ZoneSuffix(types.String):
    """A fully qualified DNS name ending with a dot, e.g. ``example.test.``"""

    def __init__(self):
        super().__init__(type_name='zone suffix value')

    def __call__(self, value):
        value = super().__call__(value)
        if not value.endswith('.'):
            raise ValueError(
                "must end with '.' (a fully qualified DNS name such as "
                "'cross-service.test.'); got %r" % value)
        labels = value[:-1].split('.')
        if value == '.' or not all(_LABEL_RE.match(lb) for lb in labels):
            raise ValueError(
                'must be dot-separated DNS labels of 1-63 letters, digits '
                "or '-' (not starting or ending with '-'); got %r" % value)
        if len(value) + _ZONE_PREFIX_ROOM > 253:
            raise ValueError(
                'is %d characters long; zones are created as '
                '<random label>.<suffix>, which must stay within 253 '
                'characters, so use at most %d' %
                (len(value), 253 - _ZONE_PREFIX_ROOM))
        return value.lower()


class EmailAddress(types.String):
    """An e-mail address such as ``hostmaster@example.test``."""

    def __init__(self):
        super().__init__(type_name='e-mail address value')

    def __call__(self, value):
        value = super().__call__(value)
        if not _EMAIL_RE.match(value):
            raise ValueError(
                'must be an e-mail address such as '
                "'hostmaster@example.test' (Designate requires one for "
                'every zone); got %r' % value)
        return value


class IPNetwork(types.String):
    """A CIDR of the given IP version, without host bits set."""

    def __init__(self, version):
        self.version = version
        super().__init__(type_name='IPv%d CIDR value' % version)

    def __call__(self, value):
        value = super().__call__(value)
        try:
            net = ipaddress.ip_network(value, strict=True)
        except ValueError as exc:
            raise ValueError('must be an IPv%d CIDR such as %s; got %r (%s)'
                             % (self.version,
                                '203.0.113.0/24' if self.version == 4
                                else '2001:db8:5e00::/64', value, exc))
        if net.version != self.version:
            raise ValueError('must be an IPv%d CIDR; got the IPv%d CIDR %r'
                             % (self.version, net.version, value))
        if net.num_addresses < 8:
            raise ValueError('%r is too small for a subnet with a gateway '
                             'and ports (use /29 or larger)' % value)
        return str(net)

    def __eq__(self, other):
        return (self.__class__ == other.__class__ and
                self.version == other.version)
