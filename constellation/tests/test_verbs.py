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

"""`restart`, `stop` and `start` of one service (a fake supervisord).

No process is started and no port probed: supervisord, the service lists
and the port probe are fakes; waits run on a fake clock.
"""

import functools
import io
import xmlrpc.client

import pytest

from constellation import cli
from constellation import context
from constellation import core
from constellation import lifecycle
from constellation import poll
from constellation import services
from constellation import state
from constellation import supervisor


class FakeSupervisor(object):
    """Program states; `stop`/`start` move them unless told to stick."""

    def __init__(self, states, stop_to='STOPPED', start_to='RUNNING'):
        self.states = dict(states)
        self.stop_to = stop_to
        self.start_to = start_to
        self.calls = []

    def state(self):
        return 'running', 1

    def statename(self, name):
        return self.states.get(name)

    def stop(self, name):
        self.calls.append(('stop', name))
        self.states[name] = self.stop_to

    def start(self, name):
        self.calls.append(('start', name))
        self.states[name] = self.start_to


class FakeClock(object):
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += max(seconds, 0.01)


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    until = functools.partial(poll.until, clock=fake, sleep=fake.sleep)
    monkeypatch.setattr(context.poll, 'until', until)
    monkeypatch.setattr(lifecycle.poll, 'until', until)
    return fake


@pytest.fixture
def heartbeats(monkeypatch):
    """Service-list answers of the fake cloud: fresh unless set False."""
    seen = {'fresh': True, 'since': []}

    def reported_since(ctx, prog, since):
        seen['since'].append(since)
        if seen['fresh']:
            return True, 'designate service list: UP (heartbeat new)'
        return False, 'designate service list: UP (heartbeat old)'
    monkeypatch.setattr(context.health, 'reported_since', reported_since)
    return seen


def make(tmp_path, monkeypatch, states, **kw):
    c = core.Constellation(str(tmp_path / 'st'), out=io.StringIO())
    c.st.ensure_dirs()
    c.sup = FakeSupervisor(states, **kw)
    # the rendered configs are render's business (and its tests'); the
    # daemons' users are privileges' (no chown to system users here)
    c.written = []
    monkeypatch.setattr(lifecycle.configs, 'config_files',
                        lambda ctx: {'bind/named.conf': 'options {};\n'})
    monkeypatch.setattr(lifecycle.privileges, 'hand_over',
                        lambda ctx, st: c.written.append('hand_over'))
    monkeypatch.setattr(lifecycle.portmod, 'tcp_open', lambda port: False)
    return c


def test_stop_stops_through_supervisord_and_waits(tmp_path, monkeypatch,
                                                  clock):
    c = make(tmp_path, monkeypatch, {'designate-producer': 'RUNNING'})
    assert c.stop_service('designate-producer') == 0
    assert c.sup.calls == [('stop', 'designate-producer')]
    assert 'designate-producer: supervisor: STOPPED' in c.out.getvalue()


def test_stop_of_a_stopped_service_says_so(tmp_path, monkeypatch, clock):
    c = make(tmp_path, monkeypatch, {'designate-producer': 'STOPPED'})
    assert c.stop_service('designate-producer') == 0
    assert c.sup.calls == []
    assert 'designate-producer is already STOPPED' in c.out.getvalue()


def test_stop_waits_until_the_port_is_closed(tmp_path, monkeypatch, clock):
    c = make(tmp_path, monkeypatch, {'named': 'RUNNING'})
    answers = [True, True, False]
    probed = []

    def tcp_open(port):
        probed.append(port)
        return answers.pop(0)
    monkeypatch.setattr(lifecycle.portmod, 'tcp_open', tcp_open)
    assert c.stop_service('named') == 0
    assert len(probed) == 3
    assert probed[0] == c.ctx()['ports']['dns']


def test_stop_that_does_not_stop_times_out_naming_the_state(
        tmp_path, monkeypatch, clock):
    c = make(tmp_path, monkeypatch, {'designate-producer': 'RUNNING'},
             stop_to='STOPPING')
    with pytest.raises(poll.Timeout) as e:
        c.stop_service('designate-producer')
    assert 'expected designate-producer stopped within 60s' in str(e.value)
    assert 'last seen: supervisor: STOPPING' in str(e.value)
    assert e.value.service == 'designate-producer'


def test_start_waits_for_a_heartbeat_newer_than_the_start(
        tmp_path, monkeypatch, clock, heartbeats):
    monkeypatch.setattr(lifecycle.time, 'time', lambda: 1234.0)
    c = make(tmp_path, monkeypatch, {'designate-producer': 'STOPPED'})
    assert c.start_service('designate-producer') == 0
    assert c.sup.calls == [('start', 'designate-producer')]
    assert heartbeats['since'] == [1234.0]
    assert 'heartbeat new' in c.out.getvalue()


