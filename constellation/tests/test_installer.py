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

"""The installer choice: uv bootstrapped with pip, pip as the fallback.

A fake "python" stands in for the venv's (its ``-m pip install --target
DIR uv==X`` makes DIR/bin/uv, or fails as without an index): no network,
no uv needed.
"""

import os
import re
import subprocess
import sys

import pytest

from constellation import install
from constellation import installer
from constellation import state

FAKE_PYTHON = r'''#!/bin/sh
# fake venv python: records its argv; "-m pip install ... --target DIR"
echo "$@" >> "%(calls)s"
[ -n "$FAIL" ] && { echo "ERROR: No matching distribution" >&2; exit 1; }
while [ $# -gt 0 ]; do
  if [ "$1" = --target ]; then
    mkdir -p "$2/bin" && printf '#!/bin/sh\n' > "$2/bin/uv" &&
      chmod +x "$2/bin/uv"
  fi
  shift
done
'''


@pytest.fixture
def fake_python(tmp_path, monkeypatch):
    monkeypatch.setenv('CONSTELLATION_CACHE_DIR', str(tmp_path / 'cache'))
    monkeypatch.delenv(installer.ENV, raising=False)
    calls = tmp_path / 'calls'
    (tmp_path / 'venv' / 'bin').mkdir(parents=True)
    (tmp_path / 'venv' / 'lib' / 'python3.11' / 'site-packages' /
     'pip').mkdir(parents=True)
    py = tmp_path / 'venv' / 'bin' / 'python'
    py.write_text(FAKE_PYTHON % {'calls': calls})
    py.chmod(0o755)
    return str(py), calls


def test_pin_is_an_exact_uv_version():
    assert installer.pin().startswith('uv==')
    assert installer.pin().split('==')[1][0].isdigit()


def test_uv_is_bootstrapped_once_into_the_cache(fake_python):
    py, calls = fake_python
    log = subprocess.DEVNULL
    uv, why = installer.uv_binary(py, log, 'uv==9.9.9')
    assert why is None
    assert uv == os.path.join(installer.home('uv==9.9.9'), 'bin', 'uv')
    assert '--target' in calls.read_text() and 'uv==9.9.9' in \
        calls.read_text()
    calls.write_text('')
    assert installer.uv_binary(py, log, 'uv==9.9.9') == (uv, None)
    assert calls.read_text() == ''          # the cached copy, no pip run
    # no half-made copy left beside it
    assert os.listdir(os.path.dirname(installer.home('uv==9.9.9'))) == [
        '9.9.9']


def test_auto_falls_back_to_pip_and_says_why(fake_python, monkeypatch):
    py, _calls = fake_python
    monkeypatch.setenv('FAIL', '1')
    inst = installer.pick(py, subprocess.DEVNULL, requirement='uv==9.9.9')
    assert inst.name == 'pip' and inst.uv is None
    assert 'uv not available: pip install uv==9.9.9 failed' in inst.note
    assert inst.argv(['-r', 'req.txt']) == [py, '-m', 'pip', 'install',
                                            '-q',
                                            '--disable-pip-version-check',
                                            '-r', 'req.txt']
    assert not os.path.exists(installer.home('uv==9.9.9'))


def test_uv_required_but_missing_is_a_clear_error(fake_python, monkeypatch):
    py, _calls = fake_python
    monkeypatch.setenv('FAIL', '1')
    monkeypatch.setenv(installer.ENV, 'uv')
    with pytest.raises(installer.Failure) as e:
        installer.pick(py, subprocess.DEVNULL, requirement='uv==9.9.9')
    assert 'CONSTELLATION_INSTALLER=uv' in str(e.value)
    assert 'uv==9.9.9 failed' in str(e.value)


def test_pip_chosen_never_bootstraps_uv(fake_python, monkeypatch):
    py, calls = fake_python
    monkeypatch.setenv(installer.ENV, 'pip')
    inst = installer.pick(py, subprocess.DEVNULL)
    assert inst.name == 'pip' and not calls.exists()


def test_bad_choice_names_the_variable(monkeypatch):
    monkeypatch.setenv(installer.ENV, 'conda')
    with pytest.raises(installer.Failure) as e:
        installer.choice()
    assert "CONSTELLATION_INSTALLER='conda'" in str(e.value)
    assert 'auto, uv, pip' in str(e.value)


def test_uv_argv_targets_the_venv(fake_python):
    py, _calls = fake_python
    inst = installer.pick(py, subprocess.DEVNULL, requirement='uv==9.9.9')
    argv = inst.argv(['-r', 'r.txt', '-c', 'c.txt'])
    assert argv[:2] == [inst.uv, 'pip']
    assert argv[argv.index('--python') + 1] == py
    assert argv[-4:] == ['-r', 'r.txt', '-c', 'c.txt']
    assert inst.env({})['UV_LINK_MODE'] == 'copy'
    assert inst.env({'UV_LINK_MODE': 'hardlink'})['UV_LINK_MODE'] == \
        'hardlink'


