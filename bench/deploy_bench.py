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

"""Where floating_ip_dns's deploy goes: Heat against its floor (prints only).

Deploys the scenario's template (``templates/floating_ip.yaml`` and the
nested ones it uses, as the engine sends them) through Heat, and makes
the same Neutron calls one after the other directly (the floor: network,
subnet, router with its gateway, router interface, port, floating IP
with dns_name and dns_domain), in turn (heat, floor, heat, floor ...),
in one Designate zone of the admin project.  Prints per Heat resource
its time from Heat's events (first IN_PROGRESS to COMPLETE; Heat's event
times have whole seconds) beside the call it stands for, and each pair's
deploy (POST to CREATE_COMPLETE seen, polled every 0.1 s) beside its
floor, as a ratio.  Everything it creates is deleted, also on failure.

Runs in the services venv (keystoneauth1):

    constellation/checks/venv-python.sh bench.deploy_bench [--runs 3]
"""

import argparse
import collections
import glob
import json
import os
import statistics
import sys
import time
import uuid

import prettytable

from constellation.checks import cloud
from constellation import core
from constellation import poll
from constellation import render
from constellation import state as statemod
from cross_service_tempest_plugin.common import heat_events

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATES = os.path.join(REPO, 'cross_service_tempest_plugin', 'templates')
# Heat resource -> the direct call standing for it
CALL_OF = {'network': 'network', 'subnet': 'subnet', 'router': 'router',
           'router_interface': 'router_interface', 'port': 'port',
           'fip': 'floating_ip'}


def load():
    return '%.2f %.2f %.2f' % os.getloadavg()


def resource_table(spans, rows):
    """Per resource: median start/end/duration in Heat, the direct call."""
    table = prettytable.PrettyTable(['resource', 'start', 'end', 'heat',
                                     'direct'])
    table.align = 'r'
    table.align['resource'] = 'l'
    for res in ('topology', 'network', 'subnet', 'router',
                'router_interface', 'floating_ip', 'port', 'fip'):
        if res in spans:
            call = CALL_OF.get(res)
            direct = rows.get('direct ' + call) if call else None
            table.add_row([
                res, '%.0f' % statistics.median(a for a, _b in spans[res]),
                '%.0f' % statistics.median(b for _a, b in spans[res]),
                '%.0f' % statistics.median(b - a for a, b in spans[res]),
                '%.2f' % statistics.median(direct) if direct else '-'])
    return table.get_string()


class Bench:
    def __init__(self, root):
        ctx = core.Constellation(root).ctx()
        self.ctx = ctx
        self.api = cloud.Api(ctx, 'admin', ctx['secrets']['admin'], 'admin')
        with open(os.path.join(root, 'tempest', 'resources.json')) as f:
            self.public = json.load(f)['public_network_id']
        self.net = render.url(ctx, 'neutron', '/v2.0')

    def heat(self, path=''):
        return render.url(self.ctx, 'heat', '/v1/%s/stacks%s' % (
            self.api.project_id, path))

    def zone(self, name):
        z = self.api.post(render.url(self.ctx, 'designate', '/v2/zones'),
                          {'name': name, 'email': 'bench@example.org'})
        cloud.wait('zone %s ACTIVE' % name, lambda: self.api.get(
            render.url(self.ctx, 'designate', '/v2/zones/' + z['id'])
        )['status'] == 'ACTIVE', 60)
        return z['id']

    def deploy(self, name, zone, cidr, templates=TEMPLATES):
        files = {}
        for path in glob.glob(os.path.join(templates, '*.yaml')):
            with open(path) as f:
                files[os.path.basename(path)] = f.read()
        t = time.monotonic()
        s = self.api.post(self.heat(), {
            'stack_name': name, 'template': files['floating_ip.yaml'],
            'files': files, 'parameters': {
                'name_prefix': name, 'dns_name': name, 'dns_domain': zone,
                'public_network': self.public, 'cidr': cidr}})['stack']
        path = '/%s/%s' % (name, s['id'])
        st, _waited = poll.until(lambda: self.status(path),
                                 'stack %s created' % name, 600, 0.1)
        took = time.monotonic() - t
        if st != 'CREATE_COMPLETE':
            raise RuntimeError('stack %s: %s' % (name, st))
        events = self.api.get(self.heat(
            path + '/events?nested_depth=3&limit=200'))['events']
        return took, path, events

    def status(self, path):
        """(done, status): done once the stack left CREATE_IN_PROGRESS."""
        st = self.api.get(self.heat(path))['stack']['stack_status']
        return st != 'CREATE_IN_PROGRESS', st

    def undeploy(self, path):
        self.api.delete(self.heat(path))
        cloud.wait('stack %s deleted' % path, lambda: self.gone(path), 120,
                   interval=0.2)

    def gone(self, path):
        try:
            st = self.api.get(self.heat(path))['stack']['stack_status']
        except cloud.NotFound:
            return True
        return st == 'DELETE_COMPLETE'

    def floor(self, name, zone, cidr, made):
        """The same calls directly: {call: seconds}."""
        a, n = self.api, self.net
        took = collections.OrderedDict()

        def timed(call, fn):
            t = time.monotonic()
            out = fn()
            took[call] = time.monotonic() - t
            return out
        net = timed('network', lambda: a.post(n + '/networks', {
            'network': {'name': name}})['network'])
        made.append(('networks', net['id']))
        sub = timed('subnet', lambda: a.post(n + '/subnets', {'subnet': {
            'network_id': net['id'], 'cidr': cidr,
            'ip_version': 4}})['subnet'])
        made.append(('subnets', sub['id']))
        rtr = timed('router', lambda: a.post(n + '/routers', {'router': {
            'name': name, 'external_gateway_info': {
                'network_id': self.public}}})['router'])
        made.append(('routers', rtr['id']))
        timed('router_interface', lambda: a.call(
            'PUT', n + '/routers/%s/add_router_interface' % rtr['id'],
            {'subnet_id': sub['id']}))
        made.append(('interface', (rtr['id'], sub['id'])))
        port = timed('port', lambda: a.post(n + '/ports', {'port': {
            'network_id': net['id']}})['port'])
        made.append(('ports', port['id']))
        fip = timed('floating_ip', lambda: a.post(n + '/floatingips', {
            'floatingip': {'floating_network_id': self.public,
                           'port_id': port['id'], 'dns_name': name,
                           'dns_domain': zone}})['floatingip'])
        made.append(('floatingips', fip['id']))
        return took

    def unfloor(self, made):
        for kind, rid in reversed(made):
            try:
                if kind == 'interface':
                    self.api.call('PUT', self.net + '/routers/%s/remove_'
                                  'router_interface' % rid[0],
                                  {'subnet_id': rid[1]})
                else:
                    self.api.delete(self.net + '/%s/%s' % (kind, rid))
            except cloud.NotFound:
                pass
        del made[:]


