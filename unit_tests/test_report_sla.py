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

"""Thresholds as Rally's SLA: failure_rate, performance_degradation,
outliers; bad threshold files named by key and file.
"""

import json
import os
import statistics
import unittest

from cross_service_tempest_plugin.report import outliers
from cross_service_tempest_plugin import threshold_items
from unit_tests import report_command_case
from unit_tests import report_runs


class SlaCase(report_command_case.ReportCommandCase):

    def runs(self, n, name='runs', **kwargs):
        return report_runs.write(report_runs.series(n, **kwargs),
                                 os.path.join(self.tmp, name))

    def limits(self, text):
        path = os.path.join(self.tmp, 'sla.yaml')
        with open(path, 'w') as f:
            f.write(text)
        return path

    def verdicts(self, *args):
        data = os.path.join(self.tmp, 'data.json')
        rc, out, err = self.main(*(list(args) + ['-o', self.out, '--data',
                                                 data, '--fail-on-breach']))
        with open(data) as f:
            return rc, out, err, json.load(f)['verdicts']

    def judge(self, runs, limits, *args):
        """Runs judged by the thresholds ``limits`` (YAML text)."""
        return self.verdicts(*(list(runs) + ['--thresholds',
                                             self.limits(limits)] +
                               list(args)))


def only(verdicts, metric):
    return [v for v in verdicts if v['metric'] == metric]


class TestFailureRate(SlaCase):

    def test_one_failed_of_four_breaches_by_default(self):
        # issue 20: 1 of 4 failed runs said "thresholds met", exit 0
        rc, out, err, verdicts = self.verdicts(*self.runs(4, failed_at=(2,)))
        self.assertEqual(1, rc, err)
        self.assertIn('failure rate of floating_ip_dns: limit 0 %, measured '
                      '25 % (1 of 4 run(s) failed) [default]', err)
        self.assertNotIn('thresholds met', self.page())

    def test_a_limit_in_a_file_replaces_the_default(self):
        runs = self.runs(4, failed_at=(2,))
        for limit, rc_want, status in ((25, 0, 'pass'), (20, 1, 'breach')):
            sla = self.limits('- {metric: failure_rate, max: %d}\n' % limit)
            rc, _out, err, verdicts = self.verdicts(*(runs + [
                '--thresholds', sla]))
            self.assertEqual(rc_want, rc, err)
            rates = only(verdicts, 'failure_rate')
            self.assertEqual([(status, 25.0, '--thresholds %s' % sla)],
                             [(v['status'], v['measured'], v['origin'])
                              for v in rates])

    def test_a_scenario_limit_leaves_the_others_at_the_default(self):
        runs = self.runs(2, failed_at=(1,))
        other = report_runs.series(2, passed='servers_dns-1',
                                   failed='floating_ip_dns-wrongname',
                                   failed_at=(1,))
        other[1]['scenario'] = 'servers_dns'
        runs += report_runs.write(other, os.path.join(self.tmp, 'other'))
        sla = self.limits('- {metric: failure_rate, max: 50, scenario: '
                          'floating_ip_dns}\n')
        rc, _out, _err, verdicts = self.verdicts(*(runs + [
            '--thresholds', sla]))
        self.assertEqual(1, rc)
        self.assertEqual({'floating_ip_dns': ('pass', 50.0),
                          'servers_dns': ('breach', 0.0)},
                         {v['scenario']: (v['status'], v['max'])
                          for v in only(verdicts, 'failure_rate')})


class TestDegradation(SlaCase):

    def test_newest_against_the_previous_runs(self):
        # 6 runs at the recorded speed, the newest 1.5 times slower
        runs = self.runs(7, scales={6: 1.5})
        rc, _out, err, verdicts = self.judge(
            runs, '- {metric: performance_degradation, max: 20}\n'
            '- {metric: performance_degradation, max: 60, step: deploy, '
            'baseline_runs: 3, name: deploy}\n')
        self.assertEqual(1, rc, err)
        wall, deploy = only(verdicts, 'performance_degradation')
        self.assertEqual('breach', wall['status'])
        self.assertAlmostEqual(50.0, wall['measured'], delta=0.1)
        self.assertIn('newest run', wall['message'])
        self.assertIn('median of the previous 5 run(s)', wall['message'])
        self.assertEqual('pass', deploy['status'])
        self.assertIn('median of the previous 3 run(s)', deploy['message'])
        self.assertIn('1 threshold(s) breached', err)

    def test_against_a_given_baseline_set(self):
        base = self.runs(3, name='base')
        now = self.runs(3, name='now', scales={i: 1.3 for i in range(3)},
                        start=report_runs.recorded('floating_ip_dns-1')[
                            'steps'][0]['started_at'] + 86400)
        sla = self.limits('- {metric: performance_degradation, max: 25}\n')
        rc, _out, _err, verdicts = self.verdicts(*(now + [
            '--thresholds', sla, '--baseline', os.path.dirname(base[0])]))
        self.assertEqual(1, rc)
        v, = only(verdicts, 'performance_degradation')
        self.assertAlmostEqual(30.0, v['measured'], delta=0.1)
        self.assertIn('median of 3 run(s) of the baseline set', v['message'])

    def test_no_baseline_is_no_data_not_a_pass(self):
        sla = self.limits('- {metric: performance_degradation, max: 5}\n')
        rc, _out, _err, verdicts = self.verdicts(*(self.runs(1) + [
            '--thresholds', sla]))
        self.assertEqual(0, rc)
        v, = only(verdicts, 'performance_degradation')
        self.assertEqual('no data', v['status'])

    def test_bad_baseline_path_is_a_usage_error(self):
        rc, _out, err = self.main(*(self.runs(1) + [
            '-o', self.out, '--baseline', os.path.join(self.tmp, 'nope')]))
        self.assertEqual(2, rc)
        self.assertIn('--baseline %s: no such file or directory'
                      % os.path.join(self.tmp, 'nope'), err)


