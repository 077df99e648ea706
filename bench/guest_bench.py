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

    constellation/checks/venv-python.sh bench.guest_bench [--state-dir D] \
        [--count 3]

On a running real-profile constellation: a network, subnet, router and
security group of its own; one server alone, then ``--count`` at once,
each with a floating IP. For each: seconds from the create request to
ACTIVE and to its HTTP answer (its hostname) at the floating IP, the QEMU
RSS (processes in the constellation's namespace) and the total RSS of the
constellation. Prints the last lines of one guest's console log. Deletes
everything it created, also on failure. In the services venv:
keystoneauth1 (checks/cloud.Api), psutil, the one polling helper.
"""

import argparse
import os
import sys
import time
import urllib.request

import psutil

from constellation.checks import cloud
from constellation import core
from constellation import netns
from constellation import poll
from constellation import render

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
        self.s = cloud.Api(ctx, 'admin', ctx['secrets']['admin'], 'admin')
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
        self.s.call('PUT', '%s/routers/%s/add_router_interface' % (
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

    def boot(self, names, res, timeout=300, interval=0.5):
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

        def step():
            for name, info in servers.items():
                if 'answering' in info:
                    continue
                if 'active' not in info:
                    self.activate(name, info, res, t0)
                elif answer(info['ip']) == name:
                    info['answering'] = time.monotonic() - t0
            pending = sorted(n for n, i in servers.items()
                             if 'answering' not in i)
            return not pending, 'not answering yet: %s' % ' '.join(pending)
        poll.until(step, '%d guest(s) answering their name over HTTP at '
                   'their floating IP' % len(servers), timeout, interval)
        return servers

    def activate(self, name, info, res, t0):
        """Once ACTIVE: note when, give it a floating IP."""
        st = self.s.get(self.nova + '/servers/' + info['id'])[
            'server']['status']
        if st == 'ERROR':
            raise RuntimeError('%s went ERROR' % name)
        if st != 'ACTIVE':
            return
        info['active'] = time.monotonic() - t0
        ports = self.s.get('%s/ports?device_id=%s' % (
            self.neutron, info['id']))['ports']
        fip = self.post(self.neutron + '/floatingips', {'floatingip': {
            'floating_network_id': res['public_network_id'],
            'port_id': ports[0]['id']}}, 'floatingip')
        self.made.append(self.neutron + '/floatingips/' + fip['id'])
        info['ip'] = fip['floating_ip_address']

    def console(self, server_id, lines=12):
        out = self.s.post('%s/servers/%s/action' % (self.nova, server_id),
                          {'os-getConsoleOutput': {'length': lines}})
        return out['output']

    def cleanup(self):
        for url in reversed(self.made):
            try:
                if '/routers/' in url:
                    self.s.call('PUT', url + '/remove_router_interface',
                                {'subnet_id': self.subnet})
                self.s.delete(url)
            except cloud.HttpError as exc:
                print('cleanup: %s: %s' % (url, exc))
            if '/servers/' in url:
                try:
                    cloud.wait('%s gone' % url, lambda: self.gone(url), 60)
                except poll.Timeout as exc:
                    print('cleanup: %s' % exc)

    def gone(self, url):
        try:
            self.s.get(url)
        except cloud.NotFound:
            return True
        return False


def qemu_rss_mib(pids, match='qemu-system'):
    """RSS (MiB) of those of ``pids`` whose command line names ``match``."""
    out = []
    for pid in pids:
        try:
            proc = psutil.Process(pid)
            if any(match in arg for arg in proc.cmdline()):
                out.append(proc.memory_info().rss / 1048576.0)
        except psutil.Error:     # gone meanwhile, or not ours to read
            continue
    return out


def guest_rss_mib(ctx):
    return qemu_rss_mib(netns.pids(netns.plan(ctx)['netns']))


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
