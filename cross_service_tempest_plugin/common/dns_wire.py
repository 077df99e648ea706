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

"""Asking nameservers directly on the wire (UDP, no recursion).

Nameservers are ``address[:port]`` entries of ``[dns] nameservers``;
queries go to them, never through a resolver.
"""

import ipaddress

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from cross_service_tempest_plugin.common import dns_records


def parse_nameserver(text, option='[dns] nameservers'):
    """'address:port', '[v6]:port', 'address' → (address, port).

    The address must be an IP address (queries go to it, never through a
    resolver); ValueError names ``option`` and the entry otherwise.
    """
    text = str(text).strip()
    if text.startswith('['):
        host, _, rest = text[1:].partition(']')
        port = rest[1:] if rest.startswith(':') else (rest or '53')
    elif text.count(':') == 1:
        host, port = text.split(':')
    else:
        host, port = text, '53'
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError('%s: %r: %r is not an IP address (expected '
                         'ADDRESS, ADDRESS:PORT or [IPv6]:PORT)'
                         % (option, text, host))
    try:
        port = int(port)
    except ValueError:
        port = None
    if port is None or not 0 < port < 65536:
        raise ValueError('%s: %r: bad port (expected 1-65535)'
                         % (option, text))
    return host, port


class WireAnswer(object):
    def __init__(self, rcode, values, error=None):
        self.rcode = rcode
        self.values = frozenset(values)
        self.error = error

    def __repr__(self):
        if self.error:
            return 'error: %s' % self.error
        return '%s %s' % (self.rcode, sorted(self.values))


def query_nameserver(nameserver, name, rtype, timeout=2.0):
    """Ask one nameserver (UDP, no recursion); returns a WireAnswer."""
    host, port = parse_nameserver(nameserver)
    msg = dns.message.make_query(dns_records.fqdn(name),
                                 dns.rdatatype.from_text(rtype))
    msg.flags &= ~dns.flags.RD
    try:
        resp = dns.query.udp(msg, host, port=port, timeout=timeout)
    except (dns.exception.DNSException, OSError) as exc:
        return WireAnswer(None, [],
                          error='%s: %s' % (type(exc).__name__, exc))
    values = set()
    wanted = dns.rdatatype.from_text(rtype)
    for rrset in resp.answer:
        if rrset.rdtype != wanted:
            continue
        for rdata in rrset:
            values.add(dns_records.normalise_value(rtype, rdata.to_text()))
    return WireAnswer(dns.rcode.to_text(resp.rcode()), values)


def query_soa(nameserver, name, timeout=2.0):
    """The zone holding ``name`` at one nameserver and its SOA serial.

    :returns: ``(zone, serial)``, or ``(None, why)`` when the nameserver
        serves no zone for the name or does not answer.
    """
    host, port = parse_nameserver(nameserver)
    msg = dns.message.make_query(dns_records.fqdn(name), dns.rdatatype.SOA)
    msg.flags &= ~dns.flags.RD
    try:
        resp = dns.query.udp(msg, host, port=port, timeout=timeout)
    except (dns.exception.DNSException, OSError) as exc:
        return None, '%s: %s' % (type(exc).__name__, exc)
    for rrset in resp.answer + resp.authority:
        if rrset.rdtype == dns.rdatatype.SOA:
            return rrset.name.to_text().lower(), rrset[0].serial
    return None, 'no zone (%s)' % dns.rcode.to_text(resp.rcode())
