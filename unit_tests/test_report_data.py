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

"""The report's data preparation, from results recorded on a real cloud.

unit_tests/data/report/ holds ``cross-service-scenario run --json``
outputs of the shipped scenarios on the local constellation (two pairs run
concurrently, a Heat failure: bad CIDR, a wire check failure: a record
name nobody publishes, record_timeout 8 s).
"""

import copy
import json
import os
import shutil
import tempfile
import unittest

from cross_service_tempest_plugin.report import failures
from cross_service_tempest_plugin.report import model
from cross_service_tempest_plugin.report import propagation
from cross_service_tempest_plugin.report import results
from cross_service_tempest_plugin.report import sla
from cross_service_tempest_plugin.report import stats
from cross_service_tempest_plugin.report import thresholds

DATA = os.path.join(os.path.dirname(__file__), 'data', 'report')


def data(name):
    return os.path.join(DATA, name + '.json')


def load(*names):
    return results.load([data(n) for n in names])[0]


class TestPercentiles(unittest.TestCase):

    def test_linear_interpolation_like_numpy(self):
        values = [4, 1, 3, 2]
        self.assertEqual(2.5, stats.percentile(values, 50))
        self.assertAlmostEqual(3.7, stats.percentile(values, 90))
        self.assertAlmostEqual(3.85, stats.percentile(values, 95))
        self.assertEqual(4, stats.percentile(values, 100))
        self.assertEqual(1, stats.percentile(values, 0))

    def test_one_and_none(self):
        self.assertEqual({'n': 1, 'min': 7.0, 'median': 7.0, 'p90': 7.0,
                          'p95': 7.0, 'max': 7.0, 'shown': ['value']},
                         stats.summary([7]))
        self.assertEqual(0, stats.summary([None])['n'])
        self.assertIsNone(stats.summary([])['median'])
        self.assertIsNone(stats.percentile([], 50))
        self.assertRaises(ValueError, stats.percentile, [1], 101)


