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

"""Running ``.. code-block:: console`` examples (no Sybil import here).

Every console block of a document runs in ONE persistent bash session
(variables, ``cd`` and functions carry over from block to block, as in the
terminal of someone following the page). Inside a block:

* ``$ command`` starts a command; a line ending with ``\\`` continues it on
  the next line, and lines starting with ``> `` (bash's PS2) continue it
  too (here-documents, multi-line loops);
* every other line, up to the next ``$``, is the expected output (stdout and
  stderr together). It is matched with doctest's ELLIPSIS: ``...`` stands
  for any text, also over several lines; runs of blanks (spaces, tabs)
  count as one, trailing blanks are ignored (column widths vary). No
  expected output means the command must print nothing;
* a command that exits non-zero fails the block (write ``cmd || echo
  "exit $?"`` where failing is the point).

A block whose ``:caption:`` starts with ``Not run`` is shown to the reader
with that caption (e.g. "Not run by the CI harness: needs ssh into a real
guest") and skipped here; one whose caption starts with ``Not run on the
fast profile`` runs where the session's tempest.conf
(``$TEMPEST_CONFIG_DIR/$TEMPEST_CONFIG``) has ``[validation]
run_validation = True`` (the real profile: guests to log into), and is
skipped with its caption elsewhere. ``WORKSHOP_SKIP`` (a regular
expression) skips the blocks with a command matching it, e.g. the final
``constellation down`` when the caller keeps the constellation up.

After each block the session's environment and working directory are
copied into this Python process, so Python examples further down the page
see what the shell set up (``TEMPEST_CONFIG_DIR``, ``OS_CLOUD``, ...).
"""

import doctest
import os
import re
import select
import signal
import subprocess
import tempfile
import time
import uuid

SKIP_CAPTION = 'Not run'
GUEST_CAPTION = 'Not run on the fast profile'
DEFAULT_TIMEOUT = 900.0
_CHECKER = doctest.OutputChecker()


class ConsoleError(AssertionError):
    pass


def guests_reachable(environ=os.environ):
    """Does the session's tempest.conf say guests can be logged into?"""
    import configparser
    path = os.path.join(environ.get('TEMPEST_CONFIG_DIR', ''),
                        environ.get('TEMPEST_CONFIG', 'tempest.conf'))
    conf = configparser.ConfigParser(interpolation=None, strict=False)
    if not environ.get('TEMPEST_CONFIG_DIR') or not conf.read(path):
        return False
    return conf.get('validation', 'run_validation',
                    fallback='false').strip().lower() in ('true', '1', 'yes')


def parse_console(text):
    """[(command, expected_output)] of a console block's text."""
    commands = []
    command = None
    expected = []
    continued = False
    for line in text.splitlines():
        ps2 = line.startswith('> ') or line == '>'
        if continued or (command is not None and ps2 and not expected):
            command.append(line[2:] if ps2 else line)
            continued = line.endswith('\\')
            continue
        if line.startswith('$ ') or line == '$':
            if command is not None:
                commands.append(('\n'.join(command), '\n'.join(expected)))
            command, expected = [line[2:]], []
            continued = line.endswith('\\')
            continue
        if command is None:
            if line.strip():
                raise ConsoleError('console block: text before the first '
                                   '"$ " prompt: %r' % line)
            continue
        expected.append(line)
    if command is not None:
        commands.append(('\n'.join(command), '\n'.join(expected)))
    return commands


def normalise(text):
    """Blank runs inside a line → one space; no trailing blanks/lines."""
    lines = [re.sub(r'[ \t]+', ' ', line).rstrip()
             for line in text.strip('\n').splitlines()]
    return '\n'.join(lines).strip('\n')


def matches(expected, actual):
    expected, actual = normalise(expected), normalise(actual)
    if expected == actual:
        return True
    return _CHECKER.check_output(expected + '\n', actual + '\n',
                                 doctest.ELLIPSIS)


class BashSession(object):
    """One bash process; run() executes a command and returns its output."""

    def __init__(self, cwd, transcript=None, timeout=DEFAULT_TIMEOUT):
        self.timeout = timeout
        self.transcript = transcript
        self.scratch = tempfile.mkdtemp(prefix='workshop-bash.')
        self.marker = '__WORKSHOP_DONE_%s__' % uuid.uuid4().hex
        self.proc = subprocess.Popen(
            ['bash', '--noprofile', '--norc'], cwd=cwd,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True)
        self._buffer = b''
        self.run('set -o pipefail')

    def _send(self, text):
        try:
            self.proc.stdin.write(text.encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise ConsoleError('the bash session has exited; an earlier '
                               'command ended it')

    def run(self, command, timeout=None):
        """(exit status, output) of ``command`` run in the session."""
        if self.proc.poll() is not None:
            raise ConsoleError('the bash session has exited (status %s); '
                               'an earlier command ended it'
                               % self.proc.returncode)
        script = os.path.join(self.scratch, 'command.sh')
        with open(script, 'w') as f:
            f.write(command + '\n')
        # `source` keeps variables and cd in this shell; stdin is not the
        # session's pipe, so a command that reads stdin cannot eat what
        # comes next.
        self._send("source %s </dev/null\nprintf '\\n%s %%d\\n' $?\n"
                   % (script, self.marker))
        deadline = time.monotonic() + (timeout or self.timeout)
        pattern = re.compile(
            b'\n' + re.escape(self.marker.encode()) + b' (\\d+)\n')
        fd = self.proc.stdout.fileno()
        while True:
            found = pattern.search(self._buffer)
            if found:
                output = self._buffer[:found.start()]
                self._buffer = self._buffer[found.end():]
                status = int(found.group(1))
                break
            left = deadline - time.monotonic()
            if left <= 0:
                self.interrupt()
                raise ConsoleError(
                    'no end after %.0f s (per-command limit); output so '
                    'far:\n%s' % (timeout or self.timeout,
                                  self._buffer.decode(errors='replace')))
            ready, _, _ = select.select([fd], [], [], min(left, 5.0))
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    self.proc.wait()
                    raise ConsoleError(
                        'the bash session ended during %r; output:\n%s'
                        % (command, self._buffer.decode(errors='replace')))
                self._buffer += chunk
        text = output.decode(errors='replace')
        if self.transcript:
            with open(self.transcript, 'a') as f:
                f.write('$ %s\n%s\n[exit %d]\n' % (command, text, status))
        return status, text

    def interrupt(self):
        try:
            os.killpg(self.proc.pid, signal.SIGINT)
        except ProcessLookupError:
            pass

    def environment(self):
        """(env dict, cwd) of the session."""
        _, out = self.run('printf "%s\\0" "$PWD"; env -0')
        parts = out.split('\0')
        cwd, env = parts[0], {}
        for item in parts[1:]:
            if '=' in item:
                key, value = item.split('=', 1)
                env[key] = value
        return env, cwd

    def close(self):
        if self.proc.poll() is None:
            try:
                self._send('exit\n')
                self.proc.wait(timeout=10)
            except (OSError, ConsoleError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def sync_environment(session):
    """Copy the shell's environment and cwd into this process."""
    if session.proc.poll() is not None:
        return
    env, cwd = session.environment()
    for key in list(os.environ):
        if key not in env:
            del os.environ[key]
    os.environ.update(env)
    if cwd and os.path.isdir(cwd):
        os.chdir(cwd)
