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


"""DNS probe window, health check, fault hook and matrix table (fakes)."""

import json
import threading

import testtools

from cross_service_tempest_plugin.common import dns_wire
from cross_service_tempest_plugin.faults import base
from cross_service_tempest_plugin.faults import health
from cross_service_tempest_plugin.faults import hook
from cross_service_tempest_plugin.faults import matrix
from cross_service_tempest_plugin.faults import probe


class TestWindow(testtools.TestCase):

    def test_no_miss(self):
        w = probe.window([(9.0, True), (9.5, True), (10.0, True)], t0=10.0)
        self.assertEqual(0, w['misses'])
        self.assertIsNone(w['outage_seconds'])
        self.assertEqual(-1.0, w['first_hit'])
        self.assertEqual(-1.0, w['converged'])
        self.assertEqual(3, w['samples'])

    def test_outage_first_to_last_miss_after_first_hit(self):
        samples = [(10.0, True), (10.5, False), (11.0, False),
                   (11.5, True), (12.0, False), (12.5, True), (13.0, True)]
        w = probe.window(samples, t0=10.0)
        self.assertEqual(3, w['misses'])
        self.assertEqual(3, w['outage_misses'])
        self.assertEqual(0, w['pending_misses'])
        self.assertEqual(0.5, w['outage_start'])
        self.assertEqual(2.0, w['outage_end'])
        self.assertEqual(1.5, w['outage_seconds'])
        self.assertEqual(2.5, w['converged'])

    def test_misses_before_publication_are_pending_not_outage(self):
        w = probe.window([(0.0, False), (0.5, False), (1.0, True)])
        self.assertEqual(2, w['pending_misses'])
        self.assertEqual(0, w['outage_misses'])
        self.assertIsNone(w['outage_start'])
        self.assertEqual(1.0, w['first_hit'])
        self.assertEqual(1.0, w['converged'])

    def test_never_answered_or_missing_at_the_end(self):
        w = probe.window([(0.0, False), (0.5, False)])
        self.assertIsNone(w['first_hit'])
        self.assertIsNone(w['converged'])
        w = probe.window([(0.0, True), (0.5, False)])
        self.assertIsNone(w['converged'])
        self.assertEqual(0.0, w['outage_seconds'])
        self.assertEqual(1, w['outage_misses'])

    def test_empty(self):
        w = probe.window([])
        self.assertEqual(0, w['samples'])
        self.assertIsNone(w['converged'])


class FakeDns(object):
    """query_nameserver stand-in: answers from a dict, or misses."""

    def __init__(self, answers):
        self.answers = answers      # (ns, name, type) → set of values
        self.calls = 0

    def __call__(self, ns, name, rtype, timeout):
        self.calls += 1
        values = self.answers.get((ns, name, rtype))
        if values is None:
            return dns_wire.WireAnswer('NXDOMAIN', [])
        return dns_wire.WireAnswer('NOERROR', values)


REC = {'name': 'www.z.test.', 'type': 'A', 'values': ['192.0.2.5'],
       'zone': 'z.test.'}


class TestDnsProbe(testtools.TestCase):

    def test_sample_per_nameserver_and_merged_window(self):
        dns = FakeDns({('ns1', 'www.z.test.', 'A'): {'192.0.2.5'}})
        ticks = iter(range(100))
        p = probe.DnsProbe(probe.records_from_dicts([REC]), ['ns1', 'ns2'],
                           query=dns, clock=lambda: float(next(ticks)))
        p.started = 0.0
        self.assertTrue(p.sample('ns1'))
        self.assertFalse(p.sample('ns2'))
        dns.answers[('ns2', 'www.z.test.', 'A')] = {'192.0.2.5'}
        self.assertTrue(p.sample('ns1'))
        self.assertTrue(p.sample('ns2'))
        s = p.summary(t0=0.0)
        self.assertEqual(1, s['per_nameserver']['ns2']['pending_misses'])
        self.assertEqual(0, s['per_nameserver']['ns1']['misses'])
        self.assertEqual(2, s['all']['samples'])
        self.assertEqual(1, s['all']['misses'])
        self.assertEqual(3.0, s['all']['converged'])
        self.assertIn('NXDOMAIN', s['last_miss_seen']['ns2 www.z.test. A'])
        json.dumps(s)

    def test_wrong_value_is_a_miss(self):
        dns = FakeDns({('ns1', 'www.z.test.', 'A'): {'192.0.2.9'}})
        p = probe.DnsProbe(probe.records_from_dicts([REC]), ['ns1'],
                           query=dns)
        self.assertFalse(p.sample('ns1'))

    def test_thread_stops_by_itself_at_max_duration(self):
        dns = FakeDns({})
        p = probe.DnsProbe(probe.records_from_dicts([REC]), ['ns1'],
                           interval=0.01, max_duration=0.05, query=dns)
        p.start()
        p._thread.join(30)
        self.assertFalse(p._thread.is_alive())
        self.assertEqual('max_duration', p.stopped_by)
        self.assertGreater(dns.calls, 0)
        p.stop()
        self.assertEqual('max_duration', p.stopped_by)

    def test_stop(self):
        p = probe.DnsProbe([], ['ns1'], interval=0.01, max_duration=600,
                           query=FakeDns({}))
        with p:
            pass
        self.assertFalse(p._thread.is_alive())
        self.assertEqual('stop', p.stopped_by)
        self.assertRaises(RuntimeError, p.start)

    def test_query_timeout_capped_to_interval(self):
        p = probe.DnsProbe([], [], interval=0.5, query_timeout=2.0)
        self.assertEqual(0.5, p.query_timeout)


