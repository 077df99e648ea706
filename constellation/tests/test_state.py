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


def test_markers_roundtrip_and_corrupt_file_is_explained(tmp_path):
    st = state.State(str(tmp_path))
    st.ensure_dirs()
    st.set_marker('a', 1)
    st.set_marker('b', 'x')
    st.clear_marker('a')
    assert st.markers() == {'b': 'x'}
    for text, words in (('{broken', 'not valid JSON'),
                        ('[1, 2]', 'holds a JSON list, not an object'),
                        ('"x"', 'holds a JSON str')):
        with open(st.path('state.json'), 'w') as f:
            f.write(text)
        with pytest.raises(state.StateError) as e:
            st.markers()
        assert words in str(e.value) and 'state.json' in str(e.value)


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


def test_default_root_honours_env(monkeypatch):
    monkeypatch.setenv('CONSTELLATION_STATE_DIR', '/x/y')
    assert state.default_root('/repo') == '/x/y'
    monkeypatch.delenv('CONSTELLATION_STATE_DIR')
    assert state.default_root('/repo') == '/repo/.constellation'
