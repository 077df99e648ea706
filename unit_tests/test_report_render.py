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

"""The rendered page (offline, self-contained) and the ``report`` command.

Needs the ``[report]`` extra, which tools/run-unit-tests.sh installs.
"""

import json
import os
import re
import shutil
import tempfile
import unittest

from cross_service_tempest_plugin import report
from cross_service_tempest_plugin.report import subunit_stream
from unit_tests import report_command_case

DATA = os.path.join(os.path.dirname(__file__), 'data', 'report')


def write_subunit(path):
    import datetime

    import subunit
    t0 = datetime.datetime(2026, 11, 23, 12, 0, 0,
                           tzinfo=datetime.timezone.utc)
    with open(path, 'wb') as f:
        out = subunit.StreamResultToBytes(f)
        for n, (name, status, secs) in enumerate((
                ('cross_service_tempest_plugin.tests.scenario.test_dns.'
                 'FloatingIpDnsTest.test_floating_ip_dns[id-1,smoke]',
                 'success', 21.5),
                ('cross_service_tempest_plugin.tests.scenario.test_dns.'
                 'ServersDnsTest.test_servers_dns[id-2]', 'fail', 40.0))):
            start = t0 + datetime.timedelta(seconds=n)
            out.status(test_id=name, test_status='inprogress',
                       timestamp=start)
            if status == 'fail':
                out.status(test_id=name, file_name='traceback',
                           file_bytes=b'AssertionError: boom',
                           mime_type='text/plain; charset=utf8',
                           eof=True)
            out.status(test_id=name, test_status=status,
                       timestamp=start + datetime.timedelta(seconds=secs))


