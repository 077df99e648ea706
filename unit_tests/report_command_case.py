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

"""Base of the tests that run ``cross-service-scenario report``."""

import io
import os
import shutil
import tempfile
import unittest

from cross_service_tempest_plugin import cli


class ReportCommandCase(unittest.TestCase):
    """A temporary directory, ``self.out`` in it, and the command."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        self.out = os.path.join(self.tmp, 'report.html')

    def main(self, *args):
        """``report ARGS`` → (exit code, stdout, stderr)."""
        stdout, stderr = io.StringIO(), io.StringIO()
        rc = cli.main(['report'] + list(args), stdout=stdout,
                      stderr=stderr)
        return rc, stdout.getvalue(), stderr.getvalue()

    def page(self):
        with open(self.out, encoding='utf-8') as f:
            return f.read()
