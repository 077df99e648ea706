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

"""Neutron's reverse zones created at bootstrap (fake Designate API)."""

import urllib.parse

import pytest

from constellation import bootstrap
from constellation import errors
from constellation import rest

PREFIXES = {'ipv4_ptr_zone_prefix_size': '24',
            'ipv6_ptr_zone_prefix_size': '116'}
V6_ZONE = ('0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.3.8.b.d.0.1.0.0.2.'
           'ip6.arpa.')
SUITE_ZONES = ['113.0.203.in-addr.arpa.', '100.51.198.in-addr.arpa.',
               V6_ZONE, '0.249.10.in-addr.arpa.']


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
    assert bootstrap.reverse_zone(address, PREFIXES) == zone


def test_reverse_zone_other_prefix_sizes():
    conf = {'ipv4_ptr_zone_prefix_size': '16',
            'ipv6_ptr_zone_prefix_size': '64'}
    assert bootstrap.reverse_zone('203.0.113.57', conf) == (
        '0.203.in-addr.arpa.')
    assert bootstrap.reverse_zone('2001:db8:3001::2', conf) == (
        '0.0.0.0.1.0.0.3.8.b.d.0.1.0.0.2.ip6.arpa.')


def test_suite_subnets_give_one_zone_each():
    assert bootstrap.reverse_zones(bootstrap.PTR_CIDRS, PREFIXES) == (
        SUITE_ZONES)


def test_big_subnet_covers_the_ipam_window_only():
    # Neutron's IPAM picks among the first 1000 free addresses
    assert bootstrap.reverse_zones(['10.0.0.0/16'], PREFIXES) == [
        '0.0.10.in-addr.arpa.', '1.0.10.in-addr.arpa.',
        '2.0.10.in-addr.arpa.', '3.0.10.in-addr.arpa.']
    assert bootstrap.reverse_zones(['10.0.0.128/25'], PREFIXES) == [
        '0.0.10.in-addr.arpa.']


def test_neutron_designate_is_neutron_conf_section(ctx):
    conf = bootstrap.neutron_designate(ctx)
    assert conf['username'] == 'neutron'
    assert conf['project_name'] == 'service'
    assert conf['password'] == 'spw'
    assert conf['ptr_zone_email'] == 'hostmaster@constellation.test'
    assert conf['ipv4_ptr_zone_prefix_size'] == '24'
    assert conf['ipv6_ptr_zone_prefix_size'] == '116'
    assert conf['url'].endswith(':%d/v2' % ctx['ports']['designate'])


class FakeDesignate(object):
    """Zones of one project; created zones turn ACTIVE after one look."""

    def __init__(self, existing=(), foreign=()):
        self.zones = {n: {'name': n, 'status': 'ACTIVE', 'action': 'NONE',
                          'serial': 1} for n in existing}
        self.foreign = set(foreign)
        self.posted = []
        self.sessions = []

    def session(self, auth_url, username, password, project, domain):
        self.sessions.append((auth_url, username, password, project, domain))
        return self

    def get(self, url):
        query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
        zone = self.zones.get(query['name'][0])
        if zone and zone['status'] == 'PENDING':
            # the next look sees it ACTIVE
            zone['status'], zone['action'] = 'ACTIVE', 'NONE'
            return {'zones': [dict(zone, status='PENDING', action='CREATE')]}
        return {'zones': [zone] if zone else []}

    def post(self, url, body):
        self.posted.append(body)
        if body['name'] in self.foreign:
            raise rest.HTTPError('POST', url, 409, 'Duplicate Zone')
        self.zones[body['name']] = dict(body, status='PENDING',
                                        action='CREATE', serial=2)
        return self.zones[body['name']]


def run(ctx, fake, monkeypatch):
    monkeypatch.setattr(rest, 'Session', fake.session)
    monkeypatch.setattr(bootstrap.poll.time, 'sleep', lambda s: None)
    lines = []
    names = bootstrap.neutron_reverse_zones(ctx, lines.append, timeout=5)
    return names, lines


def test_creates_missing_zones_as_neutron(ctx, monkeypatch):
    fake = FakeDesignate(existing=[SUITE_ZONES[0]])
    names, lines = run(ctx, fake, monkeypatch)
    assert names == SUITE_ZONES
    assert [b['name'] for b in fake.posted] == SUITE_ZONES[1:]
    assert {b['email'] for b in fake.posted} == {
        'hostmaster@constellation.test'}
    assert fake.sessions[0][1:] == ('neutron', 'spw', 'service', 'Default')
    assert all(z['status'] == 'ACTIVE' for z in fake.zones.values())
    assert '(created 3)' in lines[0]


def test_idempotent_when_all_exist(ctx, monkeypatch):
    fake = FakeDesignate(existing=SUITE_ZONES)
    _names, lines = run(ctx, fake, monkeypatch)
    assert fake.posted == []
    assert '(existed)' in lines[0]


def test_zone_of_another_project_is_a_clear_error(ctx, monkeypatch):
    fake = FakeDesignate(foreign=[SUITE_ZONES[1]])
    with pytest.raises(errors.Failure) as exc:
        run(ctx, fake, monkeypatch)
    assert '100.51.198.in-addr.arpa.' in str(exc.value)
    assert "another project than Neutron's" in str(exc.value)


def test_never_active_times_out_naming_zones(ctx, monkeypatch):
    fake = FakeDesignate(existing=SUITE_ZONES)
    fake.zones[V6_ZONE]['status'] = 'ERROR'
    clock = iter(range(0, 1000, 3))
    monkeypatch.setattr(bootstrap.poll.time, 'monotonic',
                        lambda: next(clock))
    with pytest.raises(bootstrap.poll.Timeout) as exc:
        run(ctx, fake, monkeypatch)
    assert V6_ZONE + ' NONE/ERROR' in str(exc.value)
