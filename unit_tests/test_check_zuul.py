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

""".zuul.yaml against the upstream names (tools/data/zuul-upstream.json)."""

import importlib.util
import json
import os

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location(
    'check_zuul', os.path.join(REPO, 'tools', 'check_zuul.py'))
check_zuul = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_zuul)


def _run(path):
    with open(check_zuul.DATA) as f:
        upstream = json.load(f)
    results = []
    check_zuul.run(path, upstream,
                   lambda name, ok, detail='': results.append((name, ok)))
    return results


def test_zuul_yaml_passes():
    results = _run(os.path.join(REPO, '.zuul.yaml'))
    assert results and all(ok for _n, ok in results), [
        n for n, ok in results if not ok]


def test_old_zuul_yaml_fails_on_defect_5_and_the_regex():
    failed = [n for n, ok in _run(os.path.join(
        REPO, 'unit_tests', 'data', 'zuul', 'old-zuul.yaml')) if not ok]
    assert any('tempest_test_regex cross_service anchored' in n
               for n in failed), failed
    assert any('pinned services\' series 2026.2' in n for n in failed)
    assert any('runs before merge' in n for n in failed)


def test_unknown_parent_var_and_phase(tmp_path):
    z = tmp_path / 'z.yaml'
    z.write_text('''
- job:
    name: j
    parent: devstack-tempest-nonexistent
    vars:
      devstack_local_rc: {A: b}
      devstack_local_conf:
        post_config: {}
''')
    failed = [n for n, ok in _run(str(z)) if not ok]
    assert any('parent devstack-tempest-nonexistent exists' in n
               for n in failed)
    assert any('vars devstack_local_rc is read' in n for n in failed)
    assert any('phase post_config is merged' in n for n in failed)


def test_data_names_the_upstream_it_came_from():
    with open(check_zuul.DATA) as f:
        data = json.load(f)
    assert data['jobs']['devstack-tempest'] == (
        'openstack/tempest zuul.d/base.yaml')
    assert data['role_vars']['devstack_local_conf'].startswith(
        'openstack/devstack roles/write-devstack-local-conf/')
    assert data['series']['2026.1'] == {'designate': 22, 'neutron': 28,
                                        'openstack-heat': 26}
    for source in data['sources'].values():
        assert len(source['commit']) == 40


def test_series_after():
    assert check_zuul.next_series('2026.1') == '2026.2'
    assert check_zuul.next_series('2026.2') == '2027.1'
