#!/usr/bin/env python3
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

"""Count stacks, zones, floating IPs, ports, servers and networks (all
projects, with the admin account of tempest.conf) before and after a run.

    tools/leak_check.py snapshot before.json     # before the run
    tools/leak_check.py compare before.json      # after: exit 1 on a leak
    tools/leak_check.py wrap -- tempest run ...  # both around a command
    tools/leak_check.py purge                    # delete cs-* leftovers of
                                                 # a killed run (stacks, zones)

Reverse zones (``*.arpa.``) are created by Neutron on first use and shared,
never deleted by tests: they are reported apart and do not count as leaks.
Needs TEMPEST_CONFIG_DIR/TEMPEST_CONFIG (or --config) and the Tempest venv.
"""

import argparse
import json
import os
import subprocess
import sys
import time

KINDS = ('stacks', 'zones', 'floating_ips', 'ports', 'servers', 'networks')


def _setup(config):
    if config:
        os.environ['TEMPEST_CONFIG_DIR'] = os.path.dirname(
            os.path.abspath(config))
        os.environ['TEMPEST_CONFIG'] = os.path.basename(config)
    from tempest import clients
    from tempest.common import credentials_factory
    from tempest import config as t_config
    t_config.CONF.set_config_path(os.path.join(
        os.environ.get('TEMPEST_CONFIG_DIR', 'etc'),
        os.environ.get('TEMPEST_CONFIG', 'tempest.conf')))
    creds = credentials_factory.get_configured_admin_credentials()
    return clients.Manager(creds)


def snapshot(mgr):
    """→ {kind: {id: label}} plus 'reverse_zones'."""
    from tempest.lib import exceptions as lib_exc
    snap = {}
    client = mgr.orchestration.StacksClient()
    try:
        stacks = client.list_stacks(global_tenant=True, limit=1000)['stacks']
        snap['stacks_scope'] = 'all projects'
    except lib_exc.Forbidden:
        # Heat's default policy denies stacks:global_index to everybody;
        # stacks of other projects still show through their resources.
        stacks = client.list_stacks(limit=1000)['stacks']
        snap['stacks_scope'] = ('admin project only (Heat policy denies '
                                'stacks:global_index)')
    snap['stacks'] = {s['id']: s['stack_name'] for s in stacks}
    zones = mgr.dns_v2.ZonesClient().list_zones(
        params={'limit': 1000},
        headers={'x-auth-all-projects': True})[1]['zones']
    snap['zones'] = {z['id']: z['name'] for z in zones
                     if not z['name'].endswith('.arpa.')}
    snap['reverse_zones'] = {z['id']: z['name'] for z in zones
                             if z['name'].endswith('.arpa.')}
    snap['floating_ips'] = {
        f['id']: f['floating_ip_address'] for f in
        mgr.floating_ips_client.list_floatingips()['floatingips']}
    snap['ports'] = {
        p['id']: '%s %s' % (p.get('device_owner') or '-',
                            p.get('dns_name') or p.get('name') or '')
        for p in mgr.ports_client.list_ports()['ports']}
    snap['servers'] = {
        s['id']: s['name'] for s in mgr.servers_client.list_servers(
            all_tenants=True)['servers']}
    snap['networks'] = {
        n['id']: n['name'] for n in
        mgr.networks_client.list_networks()['networks']}
    return snap


def compare(before, after, out=sys.stdout):
    leaks = 0
    out.write('stacks counted in: %s\n' % after.get('stacks_scope', '?'))
    for kind in KINDS:
        new = set(after[kind]) - set(before[kind])
        out.write('%-13s before %4d  after %4d  new %d\n'
                  % (kind, len(before[kind]), len(after[kind]), len(new)))
        for rid in sorted(new):
            out.write('    leaked %s %s (%s)\n'
                      % (kind[:-1], rid, after[kind][rid]))
        leaks += len(new)
    new_rev = set(after['reverse_zones']) - set(before['reverse_zones'])
    out.write('reverse zones before %d after %d (created by Neutron, shared;'
              ' not a leak): %s\n' % (
                  len(before['reverse_zones']), len(after['reverse_zones']),
                  ', '.join(sorted(after['reverse_zones'][r]
                                   for r in new_rev)) or 'none new'))
    out.write('LEAK CHECK: %s\n' % ('OK, no difference' if not leaks
                                    else '%d leaked resource(s)' % leaks))
    return leaks


def purge(mgr, prefix='cs-', timeout=300, out=sys.stdout):
    """Delete leftovers of killed runs (stacks, then zones).

    Stacks named <prefix>*, zones <prefix>*.<[cross_service] zone_suffix>,
    in every project the admin sees.
    """
    from tempest import config as t_config
    from tempest.lib import exceptions as lib_exc
    suffix = t_config.CONF.cross_service.zone_suffix
    client = mgr.orchestration.StacksClient()

    def ours():
        return [s for s in client.list_stacks(limit=1000)['stacks']
                if s['stack_name'].startswith(prefix)]
    # main stacks before zone stacks (records live in the zones)
    for st in sorted(ours(), key=lambda s: s['stack_name'].endswith('-zone')):
        out.write('deleting stack %s (%s)\n'
                  % (st['stack_name'], st['stack_status']))
        try:
            client.delete_stack(st['stack_name'], st['id'])
        except lib_exc.NotFound:
            pass
    deadline = time.monotonic() + timeout
    while ours() and time.monotonic() < deadline:
        time.sleep(3)
    left = ours()
    zones = mgr.dns_v2.ZonesClient()
    for z in zones.list_zones(params={'limit': 1000}, headers={
            'x-auth-all-projects': True})[1]['zones']:
        if z['name'].startswith(prefix) and z['name'].endswith(suffix):
            out.write('deleting zone %s\n' % z['name'])
            try:
                zones.delete_zone(z['id'], headers={
                    'x-auth-all-projects': True,
                    'x-auth-sudo-project-id': z['project_id']})
            except lib_exc.NotFound:
                pass
    for st in left:
        out.write('NOT deleted: stack %s %s\n' % (st['stack_name'],
                                                  st['stack_status']))
    return len(left)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--config', help='tempest.conf')
    sub = p.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('snapshot')
    s.add_argument('file')
    c = sub.add_parser('compare')
    c.add_argument('file')
    sub.add_parser('purge')
    w = sub.add_parser('wrap')
    w.add_argument('command', nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    mgr = _setup(args.config)
    if args.cmd == 'snapshot':
        snap = snapshot(mgr)
        with open(args.file, 'w') as f:
            json.dump(snap, f, indent=1)
        return 0
    if args.cmd == 'purge':
        return 1 if purge(mgr) else 0
    if args.cmd == 'compare':
        with open(args.file) as f:
            before = json.load(f)
        return 1 if compare(before, snapshot(mgr)) else 0
    command = args.command[1:] if args.command[:1] == ['--'] else \
        args.command
    before = snapshot(mgr)
    rc = subprocess.call(command)
    leaks = compare(before, snapshot(mgr))
    return rc or (1 if leaks else 0)


def _main():
    try:
        return main()
    except Exception as exc:
        # Tempest's logging setup would hide the traceback in tempest.log.
        sys.stderr.write('leak_check: error: %s: %s\n'
                         % (type(exc).__name__, exc))
        return 2


if __name__ == '__main__':
    sys.exit(_main())
