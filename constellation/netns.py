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

"""The real profile's network namespace: names, addresses, host checks.

Every datapath device of the real profile (OVS bridges, the guests' taps)
lives in one network namespace that the constellation creates and owns.
Its name and its floating-IP range derive from the state dir and the port
base, so two constellations on one machine never share either.  The host
reaches the floating-IP range only through one veth pair: the host end
carries the public subnet's gateway address (as devstack's br-ex does), so
the one host route is the connected route of that address, gone with the
device; forwarding is off on it.  The namespace itself has no default
route: guests' traffic to anything but the floating-IP range ends there.

``ip netns exec`` shares the host's /etc unless /etc/netns/<ns>/ exists
(a DHCP client hook run through it once rewrote the host's resolv.conf):
:func:`setup` writes resolv.conf, hosts and hostname there first, and
every program runs under ``unshare -u`` (its own hostname).

Pure functions plan; :func:`setup` and :func:`teardown` run ``ip`` through
a ``run`` callable (a fake in unit tests).
"""

import hashlib
import ipaddress
import json
import os
import shutil
import subprocess

from constellation import errors
from constellation import ports

# RFC 2544's benchmarking range: never routed on the Internet, one /24 per
# port block (ports.SPAN) so that constellations never share a range
FLOATING_SUPERNET = ipaddress.ip_network('198.18.0.0/15')
FIRST_BASE = 1024  # ports.parse_base's lowest
ETC_NETNS = '/etc/netns'
NETNS_RUN = '/run/netns'


def name(root, port_base):
    """The namespace's name: port base + a hash of the state dir."""
    h = hashlib.sha256(os.path.abspath(root).encode()).hexdigest()[:6]
    return 'cst%d-%s' % (port_base, h)


def veth_names(port_base):
    """(host end, namespace end); interface names are <= 15 bytes."""
    return 'cst%dh' % port_base, 'cst%dn' % port_base


def is_host_veth(ifname):
    """Whether ``ifname`` is the host end of any constellation's veth."""
    digits = ''.join(c for c in ifname if c.isdigit())
    return bool(digits) and veth_names(int(digits))[0] == ifname


def floating_net(port_base, span=ports.SPAN):
    """The /24 of the floating-IP (public) network for this port block."""
    index = (port_base - FIRST_BASE) // span
    nets = list(FLOATING_SUPERNET.subnets(new_prefix=24))
    if not 0 <= index < len(nets):
        raise errors.Failure('no floating-IP range for --port-base %d (%s '
                             'has %d /24s)' % (port_base, FLOATING_SUPERNET,
                                               len(nets)))
    return nets[index]


def plan(ctx):
    """Everything the real profile's data plane is named or numbered by."""
    base = ctx['port_base']
    net = floating_net(base)
    hosts = list(net.hosts())
    host_if, ns_if = veth_names(base)
    return {
        'netns': name(ctx['root'], base),
        'host_if': host_if, 'ns_if': ns_if,
        'cidr': str(net),
        'gateway': str(hosts[0]),
        'pool_start': str(hosts[9]), 'pool_end': str(hosts[-5]),
        # the guests' DHCP nameserver: an address nothing holds (OVN's own
        # DNS answers the names it knows; Neutron would otherwise hand out
        # the host's resolvers from its /etc/resolv.conf)
        'dns_sink': str(hosts[-2]),
        'prefixlen': net.prefixlen,
    }


def host_networks(addr_json, route_json, ignore=()):
    """[(network, where)] the host holds: its addresses and its routes.

    From ``ip -j addr`` and ``ip -j route``; interfaces in ``ignore`` (our
    own veth, still there from an earlier `up`) do not count.
    """
    out = []
    for link in json.loads(addr_json or '[]'):
        if link.get('ifname') in ignore:
            continue
        for a in link.get('addr_info', ()):
            if a.get('family') != 'inet':
                continue
            net = ipaddress.ip_network('%s/%s' % (a['local'],
                                                  a['prefixlen']),
                                       strict=False)
            out.append((net, 'address %s/%s on %s' % (
                a['local'], a['prefixlen'], link.get('ifname'))))
    for r in json.loads(route_json or '[]'):
        if r.get('dev') in ignore or r.get('dst') in (None, 'default'):
            continue
        try:
            net = ipaddress.ip_network(r['dst'], strict=False)
        except ValueError:
            continue
        if net.version == 4:
            out.append((net, 'route %s dev %s' % (r['dst'], r.get('dev'))))
    return out


