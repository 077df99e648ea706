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

"""Trends: a baseline and the change in percent per scenario and step;
where a setting changed between runs.
"""

import html
import json
import os
import re

from unit_tests import report_command_case
from unit_tests import report_runs


def trend_section(page, name='floating_ip_dns'):
    start = page.index('<section id="tr-%s">' % name)
    return page[start:page.index('</section>', start)]


def baseline_rows(section):
    """{step: (baseline, newest, change, newest's link)} of the table."""
    table = section[section.index('<table class="baseline">'):]
    rows = {}
    for m in re.finditer(r'<tr><td>([^<]+)</td><td class="n"[^>]*>([^<]+)'
                         r'</td><td class="n"><a href="#([^"]+)"[^>]*>'
                         r'([^<]+)</a></td><td[^>]*>([^<]+)</td></tr>',
                         table):
        step, base, link, newest, change = m.groups()
        rows[step] = (base, newest, html.unescape(change).strip(), link)
    return rows


class TestTrends(report_command_case.ReportCommandCase):

    def render(self, docs, *args):
        paths = report_runs.write(docs, os.path.join(self.tmp, 'runs'))
        data = os.path.join(self.tmp, 'data.json')
        rc, _out, err = self.main(*(paths + ['-o', self.out, '--data',
                                             data] + list(args)))
        self.assertEqual(0, rc, err)
        with open(data) as f:
            return trend_section(self.page()), json.load(f)

    def test_newest_against_the_median_of_the_previous_runs(self):
        # runs 0-5 at the recorded speed, the newest twice as slow
        section, data = self.render(report_runs.series(7, scales={6: 2.0}))
        rows = baseline_rows(section)
        ok = report_runs.recorded('floating_ip_dns-1')
        self.assertEqual(('%.2f' % ok['duration'],
                          '%.2f' % (2 * ok['duration']), '+100 %', 'run-6'),
                         rows['wall time'])
        deploy = [s for s in ok['steps'] if s['name'] == 'deploy'][0]
        self.assertEqual('+100 %', rows['deploy'][2])
        self.assertEqual('%.2f' % deploy['duration'], rows['deploy'][0])
        self.assertIn('median of the previous 5 run(s)', section)
        series = data['trends']['floating_ip_dns']
        self.assertEqual(['wall time'] + list(series['steps']),
                         [b['step'] for b in series['baseline']])
        # the baseline is drawn in the plot too
        self.assertIn('wall time baseline', section)

    def test_a_failed_newest_run_is_not_the_newest_value(self):
        section, _data = self.render(report_runs.series(
            4, failed_at=(3,), scales={2: 1.5}))
        base, _newest, change, link = baseline_rows(section)['wall time']
        self.assertEqual(('+50 %', 'run-2'), (change, link))
        self.assertIn('median of the previous 2 run(s)', section)

    def test_baseline_runs_and_a_given_baseline_set(self):
        docs = report_runs.series(6, scales={0: 3.0, 1: 3.0, 5: 1.2})
        section, _data = self.render(docs, '--baseline-runs', '3')
        self.assertEqual('+20 %', baseline_rows(section)['wall time'][2])
        base = report_runs.write(report_runs.series(2, scales={
            0: 0.5, 1: 0.5}), os.path.join(self.tmp, 'base'))
        section, _data = self.render(docs, '--baseline', base[0], '--baseline',
                                     base[1])
        # the median of all six (1, 1, 1, 1.2, 3, 3: 1.1) against the
        # baseline set's (0.5)
        self.assertEqual('+120 %', baseline_rows(section)['wall time'][2])
        self.assertIn('median of 2 run(s) of the baseline set', section)
        rc, _out, err = self.main(base[0], '-o', self.out,
                                  '--baseline-runs', '0')
        self.assertEqual(2, rc)
        self.assertIn('--baseline-runs 0: give 1 or more', err)

    def test_where_a_setting_changed(self):
        docs = report_runs.series(5, settings={3: {'record_timeout': 30}})
        section, data = self.render(docs)
        changes = data['trends']['floating_ip_dns']['setting_changes']
        self.assertEqual([('run-3', ['record_timeout: 60 \u2192 30'])],
                         [(c['anchor'], c['changed']) for c in changes])
        self.assertIn('<li><a href="#run-3">%s</a>: record_timeout: 60 '
                      '\u2192 30</li>' % changes[0]['started'], section)
        # and marked in the plot, with the change as its tooltip
        self.assertIn('<title>settings changed: record_timeout: 60 '
                      '\u2192 30</title>', section)

    def test_no_baseline_with_one_passed_run(self):
        section, _data = self.render(report_runs.series(2, failed_at=(1,)))
        self.assertIn('No baseline: fewer than two passed runs', section)
