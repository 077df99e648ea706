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

"""Our supervisord: start it, talk to it over its private unix socket.

Stdlib, not supervisor.xmlrpc: down/status need it when the venv is broken.
"""

import http.client
import os
import socket
import subprocess
import xmlrpc.client

from constellation import errors
from constellation import poll
from constellation import procs

Failure = errors.Failure


# supervisord's XML-RPC fault code for "the process is not running"
NOT_RUNNING = 70


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__('localhost', timeout=timeout)
        self._path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self._path)
        self.sock = s


class _UnixTransport(xmlrpc.client.Transport):
    def __init__(self, path, timeout):
        super().__init__()
        self._path = path
        self._timeout = timeout

    def make_connection(self, host):
        return _UnixConnection(self._path, self._timeout)


def client(sock_path, timeout=120):
    return xmlrpc.client.ServerProxy(
        'http://localhost/RPC2',
        transport=_UnixTransport(sock_path, timeout)).supervisor


def reachable(sock_path):
    try:
        return client(sock_path, timeout=5).getState()['statename'] == \
            'RUNNING'
    except (OSError, xmlrpc.client.Error):
        return False


class Supervisor:
    """The supervisord of one state dir."""

    def __init__(self, st):
        self.st = st
        self.sock = st.run('supervisor.sock')
        self.conf = st.etc('supervisord.conf')
        self.pidfile = st.run('supervisord.pid')

    def state(self):
        """('running'|'stale'|'absent', pid) from the pid file."""
        return procs.supervisord_status(self.pidfile, self.conf)

    def rpc(self, timeout=120):
        return client(self.sock, timeout)

    def reachable(self):
        return reachable(self.sock)

    def info(self):
        """{program name: supervisor's process info}; {} if unreachable."""
        try:
            return {p['name']: p for p in self.rpc(10).getAllProcessInfo()}
        except (OSError, xmlrpc.client.Error):
            return {}

    def statename(self, name):
        return self.info().get(name, {}).get('statename')

    def launch(self, timeout=20):
        """Start supervisord (it daemonizes) and wait for its socket."""
        for f in (self.pidfile, self.sock):
            if os.path.exists(f):
                os.unlink(f)
        env = dict(os.environ, CONSTELLATION_STATE_DIR=self.st.root)
        r = subprocess.run([self.st.bin('supervisord'), '-c', self.conf],
                           env=env, capture_output=True, text=True)
        if r.returncode:
            raise Failure('supervisord did not start: %s' % r.stderr,
                          service='supervisord')
        poll.until(lambda: (self.reachable(), 'socket not answering'),
                   'supervisord answering on %s' % self.sock, timeout,
                   interval=0.2, service='supervisord')
        return 'started'

    def apply_config(self):
        """Like `supervisorctl update`: apply a changed supervisord.conf."""
        rpc = self.rpc()
        added, changed, removed = rpc.reloadConfig()[0]
        for name in changed + removed:
            try:
                rpc.stopProcessGroup(name, True)
            except xmlrpc.client.Fault:
                pass  # not running
            rpc.removeProcessGroup(name)
        for name in added + changed:
            rpc.addProcessGroup(name)
        return 'config: %d added, %d changed, %d removed' % (
            len(added), len(changed), len(removed))

    def start(self, name):
        if self.statename(name) not in ('RUNNING', 'STARTING'):
            try:
                self.rpc().startProcess(name, False)
            except (OSError, xmlrpc.client.Error) as e:
                raise Failure('%s did not start: %s' % (name, e),
                              service=name)

    def stop(self, name):
        """Stop ``name`` and wait (supervisord's stopwaitsecs, then KILL).

        One not running is left as it is: STOPPED, EXITED, or FATAL
        (supervisord gave up after failed starts); a restart then just
        starts it.
        """
        try:
            self.rpc().stopProcess(name, True)
        except xmlrpc.client.Fault as e:
            if e.faultCode != NOT_RUNNING:
                raise

    def shutdown(self, pid, timeout=60):
        self.rpc().shutdown()
        poll.until(lambda: (not procs.pid_alive(pid), 'pid %d alive'
                            % pid),
                   'supervisord pid %d gone' % pid, timeout, interval=0.2,
                   service='supervisord')
