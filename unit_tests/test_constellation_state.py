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

"""State dir: secrets, markers, stale supervisord detection (no services)."""

import os
import stat

import pytest

from constellation import state


def test_secrets_generated_once_random_and_private(tmp_path):
    st = state.State(str(tmp_path / 's'))
    st.ensure_dirs()
    first = st.secrets()
    again = st.secrets()
    assert first == again
    other = state.State(str(tmp_path / 'o'))
    other.ensure_dirs()
    assert other.secrets()['admin'] != first['admin']
    mode = stat.S_IMODE(os.stat(st.path('secrets.json')).st_mode)
    assert mode == 0o600
    assert len(first['admin']) >= 20


def test_half_written_secrets_are_explained(tmp_path):
    st = state.State(str(tmp_path))
    st.ensure_dirs()
    with open(st.path('secrets.json'), 'w') as f:
        f.write('{"admin": "x", ')
    with pytest.raises(state.StateError) as e:
        st.secrets()
    assert 'destroy' in str(e.value)


def test_markers_roundtrip_and_corrupt_file_is_forgotten(tmp_path):
    st = state.State(str(tmp_path))
    st.ensure_dirs()
    st.set_marker('a', 1)
    st.set_marker('b', 'x')
    st.clear_marker('a')
    assert st.markers() == {'b': 'x'}
    with open(st.path('state.json'), 'w') as f:
        f.write('{broken')
    assert st.markers() == {}


def test_atomic_write_leaves_no_temp_file(tmp_path):
    p = str(tmp_path / 'd' / 'f.conf')
    state.atomic_write(p, 'x=1\n')
    assert open(p).read() == 'x=1\n'
    assert os.listdir(str(tmp_path / 'd')) == ['f.conf']


def test_lock_is_exclusive(tmp_path):
    st = state.State(str(tmp_path))
    fd = st.lock()
    try:
        with pytest.raises(state.StateError):
            state.State(str(tmp_path)).lock()
    finally:
        os.close(fd)


def _fake_proc(root, pid, cmdline, environ=b''):
    d = root / str(pid)
    d.mkdir(parents=True)
    (d / 'cmdline').write_bytes(cmdline.replace(' ', '\0').encode())
    (d / 'environ').write_bytes(environ)
    return d


def test_supervisord_status_classifies_pidfile(tmp_path):
    proc = tmp_path / 'proc'
    proc.mkdir()
    pidfile = tmp_path / 'supervisord.pid'
    conf = '/s/etc/supervisord.conf'
    assert state.supervisord_status(str(pidfile), conf, str(proc)) == (
        'absent', None)
    pidfile.write_text('4242\n')
    # pid gone -> stale
    assert state.supervisord_status(str(pidfile), conf, str(proc)) == (
        'stale', 4242)
    # pid reused by something else -> stale
    _fake_proc(proc, 4242, '/usr/bin/vim notes')
    assert state.supervisord_status(str(pidfile), conf, str(proc))[0] == \
        'stale'
    # our supervisord -> running
    (proc / '4242' / 'cmdline').write_bytes(
        ('/v/bin/python /v/bin/supervisord -c ' + conf).replace(
            ' ', '\0').encode())
    assert state.supervisord_status(str(pidfile), conf, str(proc)) == (
        'running', 4242)
    pidfile.write_text('garbage')
    assert state.supervisord_status(str(pidfile), conf, str(proc))[0] == \
        'stale'


def test_our_processes_found_by_environment_mark(tmp_path):
    proc = tmp_path / 'proc'
    _fake_proc(proc, 10, 'gunicorn',
               b'PATH=/bin\0CONSTELLATION_SUPERVISED_BY=/a\0')
    _fake_proc(proc, 11, 'beam', b'CONSTELLATION_SUPERVISED_BY=/b\0')
    _fake_proc(proc, 12, 'bash', b'HOME=/root\0')
    # title rewritten (environ clobbered) but command line names the root
    _fake_proc(proc, 13, 'gunicorn: master [constellation-x@/a]')
    _fake_proc(proc, 15, 'vim /ab/notes')
    # clients of the constellation are not ours: `constellation env`
    # exports CONSTELLATION_STATE_DIR, and they name files under the root
    _fake_proc(proc, 16, 'bash tools/run-scenario-job.sh',
               b'CONSTELLATION_STATE_DIR=/a\0')
    _fake_proc(proc, 17, 'python leak_check.py --config /a/tempest/t.conf')
    # an oslo.service master names its config under <root>/etc
    _fake_proc(proc, 18, 'nova-compute: master [--config-file /a/etc/n.c]')
    (proc / 'self').mkdir()
    for pid in (10, 11, 12, 13, 15, 16, 17, 18):
        (proc / str(pid) / 'stat').write_text('%d (x) S 1 0' % pid)
    # a worker whose title hides everything: found as a child of 13
    _fake_proc(proc, 14, 'gunicorn: worker')
    (proc / '14' / 'stat').write_text('14 (x) S 13 0')
    assert state.our_processes('/a', proc=str(proc)) == [10, 13, 14, 18]
    assert state.our_processes('/b', proc=str(proc)) == [11]


def test_our_processes_never_include_the_callers_ancestors(tmp_path):
    proc = tmp_path / 'proc'
    me = os.getpid()
    # the caller was (wrongly) started by a process carrying the mark
    _fake_proc(proc, 20, 'supervisord -c /a/etc/s.conf',
               b'CONSTELLATION_SUPERVISED_BY=/a\0')
    (proc / '20' / 'stat').write_text('20 (x) S 1 0')
    _fake_proc(proc, me, 'python -m constellation down',
               b'CONSTELLATION_SUPERVISED_BY=/a\0')
    (proc / str(me) / 'stat').write_text('%d (x) S 20 0' % me)
    (proc / 'self').mkdir()
    assert state.our_processes('/a', proc=str(proc)) == []


def test_default_root_honours_env(monkeypatch):
    monkeypatch.setenv('CONSTELLATION_STATE_DIR', '/x/y')
    assert state.default_root('/repo') == '/x/y'
    monkeypatch.delenv('CONSTELLATION_STATE_DIR')
    assert state.default_root('/repo') == '/repo/.constellation'
