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


"""Fault interface, undo registration and command construction (fakes)."""

import subprocess

import fixtures
from tempest.lib import exceptions as lib_exc
import testtools

from cross_service_tempest_plugin.faults import base
from cross_service_tempest_plugin.faults import constellation
from cross_service_tempest_plugin.faults import runner
from cross_service_tempest_plugin.faults import systemd


class FakeController(base.Controller):
    kind = 'fake'

    def __init__(self, fail=()):
        self.calls = []
        self.fail = set(fail)

    def services(self):
        return ['svc', 'other']

    def _act(self, verb, service):
        self.calls.append((verb, service))
        if verb in self.fail:
            raise base.FaultError('%s %s broke' % (verb, service))

    def restart(self, service):
        self._act('restart', service)

    def stop(self, service):
        self._act('stop', service)

    def start(self, service):
        self._act('start', service)


class FakeRun(object):
    """subprocess.run stand-in: records argv, answers rc/output."""

    def __init__(self, rc=0, stdout='', stderr='', exc=None):
        self.calls = []
        self.rc, self.stdout, self.stderr, self.exc = rc, stdout, stderr, exc

    def __call__(self, argv, **kwargs):
        self.calls.append((argv, kwargs))
        if self.exc:
            raise self.exc
        return subprocess.CompletedProcess(argv, self.rc, self.stdout,
                                           self.stderr)


class TestUndoStack(testtools.TestCase):

    def test_newest_first_every_undo_runs_errors_collected(self):
        undo = base.UndoStack()
        ran = []
        undo.push('a', ran.append, 'a')
        undo.push('b', lambda: 1 / 0)
        undo.push('c', ran.append, 'c')
        errors = undo.run()
        self.assertEqual(['c', 'a'], ran)
        self.assertEqual(1, len(errors))
        self.assertIn('undo b failed: ZeroDivisionError', errors[0])
        self.assertEqual(0, len(undo))
        self.assertEqual([], undo.run())      # forgotten once run


class TestFault(testtools.TestCase):

    def test_restart_registers_ensure_running_and_runs_it_on_exit(self):
        ctl = FakeController()
        with base.Fault(ctl, 'svc') as fault:
            self.assertEqual([('restart', 'svc')], ctl.calls)
            self.assertEqual(1, len(fault.undo))
        self.assertEqual([('restart', 'svc'), ('start', 'svc')], ctl.calls)
        self.assertEqual(['ensure svc runs'], fault.undo.done)

    def test_stop_is_undone_even_when_the_block_raises(self):
        ctl = FakeController()
        fault = base.Fault(ctl, 'svc', action='stop')

        def body():
            with fault:
                raise RuntimeError('check failed')
        self.assertRaises(RuntimeError, body)
        self.assertEqual([('stop', 'svc'), ('start', 'svc')], ctl.calls)

    def test_failed_inject_still_runs_the_undo_and_raises(self):
        ctl = FakeController(fail=['stop'])
        fault = base.Fault(ctl, 'svc', action='stop')
        with testtools.ExpectedException(base.FaultError, 'stop svc broke'):
            with fault:
                self.fail('body must not run')
        self.assertEqual([('stop', 'svc'), ('start', 'svc')], ctl.calls)
        self.assertIsNotNone(fault.duration)

    def test_failed_undo_raises_after_a_clean_block(self):
        ctl = FakeController(fail=['start'])
        fault = base.Fault(ctl, 'svc', action='stop')
        with testtools.ExpectedException(base.FaultError,
                                         'undo start svc failed'):
            with fault:
                pass
        self.assertEqual(1, len(fault.undo_errors))

    def test_shared_undo_stack(self):
        ctl = FakeController()
        undo = base.UndoStack()
        first = base.Fault(ctl, 'svc', action='stop', undo=undo).inject()
        base.Fault(ctl, 'other', action='stop', undo=undo).inject()
        self.assertIs(undo, first.undo)
        undo.run()
        self.assertEqual([('stop', 'svc'), ('stop', 'other'),
                          ('start', 'other'), ('start', 'svc')], ctl.calls)

    def test_bad_input_named_before_anything_runs(self):
        ctl = FakeController()
        self.assertRaisesRegex(base.FaultError, "fake: unknown service "
                               "'nope' \\(known: svc, other\\)",
                               base.Fault, ctl, 'nope')
        self.assertRaisesRegex(base.FaultError, "one of restart, stop, got "
                               "'kill'", base.Fault, ctl, 'svc', 'kill')
        self.assertEqual([], ctl.calls)

    def test_duration_from_the_clock(self):
        ticks = iter([10.0, 12.5])
        fault = base.Fault(FakeController(), 'svc',
                           clock=lambda: next(ticks)).inject()
        self.assertEqual(10.0, fault.started)
        self.assertEqual(2.5, fault.duration)


