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

"""Config rendering of the constellation (pure, no services)."""

import configparser

import yaml

from constellation import configs
from constellation import ports
from constellation import render
from constellation import render_dns
from constellation import services
from constellation import tempestconf


def parse(text):
    cp = configparser.RawConfigParser(strict=True)
    cp.read_string(text)
    return cp


def test_ini_renders_types():
    text = render.ini({'a': {'t': True, 'l': ['x', 'y'], 'n': None,
                             'i': 3}})
    cp = parse(text)
    assert cp['a']['t'] == 'True'
    assert cp['a']['l'] == 'x,y'
    assert cp['a']['i'] == '3'
    assert 'n' not in cp['a']


def test_all_ini_files_parse_and_use_loopback_only(ctx):
    for rel, text in configs.config_files(ctx).items():
        if rel.endswith(('.conf', '.ini', '.cnf')) and '/' in rel and \
                not rel.startswith(('bind/', 'bind2/', 'rabbitmq/')):
            parse(text)
        for host in ('0.0.0.0', '10.', '192.168.'):
            assert host not in text, (rel, host)


def test_services_point_at_our_ports_and_secrets(ctx):
    files = configs.config_files(ctx)
    nova = parse(files['nova/nova.conf'])
    # constellation_ext.compute registers nova.virt.constellation_fake
    assert nova['DEFAULT']['compute_driver'] == \
        'constellation_fake.BootedFakeDriver'
    assert ':25100/nova_api' in nova['api_database']['connection']
    assert 'rpw@127.0.0.1:25101' in nova['DEFAULT']['transport_url']
    assert nova['conductor']['workers'] == '1'
    designate = parse(files['designate/designate.conf'])
    assert designate['coordination']['backend_url'] == \
        'file:///st/data/designate/coordination'
    # as upstream's gate: designate-tempest-plugin's quota and TSIG key
    # API tests expect these refused (400), Designate's defaults accept
    api = designate['service:api']
    assert api['quotas_verify_project_id'] == 'True'
    assert api['allow_empty_secrets_for_tsig'] == 'False'
    assert designate['keystone']['region_name'] == 'RegionOne'
    neutron = parse(files['neutron/neutron.conf'])
    assert neutron['designate']['url'] == 'http://127.0.0.1:25115/v2'
    assert neutron['DEFAULT']['external_dns_driver'] == 'designate'
    ml2 = parse(files['neutron/ml2_conf.ini'])
    # nothing asked for: devstack's neutron-dns drivers
    assert ml2['ml2']['extension_drivers'].split(',') == [
        'port_security', 'dns_domain_ports']
    assert ml2['ml2']['mechanism_drivers'] == 'constellation_agentless'
    heat = parse(files['heat/heat.conf'])
    assert heat['trustee']['username'] == 'heat'
    # as devstack's lib/heat: lookups and constraint checks cached
    assert heat['cache']['enabled'] == 'True'
    assert heat['cache']['backend'] == 'dogpile.cache.memory'
    assert 'listen-on port 25104 { 127.0.0.1; }' in files['bind/named.conf']
    assert 'port: 25106' in files['designate/pools.yaml']


def test_provider_segment_outside_tenant_vlan_range():
    lo, hi = render.TENANT_VLAN_RANGE
    assert not lo <= render.PROVIDER_SEGMENTATION_ID <= hi


def test_tempest_conf(ctx):
    res = {'image_id': 'img', 'flavor_ref': '42', 'flavor_ref_alt': '84',
           'public_network_id': 'net',
           'network_extensions': ['dns-integration', 'dns-domain-ports',
                                  'agent', 'router']}
    cp = parse(tempestconf.tempest_conf(ctx, res))
    # issue 22 #10: relative, it wrote tempest.log wherever one stood
    assert cp['DEFAULT']['log_file'] == '/st/tempest/tempest.log'
    assert cp['identity']['uri_v3'] == 'http://127.0.0.1:25110/v3'
    assert cp['auth']['use_dynamic_credentials'] == 'True'
    assert cp['dns']['nameservers'] == '127.0.0.1:25104'
    exts = cp['network-feature-enabled']['api_extensions'].split(',')
    assert 'dns-integration' in exts and 'agent' not in exts
    assert cp['service_available']['designate'] == 'True'
    assert cp['service_available']['cinder'] == 'False'
    # what Designate does (render_dns.API_CHECKS), not a wish
    assert cp['dns_feature_enabled']['api_v2_quotas_verify_project'] == \
        'True'
    # no group of a particular plugin unless asked for
    assert not cp.has_section('cross_service')
    assert cp['heat_plugin']['image_ref'] == 'img'


