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
