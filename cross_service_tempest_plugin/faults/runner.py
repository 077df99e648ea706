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


"""Running a fault's command: locally or over SSH, never through a shell.

One place that turns an argv into a completed process or a
:class:`~.base.FaultError` naming the command, its exit code and the end
of its output. Tests pass a fake ``run`` (same signature as
``subprocess.run``).
"""

import shlex
import subprocess

from cross_service_tempest_plugin.faults import base


class CommandRunner(object):
    """Runs argv lists locally, or on ``ssh_host`` with ``ssh`` options.

    ``ssh_host``: ``user@host`` or an ssh config alias; ``ssh_options``:
    extra ssh arguments (e.g. ``['-i', 'key', '-p', '2222']``). Over SSH
    the remote command is quoted with :func:`shlex.quote`; BatchMode keeps
    ssh from ever prompting for a password.
    """

    def __init__(self, ssh_host=None, ssh_options=(), timeout=600,
                 run=subprocess.run):
        self.ssh_host = ssh_host
        self.ssh_options = list(ssh_options or ())
        self.timeout = timeout
        self._run = run

    def argv(self, argv):
        if not self.ssh_host:
            return list(argv)
        return (['ssh', '-o', 'BatchMode=yes'] + self.ssh_options +
                [self.ssh_host, ' '.join(shlex.quote(a) for a in argv)])

    def __call__(self, argv, timeout=None):
        full = self.argv(argv)
        try:
            proc = self._run(full, capture_output=True, text=True,
                             timeout=timeout or self.timeout)
        except subprocess.TimeoutExpired:
            raise base.FaultError('%s: no answer within %s s' % (
                ' '.join(full), timeout or self.timeout))
        except OSError as exc:
            raise base.FaultError('%s: cannot run: %s' % (' '.join(full),
                                                          exc))
        if proc.returncode:
            out = ((proc.stdout or '') + (proc.stderr or '')).strip()
            raise base.FaultError('%s failed (exit %d): %s' % (
                ' '.join(full), proc.returncode, out[-1500:]))
        return proc
