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

"""Expected DNS records, and checking/waiting for them.

Two places are checked: the Designate API (recordsets, ACTIVE, exactly the
expected values) and the wire (every nameserver answers exactly the expected
values; an empty answer is a failure). Absence is checked the same way.
"""

import ipaddress
import time

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from cross_service_tempest_plugin.common import progress
from cross_service_tempest_plugin.common import transient


class RecordWaitTimeout(AssertionError):
    """A record did not reach the expected state before the deadline."""


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
    msg = dns.message.make_query(fqdn(name), dns.rdatatype.from_text(rtype))
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
            values.add(normalise_value(rtype, rdata.to_text()))
    return WireAnswer(dns.rcode.to_text(resp.rcode()), values)


def query_soa(nameserver, name, timeout=2.0):
    """The zone holding ``name`` at one nameserver and its SOA serial.

    :returns: ``(zone, serial)``, or ``(None, why)`` when the nameserver
        serves no zone for the name or does not answer.
    """
    host, port = parse_nameserver(nameserver)
    msg = dns.message.make_query(fqdn(name), dns.rdatatype.SOA)
    msg.flags &= ~dns.flags.RD
    try:
        resp = dns.query.udp(msg, host, port=port, timeout=timeout)
    except (dns.exception.DNSException, OSError) as exc:
        return None, '%s: %s' % (type(exc).__name__, exc)
    for rrset in resp.answer + resp.authority:
        if rrset.rdtype == dns.rdatatype.SOA:
            return rrset.name.to_text().lower(), rrset[0].serial
    return None, 'no zone (%s)' % dns.rcode.to_text(resp.rcode())


class DesignateLookup(object):
    """Reads recordsets from Designate.

    Forward records are read with the owner's recordset client (in the
    owner's zone); PTRs live in reverse zones Neutron creates with its own
    service credentials, so they are read with an admin client across all
    projects.
    """

    ALL_PROJECTS = {'x-auth-all-projects': True}

    def __init__(self, recordsets_client, admin_recordsets_client=None):
        self.client = recordsets_client
        self.admin_client = admin_recordsets_client

    def lookup(self, record):
        """→ (values, statuses) as currently in the API."""
        params = {'name': record.name, 'type': record.type}
        if record.type == 'PTR' or record.zone is None:
            if self.admin_client is None:
                raise RecordWaitTimeout(
                    'cannot read %s %s from Designate: no admin credentials'
                    % (record.name, record.type))
            rsets = self.admin_client.list_owned_recordsets(
                params=params, headers=self.ALL_PROJECTS)
        else:
            rsets = self.client.list_owned_recordsets(params=params)
        values, statuses = set(), set()
        for rset in rsets:
            if rset.get('name', '').lower() != record.name:
                continue
            if rset.get('type') != record.type:
                continue
            statuses.add(rset.get('status'))
            values.update(normalise_value(record.type, v)
                          for v in rset.get('records', []))
        return frozenset(values), statuses

    def zone_serial(self, zone, record):
        """Serial of ``zone`` in Designate (its SOA recordset), or None.

        Read with the client that reads ``record``.
        """
        owner_zone = None if record.type == 'PTR' else record.zone
        values, _st = self.lookup(ExpectedRecord(zone, 'SOA', [],
                                                 owner_zone))
        serials = {int(v.split()[2]) for v in values}
        return serials.pop() if len(serials) == 1 else None


def _poll(check, describe, timeout, interval, clock=time.monotonic,
          sleep=time.sleep, explain=None):
    """Call check() until it returns (True, seen) or the deadline passes.

    ``explain()``, if given, adds its text to a timeout's message.
    """
    start = clock()
    seen = None
    while True:
        try:
            ok, seen = check()
        except Exception as exc:
            if not transient.is_transient(exc):
                raise
            ok, seen = False, 'error: %s' % transient.describe(exc)
        elapsed = clock() - start
        if ok:
            return elapsed, seen
        if elapsed >= timeout:
            raise RecordWaitTimeout('%s; last seen: %s; waited %.1f s '
                                    '(timeout %s s)%s' % (
                                        describe, seen, elapsed, timeout,
                                        '; ' + explain() if explain else ''))
        sleep(interval)


class Check(object):
    """One wait: ``check()`` → (ok, seen).

    ``describe`` says what is expected where; ``explain()`` (optional) adds
    to a timeout's message.
    """

    def __init__(self, check, describe, explain=None):
        self.check = check
        self.describe = describe
        self.explain = explain