class FakeClock(object):
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def make_health(zones=None, serials=None, token=None, status=200,
                clock=None):
    zones = zones if zones is not None else [
        {'name': 'z.test.', 'serial': 7, 'status': 'ACTIVE'}]
    serials = serials if serials is not None else {'ns1': 7, 'ns2': 7}

    def get_token():
        if token:
            raise token
        return 'tok'
    clock = clock or FakeClock()
    return health.HealthCheck(
        get_token, lambda: {'dns': 'http://d', 'compute': 'http://c'},
        lambda: zones, ['ns1', 'ns2'],
        http_status=lambda url: status,
        serial=lambda ns, zone: (serials.get(ns), 'seen %s' % ns),
        clock=clock, sleep=clock.sleep)


class TestHealthCheck(testtools.TestCase):

    def test_healthy(self):
        r = make_health().check(['z.test'])
        self.assertTrue(r['ok'], r['problems'])
        self.assertEqual({'api': 7, 'status': 'ACTIVE', 'ns1': 7, 'ns2': 7},
                         r['zones']['z.test.'])
        self.assertEqual({'dns': 200, 'compute': 200}, r['apis'])

    def test_serial_behind_on_one_nameserver(self):
        r = make_health(serials={'ns1': 7, 'ns2': 6}).check(['z.test.'])
        self.assertFalse(r['ok'])
        self.assertEqual(['zone z.test.: SOA serial on ns2 is 6, Designate '
                          'says 7 (seen ns2)'], r['problems'])

    def test_pending_zone_missing_zone_api_errors_and_no_token(self):
        r = make_health(zones=[{'name': 'z.test.', 'serial': 8,
                                'status': 'PENDING'}],
                        serials={'ns1': 8, 'ns2': 8}).check(['z.test.'])
        self.assertEqual(['zone z.test. is PENDING in Designate'],
                         r['problems'])
        r = make_health().check(['gone.test.'])
        self.assertEqual(['designate: zone gone.test. not listed'],
                         r['problems'])
        r = make_health(status=503).check()
        self.assertEqual(2, len(r['problems']))
        self.assertIn('API http://c: 503', r['problems'][0])
        r = make_health(token=RuntimeError('401')).check()
        self.assertEqual(['keystone: no token: RuntimeError: 401'],
                         r['problems'])

    def test_wait_polls_until_healthy_or_deadline(self):
        serials = {'ns1': 6, 'ns2': 7}
        clock = FakeClock()
        h = make_health(serials=serials, clock=clock)
        orig = h.check
        calls = []

        def check(zones):
            calls.append(1)
            if len(calls) == 3:
                serials['ns1'] = 7
            return orig(zones)
        h.check = check
        r = h.wait(['z.test.'], timeout=60, interval=2)
        self.assertTrue(r['ok'])
        self.assertEqual(4.0, r['waited'])
        serials['ns1'] = 1
        r = h.wait(['z.test.'], timeout=5, interval=2)
        self.assertFalse(r['ok'])
        # one last look right at the deadline, not a poll past it
        self.assertEqual(5.0, r['waited'])
        self.assertIn('SOA serial', ' '.join(r['problems']))

    def test_soa_serial_parsing(self):
        def query(ns, zone, rtype, timeout):
            self.assertEqual('SOA', rtype)
            return dns_wire.WireAnswer(
                'NOERROR', ['ns1.test. hostmaster.test. 1732 3600 600 '
                            '86400 3600'])
        self.assertEqual(1732, health.soa_serial('ns', 'z.', query=query)[0])

        def refused(ns, zone, rtype, timeout):
            return dns_wire.WireAnswer('REFUSED', [])
        serial, seen = health.soa_serial('ns', 'z.', query=refused)
        self.assertIsNone(serial)
        self.assertIn('REFUSED', seen)


