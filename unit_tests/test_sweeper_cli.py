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

"""``cross-service-scenario cleanup`` bad input: exit 2 and a message that
names the option, before any cloud is contacted (fresh processes).
"""

import unittest

from unit_tests import test_api_cli


class TestCleanupCli(unittest.TestCase):

    def test_bad_older_than(self):
        for value in ('-5', 'soon', '1.5'):
            rc, out, err = test_api_cli.cli('cleanup', '--older-than', value)
            self.assertEqual(2, rc, err)
            self.assertIn("argument --older-than: must be a whole number of "
                          "seconds >= 0, got %r" % value, err)
            self.assertEqual('', out)

    def test_missing_config(self):
        rc, out, err = test_api_cli.cli('cleanup', '--config',
                                        '/nonexistent/tempest.conf')
        self.assertEqual(2, rc)
        self.assertIn('error: config file /nonexistent/tempest.conf does not '
                      'exist', err)
        self.assertNotIn('Traceback', err)

    def test_help_names_the_dry_run(self):
        rc, out, err = test_api_cli.cli('cleanup', '--help')
        self.assertEqual(0, rc)
        self.assertIn('--yes', out)
        self.assertIn('dry run', out)