def resource_times(events, stack_name):
    """{resource: (start, end)} seconds after the stack's first resource.

    The engine's rows (heat_events.resource_spans: Heat's event times,
    whole seconds), as the report shows them.
    """
    return {r['resource']: (r['start'], r['start'] + r['seconds'])
            for r in heat_events.resource_spans(events, stack_name)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--runs', type=int, default=3, help='pairs counted')
    p.add_argument('--state', default=statemod.default_root(REPO))
    p.add_argument('--baseline-templates', metavar='DIR',
                   help='also deploy these templates in each pair (e.g. a '
                   'copy of templates/ before a change): before and after '
                   'in one run')
    a = p.parse_args(argv)
    b = Bench(a.state)
    tag = uuid.uuid4().hex[:6]
    zone_name = 'bench-%s.constellation.test.' % tag
    zone = b.zone(zone_name)
    rows, pairs, made, path = collections.defaultdict(list), [], [], None
    base = []
    spans = collections.defaultdict(list)
    print('deploy bench: floating_ip_dns, %d pair(s), load %s' % (
        a.runs, load()))
    try:
        for i in range(a.runs):
            name = 'bench-%s-h%d' % (tag, i)
            took, path, events = b.deploy(name, zone_name, '10.253.%d.0/24'
                                          % i)
            for k, v in resource_times(events, name).items():
                spans[k].append(v)
            b.undeploy(path)
            path = None
            if a.baseline_templates:
                btook, path, _ev = b.deploy(
                    name + 'b', zone_name, '10.253.%d.0/24' % (50 + i),
                    a.baseline_templates)
                b.undeploy(path)
                path = None
                base.append(btook)
            calls = b.floor('bench-%s-d%d' % (tag, i), zone_name,
                            '10.253.%d.0/24' % (100 + i), made)
            for k, v in calls.items():
                rows['direct ' + k].append(v)
            floor = sum(calls.values())
            b.unfloor(made)
            pairs.append((took, floor))
            print('pair %d: heat deploy %.1f s, floor %.1f s, heat/floor '
                  '%.2f%s, load %s' % (
                      i + 1, took, floor, took / floor,
                      ', baseline %.1f s (%.2f)' % (base[-1], base[-1] / floor)
                      if base else '', load()), flush=True)
    finally:
        if path:
            b.undeploy(path)
        b.unfloor(made)
        b.api.delete(render.url(b.ctx, 'designate', '/v2/zones/' + zone))
    print('\nPer resource, median seconds: Heat from its events (whole '
          'seconds, from the stack\'s first event), direct: the call alone')
    print(resource_table(spans, rows))
    print('deploy median %.1f s, floor median %.1f s, heat/floor median '
          '%.2f over %d pair(s)' % (
              statistics.median(t for t, _f in pairs),
              statistics.median(f for _t, f in pairs),
              statistics.median(t / f for t, f in pairs), len(pairs)))
    if base:
        print('baseline templates (%s): deploy median %.1f s, baseline/'
              'floor median %.2f; deploy/baseline median %.2f' % (
                  a.baseline_templates, statistics.median(base),
                  statistics.median(t / f for t, (_x, f) in zip(base, pairs)),
                  statistics.median(x / t for t, (x, _f) in zip(base, pairs))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