class Step(object):
    def __init__(self, name, status='passed', details=None, action=None):
        self.name = name
        self.action = action or name
        self.status = status
        self.details = details or {}


class FakeProbe(object):
    def __init__(self, records, nameservers, interval, max_duration):
        self.records = records
        self.nameservers = nameservers
        self.started = self.stopped = False

    def start(self):
        self.started = True

    def stop(self):
        self.stopped = True

    def summary(self, t0):
        return {'all': probe.window([(t0 + 1, False), (t0 + 2, True)],
                                    t0)}


class RecordingController(base.Controller):
    kind = 'fake'

    def __init__(self, fail=False):
        self.calls = []
        self.fail = fail

    def services(self):
        return ['named']

    def restart(self, service):
        self.calls.append(('restart', service))
        if self.fail:
            raise base.FaultError('restart named failed (exit 1)')

    def start(self, service):
        self.calls.append(('start', service))


class TestFaultHook(testtools.TestCase):

    def _run(self, hk, steps):
        for step in steps:
            hk.before_step(None, step.name)
            hk.after_step(None, step)

    def test_injects_after_deploy_and_finishes_before_delete(self):
        ctl = RecordingController()
        clock = FakeClock()
        h = make_health(clock=clock)
        hk = hook.FaultHook(ctl, 'named', health=h, clock=clock,
                            probe_factory=FakeProbe)
        deploy = Step('deploy', details={'records_expected': [REC]})
        self._run(hk, [Step('create_zone', details={'zone': 'z.test.'}),
                       deploy])
        # a restart is over when its command returns: its undo (ensure it
        # runs) ran right away
        self.assertEqual([('restart', 'named'), ('start', 'named')],
                         ctl.calls)
        self.assertTrue(hk.probe.started)
        self.assertEqual(['ns1', 'ns2'], hk.probe.nameservers)
        self.assertEqual(['z.test.'], hk.zones)
        self._run(hk, [Step('check_api'), Step('check_wire'),
                       Step('delete')])
        self.assertTrue(hk.probe.stopped)
        rec = hk.record
        self.assertTrue(rec['injected'])
        self.assertTrue(rec['health_before']['ok'])
        self.assertTrue(rec['health_after']['ok'])
        self.assertEqual(2.0, rec['converge_seconds'])  # probe's converged
        self.assertEqual([], rec['undo_errors'])
        self.assertIs(rec, hk.finish())         # idempotent
        self.assertEqual(2, len(ctl.calls))

    def test_settle_waits_for_health_before_else_one_pass(self):
        for settle, expected in ((True, ['wait', 'wait']),
                                 (False, ['check', 'wait'])):
            calls = []

            class Health(object):
                nameservers = []

                def check(self, zones):
                    calls.append('check')
                    return {'ok': False, 'problems': ['zone z PENDING']}

                def wait(self, zones, timeout, interval):
                    calls.append('wait')
                    return {'ok': True, 'problems': [], 'waited': 1.0}
            hk = hook.FaultHook(RecordingController(), 'named',
                                health=Health(), settle=settle,
                                probe_factory=FakeProbe)
            hk.after_step(None, Step('deploy'))
            rec = hk.finish()
            self.assertEqual(expected, calls)
            self.assertEqual(settle, rec['settle'])
            self.assertEqual(settle, rec['health_before']['ok'])

    def test_failed_check_finishes_and_no_health_means_no_wait(self):
        ctl = RecordingController()
        hk = hook.FaultHook(ctl, 'named', nameservers=['ns1'],
                            probe_factory=FakeProbe)
        self._run(hk, [Step('deploy', details={'records_expected': [REC]}),
                       Step('check_wire', status='failed')])
        self.assertTrue(hk._finished)
        self.assertTrue(hk.probe.stopped)
        self.assertIsNone(hk.record['health_after'])

    def test_not_injected_when_deploy_failed(self):
        ctl = RecordingController()
        hk = hook.FaultHook(ctl, 'named', probe_factory=FakeProbe)
        self._run(hk, [Step('deploy', status='failed')])
        self.assertEqual([], ctl.calls)
        self.assertFalse(hk.record['injected'])
        self.assertIsNone(hk.finish()['converge_seconds'])

    def test_failed_restart_is_recorded_and_fails_the_step(self):
        ctl = RecordingController(fail=True)
        hk = hook.FaultHook(ctl, 'named', probe_factory=FakeProbe)
        self.assertRaises(base.FaultError, hk.after_step, None,
                          Step('deploy'))
        self.assertIn('exit 1', hk.record['fault_error'])
        self.assertEqual([('restart', 'named'), ('start', 'named')],
                         ctl.calls)

    def test_health_thread_is_joined(self):
        ctl = RecordingController()
        gate = threading.Event()

        class SlowHealth(object):
            nameservers = ['ns1']

            def check(self, zones):
                return {'ok': True, 'problems': []}

            def wait(self, zones, timeout, interval):
                gate.wait(30)
                return {'ok': False, 'problems': ['zone z: PENDING'],
                        'waited': timeout}
        hk = hook.FaultHook(ctl, 'named', health=SlowHealth(),
                            probe_factory=FakeProbe, settle=False)
        hk.after_step(None, Step('deploy'))
        gate.set()
        rec = hk.finish()
        self.assertFalse(rec['health_after']['ok'])
        self.assertIsNone(rec['converge_seconds'])


