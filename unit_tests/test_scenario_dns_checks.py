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

"""Record expectations and checks; the wire side against a tiny UDP
responder on 127.0.0.1 (real dnspython queries, real sockets).
"""

import socket
import threading
import unittest

import dns.message
import dns.rcode
import dns.rrset

from cross_service_tempest_plugin.common import dns_checks
from cross_service_tempest_plugin.common import dns_records
from cross_service_tempest_plugin.common import dns_wire
from cross_service_tempest_plugin.common import record_waits


class LocalResponder(object):
    """Answers from ``self.zone`` {(name, type): [values]}; else NXDOMAIN."""

    def __init__(self):
        self.zone = {}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.settimeout(0.2)
        self.address = '127.0.0.1:%d' % self.sock.getsockname()[1]
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self._stop:
            try:
                data, peer = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            query = dns.message.from_wire(data)
            q = query.question[0]
            resp = dns.message.make_response(query)
            values = self.zone.get((q.name.to_text(),
                                    dns.rdatatype.to_text(q.rdtype)))
            if values is None:
                resp.set_rcode(dns.rcode.NXDOMAIN)
            elif values:
                resp.answer.append(dns.rrset.from_text_list(
                    q.name, 60, 'IN', q.rdtype, values))
            self.sock.sendto(resp.to_wire(), peer)

    def close(self):
        self._stop = True
        self.thread.join(2)
        self.sock.close()


class TestExpected(unittest.TestCase):

    def test_build_groups_by_name_and_type_and_adds_ptrs(self):
        recs = dns_records.build_expected(
            [('port.z.test', '203.0.113.5', 'z.test.'),
             ('port.z.test.', '2001:db8::5', 'z.test.'),
             ('port.z.test.', '203.0.113.6', 'z.test.')], with_ptr=True)
        self.assertEqual(
            [('port.z.test.', 'A', ['203.0.113.5', '203.0.113.6']),
             ('port.z.test.', 'AAAA', ['2001:db8::5']),
             ('5.113.0.203.in-addr.arpa.', 'PTR', ['port.z.test.']),
             ('6.113.0.203.in-addr.arpa.', 'PTR', ['port.z.test.']),
             ('5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.'
              '0.2.ip6.arpa.', 'PTR', ['port.z.test.'])],
            sorted([(r.name, r.type, sorted(r.values)) for r in recs],
                   key=lambda x: (x[1] != 'A', x[1] != 'AAAA',
                                  'ip6' in x[0], x[0])))

    def test_without_ptr(self):
        recs = dns_records.build_expected([('a.z.', '10.0.0.1', 'z.')],
                                          with_ptr=False)
        self.assertEqual(['A'], [r.type for r in recs])

    def test_normalise(self):
        self.assertEqual('2001:db8::1', dns_records.normalise_value(
            'AAAA', '2001:0db8:0:0::1'))
        self.assertEqual('a.b.', dns_records.normalise_value('PTR', 'A.b'))

    def test_parse_nameserver(self):
        self.assertEqual(('127.0.0.1', 1053),
                         dns_wire.parse_nameserver('127.0.0.1:1053'))
        self.assertEqual(('::1', 53), dns_wire.parse_nameserver('[::1]'))
        self.assertEqual(('127.0.0.1', 53),
                         dns_wire.parse_nameserver('127.0.0.1'))
        self.assertRaisesRegex(ValueError, 'nameservers',
                               dns_wire.parse_nameserver, '127.0.0.1:x')


