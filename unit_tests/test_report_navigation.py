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

"""The report's navigation: every link lands, failed rows on their box."""

import html.parser
import json
import os
import unittest

from cross_service_tempest_plugin.report import model
from unit_tests import report_command_case
from unit_tests import report_runs

MATRIX = os.path.join(os.path.dirname(__file__), 'data', 'fault_matrix')


class Anchors(html.parser.HTMLParser):
    """Collects ids (with their tag), local links and the nav links."""

    def __init__(self):
        super(Anchors, self).__init__()
        self.ids, self.links, self.nav, self._nav = [], [], [], 0
        self.rows = {}      # row id → the local links inside it
        self._row = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'nav':
            self._nav += 1
        if attrs.get('id'):
            self.ids.append(attrs['id'])
            if tag == 'tr':
                self._row = attrs['id']
                self.rows[self._row] = []
        href = attrs.get('href') or ''
        if tag == 'a' and href.startswith('#'):
            self.links.append(href[1:])
            if self._nav:
                self.nav.append(href[1:])
            if self._row:
                self.rows[self._row].append(href[1:])

    def handle_endtag(self, tag):
        if tag == 'nav':
            self._nav -= 1
        if tag == 'tr':
            self._row = None


def parse(page):
    p = Anchors()
    p.feed(page)
    return p


class TestNavigation(report_command_case.ReportCommandCase):

    def test_every_link_lands_and_the_nav_has_every_section(self):
        matrix = [os.path.join(MATRIX, n) for n in sorted(os.listdir(MATRIX))
                  if n.endswith('.json')][:1]
        paths = report_runs.write(report_runs.series(3, failed_at=(1,)),
                                  self.tmp)
        paths += report_runs.write([report_runs.recorded('servers_dns-1')],
                                   os.path.join(self.tmp, 'other'))
        rc, _out, err = self.main(*(paths + matrix + ['-o', self.out]))
        self.assertEqual(0, rc, err)
        a = parse(self.page())
        self.assertEqual(sorted(set(a.ids)), sorted(a.ids), 'ids unique')
        self.assertEqual([], [x for x in a.links if x not in a.ids])
        for section in ('overview', 'failures', 'thresholds', 'timeline',
                        'scenarios', 'propagation', 'trends', 'faults',
                        'sc-floating_ip_dns', 'sc-servers_dns'):
            self.assertIn(section, a.nav)

    def test_each_failed_row_links_to_its_own_box(self):
        # two failed runs in ONE file: the file name is no anchor
        docs = report_runs.series(4, failed_at=(1, 3))
        path = os.path.join(self.tmp, 'all.json')
        with open(path, 'w') as f:
            json.dump(docs, f)
        rc, _out, err = self.main(path, '-o', self.out)
        self.assertEqual(0, rc, err)
        a = parse(self.page())
        self.assertIn('fail-1', a.rows['run-1'])
        self.assertIn('fail-3', a.rows['run-3'])
        self.assertNotIn('fail-1', a.rows['run-3'])
        self.assertEqual([], [r for r in ('run-0', 'run-2')
                              if any(x.startswith('fail-')
                                     for x in a.rows[r])])
        self.assertEqual(2, len([i for i in a.ids if i.startswith('fail-')]))
        # and each box links back to its run
        page = self.page()
        box = page[page.index('id="fail-3"'):]
        self.assertIn('href="#run-3"', box[:box.index('</div>')])


class TestSlugs(unittest.TestCase):

    def test_unique_and_safe(self):
        self.assertEqual({'a b': 'a-b', 'a-b': 'a-b-2', 'x/"y': 'x-y',
                          'ok_1': 'ok_1'},
                         model.slugs(['a b', 'a-b', 'x/"y', 'ok_1']))
