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

"""Configs of the real profile: Neutron ML2/OVN, Nova libvirt, libvirt.

The fast profile's files (``render``) with what devstack's ovn_agent and
hypervisor-libvirt set instead: the ``ovn`` mechanism driver with OVN L3
(``ovn-router``) and OVN's native DHCP, Geneve tenant networks; Nova's
libvirt driver with ``virt_type = qemu`` (TCG: this kind of machine has no
KVM that boots a stock kernel), os-vif on our ovsdb.

Metadata: a config drive (``force_config_drive``), not the
ovn-metadata-agent.  The agent needs one haproxy per network in the
namespace plus Nova's metadata API, ~150 MiB and three more programs,
only to hand the guest what Nova writes on the config drive anyway; the
guest reads its SSH key from there.  ``[ovn] ovn_metadata_enabled`` is
on all the same, as on devstack: Neutron then gives each network a
metadata port, and OVN's DHCP serves a subnet without a gateway only
with that port's address as its server id (ovn_client
_get_ovn_dhcpv4_opts); off, a guest on such a subnet gets no lease.
"""

import os

from constellation import dataplane
from constellation import netns
from constellation import render

PROFILES = ('fast', 'real')
DEFAULT_PROFILE = 'fast'
# physical network -> OVS bridge (ovn-bridge-mappings)
MAPPINGS = ((render.PUBLIC_PHYSNET, dataplane.PUBLIC_BRIDGE),
            (render.PROVIDER_PHYSNET, dataplane.PROVIDER_BRIDGE))
GENEVE_HEADER = 38


def is_real(ctx):
    return ctx.get('profile', DEFAULT_PROFILE) == 'real'


def patch(text, changes, drop=()):
    """INI ``text`` with ``changes`` applied (``render.patch``)."""
    return render.patch(text, changes, drop)


def _privsep(ctx):
    """Nova's privsep daemons: root already, no sudo/rootwrap.

    os-vif's (``vif_plug_ovs_privileged``) runs in the namespace: with
    Neutron's ``ovs_create_tap`` (default True, as on devstack) os-vif
    creates the guest's tap and libvirt uses it as it is (managed='no'),
    so the tap must be made where libvirtd and ovs-vswitchd are.
    """
    helper = '%s --config-file %s' % (
        os.path.join(ctx['venv'], 'bin', 'privsep-helper'),
        render.etc(ctx, 'nova', 'nova.conf'))
    out = {s: {'helper_command': helper} for s in (
        'privsep', 'nova_sys_admin', 'vif_plug_linux_bridge_privileged')}
    out['vif_plug_ovs_privileged'] = {
        'helper_command': 'ip netns exec %s %s' % (
            netns.plan(ctx)['netns'], helper)}
    return out


def nova_conf(ctx):
    changes = {
        'DEFAULT': {
            'compute_driver': 'libvirt.LibvirtDriver',
            'host': dataplane.NOVA_HOST,
            'force_config_drive': True,
            # OVN reports the port up once ovn-controller bound it
            'vif_plugging_is_fatal': True,
            'vif_plugging_timeout': 60,
            'mkisofs_cmd': 'genisoimage',
        },
        'libvirt': {
            'virt_type': 'qemu',
            'connection_uri': dataplane.libvirt_uri(ctx),
            'cpu_mode': 'none',
            'images_type': 'qcow2',
            'inject_partition': -2,
        },
        'os_vif_ovs': {
            'ovsdb_connection': 'unix:%s' % dataplane.ovs_db_sock(ctx),
            'ovsdb_interface': 'native',
        },
        'compute': {'max_concurrent_builds': 4},
    }
    changes.update(_privsep(ctx))
    return patch(render.nova_conf(ctx), changes)


def neutron_conf(ctx):
    return patch(render.neutron_conf(ctx), {
        'DEFAULT': {'service_plugins': 'ovn-router',
                    'dhcp_agent_notification': False},
        'ovs': {'igmp_snooping_enable': False},
    })


def ml2_conf(ctx):
    lo, hi = render.TENANT_VLAN_RANGE
    return render.ini({
        'ml2': {
            'type_drivers': 'flat,vlan,geneve',
            'tenant_network_types': 'geneve',
            'mechanism_drivers': 'ovn',
            'extension_drivers': 'port_security,dns_domain_keywords',
            'overlay_ip_version': 4,
        },
        'ml2_type_flat': {'flat_networks': render.PUBLIC_PHYSNET},
        'ml2_type_vlan': {'network_vlan_ranges': '%s:%d:%d' % (
            render.PROVIDER_PHYSNET, lo, hi)},
        'ml2_type_geneve': {'vni_ranges': '1:65536',
                            'max_header_size': GENEVE_HEADER},
        'ovn': {
            'ovn_nb_connection': 'unix:%s' % dataplane.nb_sock(ctx),
            'ovn_sb_connection': 'unix:%s' % dataplane.sb_sock(ctx),
            'ovn_l3_scheduler': 'leastloaded',
            # DHCP on subnets without a gateway (module docstring); no
            # agent answers 169.254.169.254, the guests read the config
            # drive
            'ovn_metadata_enabled': True,
            'neutron_sync_mode': 'off',
            'dns_servers': netns.plan(ctx)['dns_sink'],
        },
        'securitygroup': {'enable_security_group': True},
    })


def libvirtd_conf(ctx):
    return '\n'.join([
        '# constellation: libvirtd of %s (bound over /etc/libvirt)'
        % ctx['root'],
        'unix_sock_group = "root"',
        'unix_sock_ro_perms = "0700"',
        'unix_sock_rw_perms = "0700"',
        'auth_unix_ro = "none"',
        'auth_unix_rw = "none"',
        'log_outputs = "3:stderr"',
        'keepalive_interval = -1',
        '',
    ])


def qemu_conf(ctx):
    return '\n'.join([
        '# constellation: QEMU guests of %s' % ctx['root'],
        'user = "root"',
        'group = "root"',
        'dynamic_ownership = 0',
        'security_driver = "none"',
        'remember_owner = 0',
        'stdio_handler = "logd"',
        'vnc_listen = "127.0.0.1"',
        'spice_listen = "127.0.0.1"',
        '',
    ])


def virtlogd_conf(ctx):
    return 'log_outputs = "3:stderr"\nmax_clients = 64\n'


def files(ctx):
    """The real profile's files: relative path under etc/ -> text."""
    return {
        'nova/nova.conf': nova_conf(ctx),
        'neutron/neutron.conf': neutron_conf(ctx),
        'neutron/ml2_conf.ini': ml2_conf(ctx),
        'libvirt/libvirtd.conf': libvirtd_conf(ctx),
        'libvirt/qemu.conf': qemu_conf(ctx),
        'libvirt/virtlogd.conf': virtlogd_conf(ctx),
        'libvirt/libvirt.conf': '',
    }
