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

"""Bad-input handling of the constellation CLI (no services started)."""

import io

import pytest

from constellation import cli
from constellation import core
from constellation import services


def make(tmp_path, **kw):
    return core.Constellation(str(tmp_path / 'st'), out=io.StringIO(), **kw)


def test_missing_packages_as_non_root_prints_apt_command(tmp_path,
                                                         monkeypatch):
    monkeypatch.setattr(core.os, 'geteuid', lambda: 1000)
    monkeypatch.setattr(core.services, 'which',
                        lambda name: None if name == 'named' else '/x')
    with pytest.raises(core.Failure) as e:
        make(tmp_path).check_apt()
    assert 'apt-get install -y --no-install-recommends bind9' in str(e.value)
    assert 'mariadb-server' not in str(e.value)


def test_restart_unknown_service_lists_valid_names(tmp_path):
    with pytest.raises(core.Failure) as e:
        make(tmp_path).restart('nova-bogus')
    for name in services.NAMES:
        assert name in str(e.value)


def test_port_base_change_on_existing_state_is_refused(tmp_path):
    c = make(tmp_path, port_base='25100')
    c.st.ensure_dirs()
    c.st.set_marker('port_base', 25000)
    with pytest.raises(core.Failure) as e:
        c.port_base()
    assert '25000' in str(e.value) and '--clean' in str(e.value)


def test_port_base_from_env(tmp_path, monkeypatch):
    monkeypatch.setenv('CONSTELLATION_PORT_BASE', '25300')
    assert make(tmp_path).port_base() == 25300


def test_destroy_refuses_foreign_directory(tmp_path):
    d = tmp_path / 'st'
    d.mkdir()
    (d / 'thesis.tex').write_text('precious')
    with pytest.raises(core.Failure):
        make(tmp_path).destroy()
    assert (d / 'thesis.tex').exists()


def test_cli_status_of_missing_state_is_down(tmp_path, capsys):
    rc = cli.main(['--state-dir', str(tmp_path / 'none'), 'status'])
    assert rc == 3
    assert 'DOWN' in capsys.readouterr().out


def test_cli_bad_port_base_names_option(tmp_path, capsys):
    rc = cli.main(['--state-dir', str(tmp_path / 'x'), '--port-base', 'ab',
                   'up'])
    assert rc == 1
    assert '--port-base' in capsys.readouterr().err


def test_first_up_without_explicit_base_skips_taken_blocks(
        tmp_path, monkeypatch):
    monkeypatch.delenv('CONSTELLATION_PORT_BASE', raising=False)
    c = make(tmp_path)
    c.st.ensure_dirs()
    taken = set(range(25000, 25200))
    assert c.pick_default_base(probe=lambda p: p in taken) == 25200
    assert c.st.marker('port_base') == 25200
    # remembered: later ups keep it, no new search
    assert c.pick_default_base(probe=lambda p: True) is None
    assert c.port_base() == 25200


def test_explicit_base_is_never_moved(tmp_path):
    c = make(tmp_path, port_base='25000')
    c.st.ensure_dirs()
    assert c.pick_default_base(probe=lambda p: True) is None
    assert c.port_base() == 25000
