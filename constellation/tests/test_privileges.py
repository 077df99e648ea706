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

"""Started as root, the infrastructure daemons run as their own users."""

import collections
import configparser
import os
import stat

import pytest

from constellation import errors
from constellation import ports
from constellation import privileges
from constellation import services
from constellation import state


def ctx_for(root, euid):
    return {'root': root, 'venv': root + '/venv', 'debug': False,
            'ports': ports.allocate(25100), 'port_base': 25100,
            'secrets': {'db': 'x', 'rabbit': 'y', 'admin': 'z', 'demo': 'd',
                        'service': 's', 'erlang_cookie': 'c',
                        'heat_auth_key': 'k' * 32, 'rndc': 'cg==',
                        'rndc2': 'cjI=', 'tsig2': 'dDI='},
            'user': 'u', 'group': 'g', 'euid': euid}


def programs_conf(ctx):
    cp = configparser.RawConfigParser(interpolation=None)
    cp.read_string(services.supervisord_conf(ctx, services.programs(ctx)))
    return cp


def test_as_root_infra_runs_as_system_users_and_never_user_root():
    cp = programs_conf(ctx_for('/st', 0))
    users = {n: cp['program:' + n].get('user') for n in services.NAMES}
    assert users['mysql'] == 'mysql' and users['named'] == 'bind'
    assert users['rabbitmq'] == 'rabbitmq' and users['epmd'] == 'rabbitmq'
    assert not {n for n, u in users.items()
                if u and n not in privileges.USERS}
    assert '--user=root' not in cp['program:mysql']['command']


def test_as_a_user_no_program_switches_user():
    cp = programs_conf(ctx_for('/st', 1000))
    assert not [n for n in services.NAMES if cp.has_option(
        'program:' + n, 'user')]


def test_hand_over_gives_each_daemon_its_dirs(tmp_path, monkeypatch):
    st = state.State(str(tmp_path / 'st'))
    st.ensure_dirs()
    for svc in ('mysql', 'bind', 'bind2', 'rabbitmq'):
        os.makedirs(st.etc(svc))
        state.atomic_write(st.etc(svc, 'x.conf'), 'x')
        os.makedirs(st.data(svc))
    state.atomic_write(st.data('mysql', 'ibdata1'), 'x')
    pw = collections.namedtuple('pw', 'pw_uid pw_gid')
    ids = {'mysql': pw(102, 105), 'bind': pw(104, 107),
           'rabbitmq': pw(105, 108)}
    monkeypatch.setattr(privileges.pwd, 'getpwnam', lambda u: ids[u])
    owners = {}
    monkeypatch.setattr(privileges.os, 'chown',
                        lambda p, u, g, **kw: owners.__setitem__(p, (u, g)))
    # (reachable: tested below; pytest's own temp dirs stay as they are)
    monkeypatch.setattr(privileges, 'reachable', lambda path: [])
    msg = privileges.hand_over(ctx_for(st.root, 0), st)
    assert msg == 'infrastructure runs as bind, mysql, rabbitmq'
    assert os.stat(st.root).st_mode & 0o777 == 0o711
    assert owners[st.data('mysql', 'ibdata1')] == (102, 105)
    assert owners[st.run('bind')] == (104, 107)
    # the second pool's BIND9 (named2) too
    assert owners[st.run('bind2')] == (104, 107)
    assert owners[st.etc('bind2', 'x.conf')] == (0, 107)
    assert owners[st.etc('rabbitmq', 'x.conf')] == (0, 108)
    assert os.stat(st.etc('mysql', 'x.conf')).st_mode & 0o777 == 0o640
    # secrets and the OpenStack configs are not handed to anyone
    assert st.path('secrets.json') not in owners


def test_hand_over_names_a_missing_system_user(tmp_path, monkeypatch):
    st = state.State(str(tmp_path / 'st'))
    st.ensure_dirs()

    def missing(user):
        raise KeyError(user)
    monkeypatch.setattr(privileges.pwd, 'getpwnam', missing)
    with pytest.raises(privileges.errors.Failure) as e:
        privileges.hand_over(ctx_for(st.root, 0), st)
    assert 'system user' in str(e.value)


def test_reachable_opens_our_closed_parents_for_search_only(tmp_path):
    closed = tmp_path / 'mktemp'
    state = closed / 'clone' / '.constellation'
    state.mkdir(parents=True)
    closed.chmod(0o700)
    modes = {str(d): stat.S_IMODE(d.stat().st_mode)
             for d in [closed] + list(closed.parents)}
    try:
        changed = privileges.reachable(str(state))
        # the nearest closed parent first (pytest's own may follow)
        assert changed[0] == str(closed)
        assert set(changed) <= set(modes)
        assert stat.S_IMODE(closed.stat().st_mode) == 0o701
        assert privileges.reachable(str(state)) == []     # nothing left
    finally:
        for d, mode in modes.items():
            os.chmod(d, mode)


def test_reachable_leaves_another_users_directory_and_names_it(tmp_path):
    closed = tmp_path / 'theirs'
    state = closed / '.constellation'
    state.mkdir(parents=True)
    closed.chmod(0o700)
    with pytest.raises(errors.Failure, match='theirs .mode 700, not ours. '
                       'keeps the daemons'):
        privileges.reachable(str(state), uid=os.getuid() + 1)
    assert stat.S_IMODE(closed.stat().st_mode) == 0o700
