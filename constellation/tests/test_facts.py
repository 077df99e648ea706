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

"""The facts a running constellation gives its callers (facts.json)."""

import io
import json

import pytest

from constellation import cli
from constellation import core
from constellation import facts
from constellation import render_dns

RES = {'image_id': 'img', 'flavor_ref': '42', 'flavor_ref_alt': '84',
       'public_network_id': 'net-id', 'network_extensions': [],
       'public_cidr': '203.0.113.0/24'}


def test_facts_name_ports_files_pools_and_networks(ctx):
    f = json.loads(facts.dumps(facts.facts(ctx, RES)))
    assert f['schema'] == facts.SCHEMA == 1
    assert f['ports']['keystone'] == 25110
    assert f['files']['tempest'] == '/st/tempest/tempest.conf'
    assert f['files']['neutron'] == '/st/etc/neutron/neutron.conf'
    default, second = f['dns']['pools']
    assert default['default'] and default['id'] == facts.DEFAULT_POOL_ID
    assert default['nameservers'] == ['127.0.0.1:25104']
    assert second['id'] == render_dns.SECOND_POOL_ID
    assert second['nameservers'] == ['127.0.0.1:25107']
    assert f['networks']['public'] == {
        'name': 'public', 'id': 'net-id', 'cidr': '203.0.113.0/24',
        'physical_network': 'public'}
    provider = f['networks']['provider']
    lo, hi = provider['tenant_vlan_range']
    assert not lo <= provider['segmentation_id'] <= hi
    assert f['guest'] is None            # fast profile: fake guests


def test_facts_verb_before_up_is_one_clear_line(tmp_path, capsys):
    assert cli.main(['--state-dir', str(tmp_path / 'st'), 'facts']) == 1
    err = capsys.readouterr().err
    assert 'no constellation was brought up in' in err
    assert 'Traceback' not in err


def test_facts_verb_prints_json_of_this_state_dir(tmp_path, capsys):
    root = tmp_path / 'st'
    c = core.Constellation(str(root), out=io.StringIO())
    c.st.ensure_dirs()
    (root / 'tempest').mkdir(exist_ok=True)
    (root / 'tempest' / 'resources.json').write_text(json.dumps(RES))
    assert cli.main(['--state-dir', str(root), 'facts']) == 0
    f = json.loads(capsys.readouterr().out)
    assert f['state_dir'] == str(root)
    assert f['networks']['public']['id'] == 'net-id'


@pytest.mark.parametrize('profile,guest', [('fast', False), ('real', True)])
def test_guest_facts_follow_the_profile(ctx, profile, guest):
    f = facts.facts(dict(ctx, profile=profile), RES)
    assert (f['guest'] is not None) == guest
