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

"""Statistics where they mean something: one value, a range, then tails."""

import html
import os
import re
import unittest

from cross_service_tempest_plugin.report import stats
from unit_tests import report_command_case
from unit_tests import report_runs


def scenario_section(page, name):
    start = page.index('<section id="sc-%s">' % name)
    return page[start:page.index('</section>', start)]


def row(section, step):
    """The cells' text of a step's row in a scenario's step table."""
    found = re.search(r'<tr><td>%s</td>(.*?)</tr>' % re.escape(step),
                      section, re.S)
    return html.unescape(re.sub(r'<[^>]+>', '|', found.group(1)))


class TestShown(unittest.TestCase):

    def test_by_the_number_of_values(self):
        self.assertEqual([], stats.shown(0))
        self.assertEqual(['value'], stats.shown(1))
        for n in (2, 4):
            self.assertEqual(['median', 'min', 'max'], stats.shown(n))
        self.assertEqual(['median', 'p90', 'p95', 'min', 'max'],
                         stats.shown(5))


class TestPage(report_command_case.ReportCommandCase):

    def render(self, n, scales=None):
        paths = report_runs.write(report_runs.series(n, scales=scales),
                                  os.path.join(self.tmp, 'runs'))
        rc, _out, err = self.main(*(paths + ['-o', self.out]))
        self.assertEqual(0, rc, err)
        return scenario_section(self.page(), 'floating_ip_dns')

    def test_one_run_is_one_value(self):
        section = self.render(1)
        cells = row(section, 'deploy')
        self.assertIn('(one value)', cells)
        # the value once, not median = p90 = p95 = max
        self.assertEqual(1, len(re.findall(r'\d+\.\d+', cells)), cells)
        self.assertNotIn('tip-box', section)
        overview = self.page().split('<h3 id="runs">')[0]
        self.assertIn('23.2 <span class="na">(one value)</span>', overview)

    def test_two_to_four_runs_median_and_range(self):
        section = self.render(3, scales={0: 1.0, 1: 2.0, 2: 3.0})
        cells = [c for c in row(section, 'deploy').split('|') if c.strip()]
        # passed failed skipped not_run | median p90 p95 min max
        deploy = report_runs.recorded('floating_ip_dns-1')['steps'][1]
        self.assertEqual('deploy', deploy['name'])
        d = deploy['duration']
        self.assertEqual(['3', '0', '0', '0', '%.2f' % (2 * d), '\u2013',
                          '\u2013', '%.2f' % d, '%.2f' % (3 * d)], cells)
        self.assertNotIn('tip-box', section)

    def test_five_runs_tails_and_a_box_per_step(self):
        section = self.render(6, scales={i: 1 + i / 10.0 for i in range(6)})
        cells = [c for c in row(section, 'deploy').split('|') if c.strip()]
        self.assertNotIn('\u2013', cells)
        self.assertEqual(9, len(cells))
        # one box per step that ran to an end, and the wall time
        boxes = re.findall(r'<title>([^<:]+): n=6, median', section)
        names = [s['name'] for s in report_runs.recorded(
            'floating_ip_dns-1')['steps'] if s['status'] == 'passed']
        self.assertEqual(['wall time'] + names, boxes)
        # steps of 0.01 s and of 10 s: a log axis, with plain tick labels
        self.assertIn('seconds (log scale)', section)
        self.assertNotIn('mathdefault', section)
