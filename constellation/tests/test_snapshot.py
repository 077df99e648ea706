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

"""The cache of migrated schemas (fakes: no MariaDB, no *-manage)."""

import gzip
import os
import subprocess

import pytest

from constellation import database
from constellation import migrations
from constellation import ports
from constellation import snapshot
from constellation import state


@pytest.fixture
def st(tmp_path, monkeypatch):
    monkeypatch.setenv('CONSTELLATION_CACHE_DIR', str(tmp_path / 'cache'))
    monkeypatch.delenv('CONSTELLATION_DB_SNAPSHOT', raising=False)
    monkeypatch.setattr(migrations.installmod, 'lock_hash', lambda: 'abc')
    s = state.State(str(tmp_path / 'st'))
    s.ensure_dirs()
    return s


@pytest.fixture
def ctx(st):
    return {'root': st.root, 'venv': st.venv, 'ports': ports.allocate(25100),
            'port_base': 25100, 'secrets': st.secrets(), 'debug': False,
            'user': 'u', 'group': 'g'}


@pytest.fixture
def fake(st, monkeypatch):
    """Records *-manage calls; the fake mysqldump prints ``dumped``."""
    calls = {'manage': [], 'sql_in': [], 'dumped': b'CREATE TABLE t (x int);'}

    def manage(_st, name, argv, timeout=600, env=None):
        calls['manage'].append(' '.join(argv))

    def run(argv, input=None, capture_output=False, **kw):
        if argv[0].endswith('dump'):
            return subprocess.CompletedProcess(argv, 0, calls['dumped'], b'')
        calls['sql_in'].append(input)
        return subprocess.CompletedProcess(argv, 0, b'', b'')
    monkeypatch.setattr(database, 'manage', manage)
    monkeypatch.setattr(snapshot.subprocess, 'run', run)
    monkeypatch.setattr(snapshot.services, 'which', lambda n: '/bin/' + n)
    monkeypatch.setattr(snapshot, '_server_version', lambda: '10.11')
    return calls


def _migrations(calls):
    return [c for c in calls['manage'] if 'db_sync' in c or 'upgrade' in c]


def test_first_up_migrates_and_saves_then_next_restores(st, ctx, fake,
                                                        tmp_path):
    migrations.db_syncs(st, ctx, lambda m: None)
    assert _migrations(fake)
    assert any('constellation_ext.cells' in c for c in fake['manage'])
    snaps = os.listdir(str(tmp_path / 'cache' / 'db'))
    assert len(snaps) == 1
    keys = migrations.schema_keys(st, migrations.sync_jobs(st, ctx),
                                  migrations.setup_jobs(st, ctx), 'abc')
    assert all(st.marker('dbsync_' + s) == k for s, k in keys.items())

    st2 = state.State(str(tmp_path / 'st2'))
    st2.ensure_dirs()
    ctx2 = dict(ctx, root=st2.root, venv=st2.venv, secrets=st2.secrets())
    fake['manage'].clear()
    migrations.db_syncs(st2, ctx2, lambda m: None)
    assert not _migrations(fake)  # restored instead
    assert fake['sql_in'] == [fake['dumped']]
    # this state dir's own setup still runs
    assert any('bootstrap' in c for c in fake['manage'])
    # its cell_mappings were restored empty: both inserted by one short
    # process, no nova-manage listing or creating
    assert any('constellation_ext.cells' in c for c in fake['manage'])
    assert not any('cell_v2' in c for c in fake['manage'])


def test_a_dump_holding_a_secret_is_not_saved(st, ctx, fake, tmp_path):
    fake['dumped'] = ('INSERT INTO x VALUES ("%s");'
                      % ctx['secrets']['db']).encode()
    said = []
    migrations.db_syncs(st, ctx, said.append)
    assert not os.path.exists(str(tmp_path / 'cache' / 'db')) or not \
        os.listdir(str(tmp_path / 'cache' / 'db'))
    assert any('not saved: it holds the db secret' in m for m in said)


@pytest.mark.parametrize('how', ['arg', 'env', 'upgrade'])
def test_real_migrations_when_disabled_or_upgrading(st, ctx, fake, how,
                                                    monkeypatch, tmp_path):
    k = snapshot.key(st, migrations.sync_jobs(st, ctx), 'abc')
    os.makedirs(str(tmp_path / 'cache' / 'db'))
    with gzip.open(snapshot.path(k), 'wb') as f:
        f.write(b'-- cached')
    use = True
    if how == 'arg':
        use = False
    elif how == 'env':
        monkeypatch.setenv('CONSTELLATION_DB_SNAPSHOT', '0')
    else:  # schemas migrated by an older install: upgrade them for real
        st.set_marker('dbsync_nova', 'old')
    migrations.db_syncs(st, ctx, lambda m: None, use)
    assert _migrations(fake)
    assert not fake['sql_in']


def test_key_follows_install_but_not_the_state_dir(st, ctx, tmp_path):
    jobs = migrations.sync_jobs(st, ctx)
    st2 = state.State(str(tmp_path / 'elsewhere'))
    jobs2 = migrations.sync_jobs(st2, dict(ctx, root=st2.root))
    assert snapshot.key(st, jobs, 'abc', '1') == snapshot.key(
        st2, jobs2, 'abc', '1')
    assert snapshot.key(st, jobs, 'abc', '1') != snapshot.key(
        st, jobs, 'abd', '1')
    assert snapshot.key(st, jobs, 'abc', '1') != snapshot.key(
        st, jobs, 'abc', '2')


def _stamped(st, ctx, fake):
    migrations.db_syncs(st, ctx, lambda m: None)
    fake['manage'].clear()