class TestOutliers(SlaCase):

    def test_one_slow_run_among_eight(self):
        scales = {i: 1 + 0.02 * (i % 3) for i in range(8)}
        scales[5] = 2.0
        runs = self.runs(8, scales=scales)
        rc, _out, err, verdicts = self.judge(
            runs, '- {metric: outliers, max: 0}\n'
            '- {metric: outliers, max: 0, step: deploy, min_runs: 9}\n')
        self.assertEqual(1, rc, err)
        wall, deploy = only(verdicts, 'outliers')
        self.assertEqual(('breach', 1.0), (wall['status'], wall['measured']))
        self.assertEqual([runs[5]], [o['source'] for o in wall['outliers']])
        self.assertEqual('no data', deploy['status'])   # 8 < min_runs
        self.assertIn('outlier: ', self.page())

    def test_robust_where_mean_and_std_see_nothing(self):
        values = [20.0, 20.5, 19.8, 20.2, 21.0, 20.1, 19.9, 60.0]
        mean, std = statistics.mean(values), statistics.pstdev(values)
        # Rally's mean + 3 sigma: the outlier inflates sigma, none found
        self.assertEqual([], [v for v in values if v > mean + 3 * std])
        self.assertEqual([7], outliers.find(values, 3.5))
        # more than half equal (MAD 0): the mean absolute deviation
        self.assertEqual([4], outliers.find([10, 10, 10, 10, 30], 3.5))
        self.assertEqual([], outliers.find([10, 10, 10], 3.5))


class TestValidation(SlaCase):

    def test_bad_items_name_the_key_and_the_file(self):
        runs = self.runs(1)
        cases = (
            ('{metric: failure_rate, max: 150}',
             'max must be a percentage from 0 to 100, got 150'),
            ('{metric: failure_rate, max: 5, stat: p95}',
             'unknown key(s) stat for metric failure_rate'),
            ('{metric: outliers, max: 0.5}',
             'max must be a whole number of runs >= 0, got 0.5'),
            ('{metric: outliers, max: 1, sigmas: 0}', 'sigmas must be'),
            ('{metric: performance_degradation, max: 10, baseline_runs: 0}',
             'baseline_runs must be a whole number >= 1'),
            ('{metric: performance_degradation, max: "10%"}',
             "max must be a percentage >= 0 (how much slower than the "
             "baseline), got '10%'"),
            ('{metric: removal, max: .inf}', 'max must be a finite number'),
            ('{metric: removal, max: 1, step: deploy}',
             'unknown key(s) step for metric removal'),
        )
        for item, text in cases:
            sla = self.limits('- {metric: removal, max: 5}\n- %s\n' % item)
            rc, out, err = self.main(*(runs + ['-o', self.out,
                                               '--thresholds', sla]))
            self.assertEqual((2, ''), (rc, out), item)
            self.assertIn('error: --thresholds %s: thresholds[1]: %s'
                          % (sla, text), err)
            self.assertNotIn('Traceback', err)

    def test_every_metric_has_a_schema_and_a_unit(self):
        for metric in threshold_items.METRICS:
            schema = threshold_items.schema(metric)
            self.assertIn('max', schema['required'])
            self.assertIn(metric, threshold_items.UNITS)
        self.assertEqual(
            [{'metric': 'outliers', 'max': 0.0, 'origin': 'o',
              'sigmas': 3.5, 'min_runs': 5}],
            threshold_items.validate([{'metric': 'outliers', 'max': 0}],
                                     'o'))


if __name__ == '__main__':
    unittest.main()