def test_supervisord_conf_has_every_program_and_marks_env(ctx):
    progs = services.programs(ctx)
    assert [p.name for p in progs] == list(services.NAMES)
    text = services.supervisord_conf(ctx, progs)
    cp = configparser.RawConfigParser(interpolation=None)
    cp.read_string(text)
    for name in services.NAMES:
        sec = cp['program:' + name]
        assert sec['autostart'] == 'false'
        assert 'CONSTELLATION_STATE_DIR="/st"' in sec['environment']
    gun = cp['program:keystone']['command']
    assert '127.0.0.1:25110' in gun and '--no-control-socket' in gun
    # each starts in the state dir, RabbitMQ in its own home (its user
    # may not list the state dir: Erlang logged eacces errors)
    dirs = {n: cp['program:' + n]['directory'] for n in services.NAMES}
    assert dirs.pop('rabbitmq') == '/st/data/rabbitmq'
    assert set(dirs.values()) == {'/st'}


def test_second_pool_has_its_own_bind9(ctx):
    files = configs.config_files(ctx)
    pools = yaml.safe_load(files['designate/pools.yaml'])
    assert [p['name'] for p in pools] == ['default', 'secondary']
    default, second = pools
    # designate-tempest-plugin takes a pool whose name lacks "default" as
    # its non-default pool (common/pool_config.py)
    assert 'default' not in second['name']
    assert second['id'] == render_dns.SECOND_POOL_ID
    assert 'id' not in default      # Designate's default pool id stays
    assert second['attributes'] == {'pool_level': 'secondary'}
    assert default['ns_records'][0]['hostname'] != \
        second['ns_records'][0]['hostname']
    # each pool: its own nameserver, rndc port and key; one mdns for both
    assert default['nameservers'] == [{'host': '127.0.0.1', 'port': 25104}]
    assert second['nameservers'] == [{'host': '127.0.0.1', 'port': 25107}]
    opts = second['targets'][0]['options']
    assert (opts['port'], opts['rndc_port']) == (25107, 25108)
    assert opts['rndc_key_file'] == '/st/etc/bind2/rndc.key'
    assert second['targets'][0]['masters'] == [
        {'host': '127.0.0.1', 'port': 25106}]
    named2 = files['bind2/named.conf']
    assert 'listen-on port 25107 { 127.0.0.1; }' in named2
    assert 'inet 127.0.0.1 port 25108' in named2
    assert '"/st/data/bind2"' in named2 and '/st/run/bind2' in named2
    assert 'secret "c2VjcmV0Mg=="' in files['bind2/rndc.key']
    assert 'default-port 25108;' in files['bind2/rndc.conf']
    assert files['bind/rndc.key'] != files['bind2/rndc.key']


def test_second_named_program_and_tempest_options(ctx):
    progs = {p.name: p for p in services.programs(ctx)}
    named2 = progs['named2']
    assert named2.port == 'dns2' and named2.kind == 'infra'
    assert named2.command[-1] == '/st/etc/bind2/named.conf'
    assert ports.owner('dns2') == ports.owner('rndc2') == 'named2'
    res = {'image_id': 'img', 'flavor_ref': '42', 'flavor_ref_alt': '84',
           'public_network_id': 'net', 'network_extensions': []}
    cp = parse(tempestconf.tempest_conf(ctx, res))
    # [dns] nameservers stays the default pool's
    assert cp['dns']['nameservers'] == '127.0.0.1:25104'


def test_second_bind9_signs_its_transfers_with_the_pool_key(ctx):
    files = configs.config_files(ctx)
    # mdns serves an unsigned transfer only the default pool's zones
    assert 'server 127.0.0.1' not in files['bind/named.conf']
    assert 'tsig.key' not in files['bind/named.conf']
    named2 = files['bind2/named.conf']
    assert 'include "/st/etc/bind2/tsig.key";' in named2
    assert ('server 127.0.0.1 { keys { "constellation-pool-secondary"; }; };'
            in named2)
    key = files['bind2/tsig.key']
    assert 'key "constellation-pool-secondary"' in key
    assert 'secret "%s"' % ctx['secrets']['tsig2'] in key
    assert render_dns.tsig_keys(ctx) == [
        (render_dns.SECOND_POOL_ID, 'constellation-pool-secondary',
         ctx['secrets']['tsig2'])]


def test_scheduler_maps_new_hosts_from_its_start(ctx):
    # `up` waits for this discovery instead of running nova-manage
    sched = parse(configs.config_files(ctx)['nova/nova-scheduler.conf'])
    assert sched['DEFAULT']['periodic_fuzzy_delay'] == '0'
    assert sched['scheduler']['discover_hosts_in_cells_interval'] == str(
        render.DISCOVER_HOSTS_INTERVAL)
    cmd = {p.name: p.command for p in services.programs(ctx)}
    files = [a for a in cmd['nova-scheduler'] if a.endswith('.conf')]
    # read after nova.conf, so its values win
    assert [f.rsplit('/', 1)[1] for f in files] == [
        'nova.conf', 'nova-scheduler.conf']
    assert not any(a.endswith('nova-scheduler.conf')
                   for a in cmd['nova-conductor'] + cmd['nova-compute'])