def test_start_rewrites_the_configs_and_hands_them_over(
        tmp_path, monkeypatch, clock):
    # named.conf rewritten 0600 root must be readable by bind again
    c = make(tmp_path, monkeypatch, {'named': 'STOPPED'})
    monkeypatch.setattr(lifecycle.portmod, 'tcp_open', lambda port: True)
    assert c.start_service('named') == 0
    with open(c.st.etc('bind/named.conf')) as f:
        assert f.read() == 'options {};\n'
    assert c.written == ['hand_over']
    assert c.sup.calls == [('start', 'named')]


def test_start_of_a_program_that_dies_names_its_state(
        tmp_path, monkeypatch, clock, heartbeats):
    c = make(tmp_path, monkeypatch, {'designate-producer': 'STOPPED'},
             start_to='FATAL')
    with pytest.raises(core.Failure) as e:
        c.start_service('designate-producer')
    assert 'designate-producer is FATAL' in str(e.value)
    assert e.value.service == 'designate-producer'


def test_start_without_a_fresh_heartbeat_times_out_with_last_seen(
        tmp_path, monkeypatch, clock, heartbeats):
    heartbeats['fresh'] = False
    c = make(tmp_path, monkeypatch, {'designate-producer': 'STOPPED'})
    with pytest.raises(poll.Timeout) as e:
        c.start_service('designate-producer')
    text = str(e.value)
    assert 'designate-producer reported up in its service list' in text
    assert 'last seen: designate service list: UP (heartbeat old)' in text


def test_start_of_a_running_service_only_checks_it(tmp_path, monkeypatch,
                                                   clock):
    c = make(tmp_path, monkeypatch, {'designate-producer': 'RUNNING'})
    assert c.start_service('designate-producer') == 0
    assert c.sup.calls == []
    assert 'designate-producer is already RUNNING' in c.out.getvalue()


def test_restart_stops_then_starts_and_waits(tmp_path, monkeypatch, clock,
                                             heartbeats):
    c = make(tmp_path, monkeypatch, {'designate-producer': 'RUNNING'})
    assert c.restart('designate-producer') == 0
    assert c.sup.calls == [('stop', 'designate-producer'),
                           ('start', 'designate-producer')]
    assert len(heartbeats['since']) == 1


@pytest.mark.parametrize('verb', ['stop', 'start', 'restart'])
def test_verbs_take_the_lock(tmp_path, monkeypatch, verb):
    c = make(tmp_path, monkeypatch, {'designate-producer': 'RUNNING'})
    with state.State(c.st.root).locked():
        with pytest.raises(state.StateError) as e:
            cli_verb(c, verb)('designate-producer')
    assert 'another constellation command' in str(e.value)
    assert c.sup.calls == []


def cli_verb(c, verb):
    return {'stop': c.stop_service, 'start': c.start_service,
            'restart': c.restart}[verb]


@pytest.mark.parametrize('verb', ['stop', 'start', 'restart'])
def test_unknown_service_is_a_clear_cli_error(tmp_path, capsys, verb):
    rc = cli.main(['--state-dir', str(tmp_path / 'st'), verb, 'nova-bogus'])
    err = capsys.readouterr().err
    assert rc == 1
    assert "ERROR: unknown service 'nova-bogus'; valid names: " in err
    for name in services.NAMES:
        assert name in err
    assert 'Traceback' not in err


@pytest.mark.parametrize('verb', ['stop', 'start'])
def test_verbs_need_a_running_constellation(tmp_path, capsys, verb):
    rc = cli.main(['--state-dir', str(tmp_path / 'st'), verb,
                   'designate-producer'])
    err = capsys.readouterr().err
    assert rc == 1
    assert 'constellation is not up; run `up` first' in err


@pytest.mark.parametrize('verb', ['stop', 'start'])
def test_verb_without_a_service_is_a_usage_error(tmp_path, capsys, verb):
    with pytest.raises(SystemExit) as e:
        cli.main(['--state-dir', str(tmp_path / 'st'), verb])
    assert e.value.code == 2
    assert 'service' in capsys.readouterr().err


def test_supervisor_stop_of_a_program_that_already_exited(tmp_path):
    class Rpc(object):
        def stopProcess(self, name, wait):
            raise xmlrpc.client.Fault(70, 'NOT_RUNNING: %s' % name)
    sup = supervisor.Supervisor(state.State(str(tmp_path)))
    sup.rpc = lambda timeout=120: Rpc()
    sup.stop('designate-producer')   # no error: it is stopped


def test_supervisor_stop_reports_other_faults(tmp_path):
    class Rpc(object):
        def stopProcess(self, name, wait):
            raise xmlrpc.client.Fault(10, 'BAD_NAME: %s' % name)
    sup = supervisor.Supervisor(state.State(str(tmp_path)))
    sup.rpc = lambda timeout=120: Rpc()
    with pytest.raises(xmlrpc.client.Fault):
        sup.stop('nope')