def check_no_overlap(cidr, held, origin):
    """Refuse a floating-IP range that overlaps one of the host's own."""
    ours = ipaddress.ip_network(cidr)
    for net, where in held:
        if net.overlaps(ours):
            raise errors.Failure(
                'the real profile\'s floating-IP range %s (%s) overlaps the '
                'host\'s %s (%s): a route to it would take the host\'s '
                'traffic; choose another --port-base' % (
                    ours, origin, net, where), service='netns')


def _run(cmd, check=True):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if check and r.returncode:
        raise errors.Failure('%s failed (exit %d): %s' % (
            ' '.join(cmd), r.returncode, (r.stderr or r.stdout).strip()),
            service='netns')
    return r.stdout


def exists(ns, run_dir=NETNS_RUN):
    return os.path.exists(os.path.join(run_dir, ns))


def etc_files(ns, hostname):
    """/etc/netns/<ns>/ files: what programs in the namespace see as /etc.

    No nameserver: nothing in the namespace resolves names.
    """
    return {
        'resolv.conf': '# constellation namespace %s: no DNS\n' % ns,
        'hosts': '127.0.0.1 localhost %s\n::1 localhost\n' % hostname,
        'hostname': hostname + '\n',
    }


def write_etc(ns, hostname, etc_root=ETC_NETNS):
    d = os.path.join(etc_root, ns)
    os.makedirs(d, exist_ok=True)
    for fname, text in etc_files(ns, hostname).items():
        with open(os.path.join(d, fname), 'w') as f:
            f.write(text)
    return d


def setup(p, hostname, run=_run, etc_root=ETC_NETNS):
    """Create the namespace, its /etc, the veth pair and the one route.

    Idempotent: an existing namespace of ours is kept, a missing veth is
    made again.  ``p`` is :func:`plan`'s output.
    """
    ns = p['netns']
    write_etc(ns, hostname, etc_root)
    if not exists(ns):
        run(['ip', 'netns', 'add', ns])
    nsx = ['ip', '-n', ns]
    run(nsx + ['link', 'set', 'lo', 'up'])
    links = json.loads(run(['ip', '-j', 'link', 'show']) or '[]')
    if p['host_if'] not in {link.get('ifname') for link in links}:
        run(['ip', 'link', 'add', p['host_if'], 'type', 'veth', 'peer',
             'name', p['ns_if'], 'netns', ns])
    # nothing the host receives there is forwarded; no IPv6 on it
    for key in ('net.ipv4.conf.%s.forwarding' % p['host_if'],
                'net.ipv6.conf.%s.disable_ipv6' % p['host_if']):
        run(['sysctl', '-q', '-w', '%s=%d' % (key, 'ipv6' in key)])
    run(['ip', 'addr', 'replace', '%s/%d' % (p['gateway'], p['prefixlen']),
         'dev', p['host_if']])
    run(['ip', 'link', 'set', p['host_if'], 'up'])
    run(nsx + ['link', 'set', p['ns_if'], 'up'])
    return 'namespace %s, %s (host, %s) <-> %s; route %s dev %s' % (
        ns, p['host_if'], p['gateway'], p['ns_if'], p['cidr'], p['host_if'])


def pids(ns, run=_run):
    """PIDs of every process in the namespace (provably ours)."""
    if not exists(ns):
        return []
    out = run(['ip', 'netns', 'pids', ns], check=False)
    return sorted(int(x) for x in out.split() if x.isdigit())


def teardown(p, run=_run, etc_root=ETC_NETNS):
    """Remove the namespace, its devices (and so the route) and its /etc.

    The caller has stopped the processes inside (:func:`pids`).
    """
    done = []
    if exists(p['netns']):
        run(['ip', 'netns', 'del', p['netns']])
        done.append('namespace %s' % p['netns'])
    links = json.loads(run(['ip', '-j', 'link', 'show'], check=False)
                       or '[]')
    if p['host_if'] in {link.get('ifname') for link in links}:
        run(['ip', 'link', 'del', p['host_if']])
        done.append(p['host_if'])
    d = os.path.join(etc_root, p['netns'])
    if os.path.isdir(d):
        shutil.rmtree(d)
        done.append(d)
    try:    # /etc/netns itself, unless another namespace has files there
        os.rmdir(etc_root)
        done.append(etc_root)
    except OSError:
        pass
    return done


def wrap(ns, command, hostname):
    """``command`` run inside the namespace with its own hostname."""
    return ['ip', 'netns', 'exec', ns, 'unshare', '--uts', '--',
            'sh', '-c', 'hostname "$0" && exec "$@"', hostname] + command
