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

"""The real profile's steps of `install`, `up` and `down`.

``install``: the data plane's Debian packages, Debian's libvirt binding
linked into the services venv, the guest image (``guest_image``).
``up``: refuse a floating-IP range that overlaps the host's, create the
namespace (``netns``), the OVS/OVN databases, start the data plane
(``dataplane``) in its order.  ``down``/``destroy``: stop what runs in
the namespace (the guests: QEMU is libvirtd's grandchild, reparented to
init) and remove the namespace, its devices, the route and its /etc.
"""

import glob
import os

from constellation import dataplane
from constellation import errors
from constellation import netns
from constellation import render_ovn

Failure = errors.Failure

APT_PACKAGES = ('openvswitch-switch', 'ovn-central', 'ovn-host',
                'qemu-system-x86', 'qemu-utils', 'libvirt-daemon-system',
                'libvirt-daemon-driver-qemu', 'libvirt-clients',
                'python3-libvirt', 'genisoimage', 'syslinux',
                'syslinux-common', 'mtools', 'dosfstools', 'cpio',
                # Tempest pings floating IPs from the host
                'iputils-ping')
APT_BINARIES = {'openvswitch-switch': 'ovs-vswitchd',
                'ovn-central': 'ovn-northd', 'ovn-host': 'ovn-controller',
                'qemu-system-x86': 'qemu-system-x86_64',
                'qemu-utils': 'qemu-img', 'libvirt-daemon-system': 'libvirtd',
                'libvirt-daemon-driver-qemu':
                    '/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/'
                    'libvirt_driver_qemu.so',
                'libvirt-clients': 'virsh',
                'python3-libvirt': '/usr/lib/python3/dist-packages/'
                                   'libvirt.py',
                'genisoimage': 'genisoimage', 'syslinux': 'syslinux',
                'syslinux-common': '/usr/lib/syslinux/mbr/mbr.bin',
                'mtools': 'mcopy', 'dosfstools': 'mkfs.vfat', 'cpio': 'cpio',
                'iputils-ping': 'ping'}
# Debian's libvirt binding (python3-libvirt 9.0, built for this libvirt and
# python 3.11): its files, linked into the services venv
LIBVIRT_PY = ('libvirt.py', 'libvirt_qemu.py', 'libvirt_lxc.py',
              'libvirtaio.py', 'libvirtmod*.so')
DIST = '/usr/lib/python3/dist-packages'


def link_libvirt_python(venv, dist=DIST):
    site = glob.glob(os.path.join(venv, 'lib', 'python3*', 'site-packages'))
    if not site:
        raise Failure('no site-packages in %s' % venv, service='install')
    linked = []
    for pattern in LIBVIRT_PY:
        for src in glob.glob(os.path.join(dist, pattern)):
            dst = os.path.join(site[0], os.path.basename(src))
            if os.path.islink(dst) and os.readlink(dst) == src:
                continue
            if os.path.lexists(dst):
                os.unlink(dst)
            os.symlink(src, dst)
            linked.append(os.path.basename(src))
    if not glob.glob(os.path.join(site[0], 'libvirtmod*.so')):
        raise Failure('python3-libvirt is not installed (%s/libvirtmod*.so '
                      'missing)' % dist, service='install')
    return 'libvirt binding: %s' % (
        'linked %s' % ', '.join(linked) if linked else 'linked before')


def host_check(ctx, p, run=netns._run):
    """Refuse a floating-IP range overlapping one the host holds."""
    held = netns.host_networks(run(['ip', '-j', 'addr', 'show']),
                               run(['ip', '-j', 'route', 'show']),
                               ignore=(p['host_if'],))
    netns.check_no_overlap(p['cidr'], held,
                           'derived from --port-base %d' % ctx['port_base'])
    return 'no overlap with the host\'s %d networks' % len(held)


def prepare(c, ctx):
    """Namespace, veth, route, directories, OVS/OVN databases."""
    p = netns.plan(ctx)
    c.say(c.step('host address ranges', host_check, ctx, p,
                 service='netns'))
    c.say(c.step('network namespace', netns.setup, p, dataplane.NOVA_HOST,
                 service='netns'))
    for d in dataplane.dirs(ctx):
        os.makedirs(d, exist_ok=True)
    for d in dataplane.mount_points():
        os.makedirs(d, exist_ok=True)   # empty mount points under /run


def vsctl(ctx, args):
    return netns._run(['ovs-vsctl', '--db=unix:%s' % dataplane.ovs_db_sock(
        ctx), '--timeout=30'] + args)


def start(c, ctx):
    """The data plane in order; returns once libvirtd answers."""
    for cmd in dataplane.create_db_commands(ctx):
        netns._run(cmd)
    for name in ('ovsdb-server', 'ovn-nb', 'ovn-sb'):
        c.start(ctx, name, wait=False)
    for name in ('ovsdb-server', 'ovn-nb', 'ovn-sb'):
        c.step('start %s' % name, c.wait_ready, ctx, name, service=name)
    vsctl(ctx, dataplane.ovs_settings(ctx, render_ovn.MAPPINGS))
    for name in ('ovs-vswitchd', 'tap-keeper', 'ovn-northd', 'virtlogd'):
        c.start(ctx, name, wait=False)
    c.step('start ovs-vswitchd', c.wait_ready, ctx, 'ovs-vswitchd',
           service='ovs-vswitchd')
    for args in dataplane.bridge_commands(ctx, render_ovn.MAPPINGS):
        vsctl(ctx, args)
    for name in ('ovn-controller', 'libvirtd'):
        c.start(ctx, name, wait=False)
    for name in ('tap-keeper', 'ovn-northd', 'ovn-controller', 'virtlogd',
                 'libvirtd'):
        c.step('start %s' % name, c.wait_ready, ctx, name, service=name)


def teardown(c, ctx):
    """Stop what is left in our namespace, then remove it (idempotent)."""
    p = netns.plan(ctx)
    left = netns.pids(p['netns'])
    if left:
        c.say('stopping %d processes left in namespace %s (guests): %s' % (
            len(left), p['netns'], ' '.join(map(str, left))))
        c.kill_pids(left)
    done = netns.teardown(p)
    if done:
        c.say('removed %s' % ', '.join(done))
    return done
