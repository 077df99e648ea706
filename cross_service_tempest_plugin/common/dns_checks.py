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

"""Checking and waiting for expected DNS records.

Two places are checked: the Designate API (recordsets, ACTIVE, exactly the
expected values) and the wire (every nameserver answers exactly the expected
values; an empty answer is a failure). Absence is checked the same way.
The records are :mod:`dns_records`, the wire queries :mod:`dns_wire`, the
polling :mod:`record_waits`.
"""

import time

from cross_service_tempest_plugin.common import dns_records
from cross_service_tempest_plugin.common import dns_wire
from cross_service_tempest_plugin.common import record_waits


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
                raise record_waits.RecordWaitTimeout(
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
            values.update(dns_records.normalise_value(record.type, v)
                          for v in rset.get('records', []))
        return frozenset(values), statuses

    def zone_serial(self, zone, record):
        """Serial of ``zone`` in Designate (its SOA recordset), or None.

        Read with the client that reads ``record``.
        """
        owner_zone = None if record.type == 'PTR' else record.zone
        values, _st = self.lookup(dns_records.ExpectedRecord(
            zone, 'SOA', [], owner_zone))
        serials = {int(v.split()[2]) for v in values}
        return serials.pop() if len(serials) == 1 else None


class RecordChecker(object):
    """Waits until records are (or are no longer) in Designate and on wire.

    Every wait polls until a deadline (``timeout``) and returns the elapsed
    seconds; a timeout names the record, where it was looked for, what was
    expected and what was seen last.
    """

    def __init__(self, lookup, nameservers, timeout, interval,
                 query_timeout=2.0, query=dns_wire.query_nameserver,
                 clock=time.monotonic, sleep=time.sleep,
                 soa=dns_wire.query_soa, wall=time.time):
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
        return record_waits.poll_one(check, describe, self.timeout,
                                     self.interval, self._clock, self._sleep,
                                     explain)

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
        return record_waits.Check(
            check, 'Designate API: expected %s %s = %s (status ACTIVE)'
            % (record.name, record.type, sorted(record.values)))

    def api_absent(self, record, values=None):
        """Absent: no recordset of that name/type (or none of ``values``)."""
        unwanted = record.values if values is None else values

        def check():
            seen, _st = self.lookup.lookup(record)
            gone = not seen if not unwanted else not (seen & unwanted)
            return gone, sorted(seen)
        return record_waits.Check(
            check, 'Designate API: expected %s %s without %s'
            % (record.name, record.type, sorted(unwanted)))

    def wire_present(self, record, nameserver):
        def check():
            ans = self._query(nameserver, record.name, record.type,
                              self.query_timeout)
            return (ans.rcode == 'NOERROR' and ans.values == record.values,
                    ans)
        return record_waits.Check(
            check, 'nameserver %s: expected %s %s = %s'
            % (nameserver, record.name, record.type, sorted(record.values)),
            lambda: self.serials(record, nameserver,
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
        return record_waits.Check(
            check, 'nameserver %s: expected %s %s without %s'
            % (nameserver, record.name, record.type, sorted(unwanted)),
            lambda: self.serials(record, nameserver,
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
        """Poll all ``checks`` (:class:`record_waits.Check`) → [Found].

        ``start``/``stop``: see :func:`record_waits.poll_all`.
        """
        return record_waits.poll_all(checks, self.timeout, self.interval,
                                     self._clock, self._sleep, self._wall,
                                     start, stop)

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
