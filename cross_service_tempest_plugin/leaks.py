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

"""Leak check: count what exists in every project before and after a run.

Stacks, zones, floating IPs, ports, servers, networks, subnets, routers,
projects and users, seen with the admin account of tempest.conf; a
resource present after the run and not before is a leak. Reverse zones
(``*.arpa.``) are created by Neutron on first use and shared, never deleted
by tests: they are reported apart and do not count; a PTR record in them
that was not there before does.

``tools/leak_check.py`` is the command line front end; the fault tests
import this module.
"""

import sys

import prettytable

KINDS = ('stacks', 'zones', 'ptr_records', 'floating_ips', 'ports',
         'servers', 'networks', 'subnets', 'routers', 'projects', 'users')


def list_stacks(mgr):
    """(stacks, scope): all projects when Heat's policy allows it."""
    from tempest.lib import exceptions as lib_exc
    client = mgr.orchestration.StacksClient()
    try:
        return (client.list_stacks(global_tenant=True,
                                   limit=1000)['stacks'], 'all projects')
    except lib_exc.Forbidden:
        # Heat's default policy denies stacks:global_index to everybody;
        # stacks of other projects still show through their resources.
        return (client.list_stacks(limit=1000)['stacks'],
                'admin project only (Heat policy denies stacks:global_index)')


def list_zones(mgr):
    return mgr.dns_v2.ZonesClient().list_zones(
        params={'limit': 1000},
        headers={'x-auth-all-projects': True})[1]['zones']


def list_ptr_records(mgr, zones):
    """The PTR recordsets of the reverse zones among ``zones``.

    Reverse zones are shared (Neutron's): a zone is never ours, but a PTR
    in it that a run's floating IP or port left is a leak.
    """
    client = mgr.dns_v2.RecordsetClient()
    out = []
    for zone in zones:
        if not zone['name'].endswith('.arpa.'):
            continue
        for rs in client.list_recordset(
                zone['id'], params={'type': 'PTR', 'limit': 1000},
                headers={'x-auth-all-projects': True})[1]['recordsets']:
            out.append(dict(rs, zone_id=zone['id']))
    return out


def snapshot(mgr):
    """→ {kind: {id: label}} plus 'reverse_zones' and 'stacks_scope'."""
    snap = {}
    stacks, snap['stacks_scope'] = list_stacks(mgr)
    snap['stacks'] = {s['id']: s['stack_name'] for s in stacks}
    zones = list_zones(mgr)
    snap['zones'] = {z['id']: z['name'] for z in zones
                     if not z['name'].endswith('.arpa.')}
    snap['reverse_zones'] = {z['id']: z['name'] for z in zones
                             if z['name'].endswith('.arpa.')}
    snap['ptr_records'] = {
        rs['id']: '%s PTR %s' % (rs['name'], ' '.join(rs.get('records')
                                                      or []))
        for rs in list_ptr_records(mgr, zones)}
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
    snap['subnets'] = {
        s['id']: '%s %s' % (s.get('cidr'), s.get('name') or '') for s in
        mgr.subnets_client.list_subnets()['subnets']}
    snap['routers'] = {
        r['id']: r.get('name') or '' for r in
        mgr.routers_client.list_routers()['routers']}
    snap['projects'] = {
        p['id']: p['name'] for p in
        mgr.projects_client.list_projects()['projects']}
    snap['users'] = {
        u['id']: u['name'] for u in
        mgr.users_v3_client.list_users()['users']}
    return snap


def compare(before, after, out=sys.stdout):
    """Write the differences; returns the number of leaked resources.

    A kind missing from ``before`` (a snapshot of an older version) is
    reported as not compared.
    """
    leaks = 0
    out.write('stacks counted in: %s\n' % after.get('stacks_scope', '?'))
    table = prettytable.PrettyTable(['kind', 'before', 'after', 'new'])
    table.align = 'r'
    table.align['kind'] = 'l'
    leaked = []
    for kind in KINDS:
        if kind not in before or kind not in after:
            table.add_row([kind, '-', '-', 'not compared'])
            leaked.append('%s not compared (missing from a snapshot)' % kind)
            continue
        new = set(after[kind]) - set(before[kind])
        table.add_row([kind, len(before[kind]), len(after[kind]), len(new)])
        leaked += ['leaked %s %s (%s)' % (kind[:-1], rid, after[kind][rid])
                   for rid in sorted(new)]
        leaks += len(new)
    out.write(table.get_string() + '\n')
    out.write(''.join(line + '\n' for line in leaked))
    before_rev = before.get('reverse_zones', {})
    after_rev = after.get('reverse_zones', {})
    new_rev = set(after_rev) - set(before_rev)
    out.write('reverse zones before %d after %d (created by Neutron, shared;'
              ' not a leak): %s\n' % (
                  len(before_rev), len(after_rev),
                  ', '.join(sorted(after_rev[r] for r in new_rev))
                  or 'none new'))
    out.write('LEAK CHECK: %s\n' % ('OK, no difference' if not leaks
                                    else '%d leaked resource(s)' % leaks))
    return leaks
