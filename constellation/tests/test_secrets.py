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

"""No secret on a command line or in a log (fakes; no services)."""

import subprocess
import sys

import pytest

from constellation import database
from constellation import errors
from constellation import migrations
from constellation import ports
from constellation import state


@pytest.fixture
def st(tmp_path):
    s = state.State(str(tmp_path / 'st'))
    s.ensure_dirs()
    return s


@pytest.fixture
def ctx(st):
    return {'root': st.root, 'venv': st.venv, 'ports': ports.allocate(25100),
            'port_base': 25100, 'secrets': st.secrets(), 'debug': False,
            'user': 'u', 'group': 'g'}


def test_no_schema_sync_command_carries_a_secret(st, ctx):
    envs = {}
    for svc, cmds in list(migrations.sync_jobs(st, ctx).items()) + list(
            migrations.setup_jobs(st, ctx).items()):
        for argv, env in cmds:
            text = ' '.join(argv)
            for name, value in ctx['secrets'].items():
                assert value not in text, (svc, name, argv)
            envs.update(env)
    # the two that need one get it from the environment
    assert envs['OS_BOOTSTRAP_PASSWORD'] == ctx['secrets']['admin']
    for key in ('CONSTELLATION_NOVA_API_DB', 'CONSTELLATION_CELL0_DB',
                'CONSTELLATION_CELL1_DB'):
        assert ctx['secrets']['db'] in envs[key]
    assert envs['CONSTELLATION_CELL0_DB'].split('?')[0].endswith(
        '/nova_cell0')


def test_mysql_gets_sql_on_stdin_and_errors_are_redacted(st, ctx,
                                                         monkeypatch):
    seen = {}

    def run(argv, input=None, **kw):
        seen['argv'], seen['input'] = argv, input
        return subprocess.CompletedProcess(
            argv, 1, '', "ERROR 1064 near 'IDENTIFIED BY '%s''"
            % ctx['secrets']['db'])
    monkeypatch.setattr(database.subprocess, 'run', run)
    monkeypatch.setattr(database.services, 'which', lambda n: '/bin/' + n)
    with pytest.raises(errors.Failure) as e:
        database.create_databases(st, ctx)
    assert ctx['secrets']['db'] not in ' '.join(seen['argv'])
    assert ctx['secrets']['db'] in seen['input']
    assert ctx['secrets']['db'] not in str(e.value)
    assert '***' in str(e.value)


def test_manage_log_and_failure_show_stars(st, ctx):
    pw = ctx['secrets']['admin']
    with pytest.raises(errors.Failure) as e:
        database.manage(st, 'dbsync-x', ['sh', '-c', 'exit 3', pw],
                        env={'OS_BOOTSTRAP_PASSWORD': pw})
    assert pw not in str(e.value) and '***' in str(e.value)
    with open(st.log('dbsync-x')) as f:
        log = f.read()
    assert pw not in log and '$ sh -c exit 3 ***' in log


def test_manage_passes_env_to_the_command(st, ctx):
    database.manage(st, 'dbsync-y', [
        'sh', '-c', 'test "$OS_BOOTSTRAP_PASSWORD" = "$0"', 'x'],
        env={'OS_BOOTSTRAP_PASSWORD': 'x'})


def test_manage_runs_with_the_state_dirs_home(st, ctx):
    # stevedore's cache (~/.cache/python-entrypoints) stays in the state
    # dir, beside the services' own, and goes with `destroy`
    database.manage(st, 'dbsync-z', [
        'sh', '-c', 'test "$HOME" = "$0"', st.data('home')])


def test_old_manage_logs_are_redacted(st, ctx):
    pw = ctx['secrets']['db']
    with open(st.log('dbsync-nova'), 'w') as f:
        f.write('$ nova-manage map_cell0 --database_connection '
                'mysql+pymysql://c:%s@127.0.0.1/nova_cell0\n' % pw)
    with open(st.log('nova-compute'), 'w') as f:
        f.write('not a manage log\n')
    assert database.redact_old_logs(st) == ['dbsync-nova.log']
    with open(st.log('dbsync-nova')) as f:
        assert pw not in f.read()
    assert database.redact_old_logs(st) == []


def test_secrets_check_finds_a_secret_in_a_log_and_a_cmdline(st, ctx,
                                                             tmp_path):
    from constellation.checks import secrets as check
    with open(st.log('x'), 'w') as f:
        f.write('pw=%s' % ctx['secrets']['rabbit'])
    assert check.log_hits(st.root, ctx['secrets']) == [
        (st.log('x'), 'rabbit')]
    # a real process whose argv carries the db secret (psutil reads it)
    proc = subprocess.Popen([sys.executable, '-c',
                             'import sys; print(1, flush=True); '
                             'sys.stdin.read()',
                             'IDENTIFIED BY ' + ctx['secrets']['db']],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        proc.stdout.readline()      # started: its argv is its own
        assert (proc.pid, 'db') in check.cmdline_hits(ctx['secrets'])
    finally:
        proc.communicate(b'')
    assert (proc.pid, 'db') not in check.cmdline_hits(ctx['secrets'])


def test_secrets_check_skips_unreadable_command_lines(ctx):
    from constellation.checks import secrets as check

    class P(object):
        def __init__(self, pid, cmdline):
            self.info = {'pid': pid, 'cmdline': cmdline}

    def processes(attrs):
        assert attrs == ['pid', 'cmdline']
        return [P(1, None), P(2, []),
                P(3, ['mysql', '-p' + ctx['secrets']['db']])]
    assert check.cmdline_hits(ctx['secrets'], processes) == [(3, 'db')]
