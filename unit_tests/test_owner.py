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

"""Stack owner tags, and the sweeper's use of them."""

import os
import subprocess
import sys

import pytest

from cross_service_tempest_plugin import owner
from cross_service_tempest_plugin import sweeper
from unit_tests import test_sweeper as ts

linux = pytest.mark.skipif(not owner.boot_id(),
                           reason='needs /proc/sys/kernel/random/boot_id')


@linux
def test_this_process_is_running():
    tags = owner.tags()
    assert any(t.startswith(owner.HOST_TAG) for t in tags)
    parsed = owner.parse(tags)
    assert parsed[1] == os.getpid()
    assert owner.state(parsed) == (
        True, 'its process %d is running' % os.getpid())


@linux
def test_a_finished_process_is_gone():
    child = subprocess.Popen([sys.executable, '-c',
                              'import sys; sys.stdin.read()'],
                             stdin=subprocess.PIPE)
    tags = owner.tags(child.pid)
    child.communicate(b'')
    alive, why = owner.state(owner.parse(tags))
    assert alive is False
    assert str(child.pid) in why


def test_a_reused_pid_is_not_the_owner():
    parsed = ('boot-1', 4242, '1000')
    assert owner.state(parsed, this_boot='boot-1',
                       start_of=lambda pid: '2000')[0] is False
    assert owner.state(parsed, this_boot='boot-1',
                       start_of=lambda pid: '1000')[0] is True


def test_another_machine_or_no_tag_is_unknown():
    assert owner.state(('boot-2', 1, '5'), this_boot='boot-1')[0] is None
    assert owner.state(None)[0] is None
    assert owner.parse(['cs-owner=x/notapid/1', 'other']) is None


def _tagged(inv, tags):
    for st in inv.stacks:
        st['tags'] = tags
    return inv


@linux
def test_sweeper_run_of_a_dead_process_is_left_over_at_once():
    child = subprocess.Popen([sys.executable, '-c', 'pass'])
    tags = owner.tags(child.pid)
    child.wait()
    # activity 30 s ago: the idle-time rule alone would skip it
    inv = _tagged(ts.run_project('p1', 'tempest-ServersDnsTest-1', ts.YOUNG,
                                 'cs-0123456789'), tags)
    run, = [r for r in sweeper.select(inv, ts.NAMING, ts.NOW, 3600)
            if r.project]
    assert not run.in_progress
    assert 'its process %d is gone' % child.pid in run.reason


@linux
def test_sweeper_run_of_a_live_process_is_in_progress_however_old():
    inv = _tagged(ts.run_project('p1', 'tempest-ServersDnsTest-1', ts.OLD,
                                 'cs-0123456789'), owner.tags())
    run, = [r for r in sweeper.select(inv, ts.NAMING, ts.NOW, 60)
            if r.project]
    assert run.in_progress
    assert 'is running' in run.reason