class TestWire(unittest.TestCase):

    def setUp(self):
        self.ns = LocalResponder()
        self.addCleanup(self.ns.close)
        self.checker = dns_checks.RecordChecker(
            lookup=None, nameservers=[self.ns.address], timeout=0.5,
            interval=0.05, query_timeout=0.5)
        self.rec = dns_records.ExpectedRecord('fip.z.test.', 'A',
                                              ['172.24.4.10'])

    def test_exact_answer_passes(self):
        self.ns.zone[('fip.z.test.', 'A')] = ['172.24.4.10']
        waited, ans = self.checker.wait_wire_present(self.rec, self.ns.address)
        self.assertEqual('NOERROR', ans.rcode)

    def test_empty_answer_fails(self):
        self.ns.zone[('fip.z.test.', 'A')] = []
        with self.assertRaises(record_waits.RecordWaitTimeout) as ctx:
            self.checker.wait_wire_present(self.rec, self.ns.address)
        msg = str(ctx.exception)
        self.assertIn('nameserver %s' % self.ns.address, msg)
        self.assertIn("expected fip.z.test. A = ['172.24.4.10']", msg)
        self.assertIn('last seen: NOERROR []', msg)
        self.assertIn('timeout 0.5 s', msg)

    def test_extra_address_fails(self):
        self.ns.zone[('fip.z.test.', 'A')] = ['172.24.4.10', '172.24.4.11']
        self.assertRaises(record_waits.RecordWaitTimeout,
                          self.checker.wait_wire_present, self.rec,
                          self.ns.address)

    def test_absent(self):
        waited, ans = self.checker.wait_wire_absent(self.rec, self.ns.address)
        self.assertEqual('NXDOMAIN', ans.rcode)
        self.ns.zone[('fip.z.test.', 'A')] = ['172.24.4.10']
        self.assertRaises(record_waits.RecordWaitTimeout,
                          self.checker.wait_wire_absent, self.rec,
                          self.ns.address)
        # Another value under the same name is not "ours".
        self.ns.zone[('fip.z.test.', 'A')] = ['172.24.4.12']
        self.checker.wait_wire_absent(self.rec, self.ns.address)

    def test_unreachable_nameserver_is_never_absent(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(('127.0.0.1', 0))
        dead = '127.0.0.1:%d' % sock.getsockname()[1]
        sock.close()
        checker = dns_checks.RecordChecker(None, [dead], 0.3, 0.05,
                                           query_timeout=0.1)
        with self.assertRaises(record_waits.RecordWaitTimeout) as ctx:
            checker.wait_wire_absent(self.rec, dead)
        self.assertIn('error', str(ctx.exception))

    def test_ptr(self):
        ptr = dns_records.ExpectedRecord('10.4.24.172.in-addr.arpa.', 'PTR',
                                         ['fip.z.test.'])
        self.ns.zone[('10.4.24.172.in-addr.arpa.', 'PTR')] = ['fip.z.test.']
        self.checker.wait_wire_present(ptr, self.ns.address)


class FakeRecordsets(object):
    def __init__(self, rsets):
        self.rsets = rsets
        self.calls = []

    def list_owned_recordsets(self, params=None, headers=None):
        self.calls.append((params, headers))
        return self.rsets


class TestApi(unittest.TestCase):

    def test_owner_client_for_forward_admin_all_projects_for_ptr(self):
        owner = FakeRecordsets([{'name': 'fip.z.', 'type': 'A',
                                 'records': ['172.24.4.10'],
                                 'status': 'ACTIVE'}])
        admin = FakeRecordsets([{'name': '10.4.24.172.in-addr.arpa.',
                                 'type': 'PTR', 'records': ['fip.z.'],
                                 'status': 'PENDING'}])
        lookup = dns_checks.DesignateLookup(owner, admin)
        a = dns_records.ExpectedRecord('fip.z.', 'A', ['172.24.4.10'], 'z.')
        ptr = dns_records.ExpectedRecord('10.4.24.172.in-addr.arpa.', 'PTR',
                                         ['fip.z.'])
        self.assertEqual((frozenset(['172.24.4.10']), {'ACTIVE'}),
                         lookup.lookup(a))
        self.assertEqual((frozenset(['fip.z.']), {'PENDING'}),
                         lookup.lookup(ptr))
        self.assertEqual({'x-auth-all-projects': True}, admin.calls[0][1])
        checker = dns_checks.RecordChecker(lookup, [], 0.2, 0.05)
        checker.wait_api_present(a)
        # PENDING is not good enough.
        with self.assertRaises(record_waits.RecordWaitTimeout) as ctx:
            checker.wait_api_present(ptr)
        self.assertIn('PENDING', str(ctx.exception))


class TestSerialsOnTimeout(unittest.TestCase):
    """A wire timeout says how the nameserver's serial compares."""

    SOA = 'ns1.x.test. hostmaster.x.test. %d 3600 600 86400 3600'

    def setUp(self):
        self.ns = LocalResponder()
        self.addCleanup(self.ns.close)
        self.rec = dns_records.ExpectedRecord('fip.z.test.', 'A',
                                              ['172.24.4.10'], 'z.test.')

    def checker(self, designate_serial, ns_answer, api=('172.24.4.10',)):
        owner = FakeRecordsets([{'name': 'z.test.', 'type': 'SOA',
                                 'records': [self.SOA % designate_serial],
                                 'status': 'ACTIVE'},
                                {'name': 'fip.z.test.', 'type': 'A',
                                 'records': list(api),
                                 'status': 'ACTIVE'}])
        self.owner = owner
        return dns_checks.RecordChecker(
            dns_checks.DesignateLookup(owner, FakeRecordsets([])),
            [self.ns.address], timeout=0.2, interval=0.05,
            query_timeout=0.5, soa=lambda ns, name, timeout: ns_answer)

    def timeout_message(self, checker, absent=False):
        wait = checker.wait_wire_absent if absent else (
            checker.wait_wire_present)
        if absent:
            self.ns.zone[('fip.z.test.', 'A')] = ['172.24.4.10']
        with self.assertRaises(record_waits.RecordWaitTimeout) as ctx:
            wait(self.rec, self.ns.address)
        return str(ctx.exception)

    def test_equal_serials_say_designate_did_not_increment(self):
        msg = self.timeout_message(self.checker(1795439253,
                                                ('z.test.', 1795439253)))
        self.assertIn('zone z.test. SOA serial at %s: 1795439253, EQUAL to '
                      "Designate's, whose API has the change "
                      "(['172.24.4.10']): Designate did not increment the "
                      'serial for it' % self.ns.address, msg)
        self.assertIn({'name': 'z.test.', 'type': 'SOA'},
                      [c[0] for c in self.owner.calls])

    def test_equal_serials_designate_without_the_record_is_in_sync(self):
        msg = self.timeout_message(self.checker(7, ('z.test.', 7), api=()))
        self.assertIn("7, EQUAL to Designate's (in sync); Designate's API "
                      'itself has []', msg)

    def test_lower_serial_says_not_transferred(self):
        msg = self.timeout_message(self.checker(1795439260,
                                                ('z.test.', 1795439253)),
                                   absent=True)
        self.assertIn("1795439253, BEHIND Designate's 1795439260", msg)

    def test_no_zone_at_the_nameserver(self):
        msg = self.timeout_message(self.checker(1, (None, 'no zone '
                                                    '(REFUSED)')))
        self.assertIn('serves no zone for fip.z.test.: no zone (REFUSED)',
                      msg)

    def test_lookup_failure_never_hides_the_timeout(self):
        checker = dns_checks.RecordChecker(
            None, [self.ns.address], timeout=0.2, interval=0.05,
            soa=lambda ns, name, timeout: ('z.test.', 5))
        msg = self.timeout_message(checker)
        self.assertIn("expected fip.z.test. A = ['172.24.4.10']", msg)
        self.assertIn('serials not compared: AttributeError', msg)

    def test_query_soa_on_the_wire(self):
        self.ns.zone[('z.test.', 'SOA')] = [self.SOA % 42]
        self.assertEqual(('z.test.', 42), dns_wire.query_soa(
            self.ns.address, 'z.test', timeout=0.5))
        zone, why = dns_wire.query_soa(self.ns.address, 'other.test.',
                                       timeout=0.5)
        self.assertIsNone(zone)
        self.assertEqual('no zone (NXDOMAIN)', why)


class FakeTime(object):
    """A clock that only moves when slept or when a check costs time."""

    def __init__(self):
        self.now = 100.0

    def clock(self):
        return self.now

    def wall(self):
        return 1.7e9 + self.now

    def sleep(self, seconds):
        self.now += seconds


class TestPollAll(unittest.TestCase):
    """All pending checks are polled each round under one deadline."""

    def setUp(self):
        self.t = FakeTime()
        self.calls = []

    def check(self, name, ready_at, cost=0.0):
        def check():
            self.calls.append(name)
            self.t.now += cost
            return self.t.now >= ready_at, '%s@%.1f' % (name, self.t.now)
        return record_waits.Check(check, 'expected %s' % name,
                                  lambda: 'explained %s' % name)

    def poll(self, checks, timeout=10.0, interval=1.0):
        return record_waits.poll_all(checks, timeout, interval, self.t.clock,
                                     self.t.sleep, self.t.wall)

    def test_each_record_timed_by_its_own_first_answer(self):
        # b is ready long before a: its time is not a's wait plus its own.
        found = self.poll([self.check('a', 105.0), self.check('b', 101.0)])
        self.assertEqual([5.0, 1.0], [f.waited for f in found])
        self.assertEqual([1.7e9 + 105.0, 1.7e9 + 101.0],
                         [f.wall_at for f in found])
        # b is not asked again once it answered.
        self.assertEqual(2, self.calls.count('b'))
        self.assertEqual(6, self.calls.count('a'))

    def test_timeout_names_every_pending_check_and_keeps_found(self):
        with self.assertRaises(record_waits.RecordWaitTimeout) as ctx:
            self.poll([self.check('a', 1e9), self.check('b', 102.0),
                       self.check('c', 1e9)], timeout=4.0)
        msg = str(ctx.exception)
        lines = msg.splitlines()
        self.assertTrue(lines[0].startswith('expected a; last seen: a@104.0;'
                                            ' waited 4.0 s (timeout 4.0 s)'
                                            '; explained a'), msg)
        self.assertIn('(2 of 3 checks not met in time', lines[1])
        self.assertIn('expected c; last seen', lines[2])
        self.assertEqual([None, 2.0, None], [
            f and f.waited for f in ctx.exception.found])

    def test_a_round_stops_at_the_deadline_once_all_were_tried(self):
        # Each query costs 3 s: the last round does not re-ask everyone.
        with self.assertRaises(record_waits.RecordWaitTimeout):
            self.poll([self.check('a', 1e9, cost=3.0),
                       self.check('b', 1e9, cost=3.0)], timeout=4.0)
        self.assertEqual(['a', 'b'], self.calls)

    def test_shared_start_and_stop(self):
        # A wait started with an earlier start has that much less time.
        self.t.now = 103.0
        found = record_waits.poll_all([self.check('a', 105.0)], 10.0, 1.0,
                                      self.t.clock, self.t.sleep, self.t.wall,
                                      start=100.0)
        self.assertEqual(5.0, found[0].waited)
        stop = threading.Event()
        stop.set()
        with self.assertRaises(record_waits.WaitCancelled):
            record_waits.poll_all([self.check('b', 1e9)], 10.0, 1.0,
                                  self.t.clock, self.t.sleep, self.t.wall,
                                  stop=stop)
        self.assertEqual(['a'] * 3, self.calls)


class TestZoneSerials(unittest.TestCase):

    def test_designate_and_every_nameserver(self):
        rec = dns_records.ExpectedRecord('fip.z.test.', 'A', ['192.0.2.1'],
                                         'z.test.')
        lookup = type('L', (), {'zone_serial': lambda s, zone, r: 7})()
        answers = {'ns1:53': ('z.test.', 7), 'ns2:53': (None, 'timeout')}
        checker = dns_checks.RecordChecker(
            lookup, list(answers), 1, 1,
            soa=lambda ns, name, timeout: answers[ns])
        self.assertEqual({'zone': 'z.test.', 'designate': 7, 'ns1:53': 7,
                          'ns2:53': 'timeout'}, checker.zone_serials(rec))