def test_up_again_skips_syncs_while_the_stamps_match(st, ctx, fake):
    _stamped(st, ctx, fake)
    said = []
    migrations.db_syncs(st, ctx, said.append)
    assert not fake['manage']
    assert any('skipped' in m for m in said)


def test_glue_change_keeps_the_schemas(st, ctx, fake, monkeypatch):
    _stamped(st, ctx, fake)
    monkeypatch.setattr(migrations.installmod, 'ext_hash', lambda: 'other')
    migrations.db_syncs(st, ctx, lambda m: None)
    assert not fake['manage']


def test_new_lock_runs_every_real_sync(st, ctx, fake, monkeypatch):
    _stamped(st, ctx, fake)
    monkeypatch.setattr(migrations.installmod, 'lock_hash', lambda: 'new')
    migrations.db_syncs(st, ctx, lambda m: None)
    every = {' '.join(argv) for cmds in migrations.sync_jobs(st, ctx).values()
             for argv, _env in cmds}
    assert every <= set(fake['manage'])
    assert not fake['sql_in']  # migrated before: never a snapshot


def test_changed_command_reruns_only_that_service(st, ctx, fake):
    _stamped(st, ctx, fake)
    # other ports: keystone's bootstrap names other endpoint URLs
    ctx2 = dict(ctx, ports=ports.allocate(25200), port_base=25200)
    migrations.db_syncs(st, ctx2, lambda m: None)
    assert fake['manage']
    assert all('keystone' in c for c in fake['manage'])


def test_nova_cell0_gets_cell1s_migrated_tables(st, ctx):
    jobs = migrations.sync_jobs(st, ctx)
    # cell1 (the [database] connection) is migrated, then cell0 gets its
    # schema; cell0's URL (it holds the DB password) travels in the
    # environment, never in argv
    (cell1, env1), (cell0, env0) = jobs['nova']
    assert cell1[-3:] == cell0[-3:] == ['db', 'sync', '--local_cell']
    assert cell0[:2] == ['bash', '-c']
    assert 'nova_cell1' in cell0 and 'nova_cell0' in cell0
    assert not env1 and env0['OS_DATABASE__CONNECTION'].endswith(
        '/nova_cell0?charset=utf8')
    assert ctx['secrets']['db'] not in ' '.join(cell0)
    assert 'nova-cell0' not in jobs
    assert [a[-2:] for a, _e in jobs['nova-api']] == [['api_db', 'sync']]
    # the mappings are the state dir's own (DB password): set up, not synced
    assert not any('cell_v2' in ' '.join(a) for cmds in jobs.values()
                   for a, _e in cmds)
    # submitted in this order: the longest start first
    assert list(jobs)[:2] == ['neutron', 'nova']


@pytest.fixture
def cell0_tools(st, tmp_path, monkeypatch):
    """Fake mariadb, mariadb-dump and nova-manage writing to ``calls``."""
    bin_dir = tmp_path / 'fakebin'
    bin_dir.mkdir()
    calls = tmp_path / 'calls'
    tables = tmp_path / 'tables'  # what the COUNT(*) query answers
    tables.write_text('0\n')
    scripts = {
        'mariadb': 'case "$*" in *information_schema*) cat %s;; '
                   '*) echo "load $*" >> %s; cat >> %s;; esac' % (
                       tables, calls, calls),
        'mariadb-dump': 'echo "dump $*" >> %s; echo "-- dumped"' % calls,
        'nova-manage': 'echo "nova-manage $* $OS_DATABASE__CONNECTION" '
                       '>> %s' % calls}
    for name, body in scripts.items():
        (bin_dir / name).write_text('#!/bin/sh\n%s\n' % body)
        (bin_dir / name).chmod(0o755)
    monkeypatch.setattr(snapshot.services, 'which',
                        lambda n: str(bin_dir / n) if n.startswith(
                            'mariadb') else None)
    nova = [str(bin_dir / 'nova-manage'), '--config-file', 'nova.conf']
    ctx = {'ports': ports.allocate(25100), 'secrets': st.secrets()}
    argv, env = migrations.cell0_schema(st, ctx, nova, 'src_db', 'dst_db')
    return argv, env, calls, tables


def test_empty_cell0_gets_the_dump_of_cell1(cell0_tools):
    argv, env, calls, _tables = cell0_tools
    subprocess.run(argv, check=True, env=dict(os.environ, **env))
    # both ends of the pipe run at once: their lines come in either order,
    # the dumped text after the load's own line
    lines = calls.read_text().splitlines()
    dump, = [line for line in lines if line.startswith('dump ')]
    load, = [line for line in lines if line.startswith('load ')]
    assert dump.endswith('--routines src_db')
    assert load.endswith(' dst_db')
    assert 'dst_db' not in dump and 'src_db' not in load
    assert lines.index('-- dumped') > lines.index(load)
    assert 'nova-manage' not in calls.read_text()


def test_a_failed_dump_fails_the_step(cell0_tools):
    argv, env, calls, _tables = cell0_tools
    dump_tool = argv[argv.index('--') + 1]
    with open(dump_tool, 'w') as f:
        f.write('#!/bin/sh\nexit 3\n')
    # pipefail: the load of nothing went well, the step still fails
    assert subprocess.run(argv, env=dict(os.environ, **env)).returncode == 3


def test_cell0_with_tables_is_migrated_by_nova_manage(cell0_tools):
    # an upgrade: cell0's own rows stay; nova-manage migrates it in place
    argv, env, calls, tables = cell0_tools
    tables.write_text('111\n')
    subprocess.run(argv, check=True, env=dict(os.environ, **env))
    line, = calls.read_text().splitlines()
    assert line.startswith('nova-manage --config-file nova.conf db sync '
                           '--local_cell mysql+pymysql://')
    assert line.endswith('/dst_db?charset=utf8')
