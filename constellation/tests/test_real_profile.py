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

"""The real profile's plan, configs and programs (pure; no OVS, no QEMU).

Commands that would touch the machine (``ip``, ``sysctl``) go to a fake
``run`` that records them; /etc/netns is a temp dir.
"""

import configparser
import json
import re
import shlex
import subprocess

import pytest

from constellation import bootstrap
from constellation import configs
from constellation import context
from constellation import dataplane
from constellation import errors
from constellation import guest_files
from constellation import netns
from constellation import ports
from constellation import render_ovn
from constellation import services
from constellation import tempestconf


def make_ctx(profile='real', base=25400, root='/st'):
    return {'root': root, 'venv': root + '/venv',
            'ports': ports.allocate(base), 'port_base': base,
            'secrets': {'db': 'dbpw', 'rabbit': 'rpw', 'admin': 'apw',
                        'demo': 'dpw', 'service': 'spw',
                        'erlang_cookie': 'c', 'heat_auth_key': 'k' * 32,
                        'rndc': 'c2VjcmV0', 'rndc2': 'c2VjcmV0Mg==',
                        'tsig2': 'dHNpZw=='},
            'debug': False, 'user': 'u', 'group': 'g', 'profile': profile}


def parse(text):
    cp = configparser.RawConfigParser(strict=True)
    cp.read_string(text)
    return cp


# --- names and addresses -------------------------------------------------

def test_two_constellations_get_distinct_namespaces_ranges_and_veths():
    a, b = netns.plan(make_ctx(base=25400)), netns.plan(
        make_ctx(base=25600, root='/other'))
    assert a['netns'] != b['netns']
    assert a['cidr'] != b['cidr']
    assert {a['host_if'], a['ns_if']}.isdisjoint({b['host_if'], b['ns_if']})
    for p in (a, b):
        assert len(p['host_if']) <= 15 and len(p['ns_if']) <= 15
    # the same base in another state dir: another namespace name
    assert netns.plan(make_ctx(root='/x'))['netns'] != a['netns']


def test_host_veth_is_told_from_the_namespace_end_and_other_devices():
    host_if, ns_if = netns.veth_names(25400)
    assert netns.is_host_veth(host_if)
    assert netns.is_host_veth(netns.veth_names(1024)[0])
    for other in (ns_if, 'eth0', 'lo', 'cst-h', 'veth25400h', host_if + 'x'):
        assert not netns.is_host_veth(other), other


def test_floating_range_is_in_the_benchmarking_block_never_the_docs_one():
    p = netns.plan(make_ctx(base=25400))
    assert p['cidr'] == '198.18.243.0/24'
    assert p['gateway'] == '198.18.243.1'
    assert (p['pool_start'], p['pool_end']) == ('198.18.243.10',
                                                '198.18.243.250')
    assert p['dns_sink'] == '198.18.243.253'


def test_every_port_base_has_a_range_and_the_highest_too():
    low = netns.floating_net(1024)
    high = netns.floating_net(32768 - ports.SPAN)
    assert str(low) == '198.18.0.0/24'
    assert high.subnet_of(netns.FLOATING_SUPERNET)


ADDRS = json.dumps([
    {'ifname': 'lo', 'addr_info': [{'family': 'inet', 'local': '127.0.0.1',
                                    'prefixlen': 8}]},
    {'ifname': 'eth0', 'addr_info': [
        {'family': 'inet', 'local': '192.0.2.2', 'prefixlen': 24},
        {'family': 'inet6', 'local': 'fd00::2', 'prefixlen': 64}]},
    {'ifname': 'cst25400h', 'addr_info': [
        {'family': 'inet', 'local': '198.18.243.1', 'prefixlen': 24}]}])
ROUTES = json.dumps([{'dst': 'default', 'gateway': '192.0.2.1',
                      'dev': 'eth0'},
                     {'dst': '192.0.2.0/24', 'dev': 'eth0'},
                     {'dst': '198.18.243.0/24', 'dev': 'cst25400h'}])


def test_host_networks_skip_our_own_veth():
    held = netns.host_networks(ADDRS, ROUTES, ignore=('cst25400h',))
    nets = sorted({str(n) for n, _w in held})
    assert nets == ['127.0.0.0/8', '192.0.2.0/24']
    netns.check_no_overlap('198.18.243.0/24', held, 'from --port-base')


