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

"""The constellation's own safety: what it deletes, locks, writes, probes.

No services: supervisord is never running here; port checks that would
see the machine's real listeners are replaced.
"""

import errno
import io
import os
import shlex
import socket
import subprocess

import pytest

from constellation import cli
from constellation import core
from constellation import database
from constellation import facts
from constellation import lifecycle
from constellation import migrations
from constellation import ports
from constellation import services
from constellation import state


def make(root, **kw):
    return core.Constellation(str(root), out=io.StringIO(), **kw)


@pytest.fixture(autouse=True)
def no_real_ports(monkeypatch):
    monkeypatch.setattr(lifecycle.portmod, 'busy_ports', lambda p: [])


def test_destroy_refuses_a_dir_with_state_json_and_foreign_files(tmp_path):
    d = tmp_path / 'st'
    d.mkdir()
    (d / 'state.json').write_text('{}')
    (d / 'thesis.tex').write_text('precious')
    with pytest.raises(core.Failure) as e:
        make(d).destroy()
    assert 'thesis.tex' in str(e.value)
    assert (d / 'thesis.tex').exists() and not (d / '.lock').exists()


def test_destroy_deletes_a_stamped_state_dir(tmp_path):
    c = make(tmp_path / 'st')
    c.st.ensure_dirs()
    assert os.path.exists(c.st.path(state.STAMP))
    assert c.destroy() == 0
    assert not os.path.exists(c.st.root)


def test_destroy_deletes_a_state_dir_with_what_up_and_the_job_add(
        tmp_path):
    # up publishes facts.json, the main job keeps stestr's test durations
    # beside the state: both are the constellation's, not foreign files
    c = make(tmp_path / 'st')
    c.st.ensure_dirs()
    with open(facts.path(c.st.root), 'w') as f:
        f.write('{}')
    os.mkdir(c.st.path(state.STESTR_TIMES))
    assert c.st.foreign_entries() == []
    assert c.destroy() == 0
    assert not os.path.exists(c.st.root)


def test_destroy_refuses_an_unstamped_dir_without_secrets(tmp_path):
    d = tmp_path / 'st'
    (d / 'etc').mkdir(parents=True)
    with pytest.raises(core.Failure) as e:
        make(d).destroy()
    assert state.STAMP in str(e.value)
    assert (d / 'etc').exists()


def test_up_refuses_a_foreign_non_empty_dir_before_touching_it(tmp_path):
    d = tmp_path / 'home'
    d.mkdir()
    (d / 'notes.txt').write_text('x')
    for clean in (False, True):
        with pytest.raises((core.Failure, state.StateError)) as e:
            make(d).up(clean=clean)
        assert 'notes.txt' in str(e.value)
        assert sorted(os.listdir(d)) == ['notes.txt']


def test_up_clean_takes_the_lock_before_destroying(tmp_path):
    c = make(tmp_path / 'st')
    c.st.ensure_dirs()
    c.st.secrets()
    with state.State(c.st.root).locked():
        with pytest.raises(state.StateError) as e:
            c.up(clean=True)
    assert 'another constellation command' in str(e.value)
    assert os.path.exists(c.st.path('secrets.json'))


def test_restart_takes_the_lock(tmp_path, monkeypatch):
    c = make(tmp_path / 'st')
    c.st.ensure_dirs()
    monkeypatch.setattr(c.sup, 'state', lambda: ('running', 1))
    with state.State(c.st.root).locked():
        with pytest.raises(state.StateError):
            c.restart('nova-compute')


@pytest.mark.parametrize('name', ['secrets.json', 'state.json'])
def test_state_files_not_an_object_give_a_clear_cli_error(tmp_path, capsys,
                                                          name):
    c = make(tmp_path / 'st')
    c.st.ensure_dirs()
    with open(c.st.path(name), 'w') as f:
        f.write('[1, 2]')
    rc = cli.main(['--state-dir', c.st.root, '--port-base', '25100', 'up'])
    err = capsys.readouterr().err
    assert rc == 1
    assert '%s holds a JSON list, not an object' % c.st.path(name) in err
    assert 'Traceback' not in err


