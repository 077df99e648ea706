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

"""The real profile's data plane: OVS, OVN, libvirt under supervisord.

Open vSwitch (its ovsdb-server and ovs-vswitchd with the userspace
``netdev`` datapath: this kernel has no openvswitch module), OVN (NB and SB
ovsdb-servers, ovn-northd, ovn-controller) and libvirt (libvirtd,
virtlogd) from Debian's packages.  Everything talks over unix sockets in
the state dir (``OVS_RUNDIR``/``OVN_RUNDIR``), so no TCP port is added.
ovs-vswitchd, libvirtd and virtlogd run inside the constellation's network
namespace (:mod:`netns`): the bridges, the veth end and the guests' taps
are there.  libvirtd and virtlogd run in a private mount namespace with
the state dir's directories bound over /etc/libvirt, /run/libvirt,
/var/lib/libvirt, /var/log/libvirt, /var/cache/libvirt and the OVS run dir
over /run/openvswitch (libvirt's ``ovs-vsctl`` finds our ovsdb there); the
cgroup v1 controllers, hidden by ``ip netns exec``'s remount of /sys, are
mounted again inside.

Pure: commands, environments and the bootstrap's ``ovs-vsctl`` lines.
"""

import os
import shlex
import uuid

from constellation import netns

NOVA_HOST = 'constellation'   # [DEFAULT] host of nova.conf = chassis name
PUBLIC_BRIDGE = 'br-ex'
PROVIDER_BRIDGE = 'br-prov'
INTEGRATION_BRIDGE = 'br-int'
# program -> (kind of health check, where it runs: host | netns)
PROGRAMS = ('ovsdb-server', 'ovs-vswitchd', 'tap-keeper', 'ovn-nb', 'ovn-sb',
            'ovn-northd', 'ovn-controller', 'virtlogd', 'libvirtd')
IN_NETNS = ('ovs-vswitchd', 'tap-keeper', 'virtlogd', 'libvirtd')
# tap-keeper: os-vif adds a guest's port to OVS, then creates its tap and
# sets it up; the userspace (netdev) datapath opens the new device and sets
# IFF_PROMISC from the flags it read when it opened it (lib/netdev-linux.c
# update_flags: the cached ifi_flags).  When os-vif's "up" falls between the
# two (a few ms, wider at load 5+ with TCG guests on both cores), OVS writes
# the flags back without IFF_UP: the tap stays down, PROMISC set (seen:
# <BROADCAST,MULTICAST,PROMISC>, OVS logging "error sending Ethernet packet
# on tap...: Network is down"), the guest gets no DHCP lease or router
# advertisement and its floating IP never answers.  The kernel datapath
# (devstack's) sets no flags.  The keeper watches the namespace's links
# and sets up any tap in exactly that state, which nothing else makes
# (os-vif ups a tap before OVS sets PROMISC; OVS clears PROMISC when it
# lets a port go).
# one line, and no ';' or '#' after a blank: supervisord.conf holds it as
# the program's command, where those start a comment
TAP_KEEPER = '; '.join((
    'stuck() { case "$2" in tap*);; *) return 1;; esac; '
    'case "$3" in *PROMISC*);; *) return 1;; esac; '
    'case "$3" in *"<UP"*|*,UP*) return 1;; esac; }',
    # a new tap is PROMISC and down for a moment before os-vif's "up":
    # act on one still so a second later
    'fix() { stuck "$@" || return 0; dev=${2%:}; dev=${dev%@*}; '
    '( sleep "${TAP_KEEPER_DELAY:-1}"; '
    'now=$(ip -o link show dev "$dev" 2>/dev/null) || exit 0; '
    'stuck $now || exit 0; ip link set "$dev" up && '
    'echo "$(date -u +%FT%TZ) tap-keeper: $dev was $3 '
    '(IFF_PROMISC without IFF_UP): set up" ) & }',
    'echo "tap-keeper: watching the links of this namespace"',
    'ip -o link | while read -r line; do fix $line; done',
    'ip -o monitor link | while read -r line; do '
    'case "$line" in Deleted*) continue;; esac; fix $line; done'))
LIBVIRT_BINDS = (('etc', 'libvirt', '/etc/libvirt'),
                 ('run', 'libvirt', '/run/libvirt'),
                 ('data', 'libvirt/lib', '/var/lib/libvirt'),
                 ('data', 'libvirt/cache', '/var/cache/libvirt'),
                 ('logs', 'libvirt', '/var/log/libvirt'),
                 ('run', 'ovs', '/run/openvswitch'))
CGROUP_V1 = ('cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer',
             'blkio', 'pids')


