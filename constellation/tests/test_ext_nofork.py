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

"""One-process oslo.service daemons (constellation_ext.nofork, no service)."""

import os
import sys

import pytest

from constellation import ports
from constellation import services

EXT = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'ext')
sys.path.insert(0, EXT)
from constellation_ext import nofork  # noqa: E402


class _Launcher:
    stopped = False

    def wait(self):
        return 0  # what oslo.service's no_fork launcher does: at once

    def stop(self):
        self.stopped = True


def _fake_launch(calls):
    def launch(conf, service, workers=1, *args, **kw):
        calls.append((workers, kw))
        return _Launcher()
    return launch


def test_one_worker_runs_in_this_process_and_waits_for_a_signal(
        monkeypatch):
    calls = []
    launcher = nofork._one_process(_fake_launch(calls))(
        'conf', 'svc', workers=1, restart_method='mutate')
    assert calls == [(1, {'no_fork': True, 'restart_method': 'mutate'})]
    launcher.stop()  # the rest of the launcher is oslo.service's
    assert launcher._launcher.stopped

    class Signalled(Exception):
        pass

    def pause():
        raise Signalled()
    monkeypatch.setattr(nofork.signal, 'pause', pause)
    # wait() does not return (designate's wait() would then tear its RPC
    # transport down under the running service): only a signal ends it
    with pytest.raises(Signalled):
        launcher.wait()


def test_more_workers_keep_their_forks():
    calls = []
    launcher = nofork._one_process(_fake_launch(calls))('conf', 'svc', 2)
    assert calls == [(2, {})]
    assert launcher.wait() == 0


def test_oslo_service_daemons_run_without_their_master():
    ctx = {'root': '/st', 'venv': '/st/venv', 'ports': ports.allocate(25100),
           'port_base': 25100, 'user': 'u', 'group': 'g'}
    by_name = {p.name: p for p in services.programs(ctx)}
    for name in ('nova-conductor', 'nova-scheduler', 'designate-worker',
                 'designate-producer', 'designate-mdns'):
        assert by_name[name].command[1:4] == [
            '-m', 'constellation_ext.nofork', name], name
    # heat-engine through heat_tick, which runs it as nofork does
    assert by_name['heat-engine'].command[1:4] == [
        '-m', 'constellation_ext.heat_tick', 'heat-engine']
    # designate-central through designate_serial, which runs it so too
    assert by_name['designate-central'].command[1:6] == [
        '-m', 'constellation_ext.designate_serial', '--patch',
        services.DESIGNATE_SERIAL_PATCH, 'designate-central']


def test_prepare_runs_after_the_script_is_imported(monkeypatch):
    order = []

    class EntryPoint:
        name = 'fake-daemon'

        def load(self):
            order.append('import')
            return lambda: order.append('run') or 0

    monkeypatch.setattr(nofork.metadata, 'entry_points',
                        lambda group: [EntryPoint()])
    monkeypatch.setattr(sys, 'argv', ['x'])
    with pytest.raises(SystemExit) as exit_:
        nofork.main(['fake-daemon', '--config-file', 'c'],
                    prepare=lambda: order.append('prepare'))
    assert exit_.value.code == 0
    assert order == ['import', 'prepare', 'run']
    assert sys.argv == ['fake-daemon', '--config-file', 'c']
