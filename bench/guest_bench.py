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

"""Guests of the real profile: create -> ACTIVE -> answering (numbers only).

    PYTHONPATH=. python3 bench/guest_bench.py [--state-dir D] [--count 3]

On a running real-profile constellation: a network, subnet, router and
security group of its own; one server alone, then ``--count`` at once,
each with a floating IP. For each: seconds from the create request to
ACTIVE and to its HTTP answer (its hostname) at the floating IP, the QEMU
RSS (processes in the constellation's namespace) and the total RSS of the
constellation. Prints the last lines of one guest's console log. Deletes
everything it created, also on failure. Stdlib only (constellation.rest).
"""

import argparse
import os
import sys
import time
import urllib.request

from constellation import bootstrap
from constellation import core
from constellation import netns
from constellation import procs
from constellation import render
from constellation import rest

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def answer(ip, timeout=2):
    try:
        with OPENER.open('http://%s/' % ip, timeout=timeout) as r:
            return r.read(100).decode().strip()
    except OSError:
        return None


class Bench(object):
    def __init__(self, ctx):
        self.ctx = ctx
        self.s = bootstrap.admin_session(ctx)
        self.nova = render.url(ctx, 'nova', '/v2.1')
        self.neutron = render.url(ctx, 'neutron', '/v2.0')
        self.made = []   # (url) to delete, newest last

    def post(self, url, body, key):
        obj = self.s.post(url, body)[key]
        return obj

    def topology(self, res):
        n = self.post(self.neutron + '/networks', {'network': {
            'name': 'bench-net'}}, 'network')
        self.made.append(self.neutron + '/networks/' + n['id'])
        sub = self.post(self.neutron + '/subnets', {'subnet': {
            'network_id': n['id'], 'cidr': '10.98.0.0/24',
            'ip_version': 4}}, 'subnet')
        r = self.post(self.neutron + '/routers', {'router': {
            'name': 'bench-router', 'external_gateway_info': {
                'network_id': res['public_network_id']}}}, 'router')
        self.made.append(self.neutron + '/routers/' + r['id'])
        self.s.put('%s/routers/%s/add_router_interface' % (
            self.neutron, r['id']), {'subnet_id': sub['id']})
        self.router, self.subnet = r['id'], sub['id']
        sg = self.post(self.neutron + '/security-groups', {
            'security_group': {'name': 'bench-access'}}, 'security_group')
        self.made.append(self.neutron + '/security-groups/' + sg['id'])
        for port in (22, 80):
            self.post(self.neutron + '/security-group-rules', {
                'security_group_rule': {
                    'security_group_id': sg['id'], 'direction': 'ingress',
                    'protocol': 'tcp', 'port_range_min': port,
                    'port_range_max': port}}, 'security_group_rule')
        self.net, self.sg = n['id'], sg['name']

    def boot(self, names, res, timeout=300):
        t0 = time.monotonic()
        servers = {}
        for name in names:
            srv = self.s.post(self.nova + '/servers', {'server': {
                'name': name, 'imageRef': res['image_id'],
                'flavorRef': res['flavor_ref'],
                'networks': [{'uuid': self.net}],
                'security_groups': [{'name': self.sg}]}})['server']
            servers[name] = {'id': srv['id']}
            self.made.append(self.nova + '/servers/' + srv['id'])
        pending = dict(servers)
        while pending and time.monotonic() - t0 < timeout:
            for name, info in list(pending.items()):
                if 'active' not in info:
                    st = self.s.get(self.nova + '/servers/' + info['id'])[
                        'server']['status']
                    if st == 'ERROR':
                        raise RuntimeError('%s went ERROR' % name)
                    if st == 'ACTIVE':
                        info['active'] = time.monotonic() - t0
                        ports = self.s.get('%s/ports?device_id=%s' % (
                            self.neutron, info['id']))['ports']
                        fip = self.post(self.neutron + '/floatingips', {
                            'floatingip': {
                                'floating_network_id':
                                    res['public_network_id'],
                                'port_id': ports[0]['id']}}, 'floatingip')
                        self.made.append(self.neutron + '/floatingips/' +
                                         fip['id'])
                        info['ip'] = fip['floating_ip_address']
                elif answer(info['ip']) == name:
                    info['answering'] = time.monotonic() - t0
                    del pending[name]
            time.sleep(0.5)
        if pending:
            raise RuntimeError('not answering after %d s: %s' % (
                timeout, sorted(pending)))
        return servers

    def console(self, server_id, lines=12):
        out = self.s.post('%s/servers/%s/action' % (self.nova, server_id),
                          {'os-getConsoleOutput': {'length': lines}})
        return out['output']

    def cleanup(self):
        for url in reversed(self.made):
            try:
                if '/routers/' in url:
                    self.s.put(url + '/remove_router_interface',
                               {'subnet_id': self.subnet})
                self.s.delete(url)
            except rest.HTTPError:
                pass
            if '/servers/' in url:
                for _ in range(120):
                    try:
                        self.s.get(url)
                    except rest.HTTPError:
                        break
                    time.sleep(0.5)


def guest_rss_mib(ctx):
    ns = netns.plan(ctx)['netns']
    return [procs.rss_kib(p) / 1024.0 for p in netns.pids(ns)
            if 'qemu-system' in procs.pid_cmdline(p)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--state-dir', default=os.environ.get(
        'CONSTELLATION_STATE_DIR', '.constellation'))
    p.add_argument('--count', type=int, default=3)
    args = p.parse_args()
    c = core.Constellation(args.state_dir)
    ctx = c.ctx()
    if ctx['profile'] != 'real':
        sys.exit('guest_bench: %s runs the %s profile; guests need '
                 '`up --profile real`' % (args.state_dir, ctx['profile']))
    import json
    with open(c.st.path('tempest', 'resources.json')) as f:
        res = json.load(f)
    b = Bench(ctx)
    rss0 = c.total_rss_mib()
    try:
        b.topology(res)
        one = b.boot(['bench-0'], res)
        rss1 = c.total_rss_mib()
        print('one guest: ACTIVE %.1f s, answering %.1f s; qemu RSS %s MiB; '
              'constellation RSS %.0f -> %.0f MiB' % (
                  one['bench-0']['active'], one['bench-0']['answering'],
                  ' '.join('%.0f' % r for r in guest_rss_mib(ctx)), rss0,
                  rss1))
        print('--- console of bench-0 (last lines) ---')
        print(b.console(one['bench-0']['id']))
        names = ['bench-%d' % i for i in range(1, args.count + 1)]
        many = b.boot(names, res)
        print('%d guests at once: ACTIVE %s s, answering %s s (last %.1f '
              's); qemu RSS %s MiB' % (
                  args.count,
                  ' '.join('%.1f' % many[n]['active'] for n in names),
                  ' '.join('%.1f' % many[n]['answering'] for n in names),
                  max(many[n]['answering'] for n in names),
                  ' '.join('%.0f' % r for r in guest_rss_mib(ctx))))
        print('constellation RSS with %d guests: %.0f MiB' % (
            args.count + 1, c.total_rss_mib()))
    finally:
        b.cleanup()


if __name__ == '__main__':
    main()
