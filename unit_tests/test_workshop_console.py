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

"""The workshop harness's console blocks (doc/tests/console.py)."""

import importlib.util
import os
import tempfile
import unittest

_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))), 'doc', 'tests', 'console.py')
_SPEC = importlib.util.spec_from_file_location('workshop_console', _PATH)
console = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(console)


class ParseConsoleTest(unittest.TestCase):

    def test_commands_and_expected_output(self):
        text = ('$ echo a\n'
                'a\n'
                '$ true\n'
                '$ printf "x\\ny\\n"\n'
                'x\n'
                'y\n')
        self.assertEqual([('echo a', 'a'), ('true', ''),
                          ('printf "x\\ny\\n"', 'x\ny')],
                         console.parse_console(text))

    def test_backslash_and_ps2_continuations(self):
        text = ('$ echo one \\\n'
                '    two\n'
                'one two\n'
                '$ cat <<EOF\n'
                '> line 1\n'
                '>\n'
                '> EOF\n'
                'line 1\n')
        self.assertEqual([('echo one \\\n    two', 'one two'),
                          ('cat <<EOF\nline 1\n\nEOF', 'line 1')],
                         console.parse_console(text))

    def test_output_line_starting_with_ps2_after_output(self):
        # Once output has started, "> " is output, not a continuation.
        self.assertEqual([('cmd', 'out\n> quoted')],
                         console.parse_console('$ cmd\nout\n> quoted\n'))

    def test_text_before_the_first_prompt_is_an_error(self):
        self.assertRaises(console.ConsoleError, console.parse_console,
                          'oops\n$ true\n')


class MatchesTest(unittest.TestCase):

    def test_exact_and_blank_runs(self):
        self.assertTrue(console.matches('a  b\n', 'a\tb   \n\n'))
        self.assertFalse(console.matches('a b', 'a c'))

    def test_ellipsis_within_and_over_lines(self):
        self.assertTrue(console.matches('id: ...', 'id: 1234'))
        self.assertTrue(console.matches('start\n...\nend',
                                        'start\nx\ny\nend'))
        self.assertFalse(console.matches('start\n...\nend', 'start\nx'))

    def test_empty_expected_means_no_output(self):
        self.assertTrue(console.matches('', '\n'))
        self.assertFalse(console.matches('', 'something'))


class BashSessionTest(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp()
        self.session = console.BashSession(cwd=self.dir, timeout=60)
        self.addCleanup(self.session.close)

    def test_state_carries_over_between_commands(self):
        self.assertEqual((0, ''), self.session.run('X=42; cd /'))
        self.assertEqual((0, '42 /\n'), self.session.run('echo "$X $PWD"'))

    def test_exit_status_and_stderr(self):
        status, out = self.session.run('echo err >&2; false')
        self.assertEqual((1, 'err\n'), (status, out))

    def test_output_without_final_newline(self):
        self.assertEqual((0, 'abc'), self.session.run('printf abc'))

    def test_a_command_reading_stdin_gets_eof(self):
        # It must not swallow what the harness sends next.
        self.assertEqual((0, ''), self.session.run('cat'))
        self.assertEqual((0, 'next\n'), self.session.run('echo next'))

    def test_environment_and_cwd(self):
        self.session.run('export WORKSHOP_UNIT_TEST=yes; cd /')
        env, cwd = self.session.environment()
        self.assertEqual('yes', env['WORKSHOP_UNIT_TEST'])
        self.assertEqual('/', cwd)

    def test_exit_ends_the_session_with_a_clear_error(self):
        self.assertRaises(console.ConsoleError, self.session.run, 'exit 3')
        self.assertRaises(console.ConsoleError, self.session.run, 'true')


class GuestsReachableTest(unittest.TestCase):
    """The fast-profile-only captions follow [validation] run_validation."""

    def _conf(self, text):
        d = tempfile.mkdtemp()
        with open(os.path.join(d, 'tempest.conf'), 'w') as f:
            f.write(text)
        return {'TEMPEST_CONFIG_DIR': d, 'TEMPEST_CONFIG': 'tempest.conf'}

    def test_run_validation_true_means_a_guest_to_log_into(self):
        env = self._conf('[validation]\nrun_validation = True\n')
        self.assertTrue(console.guests_reachable(env))

    def test_false_missing_or_no_conf_means_none(self):
        self.assertFalse(console.guests_reachable(
            self._conf('[validation]\nrun_validation = False\n')))
        self.assertFalse(console.guests_reachable(self._conf('[dns]\n')))
        self.assertFalse(console.guests_reachable({}))
        self.assertTrue(console.GUEST_CAPTION.startswith(
            console.SKIP_CAPTION))
