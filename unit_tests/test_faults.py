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

    def test_ssh_quotes_the_remote_command(self):
        r = runner.CommandRunner(ssh_host='stack@node1',
                                 ssh_options=['-p', '2222'], run=FakeRun())
        self.assertEqual(
            ['ssh', '-o', 'BatchMode=yes', '-p', '2222', 'stack@node1',
             "systemctl restart 'devstack@a b.service'"],
            r.argv(['systemctl', 'restart', 'devstack@a b.service']))

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
        run = FakeRun()
        ctl = systemd.SystemdController(
            sudo=False, runner=runner.CommandRunner(ssh_host='node',
                                                    run=run))
        with base.Fault(ctl, 'nova-compute', action='stop'):
            pass
        self.assertEqual(
            [['ssh', '-o', 'BatchMode=yes', 'node',
              'systemctl stop devstack@n-cpu.service'],
             ['ssh', '-o', 'BatchMode=yes', 'node',
              'systemctl start devstack@n-cpu.service']],
            [c[0] for c in run.calls])

    def test_parse_units(self):
        self.assertEqual({'named': 'named.service', 'x': 'y'},
                         systemd.parse_units(['named=named.service',
                                              ' x = y ']))
        self.assertRaisesRegex(base.FaultError, "--unit: expected "
                               "SERVICE=UNIT, got 'named'",
                               systemd.parse_units, ['named'])
