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

"""The plugin's step after `constellation up` (cross_service_settings.
after_up): the reverse zones Neutron names, and tempest.conf's
[cross_service] group from the constellation's facts."""

import configparser
import io
import json
import os

import pytest

from constellation import facts as factsmod
from constellation import render_dns
from constellation import service_settings
from constellation import tempestconf
import cross_service_settings as settings
from cross_service_settings import after_up
from cross_service_settings import ahead
from cross_service_settings import reverse

PREFIXES = {'ipv4_ptr_zone_prefix_size': '24',
            'ipv6_ptr_zone_prefix_size': '116'}
V6_ZONE = ('0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.3.8.b.d.0.1.0.0.2.'
           'ip6.arpa.')
SUITE_ZONES = ['113.0.203.in-addr.arpa.', '100.51.198.in-addr.arpa.',
               V6_ZONE, '0.249.10.in-addr.arpa.']
RES = {'image_id': 'img', 'flavor_ref': '42', 'flavor_ref_alt': '84',
       'public_network_id': 'net-id', 'network_extensions': ['router'],
       'public_cidr': '203.0.113.0/24'}


@pytest.mark.parametrize('address,zone', [
    ('203.0.113.57', '113.0.203.in-addr.arpa.'),
    ('198.51.100.2', '100.51.198.in-addr.arpa.'),
    ('2001:db8:3001::2', V6_ZONE),
    ('2001:db8:3001::fff', V6_ZONE),
    ('2001:db8:3001::1000', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.3.8.b.d.'
                            '0.1.0.0.2.ip6.arpa.'),
])
def test_reverse_zone_as_neutron_names_it(address, zone):
    # Neutron: netaddr reverse_dns minus (32-24)/8 bytes, (128-116)/4 nibbles
    assert reverse.zone(address, PREFIXES) == zone


def test_reverse_zone_other_prefix_sizes():
    conf = {'ipv4_ptr_zone_prefix_size': '16',
            'ipv6_ptr_zone_prefix_size': '64'}
    assert reverse.zone('203.0.113.57', conf) == '0.203.in-addr.arpa.'
    assert reverse.zone('2001:db8:3001::2', conf) == (
        '0.0.0.0.1.0.0.3.8.b.d.0.1.0.0.2.ip6.arpa.')


def test_big_subnet_covers_the_ipam_window_only():
    # Neutron's IPAM picks among the first 1000 free addresses
    assert reverse.zones(['10.0.0.0/16'], PREFIXES, 1000) == [
        '0.0.10.in-addr.arpa.', '1.0.10.in-addr.arpa.',
        '2.0.10.in-addr.arpa.', '3.0.10.in-addr.arpa.']
    assert reverse.zones(['10.0.0.128/25'], PREFIXES, 1000) == [
        '0.0.10.in-addr.arpa.']


def constellation_facts(ctx, tmp_path, profile='fast'):
    """Facts of a constellation with the plugin's settings, in tmp_path."""
    ctx = dict(ctx, root=str(tmp_path), profile=profile,
               service_settings=service_settings.load(settings.PATH))
    facts = factsmod.facts(ctx, RES)
    os.makedirs(os.path.dirname(facts['files']['tempest']))
    with open(facts['files']['tempest'], 'w') as f:
        f.write(tempestconf.tempest_conf(ctx, RES))
    return json.loads(factsmod.dumps(facts))


def test_suite_subnets_give_one_zone_each(ctx, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(ahead, 'run', lambda *a, **kw: calls.append((a, kw)))
    facts = constellation_facts(ctx, tmp_path)
    after_up.run(facts, log=lambda m: None)
    (neutron_conf, cidrs), kw = calls[0]
    assert neutron_conf == os.path.join(str(tmp_path), 'etc', 'neutron',
                                        'neutron.conf')
    assert kw['public_network'] == 'public'
    assert kw['window'] == settings.ipam_window() == 1000
    assert reverse.zones([RES['public_cidr']] + cidrs, PREFIXES,
                         kw['window']) == SUITE_ZONES


def read(path):
    cp = configparser.RawConfigParser()
    cp.optionxform = str
    cp.read(path)
    return cp


def test_tempest_conf_gets_the_plugins_group(ctx, tmp_path, monkeypatch):
    monkeypatch.setattr(ahead, 'run', lambda *a, **kw: None)
    facts = constellation_facts(ctx, tmp_path)
    before = read(facts['files']['tempest'])
    after_up.run(facts, log=lambda m: None)
    conf = read(facts['files']['tempest'])
    cs = conf['cross_service']
    assert cs['zone_suffix'] == 'cross-service.test.'
    assert cs['provider_network_type'] == 'vlan'
    assert cs['provider_physical_network'] == 'physnet1'
    assert cs['provider_segmentation_id'] == '3001'
    assert cs['check_reverse'] == 'True'
    assert cs['second_pool_id'] == render_dns.SECOND_POOL_ID
    assert cs['second_pool_nameservers'] == '127.0.0.1:%d' % (
        ctx['ports']['dns2'])
    for opt, value in settings.section('tempest', 'cross_service').items():
        assert cs[opt] == value
    assert 'guest_http_hostname' not in cs          # fake guests
    # every other group as the constellation wrote it
    for section in before.sections():
        if section != 'cross_service':
            assert dict(conf[section]) == dict(before[section]), section
    assert conf['dns']['nameservers'] == '127.0.0.1:%d' % ctx['ports']['dns']
    assert oct(os.stat(facts['files']['tempest']).st_mode & 0o777) == '0o600'
    # idempotent
    text = open(facts['files']['tempest']).read()
    after_up.run(facts, log=lambda m: None)
    assert open(facts['files']['tempest']).read() == text


def test_real_profile_guests_serve_their_hostname(ctx, tmp_path):
    facts = constellation_facts(ctx, tmp_path, profile='real')
    assert after_up.cross_service(facts)['guest_http_hostname'] == 'True'


def test_facts_of_another_schema_are_refused():
    with pytest.raises(ahead.Error, match='schema 2, this step reads '
                                          'schema 1'):
        after_up.read_facts(io.StringIO('{"schema": 2}'))
    with pytest.raises(ahead.Error, match='not JSON'):
        after_up.read_facts(io.StringIO(''))


def test_missing_tempest_conf_is_named(tmp_path):
    path = str(tmp_path / 'nope' / 'tempest.conf')
    with pytest.raises(ahead.Error, match='nope/tempest.conf: cannot read'):
        after_up.write_tempest_conf(path, {})


def test_our_options_head_the_section_and_default_stays_apart(tmp_path):
    # the constellation wrote the service settings' [tempest:cross_service]
    # there first; the workshop shows the section's first lines
    path = tmp_path / 'tempest.conf'
    path.write_text('[DEFAULT]\nlog_file = t.log\n\n[cross_service]\n'
                    'provider_cidr = 198.51.100.0/24\nzone_ttl = 1\n')
    after_up.write_tempest_conf(str(path), {'zone_email': 'h@x.test',
                                            'zone_ttl': '300'})
    text = path.read_text()
    section = text.split('[cross_service]\n', 1)[1].split('\n\n')[0]
    assert section.splitlines() == ['zone_email = h@x.test',
                                    'zone_ttl = 300',
                                    'provider_cidr = 198.51.100.0/24']
    assert text.startswith('[DEFAULT]\nlog_file = t.log\n')