class TestLoading(unittest.TestCase):

    def test_directory_loads_every_result_sorted_by_start(self):
        runs, skipped = results.load([DATA])
        self.assertEqual(11, len(runs))
        self.assertEqual([], skipped)
        starts = [r.started_at for r in runs]
        self.assertEqual(sorted(starts), starts)
        self.assertEqual(2, sum(1 for r in runs if not r.passed))

    def test_run_fields(self):
        run, = load('floating_ip_dns-badcidr')
        self.assertFalse(run.passed)
        self.assertEqual('deploy', run.failed_step)
        self.assertEqual('failed', run.step('deploy').status)
        self.assertEqual('not_run', run.step('check_wire').status)
        first = run.steps[0]
        self.assertEqual(first.started_at, run.started_at)
        self.assertAlmostEqual(first.started_at + first.duration,
                               first.ended_at)

    def test_list_mapping_and_json_lines(self):
        with open(data('servers_dns-1')) as f:
            one = json.load(f)
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        forms = {'list.json': json.dumps([one, one]),
                 'mapping.json': json.dumps({'results': [one]}),
                 'lines.jsonl': json.dumps(one) + '\n\n' + json.dumps(one)}
        for name, text in forms.items():
            with open(os.path.join(tmp, name), 'w') as f:
                f.write(text)
        with open(os.path.join(tmp, 'other.json'), 'w') as f:
            f.write('{"not": "a result"}')
        runs, skipped = results.load([tmp])
        self.assertEqual(5, len(runs))
        self.assertEqual(1, len(skipped))
        self.assertIn('other.json', skipped[0][0])

    def test_bad_input_names_the_file(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        bad = os.path.join(tmp, 'bad.json')
        with open(bad, 'w') as f:
            f.write('{"scenario": "x"}')
        for paths, text in (([bad], 'bad.json: not a scenario result'),
                            ([os.path.join(tmp, 'nope')],
                             'no such file or directory'),
                            ([tmp], 'holds no scenario result'),
                            ([], 'at least one')):
            with self.assertRaises(results.ReportError) as ctx:
                results.load(paths)
            self.assertIn(text, str(ctx.exception))


class TestStepStatistics(unittest.TestCase):

    def test_per_step_and_scenario(self):
        runs = load('floating_ip_dns-1', 'floating_ip_dns-2',
                    'floating_ip_dns-badcidr', 'servers_dns-1')
        table = stats.step_table(runs)
        self.assertEqual(['floating_ip_dns', 'servers_dns'], list(table))
        rows = {r['name']: r for r in table['floating_ip_dns']}
        deploys = [r.step('deploy').duration for r in runs
                   if r.scenario == 'floating_ip_dns']
        self.assertEqual(3, rows['deploy']['n'])
        self.assertEqual((2, 1), (rows['deploy']['passed'],
                                  rows['deploy']['failed']))
        self.assertAlmostEqual(sorted(deploys)[1], rows['deploy']['median'])
        self.assertAlmostEqual(max(deploys), rows['deploy']['max'])
        # The failed run never reached check_wire.
        self.assertEqual((2, 1), (rows['check_wire']['n'],
                                  rows['check_wire']['not_run']))
        scen = {r['name']: r for r in stats.scenario_table(runs)}
        self.assertEqual((3, 2), (scen['floating_ip_dns']['runs'],
                                  scen['floating_ip_dns']['passed']))
        self.assertAlmostEqual(29.889, scen['servers_dns']['max'])


class TestLanes(unittest.TestCase):

    def test_concurrent_runs_get_parallel_lanes(self):
        runs, _ = results.load([DATA])
        placed = stats.lanes(runs)
        lanes = {(r.source.rsplit('/', 1)[1]): lane for r, lane in placed}
        # These two ran at the same time, so did the next pair.
        self.assertNotEqual(lanes['floating_ip_dns-1.json'],
                            lanes['servers_dns-1.json'])
        self.assertNotEqual(lanes['provider_port_dns-1.json'],
                            lanes['floating_ip_move-1.json'])
        # Never two overlapping runs on one lane.
        by_lane = {}
        for run, lane in placed:
            by_lane.setdefault(lane, []).append(run)
        for lane_runs in by_lane.values():
            for a, b in zip(lane_runs, lane_runs[1:]):
                self.assertLessEqual(a.ended_at, b.started_at)
        self.assertEqual(2, len(by_lane))

    def test_sessions_split_at_pauses(self):
        runs, _ = results.load([DATA])
        self.assertEqual([11], [len(g) for g in stats.sessions(runs)])
        later = copy.deepcopy(runs[:3])
        for run in later:
            for step in run.steps:
                if step.started_at:
                    step.started_at += 86400
        groups = stats.sessions(runs + later)
        self.assertEqual([11, 3], [len(g) for g in groups])
        self.assertEqual([11, 3], [len(g) for g in stats.sessions(
            runs + later, gap=86400 - 200)])
        self.assertEqual([14], [len(g) for g in stats.sessions(
            runs + later, gap=86400)])

    def test_sequential_runs_share_a_lane(self):
        runs = load('floating_ip_dns-1', 'floating_ip_dns-2')
        self.assertEqual([0, 0], [lane for _r, lane in stats.lanes(runs)])


class TestPropagation(unittest.TestCase):

    def test_kinds_and_types_from_real_runs(self):
        runs, _ = results.load([DATA])
        table = propagation.table(propagation.samples(runs))
        self.assertEqual(['publish', 'update', 'withdrawn', 'removal'],
                         list(table))
        every = {r['type']: r for r in propagation.lookup(table, 'publish')}
        self.assertEqual(['A', 'AAAA', 'PTR'], list(every))
        # provider_port_dns x2 + rename publish one AAAA each.
        self.assertEqual(3, every['AAAA']['n'])
        api = propagation.lookup(table, 'publish', 'A', propagation.API)
        self.assertEqual(1, len(api))
        # floating_ip_move: the PTR of the moved address had two values
        # (old name, new name), two rrsets to see gone, as in the API.
        removed = propagation.lookup(table, 'removal', 'PTR')[0]
        removed_api = propagation.lookup(table, 'removal', 'PTR',
                                         propagation.API)[0]
        self.assertEqual((16, 16), (removed['n'], removed_api['n']))
        # floating_ip_no_zone's "absent" checks carry no timing.
        self.assertFalse(any(s.scenario == 'floating_ip_no_zone'
                             for s in propagation.samples(runs)))

    def test_update_and_withdrawn_follow_the_update_step(self):
        runs = load('floating_ip_move-1')
        kinds = {}
        for s in propagation.samples(runs):
            kinds.setdefault(s.kind, set()).add(s.where)
        self.assertEqual({'publish', 'update', 'withdrawn', 'removal'},
                         set(kinds))
        # check_api leaves withdrawn records untimed: wire only.
        self.assertEqual({'127.0.0.1:25004'}, kinds['withdrawn'])

    def test_every_nameserver_is_the_slowest(self):
        with open(data('floating_ip_dns-1')) as f:
            one = json.load(f)
        two_ns = copy.deepcopy(one)
        wire = [s for s in two_ns['steps'] if s['name'] == 'check_wire'][0]
        extra = []
        for rec in wire['details']['records']:
            other = dict(rec, nameserver='127.0.0.2:53',
                         since_change=rec['since_change'] + 5)
            extra.append(other)
        wire['details']['records'] += extra
        run = results.run_from_dict(two_ns)
        table = propagation.table(propagation.samples([run]))
        every = {r['type']: r['max']
                 for r in propagation.lookup(table, 'publish')}
        first = {r['type']: r['since_change']
                 for r in one['steps'][4]['details']['records']}
        for rtype in ('A', 'PTR'):
            self.assertAlmostEqual(first[rtype] + 5, every[rtype])
            per_ns = propagation.lookup(table, 'publish', rtype,
                                        '127.0.0.1:25004')
            self.assertAlmostEqual(first[rtype], per_ns[0]['max'])


class TestFirstSeenTimes(unittest.TestCase):
    """first_seen_at − stack_complete_at wins over since_change."""

    def run_with(self, complete, records):
        return results.run_from_dict({
            'scenario': 's', 'passed': True, 'steps': [
                {'name': 'deploy', 'action': 'deploy', 'status': 'passed',
                 'details': {'stack_complete_at': complete}},
                {'name': 'check_wire', 'action': 'check_wire',
                 'status': 'passed', 'details': {'records': records}},
                {'name': 'delete', 'action': 'delete', 'status': 'passed',
                 'details': {'deleted_at': 2000.0}},
                {'name': 'check_removed', 'action': 'check_removed',
                 'status': 'passed', 'details': {'records': [
                     {'name': 'a.z.', 'type': 'A', 'where': 'ns:53',
                      'nameserver': 'ns:53', 'since_delete': 9.0,
                      'gone_at': 2001.25}]}}]})

    def test_prefers_first_seen_and_may_be_negative(self):
        run = self.run_with(1000.0, [
            {'name': 'a.z.', 'type': 'A', 'nameserver': 'ns:53',
             'since_change': 7.0, 'first_seen_at': 1001.5},
            {'name': 'p.arpa.', 'type': 'PTR', 'nameserver': 'ns:53',
             'since_change': 7.5, 'first_seen_at': 999.75}])
        got = {(s.kind, s.type): s.seconds
               for s in propagation.samples([run])}
        self.assertEqual({('publish', 'A'): 1.5, ('publish', 'PTR'): -0.25,
                          ('removal', 'A'): 1.25}, got)

    def test_old_results_fall_back_to_since_change(self):
        run = self.run_with(None, [
            {'name': 'a.z.', 'type': 'A', 'nameserver': 'ns:53',
             'since_change': 7.0}])
        got = {(s.kind, s.type): s.seconds
               for s in propagation.samples([run])}
        self.assertEqual(7.0, got[('publish', 'A')])


class TestFailures(unittest.TestCase):

    def test_heat_failure(self):
        run, = load('floating_ip_dns-badcidr')
        f = failures.failure(run)
        self.assertEqual(('deploy', 'failed'), (f['step'], f['status']))
        self.assertIn('CREATE_FAILED', f['headline'])
        self.assertIn("Invalid net cidr invalid IPNetwork 10.251.0.0/33",
                      f['heat']['reason'])
        self.assertEqual(4, len(f['heat']['events']))
        self.assertIn('Stack CREATE started', f['heat']['events'][0])
        self.assertEqual(1, len(f['heat']['failed_resources']))
        self.assertEqual([], f['record_waits'])

    def test_record_expected_vs_seen(self):
        run, = load('floating_ip_dns-wrongname')
        f = failures.failure(run)
        self.assertEqual('check_wire', f['step'])
        self.assertIsNone(f['heat'])
        wait, = f['record_waits']
        self.assertEqual('127.0.0.1:25004', wait['where'])
        self.assertEqual('A', wait['type'])
        self.assertTrue(wait['name'].startswith('fip-missing.'))
        self.assertEqual("['203.0.113.65']", wait['expected'])
        self.assertEqual('NXDOMAIN []', wait['seen'])
        self.assertEqual((8.0, 8.0), (wait['waited'], wait['timeout']))

    def test_api_wait_and_without(self):
        text = ("RecordWaitTimeout: Designate API: expected a.z. A without "
                "['1.2.3.4']; last seen: ['1.2.3.4']; waited 3.0 s "
                "(timeout 3 s)")
        wait, = failures.parse_record_waits(text)
        self.assertEqual(('Designate API', "without ['1.2.3.4']"),
                         (wait['where'], wait['expected']))

    def test_only_failed_runs(self):
        runs, _ = results.load([DATA])
        self.assertEqual(['deploy', 'check_wire'],
                         [f['step'] for f in failures.failures(runs)])


class TestTrends(unittest.TestCase):

    def test_keyed_by_scenario_and_step_across_tunables(self):
        # provider_port_dns-2 ran with --set record_timeout=0.3: same key.
        runs, _ = results.load([DATA])
        trends = stats.trends(runs)
        ppd = trends['provider_port_dns']
        self.assertEqual(2, len(ppd['times']))
        self.assertEqual(sorted(ppd['times']), ppd['times'])
        self.assertEqual(
            [r.step('deploy').duration for r in runs
             if r.scenario == 'provider_port_dns'],
            ppd['steps']['deploy'])
        fip = trends['floating_ip_dns']
        self.assertEqual(4, len(fip['times']))
        self.assertEqual(['passed', 'failed', 'passed', 'failed'],
                         fip['status'])
        # the Heat failure never got to check_api: a gap, not a zero
        self.assertIsNone(fip['steps']['check_api'][1])
        data_ = model.build(runs)
        self.assertNotIn('floating_ip_no_zone', data_['trends'])
        self.assertIn('servers_dns', data_['trends'])


class TestThresholds(unittest.TestCase):

    def setUp(self):
        self.runs, _ = results.load([DATA])

    def evaluate(self, *items):
        return thresholds.evaluate(thresholds.validate(list(items), 'test'),
                                   self.runs)

    def test_pass_breach_and_no_data(self):
        ok, breach, none = self.evaluate(
            {'metric': 'propagation', 'max': 60},
            {'metric': 'step_duration', 'scenario': 'servers_dns',
             'step': 'deploy', 'max': 0.5, 'stat': 'median'},
            {'metric': 'removal', 'record_type': 'MX', 'max': 1})
        self.assertEqual('pass', ok['status'])
        self.assertEqual('breach', breach['status'])
        deploys = sorted(r.step('deploy').duration for r in self.runs
                         if r.scenario == 'servers_dns')
        self.assertAlmostEqual(sum(deploys) / 2, breach['measured'])
        self.assertIn('median of servers_dns step deploy duration: limit '
                      '0.500 s, measured', breach['message'])
        self.assertEqual(('no data', 0), (none['status'], none['n']))

    def test_propagation_filters(self):
        ptr, = self.evaluate({'metric': 'propagation', 'record_type': 'PTR',
                              'scenario': 'floating_ip_dns', 'max': 10})
        self.assertEqual(2, ptr['n'])     # two passed runs reached it
        self.assertAlmostEqual(1.837, ptr['measured'])
        api, = self.evaluate({'metric': 'propagation', 'max': 10,
                              'nameserver': 'Designate API',
                              'scenario': 'floating_ip_dns',
                              'record_type': 'A'})
        self.assertAlmostEqual(1.674, api['measured'])
        wall, = self.evaluate({'metric': 'scenario_duration', 'max': 25,
                               'scenario': 'servers_dns'})
        self.assertEqual('breach', wall['status'])

    def test_bad_items_are_named(self):
        cases = [({'metric': 'speed', 'max': 1}, 'metric must be one of'),
                 ({'metric': 'removal'}, 'max must be a number'),
                 ({'metric': 'removal', 'max': -1}, 'max must be a number'),
                 ({'metric': 'removal', 'max': 1, 'stat': 'p99'},
                  'stat must be one of'),
                 ({'metric': 'step_duration', 'max': 1},
                  "step must be a step's name (missing)"),
                 ({'metric': 'removal', 'max': 1, 'limit': 2},
                  'unknown key(s) limit')]
        for item, text in cases:
            with self.assertRaises(results.ReportError) as ctx:
                thresholds.validate([{'metric': 'removal', 'max': 1}, item],
                                    'f.yaml')
            self.assertIn('f.yaml: thresholds[1]: ' + text,
                          str(ctx.exception))

    def test_file_and_definition_sources(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        path = os.path.join(tmp, 't.yaml')
        with open(path, 'w') as f:
            f.write('thresholds:\n  - {metric: removal, max: 5}\n')
        items = thresholds.load_file(path)
        self.assertEqual('--thresholds %s' % path, items[0]['origin'])
        with open(path, 'w') as f:
            f.write('limits: []\n')
        self.assertRaises(results.ReportError, thresholds.load_file, path)
        defs = {'servers_dns': {'thresholds': [
            {'metric': 'step_duration', 'step': 'deploy', 'max': 100}]},
            'unused': {'thresholds': [{'metric': 'removal', 'max': 1}]}}
        items = thresholds.from_runs_and_definitions(self.runs, defs)
        self.assertEqual(1, len(items))
        self.assertEqual(('servers_dns', 'scenarios.servers_dns'),
                         (items[0]['scenario'], items[0]['origin']))

    def test_shipped_example_is_valid_and_met_by_the_recorded_runs(self):
        path = os.path.join(os.path.dirname(thresholds.__file__),
                            'thresholds.example.yaml')
        verdicts = thresholds.evaluate(thresholds.load_file(path),
                                       self.runs)
        self.assertEqual(7, len(verdicts))
        self.assertEqual({'pass'}, {v['status'] for v in verdicts},
                         [v['message'] for v in verdicts])
        # every metric: the one breach is the 2 recorded failures of 4
        verdicts = sla.evaluate(thresholds.load_file(path), self.runs)
        self.assertEqual(
            [('failure_rate', 'floating_ip_dns', 50.0)],
            [(v['metric'], v['scenario'], v['measured'])
             for v in sla.breaches(verdicts)])
        self.assertLessEqual({'failure_rate', 'performance_degradation',
                              'outliers'}, {v['metric'] for v in verdicts})


class TestBadFilesInADirectory(unittest.TestCase):
    """Issue 22 #8: one bad file aborted the whole report."""

    GOOD = {'scenario': 'x', 'passed': True, 'steps': [
        {'name': 'deploy', 'status': 'passed', 'started_at': 1.8e9,
         'duration': 1.0}]}

    def test_each_bad_file_is_skipped_saying_why(self):
        bad = {
            'deep.json': '[' * 100000 + ']' * 100000,
            'types.json': json.dumps(dict(self.GOOD, values=[1])),
            'time.json': json.dumps(dict(self.GOOD, steps=[
                {'name': 'deploy', 'started_at': 1e300}])),
            'latin1.json': b'{"scenario": "caf\xe9"}',
        }
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, 'good.json'), 'w') as f:
                json.dump(self.GOOD, f)
            for name, text in bad.items():
                mode = 'wb' if isinstance(text, bytes) else 'w'
                with open(os.path.join(tmp, name), mode) as f:
                    f.write(text)
            runs, skipped = results.load([tmp])
        self.assertEqual(['x'], [r.scenario for r in runs])
        why = {os.path.basename(p): w for p, w in skipped}
        self.assertEqual(set(bad), set(why))
        self.assertIn('nested too deeply', why['deep.json'])
        self.assertIn('values must be a dict, got list', why['types.json'])
        self.assertIn('is not a time', why['time.json'])
        self.assertIn('not UTF-8', why['latin1.json'])