class TestReportCommand(report_command_case.ReportCommandCase):

    def test_page_is_self_contained_and_shows_every_section(self):
        self.assertEqual([], report.missing_modules())
        sub = os.path.join(self.tmp, 'run.subunit')
        write_subunit(sub)
        rc, out, err = self.main(DATA, '-o', self.out, '--subunit', sub)
        self.assertEqual(0, rc, err)
        self.assertIn('11 run(s) of 6 scenario(s), 9 passed, 2 failed',
                      out)
        with open(self.out, encoding='utf-8') as f:
            page = f.read()
        # Offline: nothing loaded from the network, no external file.
        self.assertIsNone(re.search(
            r'<(script|link|img|iframe)[^>]*(src|href)\s*=', page, re.I))
        self.assertIsNone(re.search(r'@import|url\(\s*["\']?https?:', page))
        # One inline script (sortable tables); the page works without it.
        self.assertEqual(1, page.count('<script'))
        self.assertIn('<script>\n// Sortable tables', page)
        # The only addresses left are the SVG XML namespaces.
        self.assertEqual({'http://www.w3.org/2000/svg',
                          'http://www.w3.org/1999/xlink'},
                         set(re.findall(r'https?://[^"\s<]*', page)))
        for text in ('id="timeline"', 'id="failures"', 'id="scenarios"',
                     'id="propagation"', 'id="trends"', 'id="tests"',
                     'Invalid net cidr', 'NXDOMAIN []', 'Last Heat events',
                     'stack deleted \u2192 gone', 'test_servers_dns',
                     'AssertionError: boom'):
            self.assertIn(text, page)
        # One inline SVG per figure: timeline, 6 scenarios, 4 kinds of
        # propagation, 3 trends (scenarios with >= 2 runs).
        self.assertEqual(14, page.count('<svg '))
        # Tooltips on the step bars.
        self.assertIn('<title>floating_ip_dns / deploy: failed', page)

    def test_dash_writes_the_page_to_stdout(self):
        rc, out, err = self.main(os.path.join(DATA, 'servers_dns-1.json'),
                                 '-o', '-')
        self.assertEqual(0, rc, err)
        self.assertTrue(out.lstrip().startswith('<!DOCTYPE html>'), out[:80])
        self.assertIn('-> stdout', err)
        self.assertFalse(os.path.exists('-'))

    def test_dollar_signs_in_names_are_text_not_mathtext(self):
        # issue 22 #8: a step named with $...$ crashed matplotlib's parser
        with open(os.path.join(DATA, 'servers_dns-1.json')) as f:
            result = json.load(f)
        result['steps'][0]['name'] = '$\\frac{a$'
        with open(os.path.join(self.tmp, 'r.json'), 'w') as f:
            json.dump(result, f)
        rc, _out, err = self.main(self.tmp, '-o', self.out)
        self.assertEqual(0, rc, err)
        self.assertIn('$\\frac{a$', self.page())

    def test_one_timeline_per_session(self):
        for day in (0, 1):
            with open(os.path.join(DATA, 'servers_dns-1.json')) as f:
                result = json.load(f)
            for step in result['steps']:
                step['started_at'] += day * 86400
            with open(os.path.join(self.tmp, 'r%d.json' % day), 'w') as f:
                json.dump(result, f)
        rc, _out, err = self.main(self.tmp, '-o', self.out)
        self.assertEqual(0, rc, err)
        with open(self.out, encoding='utf-8') as f:
            page = f.read()
        self.assertEqual(['2026-11-24 12:37:20 UTC, 1 run(s)',
                          '2026-11-23 12:37:20 UTC, 1 run(s)'],
                         re.findall(r'<h3>Session of ([^<]*)</h3>', page))

    def test_breach_fails_with_the_limit_and_the_measure(self):
        limits = os.path.join(self.tmp, 'sla.yaml')
        with open(limits, 'w') as f:
            f.write('- {metric: propagation, record_type: PTR, max: 0.001,'
                    ' name: tiny}\n- {metric: removal, max: 60}\n')
        data = os.path.join(self.tmp, 'data.json')
        rc, out, err = self.main(os.path.join(DATA, 'servers_dns-1.json'),
                                 '-o', self.out, '--thresholds', limits,
                                 '--data', data)
        self.assertEqual(0, rc, err)
        self.assertIn('threshold BREACH: tiny: max of PTR stack complete',
                      out)
        self.assertIn('threshold PASS', out)
        with open(data) as f:
            verdicts = json.load(f)['verdicts']
        # The file's limits (the shipped definition adds its own).
        self.assertEqual(['breach', 'pass'], [
            v['status'] for v in verdicts
            if v['origin'].startswith('--thresholds')])
        self.assertIn('scenarios.servers_dns',
                      {v['origin'] for v in verdicts})
        rc, out, err = self.main(os.path.join(DATA, 'servers_dns-1.json'),
                                 '-o', self.out, '--thresholds', limits,
                                 '--fail-on-breach')
        self.assertEqual(1, rc)
        self.assertIn('1 threshold(s) breached', err)
        self.assertIn('limit 0.001 s, measured 0.213 s (2 value(s))', err)
        with open(self.out, encoding='utf-8') as f:
            self.assertIn('threshold breach', f.read())

    def test_bad_input_is_a_usage_error(self):
        rc, out, err = self.main(os.path.join(self.tmp, 'nope.json'), '-o',
                                 self.out)
        self.assertEqual((2, ''), (rc, out))
        self.assertIn('nope.json: no such file or directory', err)
        bad = os.path.join(self.tmp, 'bad.yaml')
        with open(bad, 'w') as f:
            f.write('[{metric: removal}]')
        rc, _out, err = self.main(DATA, '-o', self.out, '--thresholds', bad)
        self.assertEqual(2, rc)
        self.assertIn('--thresholds %s: thresholds[0]: max must be' % bad,
                      err)
        self.assertFalse(os.path.exists(self.out))
        # issue 22 #8: -o DIR and a garbage --subunit gave tracebacks
        rc, _out, err = self.main(DATA, '-o', self.tmp)
        self.assertEqual(2, rc)
        self.assertIn('-o %s: is a directory; give the HTML file' % self.tmp,
                      err)
        garbage = os.path.join(self.tmp, 'garbage.subunit')
        with open(garbage, 'wb') as f:
            f.write(b'\xb3\x29\x01\x0c\x03\x00\x00\x00' + b'junk' * 20)
        rc, _out, err = self.main(DATA, '-o', self.out, '--subunit',
                                  garbage)
        self.assertEqual(2, rc, err)
        self.assertIn('--subunit %s: ' % garbage, err)
        self.assertNotIn('Traceback', err)

    def test_missing_extra_names_it(self):
        orig = report.missing_modules
        report.missing_modules = lambda: ['matplotlib']
        self.addCleanup(setattr, report, 'missing_modules', orig)
        rc, _out, err = self.main(DATA, '-o', self.out)
        self.assertEqual(2, rc)
        self.assertIn("needs the [report] extra (missing: matplotlib)", err)
        self.assertIn("cross-service-tempest-plugin[report]", err)


class TestSubunit(unittest.TestCase):

    def test_ids_status_durations(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        path = os.path.join(tmp, 's')
        write_subunit(path)
        tests = subunit_stream.read(path)
        self.assertEqual(
            [('FloatingIpDnsTest.test_floating_ip_dns', 'id-1,smoke',
              'passed', 21.5),
             ('ServersDnsTest.test_servers_dns', 'id-2', 'failed', 40.0)],
            [(t['id'].rsplit('.', 2)[1] + '.' + t['id'].rsplit('.', 1)[1],
              t['attrs'], t['status'], t['duration']) for t in tests])
        self.assertEqual('AssertionError: boom', tests[1]['reason'])
        self.assertEqual({'passed': 1, 'failed': 1},
                         subunit_stream.counts(tests))
        empty = os.path.join(tmp, 'empty')
        open(empty, 'wb').close()
        with self.assertRaises(ValueError) as ctx:
            subunit_stream.read(empty)
        self.assertIn('no test in the stream', str(ctx.exception))
