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

"""The fault matrix heat-map: data preparation and the rendered page.

unit_tests/data/fault_matrix/matrix.json is a small matrix in the shape
bench/fault_matrix.py --json writes (faults/matrix.py): 4 services x 2
scenarios, 6 cells run (a pass, an outage, a failed check, a host that
did not converge, a leak, a fault never injected), 2 not run.
"""

import json
import os
import re
import shutil
import tempfile
import unittest

from cross_service_tempest_plugin.report import fault_matrix
from cross_service_tempest_plugin.report import model
from cross_service_tempest_plugin.report import results
from unit_tests import report_command_case

HERE = os.path.dirname(__file__)
MATRIX = os.path.join(HERE, 'data', 'fault_matrix', 'matrix.json')
RESULTS = os.path.join(HERE, 'data', 'report')


def read():
    with open(MATRIX, encoding='utf-8') as f:
        return json.load(f)


class TestHeatmapData(unittest.TestCase):

    def setUp(self):
        self.hm = fault_matrix.heatmap(read(), MATRIX)

    def cell(self, service, scenario):
        return self.hm['grid'][self.hm['rows'].index(service)][
            self.hm['columns'].index(scenario)]

    def test_rows_are_services_columns_scenarios(self):
        self.assertEqual(['designate-central', 'designate-worker', 'named',
                          'rabbitmq'], self.hm['rows'])
        self.assertEqual(['floating_ip_dns', 'servers_dns'],
                         self.hm['columns'])
        self.assertEqual('restart named', self.hm['row_labels'][2])
        # cells never run stay empty, not "passed"
        self.assertIsNone(self.cell('rabbitmq', 'floating_ip_dns'))
        self.assertIsNone(self.cell('designate-central', 'servers_dns'))

    def test_outcome_and_text_per_cell(self):
        ok = self.cell('designate-worker', 'floating_ip_dns')
        self.assertEqual('passed', ok['outcome'])
        self.assertEqual(['passed', 'converge 11.4 s', 'outage none'],
                         ok['lines'])
        out = self.cell('named', 'floating_ip_dns')
        self.assertEqual('degraded', out['outcome'])
        self.assertEqual('outage 1.5s (4 miss)', out['lines'][2])
        failed = self.cell('designate-central', 'floating_ip_dns')
        self.assertEqual('failed', failed['outcome'])
        self.assertEqual('FAILED @ check_removed', failed['lines'][0])
        self.assertIn("last seen: NOERROR ['172.24.4.10']", failed['tip'])
        stuck = self.cell('designate-worker', 'servers_dns')
        self.assertEqual('degraded', stuck['outcome'])
        self.assertEqual('never converged', stuck['lines'][1])
        self.assertIn('serial 1700000003', stuck['tip'])
        self.assertEqual('no_fault',
                         self.cell('rabbitmq', 'servers_dns')['outcome'])

    def test_leaks_are_flagged(self):
        leak = self.cell('named', 'servers_dns')
        self.assertEqual(2, leak['leaks'])
        self.assertEqual('LEAKED 2', leak['lines'][-1])
        self.assertIn('ports: +2', leak['tip'])
        self.assertEqual(1, self.hm['leaking'])
        self.assertEqual({'passed': 1, 'degraded': 2, 'failed': 2,
                          'no_fault': 1}, self.hm['counts'])

    def test_the_printed_table_is_kept(self):
        self.assertIn('FAILED@check_removed', self.hm['table'])
        self.assertIn('restart rabbitmq', self.hm['table'])

    def test_unknown_version_and_bad_cells_are_named(self):
        doc = read()
        doc['format'] = 'cross-service-fault-matrix/9'
        with self.assertRaisesRegex(fault_matrix.MatrixError,
                                    r'm\.json: fault matrix format '
                                    r"'cross-service-fault-matrix/9' is "
                                    r'not supported'):
            fault_matrix.heatmap(doc, 'm.json')
        doc = read()
        doc['cells'][0].pop('service')
        with self.assertRaisesRegex(fault_matrix.MatrixError, '"cells"'):
            fault_matrix.heatmap(doc, 'm.json')


class TestLoading(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)

    def test_recognised_by_format_named_or_in_a_directory(self):
        shutil.copy(MATRIX, os.path.join(self.tmp, 'matrix.json'))
        shutil.copy(os.path.join(RESULTS, 'servers_dns-1.json'), self.tmp)
        matrices = []
        runs, skipped = results.load([self.tmp], matrices)
        self.assertEqual((1, []), (len(runs), skipped))
        self.assertEqual([os.path.join(self.tmp, 'matrix.json')],
                         [p for p, _doc in matrices])
        matrices = []
        runs, _skipped = results.load([MATRIX], matrices)
        self.assertEqual(([], 1), (runs, len(matrices)))
        data = model.build(runs, matrices=matrices)
        self.assertEqual(6, sum(data['fault_matrices'][0]['counts']
                                .values()))

    def test_without_a_matrix_list_it_is_not_a_result(self):
        with self.assertRaisesRegex(results.ReportError,
                                    'a fault matrix .*not scenario'):
            results.load([MATRIX])

    def test_bad_version_names_the_file(self):
        doc = read()
        doc['format'] = 'cross-service-fault-matrix/2'
        path = os.path.join(self.tmp, 'm.json')
        with open(path, 'w') as f:
            json.dump(doc, f)
        with self.assertRaisesRegex(results.ReportError,
                                    'm.json: fault matrix format'):
            results.load([self.tmp], [])


class TestHeatmapPage(report_command_case.ReportCommandCase):
    """Rendering smoke test (needs the [report] extra)."""

    def test_matrix_alone(self):
        rc, out, err = self.main(MATRIX, '-o', self.out)
        self.assertEqual(0, rc, err)
        self.assertIn('fault matrix: 6 cell(s) (1 passed, 2 degraded, '
                      '2 failed, 1 no_fault, 1 leaking)', out)
        page = self.page()
        self.assertIn('id="faults"', page)
        self.assertIn('fault matrix: 1 of 6 passed, 1 leaking', page)
        # no scenario results: no empty run sections
        self.assertNotIn('id="propagation"', page)
        self.assertEqual(1, page.count('<svg '))
        for text in ('FAILED @ check_removed', 'LEAKED 2',
                     'never converged', 'restart designate-worker',
                     'servers_dns', 'outage 1.5s (4 miss)'):
            self.assertIn(text, page)
        # a tooltip per cell run, none for the empty ones
        self.assertEqual(6, len(re.findall(r'<title>[a-z_]+ / restart ',
                                           page)))
        # only the inline script that sorts tables; nothing loaded
        self.assertEqual(1, page.count('<script'))
        self.assertNotRegex(page, r'<script[^>]*src')
        self.assertEqual({'http://www.w3.org/2000/svg',
                          'http://www.w3.org/1999/xlink'},
                         set(re.findall(r'https?://[^"\s<]*', page)))

    def test_with_results(self):
        rc, out, err = self.main(RESULTS, MATRIX, '-o', self.out)
        self.assertEqual(0, rc, err)
        self.assertIn('11 run(s) of 6 scenario(s), 9 passed, 2 failed, '
                      'fault matrix: 6 cell(s)', out)
        page = self.page()
        self.assertIn('id="faults"', page)
        self.assertIn('id="propagation"', page)
