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

"""Signals that end a process become a clean interrupt (issue 22 #6)."""

import errno
import io
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from cross_service_tempest_plugin import sweeper_cloud
from unit_tests import test_sweeper as ts

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHILD = '''
import sys, time
sys.path.insert(0, %r)
from cross_service_tempest_plugin import stop_signals
state = {}
try:
    with stop_signals.handled(state, sys.stdout):
        try:
            print('ready', flush=True)  # inside: the signal may come now
            time.sleep(30)
        finally:
            print('cleanup ran', flush=True)
            time.sleep(0.5)     # a second signal meanwhile: ignored
            print('cleanup done', flush=True)
except KeyboardInterrupt:
    sys.exit(130)
''' % ROOT


@pytest.mark.parametrize('name', ['SIGHUP', 'SIGUSR1', 'SIGTERM', 'SIGINT'])
def test_signal_runs_cleanup_and_a_second_is_ignored(name):
    proc = subprocess.Popen([sys.executable, '-c', CHILD],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == 'ready'
    sig = getattr(signal, name)
    proc.send_signal(sig)
    # the second signal once cleanup runs (not after a fixed sleep: a
    # busy machine may not have reached the cleanup by then)
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if line.strip() == 'cleanup ran':
            break
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=20)
    out = ''.join(seen) + out
    assert proc.returncode == 130, out
    assert 'interrupted: cleaning up... (%s)' % name in out
    assert 'cleanup done' in out


def test_interrupted_sweep_still_removes_its_roles():
    # SIGTERM to cleanup --yes left the admin user with a role
    class Cloud(ts.FakeCloud):
        def delete(self, item):
            raise KeyboardInterrupt()
    cloud = Cloud(ts.run_project('p1', 'tempest-cross-service-x-1', ts.OLD,
                                 'cs-aaaaaaaaaa'))
    with pytest.raises(KeyboardInterrupt):
        ts.sweep(cloud, delete=True)
    assert cloud.released


def test_a_second_cleanup_yes_waits_for_the_first():
    # two cleanup --yes at once crashed on a duplicate tag
    err = io.StringIO()
    entered = []
    with sweeper_cloud._one_sweep(True, io.StringIO()):
        other = threading.Thread(target=lambda: entered.append(
            sweeper_cloud._one_sweep(True, err).__enter__()))
        other.start()
        time.sleep(0.5)
        assert not entered
        assert 'another cleanup --yes is running' in err.getvalue()
    other.join(10)
    assert entered == [None]


class _Full(io.StringIO):
    def __init__(self, errno_):
        super().__init__()
        self.errno_ = errno_

    def write(self, text):
        raise OSError(self.errno_, os.strerror(self.errno_))


@pytest.mark.parametrize('code', [errno.ENOSPC, errno.EPIPE])
def test_output_that_cannot_be_written_fails_loudly(code):
    # issue 22 #10: a full disk or a closed pipe on stdout lost the
    # output with exit 0
    from cross_service_tempest_plugin import cli
    err = io.StringIO()
    assert cli.main(['list'], stdout=_Full(code), stderr=err) == 1
    assert ('error: the output could not be written to stdout (%s): it is '
            'incomplete' % os.strerror(code)) in err.getvalue()
