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

"""tools/constellation: the plugin's wrapper of the constellation."""

import os
import subprocess

WRAPPER = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'tools', 'constellation')


def test_wrapper_runs_this_repository_not_the_cwd(tmp_path):
    # another checkout's package in the current directory must not win
    fake = tmp_path / 'constellation'
    fake.mkdir()
    (fake / '__init__.py').write_text('')
    (fake / '__main__.py').write_text('print("WRONG PACKAGE")\n')
    r = subprocess.run([WRAPPER, '--help'], cwd=str(tmp_path),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert 'WRONG PACKAGE' not in r.stdout
    assert 'status' in r.stdout


def fake_python(tmp_path, fail=''):
    """A python3 that logs each run's arguments (and stdin) to a file."""
    log = tmp_path / 'calls'
    py = tmp_path / 'python3'
    py.write_text('#!/bin/sh\n'
                  '[ "$2" = -c ] && exit 0\n'
                  'echo "$* settings=$CONSTELLATION_SERVICE_SETTINGS" >> %s\n'
                  'case "$*" in *"%s"*) exit 3;; esac\n'
                  'case "$*" in *" facts") echo "{\\"schema\\": 1}";; '
                  '*constellation-up*) cat >> %s;; esac\n'
                  % (log, fail or 'NEVER', log))
    py.chmod(0o755)
    return str(py), log


def wrapper(py, *args):
    env = dict(os.environ, PYTHON=py)
    env.pop('CONSTELLATION_SERVICE_SETTINGS', None)
    return subprocess.run([WRAPPER] + list(args), capture_output=True,
                          text=True, timeout=60, env=env)


def test_up_asks_for_the_settings_then_runs_the_plugins_step(tmp_path):
    py, log = fake_python(tmp_path)
    r = wrapper(py, '--state-dir', '/st', '--port-base=25200', 'up',
                '--no-snapshot')
    assert r.returncode == 0, r.stderr
    calls = log.read_text().splitlines()
    settings = os.path.join(os.path.dirname(os.path.dirname(WRAPPER)),
                            'cross_service_settings', 'service-settings.ini')
    assert calls[0].startswith('-P -m constellation --state-dir /st '
                               '--port-base=25200 up --no-snapshot ')
    assert calls[0].endswith('settings=' + settings)
    # the facts of the same state dir, fed to the plugin's step
    assert calls[1].startswith('-P -m constellation --state-dir /st '
                               '--port-base=25200 facts ')
    assert calls[2].startswith('-P -m cross_service_settings '
                               'constellation-up --facts -')
    assert calls[3] == '{"schema": 1}'


def test_other_verbs_run_the_cli_only(tmp_path):
    py, log = fake_python(tmp_path)
    assert wrapper(py, 'status').returncode == 0
    assert wrapper(py, 'up', '--help').returncode == 0
    calls = log.read_text().splitlines()
    assert [c.split(' settings=')[0] for c in calls] == [
        '-P -m constellation status', '-P -m constellation up --help']


def test_failed_up_runs_no_step_and_keeps_its_exit_code(tmp_path):
    py, log = fake_python(tmp_path, fail=' up')
    r = wrapper(py, 'up')
    assert r.returncode == 3
    assert len(log.read_text().splitlines()) == 1


def test_failed_step_says_the_constellation_is_up(tmp_path):
    py, log = fake_python(tmp_path, fail='constellation-up')
    r = wrapper(py, 'up')
    assert r.returncode == 1
    assert "the constellation is up, but the plugin's step" in r.stderr
