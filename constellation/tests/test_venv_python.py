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

"""checks/venv-python.sh: the services venv of the default state dir."""

import os
import subprocess

from constellation import state

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(HERE, 'checks', 'venv-python.sh')


def _run(env, script=SCRIPT):
    return subprocess.run(['sh', script, 'json.tool', '--help'], env=env,
                          capture_output=True, text=True)


def test_without_a_venv_it_names_the_default_state_dir(tmp_path):
    # a checkout of its own (the package linked in), with no state dir
    (tmp_path / 'constellation').symlink_to(HERE)
    env = {k: v for k, v in os.environ.items()
           if k not in ('CONSTELLATION_STATE_DIR', 'PYTHON')}
    out = _run(env, str(tmp_path / 'constellation' / 'checks' /
                        'venv-python.sh'))
    assert out.returncode == 1
    default = state.default_root(str(tmp_path))
    assert default == str(tmp_path / '.constellation')
    assert out.stdout.splitlines() == [
        'no services venv at %s/venv: run `tools/constellation up` first'
        % default, '0 passed, 1 failed']


def test_it_runs_the_module_with_the_state_dirs_venv(tmp_path):
    bin_dir = tmp_path / 'venv' / 'bin'
    bin_dir.mkdir(parents=True)
    python = bin_dir / 'python'
    python.write_text('#!/bin/sh\necho "venv python $*"\n')
    python.chmod(0o755)
    out = _run(dict(os.environ, CONSTELLATION_STATE_DIR=str(tmp_path)))
    assert out.returncode == 0, out.stderr
    assert out.stdout == 'venv python -m json.tool --help\n'