def _p(ctx, kind, *parts):
    return os.path.join(ctx['root'], kind, *parts)


def ovs_run(ctx):
    return _p(ctx, 'run', 'ovs')


def ovn_run(ctx):
    return _p(ctx, 'run', 'ovn')


def ovs_db_sock(ctx):
    return os.path.join(ovs_run(ctx), 'db.sock')


def nb_sock(ctx):
    return os.path.join(ovn_run(ctx), 'ovnnb_db.sock')


def sb_sock(ctx):
    return os.path.join(ovn_run(ctx), 'ovnsb_db.sock')


def libvirt_sock(ctx):
    return _p(ctx, 'run', 'libvirt', 'libvirt-sock')


def libvirt_uri(ctx):
    return 'qemu+unix:///system?socket=%s' % libvirt_sock(ctx)


# what a healthy program answers on (a unix socket it listens on)
def socket_of(ctx, name):
    return {
        'ovsdb-server': ovs_db_sock(ctx),
        'ovs-vswitchd': os.path.join(ovs_run(ctx), 'ovs-vswitchd.ctl'),
        'ovn-nb': nb_sock(ctx),
        'ovn-sb': sb_sock(ctx),
        'ovn-northd': os.path.join(ovn_run(ctx), 'ovn-northd.ctl'),
        'ovn-controller': None,   # its ctl is named by pid (no --unixctl)
        'virtlogd': _p(ctx, 'run', 'libvirt', 'virtlogd-sock'),
        'libvirtd': libvirt_sock(ctx),
        'tap-keeper': None,       # no socket: RUNNING is healthy
    }[name]


def env(ctx):
    """OVS_*/OVN_* dirs of ours: the tools default to our sockets."""
    return {
        'OVS_RUNDIR': ovs_run(ctx), 'OVS_DBDIR': _p(ctx, 'data', 'ovs'),
        'OVS_LOGDIR': _p(ctx, 'logs'), 'OVS_SYSCONFDIR': _p(ctx, 'etc',
                                                            'ovs'),
        'OVN_RUNDIR': ovn_run(ctx), 'OVN_DBDIR': _p(ctx, 'data', 'ovn'),
        'OVN_LOGDIR': _p(ctx, 'logs'), 'OVN_SYSCONFDIR': _p(ctx, 'etc',
                                                            'ovn'),
    }


DIRS = (('run', 'ovs'), ('run', 'ovn'), ('data', 'ovs'), ('data', 'ovn'),
        ('etc', 'ovs'), ('etc', 'ovn'), ('etc', 'libvirt'),
        ('run', 'libvirt'), ('data', 'libvirt', 'lib'),
        ('data', 'libvirt', 'cache'), ('logs', 'libvirt'))


def dirs(ctx):
    return [_p(ctx, *d) for d in DIRS]


# databases: (file under data/, schema)
DATABASES = {
    'ovsdb-server': (('ovs', 'conf.db'),
                     '/usr/share/openvswitch/vswitch.ovsschema'),
    'ovn-nb': (('ovn', 'ovnnb_db.db'), '/usr/share/ovn/ovn-nb.ovsschema'),
    'ovn-sb': (('ovn', 'ovnsb_db.db'), '/usr/share/ovn/ovn-sb.ovsschema'),
}


def db_file(ctx, name):
    return _p(ctx, 'data', *DATABASES[name][0])


def create_db_commands(ctx):
    """``ovsdb-tool create`` for each database that does not exist."""
    return [['ovsdb-tool', 'create', db_file(ctx, n), DATABASES[n][1]]
            for n in sorted(DATABASES) if not os.path.exists(db_file(ctx, n))]


def _ovsdb_server(ctx, name, sock, run_dir):
    stem = os.path.basename(sock)[:-len('.sock')]
    return ['ovsdb-server', db_file(ctx, name),
            '--remote=punix:%s' % sock,
            '--pidfile=%s' % os.path.join(run_dir, stem + '.pid'),
            '--unixctl=%s' % os.path.join(run_dir, stem + '.ctl')]


def libvirt_shell(ctx, daemon):
    """sh -c text: our dirs bound over libvirt's, cgroups, then exec."""
    lines = ['set -e', 'mount --make-rprivate /']
    for kind, rel, target in LIBVIRT_BINDS:
        lines.append('mount --bind %s %s' % (
            shlex.quote(_p(ctx, kind, *rel.split('/'))), target))
    lines.append('mount -t tmpfs -o mode=755 cgroup_root /sys/fs/cgroup')
    for c in CGROUP_V1:
        lines.append('mkdir -p /sys/fs/cgroup/%s && mount -t cgroup -o %s '
                     'cgroup /sys/fs/cgroup/%s || true' % (c, c, c))
    lines.append('exec %s' % daemon)
    return '; '.join(lines)