def test_overlap_with_the_hosts_address_is_refused_naming_both():
    held = netns.host_networks(json.dumps([{'ifname': 'eth1', 'addr_info': [
        {'family': 'inet', 'local': '198.18.0.5', 'prefixlen': 15}]}]), '[]')
    with pytest.raises(errors.Failure) as e:
        netns.check_no_overlap('198.18.243.0/24', held,
                               'derived from --port-base 25400')
    text = str(e.value)
    assert '198.18.243.0/24' in text and '198.18.0.0/15' in text
    assert 'eth1' in text and '--port-base 25400' in text


def test_overlap_with_a_host_route_is_refused():
    held = netns.host_networks('[]', json.dumps([
        {'dst': '198.18.0.0/16', 'gateway': '192.0.2.9', 'dev': 'eth0'}]))
    with pytest.raises(errors.Failure, match='route 198.18.0.0/16'):
        netns.check_no_overlap('198.18.243.0/24', held, 'x')


class FakeIp(object):
    def __init__(self, links=()):
        self.calls = []
        self.links = list(links)

    def __call__(self, cmd, check=True):
        self.calls.append(cmd)
        if cmd[:3] == ['ip', '-j', 'link']:
            return json.dumps([{'ifname': n} for n in self.links])
        return ''


def test_setup_writes_etc_netns_and_makes_one_connected_route(tmp_path,
                                                              monkeypatch):
    monkeypatch.setattr(netns, 'exists', lambda ns: False)
    p = netns.plan(make_ctx())
    run = FakeIp()
    netns.setup(p, 'constellation', run=run, etc_root=str(tmp_path))
    d = tmp_path / p['netns']
    assert (d / 'hostname').read_text() == 'constellation\n'
    assert 'nameserver' not in (d / 'resolv.conf').read_text()
    flat = [' '.join(c) for c in run.calls]
    assert 'ip netns add %s' % p['netns'] in flat
    assert any(c.startswith('ip link add cst25400h type veth peer name '
                            'cst25400n netns ') for c in flat)
    assert 'ip addr replace 198.18.243.1/24 dev cst25400h' in flat
    assert 'sysctl -q -w net.ipv4.conf.cst25400h.forwarding=0' in flat
    # no other route, no default route, nothing on the host's devices
    assert not [c for c in flat if ' route ' in c]
    assert not [c for c in flat if 'eth0' in c]


def test_teardown_removes_namespace_veth_and_etc(tmp_path, monkeypatch):
    p = netns.plan(make_ctx())
    etc = tmp_path / 'netns'
    (etc / p['netns']).mkdir(parents=True)
    monkeypatch.setattr(netns, 'exists', lambda ns: True)
    run = FakeIp(links=['lo', 'cst25400h'])
    done = netns.teardown(p, run=run, etc_root=str(etc))
    assert ['ip', 'netns', 'del', p['netns']] in run.calls
    assert ['ip', 'link', 'del', 'cst25400h'] in run.calls
    assert not etc.exists()     # /etc/netns goes when it is empty
    assert len(done) == 4


def test_teardown_keeps_etc_netns_of_another_namespace(tmp_path,
                                                       monkeypatch):
    p = netns.plan(make_ctx())
    (tmp_path / p['netns']).mkdir()
    (tmp_path / 'someone-else').mkdir()
    monkeypatch.setattr(netns, 'exists', lambda ns: False)
    netns.teardown(p, run=FakeIp(), etc_root=str(tmp_path))
    assert (tmp_path / 'someone-else').is_dir()
    assert not (tmp_path / p['netns']).exists()


def test_programs_in_the_namespace_get_their_own_hostname():
    argv = netns.wrap('ns1', ['libvirtd'], 'constellation')
    assert argv[:4] == ['ip', 'netns', 'exec', 'ns1']
    assert argv[4:6] == ['unshare', '--uts']
    assert argv[-2:] == ['constellation', 'libvirtd']


# --- profile ---------------------------------------------------------------

def test_profile_is_remembered_and_another_is_refused(tmp_path):
    c = context.Context(str(tmp_path / 'st'), profile='real')
    c.st.ensure_dirs()
    assert c.check_profile() == 'real'
    c.st.set_marker('profile', 'real')
    assert context.Context(str(tmp_path / 'st')).profile() == 'real'
    other = context.Context(str(tmp_path / 'st'), profile='fast')
    with pytest.raises(errors.Failure, match='--clean --profile fast'):
        other.check_profile()


