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

"""What the engine records for the report: per-record times, the records
confirmed before a check failed, SOA serials, thresholds (fake cloud)."""

import json
import threading

from cross_service_tempest_plugin import cli
from cross_service_tempest_plugin.common import dns_records
from cross_service_tempest_plugin.common import dns_wire
from cross_service_tempest_plugin.report import propagation
from cross_service_tempest_plugin.report import results as report_results
from unit_tests import test_scenario_engine


class TestRecordTimes(test_scenario_engine.EngineTestCase):

    def test_every_record_carries_the_wall_time_of_its_first_answer(self):
        result = self.cloud.run(self.catalog, 'floating_ip_dns').run()
        self.assertTrue(result.passed, result.error)
        complete = result.step('deploy').details['stack_complete_at']
        deleted = result.step('delete').details['deleted_at']
        self.assertGreaterEqual(deleted, complete)
        for name in ('check_api', 'check_wire'):
            recs = result.step(name).details['records']
            self.assertEqual(['A', 'PTR'], [r['type'] for r in recs])
            for rec in recs:
                self.assertGreaterEqual(rec['first_seen_at'], complete)
                self.assertIn('since_change', rec)
        removed = result.step('check_removed').details['records']
        self.assertEqual(['api', 'api', '127.0.0.1:1053', '127.0.0.1:1053'],
                         [r['where'] for r in removed])
        for rec in removed:
            self.assertGreaterEqual(rec['gone_at'], deleted)
        # The report uses them (first_seen_at − stack_complete_at).
        run = report_results.run_from_dict(json.loads(result.to_json()))
        samples = propagation.samples([run])
        by_kind = {s.kind for s in samples}
        self.assertEqual({propagation.PUBLISH, propagation.REMOVAL},
                         by_kind)
        wire_a = [s for s in samples if s.kind == propagation.PUBLISH and
                  s.where == '127.0.0.1:1053' and s.type == 'A'][0]
        rec = result.step('check_wire').details['records'][0]
        self.assertAlmostEqual(rec['first_seen_at'] - complete,
                               wire_a.seconds, places=3)

    def test_withdrawn_values_are_timed_in_the_api_too(self):
        real_delete = self.cloud.stacks.delete_stack

        def delete_with_bug(*args, **kwargs):
            self.cloud.keep_types_on_delete = {'A'}
            return real_delete(*args, **kwargs)
        self.cloud.stacks.delete_stack = delete_with_bug
        result = self.cloud.run(self.catalog, 'floating_ip_move').run()
        self.assertTrue(result.passed, result.error)
        updated = result.step('update').details['stack_complete_at']
        withdrawn = [r for r in result.step('check_api_after_update')
                     .details['records'] if 'withdrawn' in r]
        self.assertTrue(withdrawn)
        for rec in withdrawn:
            self.assertGreaterEqual(rec['gone_at'], updated)
            self.assertIsNotNone(rec['since_change'])
        run = report_results.run_from_dict(json.loads(result.to_json()))
        where = {s.where for s in propagation.samples([run])
                 if s.kind == propagation.WITHDRAWN}
        self.assertEqual({propagation.API, '127.0.0.1:1053'}, where)


class TestFailedChecks(test_scenario_engine.EngineTestCase):

    def test_confirmed_records_and_serials_kept_when_a_record_is_missing(self):
        query = self.cloud.query

        def no_a(nameserver, name, rtype, timeout):
            if rtype == 'A':
                return dns_wire.WireAnswer('NXDOMAIN', [])
            return query(nameserver, name, rtype, timeout)
        self.cloud.query = no_a
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        result = run.run()
        self.assertEqual('check_wire', result.failed_step)
        details = result.step('check_wire').details
        # The PTR was answered: kept (the report shows it as checked).
        self.assertEqual([('10.4.24.172.in-addr.arpa.', 'PTR')],
                         [(r['name'], r['type'])
                          for r in details['records']])
        self.assertIn('first_seen_at', details['records'][0])
        zone = dns_records.fqdn(run.values['zone_name'])
        self.assertEqual({'zone': zone, 'designate': 1700000002,
                          '127.0.0.1:1053': 1700000001}, details['serials'])
        self.assertIn('fip.%s A' % zone, result.error)
        self.assertIn("BEHIND Designate's 1700000002", result.error)