class TestCommandRunner(testtools.TestCase):

    def test_local_argv_unchanged_no_shell(self):
        run = FakeRun()
        runner.CommandRunner(run=run)(['systemctl', 'restart', 'x'])
        argv, kwargs = run.calls[0]
        self.assertEqual(['systemctl', 'restart', 'x'], argv)
        self.assertNotIn('shell', kwargs)
        self.assertEqual(600, kwargs['timeout'])

    def test_failure_names_command_exit_code_and_output(self):
        r = runner.CommandRunner(run=FakeRun(rc=5, stderr='Unit not found'))
        self.assertRaisesRegex(
            base.FaultError, r'systemctl restart x failed \(exit 5\): '
            'Unit not found', r, ['systemctl', 'restart', 'x'])

    def test_timeout_and_missing_program(self):
        r = runner.CommandRunner(timeout=3, run=FakeRun(
            exc=subprocess.TimeoutExpired(['x'], 3)))
        self.assertRaisesRegex(base.FaultError, 'x: no answer within 3 s',
                               r, ['x'])
        r = runner.CommandRunner(run=FakeRun(exc=FileNotFoundError(
            2, 'No such file', 'ssh')))
        self.assertRaisesRegex(base.FaultError, 'ssh .*cannot run', r,
                               ['ssh', 'h'])


class FakeSSHClient(object):
    """tempest.lib.common.ssh.Client stand-in: records, answers or raises.

    ``script``: per exec_command, the output (str) or an exception.
    """

    def __init__(self, script=(), auth=None):
        self.made, self.commands, self.auths = [], [], 0
        self.script, self.auth = list(script), auth

    def __call__(self, host, username, **kwargs):
        self.made.append(dict(kwargs, host=host, username=username))
        return self

    def test_connection_auth(self):
        self.auths += 1
        if self.auth:
            raise self.auth

    def exec_command(self, cmd):
        self.commands.append(cmd)
        answer = self.script.pop(0) if self.script else ''
        if isinstance(answer, Exception):
            raise answer
        return answer


class TestSSHRunner(testtools.TestCase):

    def runner(self, host='stack@node1', **kwargs):
        kwargs.setdefault('ssh_config', None)
        return runner.SSHRunner(host, **kwargs)

    def test_quoted_command_through_tempest_client(self):
        client = FakeSSHClient(['active\n'])
        proc = self.runner(port=2222, client=client, timeout=90)(
            ['systemctl', 'restart', 'devstack@a b.service'])
        self.assertEqual(["systemctl restart 'devstack@a b.service'"],
                         client.commands)
        self.assertEqual('active\n', proc.stdout)
        self.assertEqual(0, proc.returncode)
        check, run = client.made
        self.assertEqual(('node1', 'stack', 2222, 60, True, None),
                         (check['host'], check['username'], check['port'],
                          check['timeout'], check['look_for_keys'],
                          check['key_filename']))
        self.assertEqual(90, run['timeout'])
        self.assertNotIn('password', run)

    def test_connection_checked_once_then_clear_error(self):
        client = FakeSSHClient()
        r = self.runner(client=client, key_filename='/k')
        r(['true'])
        r(['true'])
        self.assertEqual(1, client.auths)
        self.assertEqual(False, client.made[0]['look_for_keys'])
        bad = FakeSSHClient(auth=lib_exc.SSHTimeout(
            host='node1', user='stack', password=None))
        err = self.assertRaises(base.FaultError, self.runner(
            client=bad, connect_timeout=7), ['true'])
        self.assertIn('ssh stack@node1:22: cannot connect and authenticate '
                      'within 7 s', str(err))
        self.assertNotIn('Password', str(err))
        self.assertEqual([], bad.commands)

    def test_failure_names_command_exit_code_and_output(self):
        client = FakeSSHClient([lib_exc.SSHExecCommandFailed(
            command='systemctl restart x', exit_status=5,
            stderr='Unit not found', stdout='')])
        self.assertRaisesRegex(
            base.FaultError, r'ssh stack@node1:22: systemctl restart x '
            r'failed \(exit 5\): Unit not found\Z',
            self.runner(client=client), ['systemctl', 'restart', 'x'])

    def test_timeout_and_broken_connection(self):
        client = FakeSSHClient([lib_exc.TimeoutException(),
                                OSError('Connection reset by peer')])
        r = self.runner(client=client, timeout=3)
        self.assertRaisesRegex(base.FaultError, 'ssh stack@node1:22: x: no '
                               'answer within 3 s', r, ['x'])
        self.assertRaisesRegex(base.FaultError, 'x: cannot run: Connection '
                               'reset', r, ['x'])

    def test_ssh_config_alias(self):
        path = self.useFixture(fixtures.TempDir()).join('config')
        with open(path, 'w') as f:
            f.write('Host node1\n  HostName 127.0.0.1\n  User stack\n'
                    '  Port 2222\n  IdentityFile /keys/node1\n')
        r = self.runner('node1', ssh_config=path)
        self.assertEqual(('127.0.0.1', 'stack', 2222, '/keys/node1'),
                         (r.host, r.username, r.port, r.key_filename))
        r = self.runner('admin@node1', ssh_config=path, port=22)
        self.assertEqual(('admin', 22), (r.username, r.port))