def test_fast_is_the_default_and_a_typo_is_named(tmp_path, monkeypatch):
    monkeypatch.delenv('CONSTELLATION_PROFILE', raising=False)
    assert context.Context(str(tmp_path / 'a')).profile() == 'fast'
    monkeypatch.setenv('CONSTELLATION_PROFILE', 'rael')
    with pytest.raises(errors.Failure, match="--profile must be one of "
                       "fast, real, got 'rael'"):
        context.Context(str(tmp_path / 'b')).profile()


# --- configs and programs ------------------------------------------------

def test_fast_profile_is_unchanged_by_the_real_one():
    fast = make_ctx(profile='fast')
    files = configs.config_files(fast)
    assert 'libvirt/qemu.conf' not in files
    ml2 = parse(files['neutron/ml2_conf.ini'])
    assert ml2['ml2']['mechanism_drivers'] == 'constellation_agentless'
    assert [p.name for p in services.programs(fast)] == list(services.NAMES)
    assert bootstrap.public_subnet(fast)[0] == '203.0.113.0/24'


def test_real_neutron_is_ml2_ovn_with_ovn_l3_and_metadata_ports():
    files = configs.config_files(make_ctx())
    ml2 = parse(files['neutron/ml2_conf.ini'])
    assert ml2['ml2']['mechanism_drivers'] == 'ovn'
    assert ml2['ml2']['tenant_network_types'] == 'geneve'
    assert ml2['ovn']['ovn_nb_connection'] == \
        'unix:/st/run/ovn/ovnnb_db.sock'
    # metadata ports (DHCP on gateway-less subnets), no agent behind them
    assert ml2['ovn']['ovn_metadata_enabled'] == 'True'
    assert ml2['ovn']['dns_servers'] == '198.18.243.253'
    neutron = parse(files['neutron/neutron.conf'])
    assert neutron['DEFAULT']['service_plugins'] == 'ovn-router'
    # the rest of neutron.conf is the fast profile's (DNS integration)
    assert neutron['DEFAULT']['external_dns_driver'] == 'designate'


def test_real_nova_is_libvirt_qemu_on_our_sockets():
    nova = parse(configs.config_files(make_ctx())['nova/nova.conf'])
    assert nova['DEFAULT']['compute_driver'] == 'libvirt.LibvirtDriver'
    assert nova['DEFAULT']['host'] == dataplane.NOVA_HOST
    assert nova['DEFAULT']['force_config_drive'] == 'True'
    assert nova['libvirt']['virt_type'] == 'qemu'
    assert nova['libvirt']['connection_uri'] == \
        'qemu+unix:///system?socket=/st/run/libvirt/libvirt-sock'
    assert nova['os_vif_ovs']['ovsdb_connection'] == \
        'unix:/st/run/ovs/db.sock'
    ns = netns.plan(make_ctx())['netns']
    assert nova['vif_plug_ovs_privileged']['helper_command'].startswith(
        'ip netns exec %s ' % ns)
    assert 'sudo' not in nova['nova_sys_admin']['helper_command']


def test_real_programs_datapath_in_the_namespace_databases_on_the_host():
    progs = {p.name: p for p in services.programs(make_ctx())}
    ns = netns.plan(make_ctx())['netns']
    for name in dataplane.PROGRAMS:
        inside = progs[name].command[:4] == ['ip', 'netns', 'exec', ns]
        assert inside == (name in dataplane.IN_NETNS), name
        assert progs[name].env['OVS_RUNDIR'] == '/st/run/ovs'
    assert list(progs)[:len(dataplane.PROGRAMS)] == list(dataplane.PROGRAMS)
    assert progs['neutron'].env['ASGI_WORKERS'] == '1'
    shell = progs['libvirtd'].command[-1]
    assert 'mount --bind /st/etc/libvirt /etc/libvirt' in shell
    assert 'mount --bind /st/run/ovs /run/openvswitch' in shell
    assert shell.endswith(
        'exec libvirtd --pid-file /run/libvirt/libvirtd.pid')
    assert progs['virtlogd'].command[-1].endswith(
        'exec virtlogd --pid-file /run/libvirt/virtlogd.pid')


