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

"""What a long wait waits for, shown by the CLI's ticker."""

import io
import time
import unittest

from cross_service_tempest_plugin.common import progress
from cross_service_tempest_plugin.common import record_waits


class Tty(io.StringIO):
    def isatty(self):
        return True


class TestTicker(unittest.TestCase):

    def _tick(self, stream):
        ticker = progress.Ticker(stream, 'deploy', after=0.05, every=0.1,
                                 tick=0.02).start()
        with progress.waiting('stack cs-x-stack to be CREATE_COMPLETE') as w:
            w.seen = 'CREATE_IN_PROGRESS'
            # two updates at least (a loaded machine may be slow)
            deadline = time.monotonic() + 10
            while (stream.getvalue().count('deploy:') < 2 and
                   time.monotonic() < deadline):
                time.sleep(0.05)
        ticker.stop()
        return stream.getvalue()

    def test_log_gets_whole_lines_naming_the_wait(self):
        text = self._tick(io.StringIO())
        lines = text.splitlines()
        self.assertGreaterEqual(len(lines), 2, text)
        self.assertRegex(lines[0], r'^  deploy: \d+ s, waiting for stack '
                         r'cs-x-stack to be CREATE_COMPLETE; seen '
                         r'CREATE_IN_PROGRESS$')
        self.assertNotIn('\r', text)

    def test_terminal_gets_one_line_in_place_erased_at_the_end(self):
        text = self._tick(Tty())
        self.assertNotIn('\n', text)
        self.assertIn('\r\x1b[Kdeploy'.replace('deploy', '  deploy'), text)
        self.assertTrue(text.endswith('\r\x1b[K'))

    def test_no_wait_after_the_block(self):
        with progress.waiting('x'):
            self.assertEqual('x', progress.current().what)
        self.assertIsNone(progress.current())

    def test_poll_all_says_what_is_pending(self):
        seen = []

        def check():
            seen.append(progress.current().text())
            return len(seen) > 1, 'NXDOMAIN'
        chk = record_waits.Check(check, 'A fip.z. on 127.0.0.1:53')
        record_waits.poll_all([chk], 5, 0.01)
        self.assertEqual('1 of 1 check(s): A fip.z. on 127.0.0.1:53; seen '
                         'NXDOMAIN', seen[1])