class Found(object):
    """A check that succeeded.

    After ``waited`` s, at clock time ``at`` and wall time ``wall_at``
    (epoch seconds), with what was ``seen``.
    """

    def __init__(self, waited, seen, at, wall_at):
        self.waited = waited
        self.seen = seen
        self.at = at
        self.wall_at = wall_at


class WaitCancelled(Exception):
    """A wait's ``stop`` event was set (its run stopped; nobody waits)."""


def poll_all(checks, timeout, interval, clock=time.monotonic,
             sleep=time.sleep, wall=time.time, start=None, stop=None):
    """Poll every pending check each round until all succeed → [Found].

    One deadline (``timeout`` s from ``start``, a clock time, default now)
    for all of them, so a check's time is not inflated by the checks
    before it; waits started together in several threads pass the same
    ``start`` and share the deadline. A round stops at the deadline once
    every check was tried at least once. On timeout raises
    :class:`RecordWaitTimeout` naming each pending check (what was
    expected, last seen, how long); its ``found`` attribute holds the
    :class:`Found` (or None, pending) of every check, in order.
    ``stop`` (a :class:`threading.Event`): once set, the wait ends with
    :class:`WaitCancelled` at the next round.
    """
    start = clock() if start is None else start
    with progress.waiting('%d check(s)' % len(checks)) as wait:
        return _poll_all(checks, timeout, interval, clock, sleep, wall,
                         start, stop, wait)


def _poll_all(checks, timeout, interval, clock, sleep, wall, start, stop,
              wait):
    deadline = start + timeout
    found = [None] * len(checks)
    last = [None] * len(checks)
    tried = [False] * len(checks)
    while True:
        if stop is not None and stop.is_set():
            raise WaitCancelled('wait cancelled')
        for i, chk in enumerate(checks):
            if found[i] is not None or (tried[i] and clock() > deadline):
                continue
            try:
                ok, last[i] = chk.check()
            except Exception as exc:
                # Designate busy or restarting: not yet, within the deadline
                if not transient.is_transient(exc):
                    raise
                ok, last[i] = False, 'error: %s' % transient.describe(exc)
            tried[i] = True
            if ok:
                now = clock()
                found[i] = Found(now - start, last[i], now, wall())
        pending = [i for i, f in enumerate(found) if f is None]
        if not pending:
            return found
        wait.what = '%d of %d check(s): %s' % (len(pending), len(checks),
                                               checks[pending[0]].describe)
        wait.seen = last[pending[0]]
        elapsed = clock() - start
        if elapsed >= timeout:
            lines = []
            for i in pending:
                chk = checks[i]
                lines.append('%s; last seen: %s; waited %.1f s (timeout %s '
                             's)%s' % (chk.describe, last[i], elapsed,
                                       timeout, '; ' + chk.explain()
                                       if chk.explain else ''))
            if len(pending) > 1:
                lines.insert(1, '(%d of %d checks not met in time; the '
                             'others:)' % (len(pending), len(checks)))
            exc = RecordWaitTimeout('\n'.join(lines))
            exc.found = found
            raise exc
        sleep(max(0.0, min(interval, deadline - clock())))