class TestConcurrentChecks(test_scenario_engine.EngineTestCase):
    """check_api starts the nameservers' waits; check_wire collects them."""

    def test_nameservers_polled_while_the_api_is_waited_for(self):
        # Designate's API shows the records only once a nameserver has
        # answered one: waits one after the other would time out.
        answered = threading.Event()
        query, lookup = self.cloud.query, self.cloud.lookup

        def wire(nameserver, name, rtype, timeout):
            ans = query(nameserver, name, rtype, timeout)
            if ans.values:
                answered.set()
            return ans

        def api(record):
            if not answered.is_set():
                return frozenset(), set()
            return lookup(record)
        self.cloud.query, self.cloud.lookup = wire, api
        result = self.cloud.run(self.catalog, 'floating_ip_dns').run()
        self.assertTrue(result.passed, result.error)
        wire_step = result.step('check_wire')
        self.assertEqual('check_api', wire_step.details['started_with'])
        api_recs = result.step('check_api').details['records']
        wire_recs = wire_step.details['records']
        self.assertEqual(['A', 'PTR'], [r['type'] for r in wire_recs])
        self.assertLessEqual(min(r['first_seen_at'] for r in wire_recs),
                             min(r['first_seen_at'] for r in api_recs))

    def test_failed_api_check_stops_the_nameserver_polls(self):
        def broken(record):
            raise RuntimeError('designate-api down')
        self.cloud.lookup = broken
        self.cloud.wire_empty = True     # the nameserver polls go on...
        result = self.cloud.run(self.catalog, 'floating_ip_dns').run()
        self.assertEqual('check_api', result.failed_step)
        self.assertIn('designate-api down', result.error)
        # ...until the run's cleanup cancelled them, not the deadline.
        self.assertEqual([], [t.name for t in threading.enumerate()
                              if t.name.startswith('records-')])
        self.assertEqual('not_run', result.step('check_wire').status)

    def test_wire_wait_restarted_when_the_expectation_changed(self):
        # API users may run steps in any order: an update in between
        # makes check_api's nameserver waits stale; check_wire starts anew.
        run = self.cloud.run(self.catalog, 'floating_ip_move')
        try:
            for name in ('create_zone', 'deploy', 'check_api'):
                self.assertEqual('passed', run.run_step(name).status)
            started = run.wire_wait
            self.assertIsNotNone(started)
            self.assertEqual('passed', run.run_step('update').status)
            step = run.run_step('check_wire')
            self.assertEqual('passed', step.status, step.error)
            self.assertNotIn('started_with', step.details)
            self.assertIsNone(run.wire_wait)
        finally:
            run.cleanup()


class TestThresholds(test_scenario_engine.EngineTestCase):

    def test_definition_thresholds_are_in_the_result(self):
        result = self.cloud.run(self.catalog, 'floating_ip_dns').run()
        self.assertEqual(self.catalog.get('floating_ip_dns')['thresholds'],
                         result.to_dict()['thresholds'])
        self.assertIn({'metric': 'propagation', 'max': 15},
                      result.to_dict()['thresholds'])

    def test_breach_names_threshold_limit_and_measure(self):
        result = self.cloud.run(self.catalog, 'floating_ip_dns').run()
        result.thresholds = [{'metric': 'propagation', 'max': 0,
                              'name': 'tiny'},
                             {'metric': 'removal', 'max': 60}]
        # The fake publishes before COMPLETE is seen: make it late.
        for step in result.steps:
            if step.action == 'deploy':
                step.details['stack_complete_at'] -= 2.0
        lines, err = FakeStream(), FakeStream()
        self.assertTrue(cli._breached(result, lines, err))
        self.assertIn('threshold PASS: max of floating_ip_dns stack '
                      'deleted', lines.text)
        self.assertIn('error: threshold breached (--fail-on-breach): tiny: '
                      'max of floating_ip_dns stack complete', err.text)
        self.assertIn('limit 0.000 s, measured 2.', err.text)
        result.thresholds = result.thresholds[1:]
        self.assertFalse(cli._breached(result, FakeStream(), FakeStream()))


class FakeStream(object):
    def __init__(self):
        self.text = ''

    def write(self, text):
        self.text += text
