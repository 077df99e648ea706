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
of its output. Locally with ``subprocess.run`` (tests pass a fake ``run``);
on a remote node with Tempest's SSH client (paramiko; tests pass a fake
``client``).
"""

import getpass
import os
import re
import shlex
import subprocess

import paramiko
from tempest.lib.common import ssh
from tempest.lib import exceptions as lib_exc

from cross_service_tempest_plugin.faults import base


class CommandRunner(object):
    """Runs argv lists on this machine (``subprocess.run``, no shell)."""

    def __init__(self, timeout=600, run=subprocess.run):
        self.timeout = timeout
        self._run = run

    def check(self):
        """Nothing to reach: a local runner is always there."""

    def __call__(self, argv, timeout=None):
        full = list(argv)
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


_FAILED = re.compile(r"Command '.*', exit status: (\d+), stderr:\n(.*)\n"
                     r"stdout:\n(.*)\Z", re.S)


class SSHRunner(object):
    """Runs argv lists on a node with Tempest's SSH client (paramiko).

    ``host``: ``[user@]host`` or a ``Host`` alias of ``ssh_config``
    (default ``~/.ssh/config``: its HostName, User, Port and IdentityFile
    apply; ``username``/``port``/``key_filename`` given here win). Keys
    only — ``key_filename``, else the ssh agent and ``~/.ssh/id_*`` —, no
    password, never a prompt. The node's host key is accepted unseen, as
    Tempest's client accepts a guest's. The remote command is quoted with
    :func:`shlex.quote`. The node must accept us within
    ``connect_timeout`` s on the first command (:meth:`check`); later
    commands may wait up to ``timeout`` s, connection retries included.
    """

    def __init__(self, host, username=None, port=None, key_filename=None,
                 timeout=600, connect_timeout=60,
                 ssh_config='~/.ssh/config', client=ssh.Client):
        user, _, name = host.rpartition('@')
        found = {}
        path = os.path.expanduser(ssh_config) if ssh_config else None
        if path and os.path.isfile(path):
            found = paramiko.SSHConfig.from_path(path).lookup(name)
        self.host = found.get('hostname', name)
        self.username = (username or user or found.get('user') or
                         getpass.getuser())
        self.port = int(port or found.get('port') or 22)
        keys = found.get('identityfile') or []
        self.key_filename = key_filename or (keys[0] if keys else None)
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._client = client
        self._checked = False

    @property
    def where(self):
        return 'ssh %s@%s:%d' % (self.username, self.host, self.port)

    def client(self, timeout):
        return self._client(
            self.host, self.username, timeout=timeout, port=self.port,
            key_filename=self.key_filename,
            look_for_keys=self.key_filename is None)

    def check(self):
        """Connect and authenticate once; FaultError if the node won't."""
        try:
            self.client(self.connect_timeout).test_connection_auth()
        except lib_exc.SSHTimeout:
            # Tempest's message carries a "Password:" line: not ours.
            raise base.FaultError(
                '%s: cannot connect and authenticate within %s s (key %s)'
                % (self.where, self.connect_timeout,
                   self.key_filename or 'from the agent or ~/.ssh'))
        self._checked = True

    def __call__(self, argv, timeout=None):
        if not self._checked:
            self.check()
        command = ' '.join(shlex.quote(a) for a in argv)
        limit = timeout or self.timeout
        try:
            out = self.client(limit).exec_command(command)
        except lib_exc.SSHExecCommandFailed as exc:
            m = _FAILED.match(str(exc))
            rc, output = ((int(m.group(1)),
                           (m.group(3) + m.group(2)).strip())
                          if m else ('?', str(exc)))
            raise base.FaultError('%s: %s failed (exit %s): %s' % (
                self.where, command, rc, output[-1500:]))
        except lib_exc.SSHTimeout:
            raise base.FaultError('%s: %s: cannot connect within %s s' % (
                self.where, command, limit))
        except lib_exc.TimeoutException:
            raise base.FaultError('%s: %s: no answer within %s s' % (
                self.where, command, limit))
        except (OSError, paramiko.SSHException) as exc:
            raise base.FaultError('%s: %s: cannot run: %s' % (
                self.where, command, exc))
        return subprocess.CompletedProcess(list(argv), 0, out, '')
