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

"""The host is as it was: its /etc files, hostname, routes and addresses.

    python tools/host_untouched.py snapshot FILE   # before `up`
    python tools/host_untouched.py compare FILE    # after `down`

The real profile runs DHCP, libvirt and OVS inside a network namespace;
a DHCP client hook run through ``ip netns exec`` without /etc/netns/<ns>/
rewrites the host's resolv.conf (the machine loses DNS). ``compare``
fails, naming each difference, when /etc/resolv.conf, /etc/hostname or
/etc/hosts are not byte-identical (sha256), the hostname changed, or the
host's routes or addresses differ (the floating-IP route and veth that
`up` adds are gone after `down`). A route or address on another
constellation's veth (``constellation.netns.is_host_veth``) that was there
before and is gone after (that constellation went down meanwhile) is
named on a NOTE line, not counted; one that appears is always counted:
it may be ours, left behind. Stdlib only (and constellation.netns, which
is too).
"""

import hashlib
import json
import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
    __file__)), '..'))
from constellation import netns  # noqa: E402

FILES = ('/etc/resolv.conf', '/etc/hostname', '/etc/hosts')


def _sha(path):
    try:
        with open(path, 'rb') as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError as e:
        return 'unreadable: %s' % e.strerror


def _ip(*args):
    out = subprocess.run(['ip', '-j'] + list(args), capture_output=True,
                         text=True).stdout
    return json.loads(out or '[]')


def snapshot():
    routes = sorted('%s dev %s via %s' % (r.get('dst'), r.get('dev'),
                                          r.get('gateway'))
                    for r in _ip('route', 'show'))
    addrs = sorted('%s %s/%s' % (link.get('ifname'), a.get('local'),
                                 a.get('prefixlen'))
                   for link in _ip('addr', 'show')
                   for a in link.get('addr_info', ()))
    return {'files': {p: _sha(p) for p in FILES},
            'hostname': socket.gethostname(),
            'routes': routes, 'addresses': addrs}


def _device(key, entry):
    """The device a ``routes`` or ``addresses`` entry is on."""
    words = entry.split()
    if key == 'routes':
        return words[words.index('dev') + 1] if 'dev' in words else None
    return words[0]


def others_gone(before, after):
    """Entries of another constellation's veth that went away."""
    return sorted(e for key in ('routes', 'addresses')
                  for e in set(before[key]) - set(after[key])
                  if netns.is_host_veth(_device(key, e) or ''))


def differences(before, after):
    out = []
    others = set(others_gone(before, after))
    for path, digest in before['files'].items():
        if after['files'].get(path) != digest:
            out.append('%s changed (sha256 %s -> %s)' % (
                path, digest[:12], str(after['files'].get(path))[:12]))
    if before['hostname'] != after['hostname']:
        out.append('hostname %r -> %r' % (before['hostname'],
                                          after['hostname']))
    for key in ('routes', 'addresses'):
        added = sorted(set(after[key]) - set(before[key]))
        gone = sorted(set(before[key]) - set(after[key]) - others)
        if added:
            out.append('%s added: %s' % (key, '; '.join(added)))
        if gone:
            out.append('%s gone: %s' % (key, '; '.join(gone)))
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] not in ('snapshot', 'compare'):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print('usage: host_untouched.py snapshot|compare FILE',
              file=sys.stderr)
        return 2
    verb, path = argv
    now = snapshot()
    if verb == 'snapshot':
        with open(path, 'w') as f:
            json.dump(now, f, indent=1)
        print('host snapshot: %s (%d routes, %d addresses)' % (
            ', '.join('%s %s' % (p, d[:12]) for p, d in
                      now['files'].items()), len(now['routes']),
            len(now['addresses'])))
        return 0
    with open(path) as f:
        before = json.load(f)
    diff = differences(before, now)
    for line in others_gone(before, now):
        print('NOTE: gone meanwhile, another constellation\'s veth (not '
              'counted): %s' % line)
    for line in diff:
        print('CHANGED: %s' % line)
    if not diff:
        print('host untouched: %s byte-identical, hostname %r, %d routes '
              'and %d addresses as before' % (
                  ', '.join(FILES), now['hostname'], len(now['routes']),
                  len(now['addresses'])))
        print('1 passed, 0 failed')
        return 0
    print('0 passed, 1 failed')
    return 1


if __name__ == '__main__':
    sys.exit(main())