def test_cli_prints_nothing_for_pip_and_the_reason_on_stderr(fake_python):
    py, _calls = fake_python
    env = dict(os.environ, FAIL='1')
    r = subprocess.run([sys.executable, '-m', 'constellation.installer',
                        'uv', py], capture_output=True, text=True, env=env,
                       cwd=os.path.dirname(os.path.dirname(
                           os.path.abspath(installer.__file__))))
    assert r.returncode == 0 and r.stdout == ''
    assert 'uv not available' in r.stderr
    r = subprocess.run([sys.executable, '-m', 'constellation.installer',
                        'uv', py], capture_output=True, text=True,
                       cwd=os.path.dirname(os.path.dirname(
                           os.path.abspath(installer.__file__))))
    assert r.returncode == 0 and r.stdout.strip().endswith('/bin/uv')


def test_services_venv_falls_back_to_pip(fake_python, tmp_path, monkeypatch):
    py, _calls = fake_python
    st = state.State(str(tmp_path / 'st'))
    st.ensure_dirs()
    os.makedirs(os.path.dirname(st.bin('python')))
    os.makedirs(os.path.join(st.venv, 'lib', 'python3.11',
                             'site-packages', 'pip'))
    os.symlink(py, st.bin('python'))
    ran = []

    def run(argv, **kw):
        ran.append(argv)
        if '--target' in argv:          # the uv bootstrap: no index
            return subprocess.CompletedProcess(argv, 1)
        return subprocess.CompletedProcess(argv, 0)
    monkeypatch.setattr(install.subprocess, 'run', run)
    msg = install.install_venv(st)
    assert msg.startswith('installed with pip (uv not available')
    installs = [a for a in ran if '--target' not in a]
    assert [a[:4] for a in installs] == [[st.bin('python'), '-m', 'pip',
                                          'install']] * 2
    assert '-r' in installs[0] and '--force-reinstall' in installs[1]
    assert st.marker('installed') == install.install_hash()


def test_fallback_adds_pip_to_a_venv_made_without_it(
        fake_python, tmp_path, monkeypatch):
    py, calls = fake_python
    monkeypatch.setenv(installer.ENV, 'pip')
    os.rename(str(tmp_path / 'venv' / 'lib'), str(tmp_path / 'nolib'))
    inst = installer.pick(py, subprocess.DEVNULL)
    assert inst.name == 'pip'
    assert calls.read_text() == '-m ensurepip --default-pip\n'


def test_no_pip_to_bootstrap_with_is_said(fake_python, tmp_path):
    py, calls = fake_python
    os.rename(str(tmp_path / 'venv' / 'lib'), str(tmp_path / 'nolib'))
    uv, why = installer.uv_binary(py, subprocess.DEVNULL, 'uv==9.9.9')
    assert uv is None and 'has no pip to bootstrap uv==9.9.9' in why
    assert not calls.exists()


def test_uv_installs_are_compiled_without_the_tests(fake_python, tmp_path):
    py, _calls = fake_python
    uv = installer.pick(py, subprocess.DEVNULL, requirement='uv==9.9.9')
    argv = uv.compile_argv()
    site = str(tmp_path / 'venv' / 'lib' / 'python3.11' / 'site-packages')
    assert argv[:3] == [py, '-m', 'compileall'] and argv[-1] == site
    skip = re.compile(argv[argv.index('-x') + 1])
    assert skip.search(site + '/nova/tests/unit/test_api.py')
    assert skip.search(site + '/oslo_db/test/x.py')
    assert not skip.search(site + '/nova/compute/manager.py')
    assert not skip.search(site + '/testtools/runtest.py')
    assert installer.Installer(py).compile_argv() is None  # pip compiles


def test_entry_point_note_only_for_a_venv_under_tmp():
    assert 'stevedore' in install.entry_point_note('/tmp/x/.cs/venv')
    assert install.entry_point_note('/var/tmp/x/venv') is None
    assert install.entry_point_note('/work/repo/.constellation/venv') is None


def test_stevedore_keeps_no_cache_for_an_interpreter_under_tmp(
        tmp_path, monkeypatch):
    # what entry_point_note warns of; when stevedore drops its "/tmp is
    # ansible" rule this fails, and the note can go
    cache = pytest.importorskip('stevedore._cache')
    monkeypatch.setattr(sys, 'executable', '/tmp/v/bin/python')
    assert cache.Cache(str(tmp_path))._disable_caching
    monkeypatch.setattr(sys, 'executable', '/var/tmp/v/bin/python')
    assert not cache.Cache(str(tmp_path))._disable_caching
