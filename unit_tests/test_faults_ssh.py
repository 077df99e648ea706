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

"""SSHRunner through Tempest's real client against a real SSH server.

The server is paramiko's, in this process, on 127.0.0.1 (an ephemeral
port): key authentication, exec requests answered with the output and
exit status a systemctl would give. Nothing is run.
"""

import socket
import threading

import fixtures
import paramiko
import testtools

from cross_service_tempest_plugin.faults import base
from cross_service_tempest_plugin.faults import runner
from cross_service_tempest_plugin.faults import systemd


class Server(paramiko.ServerInterface):
    def __init__(self, user_key, commands):
        self.user_key, self.commands = user_key, commands

    def check_auth_publickey(self, username, key):
        if username == 'stack' and key == self.user_key:
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def get_allowed_auths(self, username):
        return 'publickey'

    def check_channel_request(self, kind, chanid):
        return paramiko.OPEN_SUCCEEDED

    def check_channel_exec_request(self, channel, command):
        command = command.decode()
        self.commands.append(command)

        def answer():
            # the client shuts its side once the exec request succeeded:
            # answering before would race that reply
            while channel.recv(1024):
                pass
            if 'missing' in command:
                channel.sendall_stderr(b'Unit missing.service not found.\n')
                channel.send_exit_status(5)
            else:
                channel.sendall(b'done\n')
                channel.send_exit_status(0)
            channel.close()
        threading.Thread(target=answer, daemon=True).start()
        return True


class SSHServer(fixtures.Fixture):
    def _setUp(self):
        self.host_key = paramiko.RSAKey.generate(1024)
        self.user_key = paramiko.RSAKey.generate(1024)
        self.commands = []
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.transports = []
        self.addCleanup(self.stop)
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            t = paramiko.Transport(conn)
            self.transports.append(t)
            t.add_server_key(self.host_key)
            t.start_server(server=Server(self.user_key, self.commands))

    def stop(self):
        self.sock.close()
        for t in self.transports:
            t.close()


class TestSSHRunnerOverSSH(testtools.TestCase):

    def setUp(self):
        super(TestSSHRunnerOverSSH, self).setUp()
        self.server = self.useFixture(SSHServer())
        self.key = self.useFixture(fixtures.TempDir()).join('id_rsa')
        self.server.user_key.write_private_key_file(self.key)

    def runner(self, key=None, **kwargs):
        return runner.SSHRunner('stack@127.0.0.1', port=self.server.port,
                                key_filename=key or self.key,
                                ssh_config=None, **kwargs)

    def test_systemctl_over_ssh(self):
        ctl = systemd.SystemdController(runner=self.runner(timeout=30))
        with base.Fault(ctl, 'designate-worker'):
            pass
        self.assertEqual(
            ['sudo -n systemctl restart devstack@designate-worker.service',
             'sudo -n systemctl start devstack@designate-worker.service'],
            self.server.commands)

    def test_exit_code_and_stderr_of_a_failed_command(self):
        r = self.runner(timeout=30)
        self.assertEqual('done\n', r(['true']).stdout)
        self.assertRaisesRegex(
            base.FaultError, r'^ssh stack@127.0.0.1:\d+: systemctl restart '
            r"'missing unit' failed \(exit 5\): Unit missing.service not "
            r'found.$', r, ['systemctl', 'restart', 'missing unit'])

    def test_a_key_the_node_refuses_fails_fast_before_any_command(self):
        other = self.useFixture(fixtures.TempDir()).join('other')
        paramiko.RSAKey.generate(1024).write_private_key_file(other)
        r = self.runner(key=other, connect_timeout=1)
        self.assertRaisesRegex(
            base.FaultError, r'ssh stack@127.0.0.1:\d+: cannot connect and '
            'authenticate within 1 s \\(key .*other\\)', r, ['true'])
        self.assertEqual([], self.server.commands)