def test_full_disk_is_a_clear_error_and_leaves_no_temp_file(
        tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(state.os, 'fsync', full)
    p = tmp_path / 'd' / 'state.json'
    with pytest.raises(state.StateError) as e:
        state.atomic_write(str(p), '{}')
    assert 'cannot write %s: No space left on device' % p in str(e.value)
    assert os.listdir(str(tmp_path / 'd')) == []


def test_env_output_survives_a_state_dir_with_a_space(tmp_path):
    c = make(tmp_path / 'my state')
    script = '\n'.join(c.env_lines()) + (
        '\nprintf %s "$CONSTELLATION_STATE_DIR|$OS_CLIENT_CONFIG_FILE"')
    out = subprocess.run(['sh', '-c', script], capture_output=True,
                         text=True, check=True).stdout
    assert out == '%s|%s' % (c.st.root, c.st.path('tempest', 'clouds.yaml'))


def test_env_gives_an_openstack_command_unless_there_is_one(tmp_path):
    c = make(tmp_path / 'my state')
    fake = c.st.bin('openstack')
    os.makedirs(os.path.dirname(fake))
    with open(fake, 'w') as f:
        f.write('#!/bin/sh\necho "venv openstack $*"\n')
    os.chmod(fake, 0o755)
    script = '\n'.join(c.env_lines()) + '\nopenstack zone list'
    env = {'PATH': '/usr/bin:/bin'}
    out = subprocess.run(['sh', '-c', script], capture_output=True,
                         text=True, check=True, env=env).stdout
    assert out == 'venv openstack zone list\n'
    mine = tmp_path / 'path'
    mine.mkdir()
    (mine / 'openstack').write_text('#!/bin/sh\necho "mine $*"\n')
    (mine / 'openstack').chmod(0o755)
    env = {'PATH': '%s:/usr/bin:/bin' % mine}
    out = subprocess.run(['sh', '-c', script], capture_output=True,
                         text=True, check=True, env=env).stdout
    assert out == 'mine zone list\n'


def test_shell_job_quotes_paths_with_a_space(tmp_path):
    c = make(tmp_path / 'my state')
    c.st.ensure_dirs()
    ctx = {'root': c.st.root, 'venv': c.st.venv, 'user': 'u', 'group': 'g',
           'ports': ports.allocate(25100), 'port_base': 25100,
           'secrets': c.st.secrets()}
    fake = tmp_path / 'fakebin'
    fake.mkdir()
    for name in ('mariadb-dump', 'mariadb'):
        # cell0 has no table yet (COUNT(*) answers 0): the dump is loaded
        (fake / name).write_text(
            '#!/bin/sh\nprintf "%%s|" "$@" >> "%s"\n'
            'case "$*" in *information_schema*) echo 0;; esac\n'
            % c.st.path('calls'))
        (fake / name).chmod(0o755)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(services, 'which', lambda n: str(fake / n))
        (argv, env), = [j for j in migrations.sync_jobs(c.st, ctx)['nova']
                        if j[0][0] == 'bash']
    database.manage(c.st, 'dbsync-nova', argv, env=env)
    with open(c.st.path('calls')) as f:
        calls = f.read()
    # my.cnf's path (with its space) arrives whole, at both ends of the pipe
    cnf = '--defaults-file=%s|' % c.st.etc('mysql', 'my.cnf')
    # (the query, then dump and load at once, in either order)
    assert calls.count(cnf) == 3
    assert '|nova_cell1|' in calls and '|nova_cell0|' in calls


def test_supervisord_commands_keep_a_path_with_a_space_whole(tmp_path):
    root = str(tmp_path / 'my state')
    ctx = {'root': root, 'venv': root + '/venv', 'debug': False,
           'ports': ports.allocate(25100), 'port_base': 25100,
           'secrets': state.State(root).secrets(), 'user': 'u', 'group': 'g'}
    text = services.supervisord_conf(ctx, services.programs(ctx))
    cmd = [line for line in text.splitlines()
           if line.startswith('command = ') and 'named' in line][0]
    argv = shlex.split(cmd[len('command = '):])
    assert root + '/etc/bind/named.conf' in argv


def test_port_probe_sees_udp_listeners():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    try:
        assert ports.port_in_use(s.getsockname()[1])
    finally:
        s.close()


def test_port_probe_sees_ipv6_loopback_listeners():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.bind(('::1', 0))
    except OSError as e:
        pytest.skip('no IPv6 loopback (::1) on this machine: %s' % e)
    s.listen(1)
    try:
        port = s.getsockname()[1]
        assert ports.port_in_use(port)
    finally:
        s.close()


def test_mariadb_install_db_gets_paths_without_spaces(tmp_path):
    st = state.State(str(tmp_path / 'my state'))
    st.ensure_dirs()
    state.atomic_write(st.etc('mysql', 'my.cnf'),
                       '[mysqld]\ndatadir = %s\n' % st.data('mysql'))
    with database.path_without_spaces(st) as (root, cnf):
        assert not any(ch.isspace() for ch in root + cnf)
        assert os.path.realpath(root) == os.path.realpath(st.root)
        with open(cnf) as f:
            assert f.read() == '[mysqld]\ndatadir = %s/data/mysql\n' % root
    assert not os.path.exists(root)  # the link is gone afterwards


def test_venv_scripts_run_through_the_space_free_path():
    assert database.via('/tmp/x/state', [
        '/tmp/x/state/venv/bin/neutron-db-manage', 'upgrade']) == [
        '/tmp/x/state/venv/bin/python',
        '/tmp/x/state/venv/bin/neutron-db-manage', 'upgrade']
    assert database.via('/tmp/x/state', ['sh', '-c', 'x']) == [
        'sh', '-c', 'x']


def test_restart_gives_the_rewritten_configs_back_to_the_daemons(
        tmp_path, monkeypatch):
    # The configs are rewritten root's (0600); named (user bind) could not
    # read named.conf after `restart named` and exited.
    c = make(tmp_path / 'st')
    c.st.ensure_dirs()
    calls = []
    monkeypatch.setattr(c.sup, 'state', lambda: ('running', 1))
    monkeypatch.setattr(c.sup, 'stop', lambda name: calls.append('stop'))
    monkeypatch.setattr(c, 'start', lambda ctx, name: calls.append('start'))
    monkeypatch.setattr(
        lifecycle.privileges, 'hand_over',
        lambda ctx, st: calls.append(('hand_over', os.path.exists(
            st.etc('bind/named.conf')))))
    assert c.restart('named') == 0
    assert calls == [('hand_over', True), 'stop', 'start']


def test_stopping_a_program_that_is_not_running_is_no_error(tmp_path,
                                                            monkeypatch):
    # A FATAL named (it could not start) must be restartable: the stop of
    # `restart` used to fail with NOT_RUNNING, so it never started again.
    import xmlrpc.client

    from constellation import supervisor

    class Rpc(object):
        def __init__(self, code):
            self.code = code

        def stopProcess(self, name, wait):
            raise xmlrpc.client.Fault(self.code, 'X: %s' % name)
    sup = supervisor.Supervisor(state.State(str(tmp_path)))
    monkeypatch.setattr(sup, 'rpc', lambda: Rpc(supervisor.NOT_RUNNING))
    sup.stop('named')
    monkeypatch.setattr(sup, 'rpc', lambda: Rpc(10))    # BAD_NAME
    with pytest.raises(xmlrpc.client.Fault):
        sup.stop('nope')
