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
import shutil

import pytest

from constellation import cli
from constellation import core
from constellation import install
from constellation import services


def make(tmp_path, **kw):
    return core.Constellation(str(tmp_path / 'st'), out=io.StringIO(), **kw)


def test_missing_packages_as_non_root_prints_apt_command(tmp_path,
                                                         monkeypatch):
    monkeypatch.setattr(install.os, 'geteuid', lambda: 1000)
    monkeypatch.setattr(install.services, 'which',
                        lambda name: None if name == 'named' else '/x')
    with pytest.raises(core.Failure) as e:
        install.check_apt()
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
    monkeypatch.setenv('CONSTELLATION_CACHE_DIR', str(tmp_path / 'cache'))
    c = make(tmp_path)
    c.st.ensure_dirs()
    taken = set(range(25000, 25200))
    assert c.pick_default_base(probe=lambda p: p in taken) == 25200
    assert c.st.marker('port_base') == 25200
    # remembered: later ups keep it, no new search
    assert c.pick_default_base(probe=lambda p: True) is None
    assert c.port_base() == 25200


def test_two_first_ups_at_once_take_different_blocks(tmp_path, monkeypatch):
    # nothing listens yet for either: the claim decides
    monkeypatch.delenv('CONSTELLATION_PORT_BASE', raising=False)
    monkeypatch.setenv('CONSTELLATION_CACHE_DIR', str(tmp_path / 'cache'))
    a, b = make(tmp_path / 'a'), make(tmp_path / 'b')
    a.st.ensure_dirs()
    b.st.ensure_dirs()
    assert a.pick_default_base(probe=lambda p: False) == 25000
    assert b.pick_default_base(probe=lambda p: False) == 25100


def test_claim_of_a_destroyed_state_dir_is_taken_over(tmp_path, monkeypatch):
    monkeypatch.delenv('CONSTELLATION_PORT_BASE', raising=False)
    monkeypatch.setenv('CONSTELLATION_CACHE_DIR', str(tmp_path / 'cache'))
    a, b = make(tmp_path / 'a'), make(tmp_path / 'b')
    a.st.ensure_dirs()
    assert a.pick_default_base(probe=lambda p: False) == 25000
    shutil.rmtree(str(tmp_path / 'a'))
    b.st.ensure_dirs()
    assert b.pick_default_base(probe=lambda p: False) == 25000
    claim = tmp_path / 'cache' / 'port-blocks' / '25000'
    assert claim.read_text() == b.st.root


def test_explicit_base_is_never_moved(tmp_path, monkeypatch):
    monkeypatch.setenv('CONSTELLATION_CACHE_DIR', str(tmp_path / 'cache'))
    c = make(tmp_path, port_base='25000')
    c.st.ensure_dirs()
    assert c.pick_default_base(probe=lambda p: True) is None
    assert c.port_base() == 25000


def test_install_hash_ignores_pip_build_leftovers(tmp_path, monkeypatch):
    here = tmp_path / 'c'
    pkg = here / 'ext' / 'constellation_ext'
    pkg.mkdir(parents=True)
    for rel in ('requirements.txt', 'lock.txt', 'ext/pyproject.toml',
                'ext/constellation_ext/wsgi.py'):
        (here / rel).write_text(rel)
    monkeypatch.setattr(install, 'HERE', str(here))
    before = install.install_hash()
    # what `pip install ext` leaves behind must not force a reinstall
    (here / 'ext' / 'build' / 'lib').mkdir(parents=True)
    (here / 'ext' / 'build' / 'lib' / 'wsgi.py').write_text('copy')
    (here / 'ext' / 'x.egg-info').mkdir()
    (here / 'ext' / 'x.egg-info' / 'SOURCES.txt').write_text('x')
    assert install.install_hash() == before
    (pkg / 'wsgi.py').write_text('changed')
    assert install.install_hash() != before


def _fake_apt(tmp_path, monkeypatch, systemd=False):
    monkeypatch.setattr(install.os, 'geteuid', lambda: 0)
    monkeypatch.setattr(install.services, 'which', lambda name: None)
    policy = tmp_path / 'policy-rc.d'
    monkeypatch.setattr(install, 'POLICY_RC_D', str(policy))
    monkeypatch.setattr(install, 'SYSTEMD', str(tmp_path / (
        'systemd' if systemd else 'absent')))
    (tmp_path / 'systemd').mkdir()
    calls = []

    def run(argv, **kw):
        calls.append((argv, policy.read_text() if policy.exists() else None))
    monkeypatch.setattr(install.subprocess, 'run', run)
    return policy, calls


def test_apt_install_starts_no_system_daemon_and_says_so(tmp_path,
                                                         monkeypatch):
    policy, calls = _fake_apt(tmp_path, monkeypatch)
    msg = install.check_apt()
    (install_cmd, during), = [c for c in calls if 'install' in c[0]]
    assert 'exit 101' in during           # in place while apt-get installs
    assert not policy.exists()            # and gone afterwards
    assert 'mariadb, rabbitmq-server, named services were not started' \
        in msg


def test_apt_install_disables_system_units_under_systemd(tmp_path,
                                                         monkeypatch):
    _policy, calls = _fake_apt(tmp_path, monkeypatch, systemd=True)
    msg = install.check_apt()
    assert (['systemctl', 'disable', '--now', 'mariadb', 'rabbitmq-server',
             'named'], None) in calls
    assert 'disabled' in msg


def test_an_admins_policy_rc_d_is_left_alone(tmp_path, monkeypatch):
    policy, calls = _fake_apt(tmp_path, monkeypatch)
    policy.write_text('#!/bin/sh\nexit 0\n')
    install.check_apt()
    assert policy.read_text() == '#!/bin/sh\nexit 0\n'