def mount_points():
    """Host directories the bind mounts need (empty, under /run)."""
    return [t for _k, _r, t in LIBVIRT_BINDS if t.startswith('/run/')]


def commands(ctx):
    """{program: argv}; those in :data:`IN_NETNS` wrapped into the netns."""
    ns = netns.plan(ctx)['netns']
    ovs, ovn = ovs_run(ctx), ovn_run(ctx)
    cmds = {
        'ovsdb-server': _ovsdb_server(ctx, 'ovsdb-server', ovs_db_sock(ctx),
                                      ovs),
        'ovs-vswitchd': ['ovs-vswitchd', 'unix:%s' % ovs_db_sock(ctx),
                         '--pidfile=%s' % os.path.join(ovs,
                                                       'ovs-vswitchd.pid'),
                         '--unixctl=%s' % os.path.join(ovs,
                                                       'ovs-vswitchd.ctl')],
        'ovn-nb': _ovsdb_server(ctx, 'ovn-nb', nb_sock(ctx), ovn),
        'ovn-sb': _ovsdb_server(ctx, 'ovn-sb', sb_sock(ctx), ovn),
        'ovn-northd': ['ovn-northd', '--ovnnb-db=unix:%s' % nb_sock(ctx),
                       '--ovnsb-db=unix:%s' % sb_sock(ctx),
                       '--pidfile=%s' % os.path.join(ovn, 'ovn-northd.pid'),
                       '--unixctl=%s' % os.path.join(ovn, 'ovn-northd.ctl')],
        'ovn-controller': ['ovn-controller', 'unix:%s' % ovs_db_sock(ctx),
                           '--pidfile=%s' % os.path.join(
                               ovn, 'ovn-controller.pid')],
        'tap-keeper': ['sh', '-c', TAP_KEEPER],
        # pid files in our /run/libvirt: their default is the host's /run
        # (/run/virtlogd.pid), where a second real constellation's daemons
        # found the first one's lock and died ("Failed to acquire pid
        # file")
        'virtlogd': ['unshare', '--mount', '--propagation', 'private', '--',
                     'sh', '-c', libvirt_shell(
                         ctx, 'virtlogd --pid-file '
                         '/run/libvirt/virtlogd.pid')],
        'libvirtd': ['unshare', '--mount', '--propagation', 'private', '--',
                     'sh', '-c', libvirt_shell(
                         ctx, 'libvirtd --pid-file '
                         '/run/libvirt/libvirtd.pid')],
    }
    for name in IN_NETNS:
        cmds[name] = netns.wrap(ns, cmds[name], NOVA_HOST)
    return cmds


def system_id(ctx):
    """The chassis' system-id: stable for a state dir."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, 'constellation:' +
                          os.path.abspath(ctx['root'])))


def ovs_settings(ctx, mappings):
    """``ovs-vsctl`` args configuring OVS and ovn-controller (no wait).

    Set before ovs-vswitchd starts: userspace-tso-enable is read at its
    start (without it, partial checksums from virtio/veth offload cross
    the userspace datapath uncorrected and TCP fails).
    """
    ext = {
        'system-id': system_id(ctx),
        'hostname': NOVA_HOST,
        'ovn-remote': 'unix:%s' % sb_sock(ctx),
        'ovn-encap-type': 'geneve',
        'ovn-encap-ip': '127.0.0.1',
        'ovn-bridge': INTEGRATION_BRIDGE,
        'ovn-bridge-datapath-type': 'netdev',
        'ovn-bridge-mappings': ','.join('%s:%s' % m for m in mappings),
        'ovn-cms-options': 'enable-chassis-as-gw',
    }
    args = ['--no-wait', 'set', 'open_vswitch', '.',
            'other_config:userspace-tso-enable=true']
    args += ['external-ids:%s="%s"' % kv for kv in sorted(ext.items())]
    return args


def bridge_commands(ctx, mappings):
    """``ovs-vsctl`` args: the bridges and the veth end on br-ex."""
    p = netns.plan(ctx)
    out = []
    for br in [INTEGRATION_BRIDGE] + [b for _n, b in mappings]:
        extra = ['fail-mode=secure', 'other-config:disable-in-band=true'] \
            if br == INTEGRATION_BRIDGE else []
        out.append(['--may-exist', 'add-br', br, '--', 'set', 'bridge', br,
                    'datapath_type=netdev'] + extra)
    out.append(['--may-exist', 'add-port', PUBLIC_BRIDGE, p['ns_if']])
    return out