class TestConstellationController(testtools.TestCase):

    def test_commands(self):
        run = FakeRun()
        ctl = constellation.ConstellationController(
            '/repo/tools/constellation', state_dir='/st',
            runner=runner.CommandRunner(run=run))
        ctl.restart('named')
        ctl.stop('designate-worker')
        ctl.start('designate-worker')
        self.assertEqual(
            [['/repo/tools/constellation', '--state-dir', '/st', 'restart',
              'named'],
             ['/repo/tools/constellation', '--state-dir', '/st', 'stop',
              'designate-worker'],
             ['/repo/tools/constellation', '--state-dir', '/st', 'start',
              'designate-worker']], [c[0] for c in run.calls])
        for service in base.SERVICES:
            self.assertIn(service, ctl.services())

    def test_ensure_running_only_after_a_failed_restart(self):
        run = FakeRun()
        ctl = constellation.ConstellationController(
            ['c'], runner=runner.CommandRunner(run=run))
        with base.Fault(ctl, 'mysql'):
            pass
        self.assertEqual([['c', 'restart', 'mysql']],
                         [c[0] for c in run.calls])
        run.rc = 1
        self.assertRaises(base.FaultError, base.Fault(ctl, 'mysql').__enter__)
        # the undo restarted it again (and failed again, recorded)
        self.assertEqual(3, len(run.calls))

    def test_unknown_service(self):
        ctl = constellation.ConstellationController(['c'])
        self.assertRaisesRegex(base.FaultError, "constellation: unknown "
                               "service 'bind'", ctl.argv, 'restart', 'bind')


class TestSystemdController(testtools.TestCase):

    def test_devstack_units_sudo_and_overrides(self):
        run = FakeRun()
        ctl = systemd.SystemdController(
            units={'named': 'named.service'},
            runner=runner.CommandRunner(run=run))
        ctl.restart('designate-worker')
        ctl.restart('named')
        ctl.start('heat-engine')
        self.assertEqual(
            [['sudo', '-n', 'systemctl', 'restart',
              'devstack@designate-worker.service'],
             ['sudo', '-n', 'systemctl', 'restart', 'named.service'],
             ['sudo', '-n', 'systemctl', 'start',
              'devstack@h-eng.service']], [c[0] for c in run.calls])
        for service in base.SERVICES:
            self.assertIn(service, ctl.services())

    def test_over_ssh_without_sudo(self):
        client = FakeSSHClient()
        ctl = systemd.SystemdController(
            sudo=False, runner=runner.SSHRunner('node', ssh_config=None,
                                                client=client))
        with base.Fault(ctl, 'nova-compute', action='stop'):
            pass
        self.assertEqual(['systemctl stop devstack@n-cpu.service',
                          'systemctl start devstack@n-cpu.service'],
                         client.commands)
        self.assertEqual({'node'}, {c['host'] for c in client.made})

    def test_parse_units(self):
        self.assertEqual({'named': 'named.service', 'x': 'y'},
                         systemd.parse_units(['named=named.service',
                                              ' x = y ']))
        self.assertRaisesRegex(base.FaultError, "--unit: expected "
                               "SERVICE=UNIT, got 'named'",
                               systemd.parse_units, ['named'])
