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

"""Run leases (a lock the live process holds) and the sweeper's use."""

import os
import shutil
import signal
import subprocess
import sys

import pytest

from cross_service_tempest_plugin import lease
from cross_service_tempest_plugin import sweeper_select
from unit_tests import test_sweeper as ts

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOLD = ('import sys, time; sys.path.insert(0, %r); '
        'from cross_service_tempest_plugin import lease; '
        'lease.Lease(sys.argv[1:], %%r); print("held", flush=True); '
        'time.sleep(120)' % ROOT)


def _holder(directory, names, prefix=()):
    proc = subprocess.Popen(list(prefix) + [
        sys.executable, '-c', HOLD % str(directory)] + list(names),
        stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == 'held'
    return proc


def test_own_lease_is_held_and_names_what_was_added(tmp_path):
    mine = lease.Lease(['cs-0123456789'], str(tmp_path))
    mine.add('tempest-cross-service-x-1', 'cs-0123456789')
    known = lease.leases(str(tmp_path))
    assert set(known) == {'cs-0123456789', 'tempest-cross-service-x-1'}
    assert lease.state('cs-0123456789', known)[0] is True
    mine.release(forget=False)
    alive, why = lease.state('cs-0123456789', lease.leases(str(tmp_path)))
    assert alive is False and 'process gone' in why
    lease.forget([mine.path])
    assert lease.leases(str(tmp_path)) == {}


def test_kill_9_frees_the_lease_at_once(tmp_path):
    proc = _holder(tmp_path, ['cs-aaaaaaaaaa'])
    assert lease.state('cs-aaaaaaaaaa', lease.leases(str(tmp_path)))[0]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert lease.state('cs-aaaaaaaaaa',
                       lease.leases(str(tmp_path)))[0] is False
    assert lease.state('cs-other', lease.leases(str(tmp_path))) == (
        None, 'no lease names it')


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which('unshare'),
                    reason='needs root and unshare(1) for a PID namespace')
def test_live_run_in_another_pid_namespace_is_in_progress(tmp_path):
    # issue 22 #1: the PID a sweeper saw in its own namespace was not the
    # run's; the lock is the same whatever the namespace
    proc = _holder(tmp_path, ['cs-bbbbbbbbbb'],
                   ['unshare', '--pid', '--fork', '--kill-child'])
    try:
        inv = ts.run_project('p1', 'tempest-cross-service-servers_dns-1',
                             ts.OLD, 'cs-bbbbbbbbbb')
        run, = [r for r in sweeper_select.select(
            inv, ts.NAMING, ts.NOW, 10, lease.leases(str(tmp_path)))
            if r.project]
        assert run.in_progress, run.reason
        assert 'its run holds the lease' in run.reason
    finally:
        proc.kill()
        proc.wait()


def test_sweeper_leaves_a_held_run_however_old_and_older_than():
    known = {'tempest-cross-service-servers_dns-1': (True, '/l/a.lease')}
    inv = ts.run_project('p1', 'tempest-cross-service-servers_dns-1',
                         ts.OLD, 'cs-0123456789')
    runs = sweeper_select.select(inv, ts.NAMING, ts.NOW, 10, known)
    assert [r.in_progress for r in runs] == [True]


def test_sweeper_takes_a_released_run_at_once_however_young():
    known = {'cs-0123456789': (False, '/l/a.lease')}
    inv = ts.run_project('p1', 'tempest-cross-service-servers_dns-1',
                         ts.YOUNG, 'cs-0123456789')
    run, = sweeper_select.select(inv, ts.NAMING, ts.NOW, 3600, known)
    assert not run.in_progress
    assert run.reason.startswith('left over: its run released the lease')


def test_no_lease_directory_means_no_lease_and_a_warning(tmp_path):
    blocker = tmp_path / 'file'
    blocker.write_text('')
    logged = []

    class Log:
        def warning(self, *args):
            logged.append(args[0] % args[1:])
    assert lease.take(directory=str(blocker / 'leases'), log=Log()) is None
    assert 'judge it by its idle time only' in logged[0]
