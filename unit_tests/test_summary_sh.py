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

"""tools/lib/summary.sh adds test-runner summaries up (the jobs' count)."""

import os
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUMMARY_SH = os.path.join(REPO, 'tools', 'lib', 'summary.sh')


def _count(tmp_path, *logs):
    paths = []
    for i, text in enumerate(logs):
        path = tmp_path / ('%d.log' % i)
        path.write_text(text)
        paths.append(str(path))
    script = ('say() { echo "say: $*"; }; source "$0"; '
              'for log in "$@"; do count "$log"; done; '
              'echo "totals $passed $failed $skipped"')
    out = subprocess.run(['bash', '-c', script, SUMMARY_SH] + paths,
                         capture_output=True, text=True, check=True)
    return out.stdout


def test_count_adds_stestr_and_pytest_summaries(tmp_path):
    out = _count(tmp_path,
                 'Totals\n - Passed: 9\n - Skipped: 1\n - Failed: 0\n',
                 '==== 1 failed, 3 passed in 2.0s ====\n')
    assert out.splitlines()[-1] == 'totals 12 1 1'


def test_a_log_without_a_summary_counts_as_a_failure(tmp_path):
    out = _count(tmp_path, 'nothing here\n')
    assert 'say: FAILED: no test-runner summary in' in out
    assert out.splitlines()[-1] == 'totals 0 1 0'
