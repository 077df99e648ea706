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

"""Port plan: every listener of one constellation derives from a base port.

Two constellations with different state dirs and bases (e.g. 25000 and
25100) do not collide because all offsets stay below ``SPAN``.
"""

import errno
import os
import socket

DEFAULT_BASE = 25000
SPAN = 100
HOST = '127.0.0.1'

# listener -> (offset, the service that owns it)
OFFSETS = {
    'mysql': (0, 'mysql'),
    'amqp': (1, 'rabbitmq'),
    'rabbit_dist': (2, 'rabbitmq'),
    'epmd': (3, 'epmd'),
    'dns': (4, 'named'),
    'rndc': (5, 'named'),
    'mdns': (6, 'designate-mdns'),
    'dns2': (7, 'named2'),
    'rndc2': (8, 'named2'),
    'keystone': (10, 'keystone'),
    'glance': (11, 'glance'),
    'placement': (12, 'placement'),
    'nova': (13, 'nova-api'),
    'neutron': (14, 'neutron'),
    'designate': (15, 'designate-api'),
    'heat': (16, 'heat-api'),
}


class PortError(ValueError):
    pass


def parse_base(value):
    """Validate a port base given on the command line or in the env."""
    try:
        base = int(value)
    except (TypeError, ValueError):
        raise PortError('--port-base must be an integer, got %r' % (value,))
    if base < 1024 or base + SPAN > 32768:
        raise PortError('--port-base must be between 1024 and %d (the '
                        'constellation uses %d ports from it, below the '
                        'ephemeral range), got %d'
                        % (32768 - SPAN, SPAN, base))
    return base


def allocate(base):
    """Map listener name -> port number."""
    base = parse_base(base)
    return {name: base + off for name, (off, _svc) in OFFSETS.items()}


def owner(name):
    return OFFSETS[name][1]


PROBES = ((socket.AF_INET, socket.SOCK_STREAM, HOST),
          (socket.AF_INET, socket.SOCK_DGRAM, HOST),
          (socket.AF_INET6, socket.SOCK_STREAM, '::1'),
          (socket.AF_INET6, socket.SOCK_DGRAM, '::1'))


def _taken(family, kind, host, port):
    s = socket.socket(family, kind)
    # SO_REUSEADDR: TCP connections in TIME_WAIT do not count, a listener
    # does (for UDP it is not set: any bound socket counts)
    if kind == socket.SOCK_STREAM:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((host, port))
    except OSError as e:
        if e.errno in (errno.EADDRINUSE, errno.EACCES):
            return True
        if e.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
            return False  # no IPv6 loopback here: nothing can listen there
        raise
    finally:
        s.close()
    return False


def port_in_use(port, probes=PROBES):
    """True when something already has ``port`` on the loopback.

    TCP or UDP (named answers on both), on 127.0.0.1 or [::1]
    (``localhost`` may resolve to either; a wildcard listener holds both).
    """
    return any(_taken(f, k, h, port) for f, k, h in probes)


def busy_ports(ports, probe=port_in_use):
    """Return [(listener, port, owning service)] for ports already taken."""
    return [(name, port, owner(name))
            for name, port in sorted(ports.items(), key=lambda x: x[1])
            if probe(port)]


def tcp_open(port, host=HOST, timeout=1.0):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def claim_block(base, root, claims_dir, holds):
    """Claim the port block at ``base`` for the state dir ``root``.

    Free ports alone do not make a block free: two ``up`` started at the
    same moment would both see nothing listening yet and pick the same
    block. A claim is a file ``<claims_dir>/<base>`` created exclusively,
    holding the state dir's path. A claim is stale (taken over) when
    ``holds(path, base)`` says that state dir no longer uses the block
    (destroyed, or set up with another base). → True if ``root`` holds it.
    """
    os.makedirs(claims_dir, exist_ok=True)
    path = os.path.join(claims_dir, str(base))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        try:
            with open(path) as f:
                holder = f.read().strip()
        except OSError:
            holder = ''
        if holder == root:
            return True
        if holder and holds(holder, base):
            return False
        tmp = '%s.tmp.%d' % (path, os.getpid())     # stale: take it over
        with open(tmp, 'w') as f:
            f.write(root)
        os.replace(tmp, path)
        return True
    with os.fdopen(fd, 'w') as f:
        f.write(root)
    return True
