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

"""tools/lib/require_steps.py: a skipped guest step fails the real phase."""

import importlib.util
import json
import os

_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))), 'tools', 'lib', 'require_steps.py')
_SPEC = importlib.util.spec_from_file_location('require_steps', _PATH)
require_steps = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(require_steps)


def _result(tmp_path, label, statuses):
    doc = {'scenario': 'servers_dns', 'steps': [
        {'name': n, 'status': s, 'details': {'reason': 'why'}}
        for n, s in statuses.items()]}
    (tmp_path / ('20261202T010000Z-servers_dns-%s.json' % label)).write_text(
        json.dumps(doc))


def test_passed_steps_count_as_passes(tmp_path, capsys):
    _result(tmp_path, 'cs-aaaaaaaaaa', {'check_reachable': 'passed',
                                        'check_peer_dns': 'passed'})
    assert require_steps.main([str(tmp_path), 'servers_dns',
                               'check_reachable', 'check_peer_dns']) == 0
    assert capsys.readouterr().out.splitlines()[-1] == '2 passed, 0 failed'


def test_a_skipped_or_missing_step_fails(tmp_path, capsys):
    _result(tmp_path, 'cs-aaaaaaaaaa', {'check_reachable': 'skipped'})
    assert require_steps.main([str(tmp_path), 'servers_dns',
                               'check_reachable', 'check_peer_dns']) == 1
    out = capsys.readouterr().out
    assert 'check_reachable skipped why' in out
    assert 'no step check_peer_dns' in out
    assert out.splitlines()[-1] == '0 passed, 2 failed'


def test_no_result_file_fails(tmp_path, capsys):
    assert require_steps.main([str(tmp_path), 'servers_dns',
                               'check_reachable']) == 1
    assert 'no result file of scenario servers_dns' in capsys.readouterr().out
