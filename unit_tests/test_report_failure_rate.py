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

"""failure_rate: a failed run is a breach (default max 0 %)."""

import os

from unit_tests import report_command_case

DATA = os.path.join(os.path.dirname(__file__), 'data', 'report')
PASSED = os.path.join(DATA, 'floating_ip_dns-1.json')
FAILED = os.path.join(DATA, 'floating_ip_dns-wrongname.json')


class TestFailureRate(report_command_case.ReportCommandCase):

    def test_one_failed_run_breaches_and_fails_on_breach(self):
        rc, out, err = self.main(PASSED, FAILED, '-o', self.out,
                                 '--fail-on-breach')
        self.assertEqual(1, rc, err)
        self.assertIn('threshold BREACH: failure rate of floating_ip_dns: '
                      'limit 0 %, measured 50 % (1 of 2 run(s) failed)',
                      out)
        page = self.page()
        self.assertNotIn('thresholds met', page)
        # the failed row (the second run) links to its failure box
        self.assertIn('<div class="fail-box" id="fail-1">', page)
        self.assertIn('<a class="failed" href="#fail-1">failed</a>', page)

    def test_all_passed_meets_it(self):
        rc, out, err = self.main(PASSED, '-o', self.out, '--fail-on-breach')
        self.assertEqual(0, rc, err)
        self.assertIn('threshold PASS: failure rate of floating_ip_dns: '
                      'limit 0 %, measured 0 %', out)