class TestMatrix(testtools.TestCase):

    def _record(self, **kw):
        rec = {'service': 'named', 'action': 'restart', 'injected': True,
               'inject_seconds': 3.2, 'converge_seconds': 4.5,
               'fault_error': None, 'undo_errors': [],
               'health_before': {'ok': True, 'problems': []},
               'health_after': {'ok': True, 'problems': []},
               'probe': {'all': probe.window(
                   [(0, True), (1, False), (1.5, False), (2, True)])}}
        rec.update(kw)
        return rec

    def test_cells_document_json_and_table(self):
        ok = matrix.make_cell('floating_ip_dns',
                              {'passed': True, 'duration': 40.12345},
                              self._record(), leaks=0)
        bad = matrix.make_cell(
            'floating_ip_dns',
            {'passed': False, 'failed_step': 'check_wire', 'duration': 99,
             'error': 'step check_wire failed: timeout'},
            self._record(service='designate-worker', probe=None,
                         converge_seconds=None,
                         health_after={'ok': False, 'problems': [
                             'zone z.: SOA serial on ns1 is 6, Designate '
                             'says 7']}),
            leaks=1, leak_report='zones: +1 cs-x.test.')
        self.assertEqual({'seconds': 0.5, 'misses': 2, 'start': 1,
                          'end': 1.5, 'pending_misses': 0, 'samples': 4,
                          'first_hit': 0}, ok['outage'])
        self.assertEqual(40.123, ok['duration'])
        doc = matrix.document([ok, bad], 'constellation', 'T0', 'T1')
        self.assertEqual(matrix.FORMAT, doc['format'])
        self.assertEqual(['floating_ip_dns'], doc['scenarios'])
        self.assertEqual(['named', 'designate-worker'], doc['services'])
        self.assertEqual(doc, json.loads(matrix.dumps(doc)))
        text = matrix.table(doc)
        lines = text.splitlines()
        self.assertTrue(lines[0].startswith('scenario'))
        self.assertIn('restart named', lines[2])
        self.assertIn('passed', lines[2])
        self.assertIn('0.5s (2 miss)', lines[2])
        self.assertIn('ok/ok', lines[2])
        self.assertIn('FAILED@check_wire', lines[3])
        self.assertIn('no probe', lines[3])
        self.assertIn('ok/BAD', lines[3])
        self.assertIn('notes:', text)
        self.assertIn('health after: zone z.: SOA serial', text)
        self.assertIn('leaked: zones: +1', text)
        # columns line up: every row as wide as the header's columns
        self.assertEqual(lines[2].index('restart'),
                         lines[0].index('fault'))

    def test_not_injected_and_never_answered(self):
        cell = matrix.make_cell('s', {'passed': False,
                                      'failed_step': 'deploy'},
                                self._record(injected=False, probe=None,
                                             health_before=None,
                                             health_after=None))
        self.assertIn('fault not injected: the run stopped before it',
                      cell['notes'])
        self.assertIsNone(cell['health_before'])
        never = matrix.make_cell('s', {'passed': True}, self._record(
            probe={'all': probe.window([(0, False)])}))
        self.assertEqual('never answered (1 samples)',
                         matrix.outage_text(never['outage']))
        late = matrix.make_cell('s', {'passed': True}, self._record(
            probe={'all': probe.window([(0, False), (3, True)])}))
        self.assertEqual('none (first answer +3.0s)',
                         matrix.outage_text(late['outage']))
        self.assertEqual('no probe', matrix.outage_text(None))