class RecordChecker(object):
    """Waits until records are (or are no longer) in Designate and on wire.

    Every wait polls until a deadline (``timeout``) and returns the elapsed
    seconds; a timeout names the record, where it was looked for, what was
    expected and what was seen last.
    """

    def __init__(self, lookup, nameservers, timeout, interval,
                 query_timeout=2.0, query=query_nameserver,
                 clock=time.monotonic, sleep=time.sleep, soa=query_soa,
                 wall=time.time):
        self.lookup = lookup
        self.nameservers = list(nameservers or [])
        self.timeout = timeout
        self.interval = interval
        self.query_timeout = query_timeout
        self._query = query
        self._soa = soa
        self._clock = clock
        self._sleep = sleep
        self._wall = wall

    def _wait(self, check, describe, explain=None):
        return _poll(check, describe, self.timeout, self.interval,
                     self._clock, self._sleep, explain)

    def serials(self, record, nameserver, api_done):
        """Does the nameserver's SOA serial match Designate's? (text)

        ``api_done(values)``: whether Designate's values of the record are
        the expected ones.  Equal serials, Designate done, the nameserver
        not: Designate did not increment the serial for the change (see
        "Designate's serial in whole seconds" in the constellation's
        documentation).  A lower serial: not transferred yet.
        """
        try:
            zone, ns_serial = self._soa(nameserver, record.name,
                                        self.query_timeout)
            if zone is None:
                return 'nameserver %s serves no zone for %s: %s' % (
                    nameserver, record.name, ns_serial)
            serial = self.lookup.zone_serial(zone, record)
            api_values, _st = self.lookup.lookup(record)
        except Exception as exc:  # an explanation never hides the timeout
            return 'serials not compared: %s: %s' % (type(exc).__name__,
                                                     exc)
        if serial is None:
            relation = 'Designate has no single SOA serial for it'
        elif serial == ns_serial and api_done(api_values):
            relation = ('EQUAL to Designate\'s, whose API has the change '
                        '(%s): Designate did not increment the serial for '
                        'it' % sorted(api_values))
        elif serial == ns_serial:
            relation = ('EQUAL to Designate\'s (in sync); Designate\'s API '
                        'itself has %s' % sorted(api_values))
        elif ns_serial < serial:
            relation = ('BEHIND Designate\'s %d: the change has not been '
                        'transferred to the nameserver' % serial)
        else:
            relation = 'AHEAD of Designate\'s %d' % serial
        return 'zone %s SOA serial at %s: %d, %s' % (
            zone, nameserver, ns_serial, relation)

    def api_present(self, record):
        def check():
            values, statuses = self.lookup.lookup(record)
            return (values == record.values and statuses == {'ACTIVE'},
                    {'values': sorted(values), 'status': sorted(
                        s for s in statuses if s)})
        return Check(check, 'Designate API: expected %s %s = %s '
                     '(status ACTIVE)' % (record.name, record.type,
                                          sorted(record.values)))

    def api_absent(self, record, values=None):
        """Absent: no recordset of that name/type (or none of ``values``)."""
        unwanted = record.values if values is None else values

        def check():
            seen, _st = self.lookup.lookup(record)
            gone = not seen if not unwanted else not (seen & unwanted)
            return gone, sorted(seen)
        return Check(check, 'Designate API: expected %s %s without %s'
                     % (record.name, record.type, sorted(unwanted)))

    def wire_present(self, record, nameserver):
        def check():
            ans = self._query(nameserver, record.name, record.type,
                              self.query_timeout)
            return (ans.rcode == 'NOERROR' and ans.values == record.values,
                    ans)
        return Check(check, 'nameserver %s: expected %s %s = %s'
                     % (nameserver, record.name, record.type,
                        sorted(record.values)),
                     lambda: self.serials(
                         record, nameserver,
                         lambda values: values == record.values))

    def wire_absent(self, record, nameserver, values=None):
        unwanted = record.values if values is None else values

        def check():
            ans = self._query(nameserver, record.name, record.type,
                              self.query_timeout)
            if ans.error:
                return False, ans
            if not unwanted:
                return not ans.values, ans
            return not (ans.values & unwanted), ans
        return Check(check, 'nameserver %s: expected %s %s without %s'
                     % (nameserver, record.name, record.type,
                        sorted(unwanted)),
                     lambda: self.serials(
                         record, nameserver,
                         lambda values: not (values & unwanted)
                         if unwanted else not values))

    def _wait_one(self, chk):
        return self._wait(chk.check, chk.describe, chk.explain)

    def wait_api_present(self, record):
        return self._wait_one(self.api_present(record))

    def wait_api_absent(self, record, values=None):
        return self._wait_one(self.api_absent(record, values))

    def wait_wire_present(self, record, nameserver):
        return self._wait_one(self.wire_present(record, nameserver))

    def wait_wire_absent(self, record, nameserver, values=None):
        return self._wait_one(self.wire_absent(record, nameserver, values))

    def wait_all(self, checks, start=None, stop=None):
        """Poll all ``checks`` (:class:`Check`) together → [Found].

        ``start``/``stop``: see :func:`poll_all`.
        """
        return poll_all(checks, self.timeout, self.interval, self._clock,
                        self._sleep, self._wall, start, stop)

    def now(self):
        """The checker's clock (a start shared by concurrent waits)."""
        return self._clock()

    def zone_serials(self, record):
        """SOA serials of ``record``'s zone: Designate's, every nameserver's.

        → ``{'zone': name, 'designate': serial, '<nameserver>': serial}``;
        a serial that could not be read is the reason why.
        """
        out = {}
        zone = None
        for ns in self.nameservers:
            try:
                ns_zone, serial = self._soa(ns, record.name,
                                            self.query_timeout)
            except Exception as exc:  # never hides the failure itself
                ns_zone, serial = None, '%s: %s' % (type(exc).__name__, exc)
            out[ns] = serial
            zone = zone or ns_zone
        zone = zone or record.zone
        if zone:
            out['zone'] = zone
            try:
                out['designate'] = self.lookup.zone_serial(zone, record)
            except Exception as exc:
                out['designate'] = '%s: %s' % (type(exc).__name__, exc)
        return out