def test_tso_and_mappings_are_set_before_vswitchd():
    args = dataplane.ovs_settings(make_ctx(), render_ovn.MAPPINGS)
    assert 'other_config:userspace-tso-enable=true' in args
    assert 'external-ids:hostname="constellation"' in args
    assert 'external-ids:ovn-bridge-mappings="public:br-ex,physnet1:' \
        'br-prov"' in args
    assert 'external-ids:ovn-bridge-datapath-type="netdev"' in args


def test_real_tempest_conf_reaches_guests_as_root_over_floating_ips():
    res = {'image_id': 'img', 'flavor_ref': '42', 'flavor_ref_alt': '84',
           'public_network_id': 'net', 'network_extensions': ['dns']}
    conf = parse(tempestconf.tempest_conf(make_ctx(), res))
    assert conf['validation']['run_validation'] == 'True'
    assert conf['validation']['connect_method'] == 'floating'
    assert conf['validation']['image_ssh_user'] == 'root'
    assert conf['compute-feature-enabled']['config_drive'] == 'True'
    # where the guest keeps what must survive a snapshot
    assert conf['scenario']['target_dir'] == guest_files.DISK_DIR
    fast = parse(tempestconf.tempest_conf(make_ctx(profile='fast'), res))
    assert fast['validation']['run_validation'] == 'False'


def test_real_profile_grants_nova_admin_for_neutrons_events():
    assert bootstrap.service_roles(make_ctx())['nova'] == ('service',
                                                           'admin')
    assert bootstrap.service_roles(make_ctx(profile='fast'))['nova'] == (
        'service',)
    assert bootstrap.keystone_key(make_ctx()) != bootstrap.keystone_key(
        make_ctx(profile='fast'))


def test_tap_keeper_sets_up_only_a_tap_left_promisc_and_down():
    # the state ovs-vswitchd's stale flags leave (PROMISC without UP), if
    # still so after the delay; nothing else: a tap os-vif has not brought
    # up yet, a running one, one os-vif brought up meanwhile, other devices
    fix = dataplane.TAP_KEEPER.split('echo "tap-keeper: watching')[0]
    lines = ['12: tapa-b1: <BROADCAST,MULTICAST,PROMISC> mtu 1442',
             '13: tapc-d2: <BROADCAST,MULTICAST> mtu 1442',
             '14: tape-f3: <BROADCAST,MULTICAST,PROMISC,UP,LOWER_UP> mtu 1',
             '15: tapg-h4: <NO-CARRIER,BROADCAST,MULTICAST,PROMISC,UP> m',
             '16: br-int: <BROADCAST,MULTICAST,PROMISC> mtu 1500',
             '17: tapi-j5: <BROADCAST,MULTICAST,PROMISC> mtu 1442']
    now = {'tapa-b1': lines[0],
           'tapi-j5': '17: tapi-j5: <BROADCAST,MULTICAST,PROMISC,UP> m'}
    stub = 'ip() {\n    case "$*" in\n'
    for dev, line in now.items():
        stub += '    "-o link show dev %s") echo %s ;;\n' % (
            dev, shlex.quote(line))
    stub += '    *) echo "ip $*" >&2 ;;\n    esac\n}\n'
    script = stub + fix + ''.join(
        'line=%s; fix $line\n' % shlex.quote(line) for line in lines)
    r = subprocess.run(['sh', '-c', script + 'wait\n'], capture_output=True,
                       text=True, env={'TAP_KEEPER_DELAY': '0',
                                       'PATH': '/usr/bin:/bin'})
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines() == ['ip link set tapa-b1 up']
    assert 'tapa-b1 was <BROADCAST,MULTICAST,PROMISC>' in r.stdout
    progs = {p.name: p for p in services.programs(make_ctx())}
    cmd = progs['tap-keeper'].command
    assert cmd[-1] == dataplane.TAP_KEEPER
    assert dataplane.socket_of(make_ctx(), 'tap-keeper') is None
    # supervisord.conf holds it on one line, parsed back by shlex
    line = services._cmd_str(cmd)
    assert '\n' not in line
    assert not re.search(r'\s[;#]', line), 'a supervisord comment'
    assert shlex.split(line.replace('%%', '%')) == cmd
