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

"""Bench: the first PTR of reverse zones Neutron creates on the fly.

Per try, on a CIDR whose reverse zone does not exist (``10.123.N.0/24``,
N from ``--first``): a network with a ``dns_domain`` (one forward zone for
the bench), a subnet with ``dns_publish_fixed_ip`` and a port with a
``dns_name``; Neutron creates ``N.123.10.in-addr.arpa.`` and its first
PTR at once (Designate's serial collision,
doc/source/constellation/designate-findings.rst).
It times port created → the PTR answered by every nameserver of
``[dns] nameservers``, with a deadline (``--deadline``, 60 s), then
deletes the port, subnet, network and that reverse zone (created by this
try: never one the constellation made ahead). Run against a constellation
with nothing else on it::

    eval "$(tools/constellation env)"
    .venv-unit/bin/python bench/reverse_zone_bench.py --tries 50

Prints one line per try and a summary: how many within ``--limit`` (5 s),
the slowest, the median. Exit 1 when one missed the limit.
"""

import argparse
import statistics
import sys
import time
import uuid

from cross_service_tempest_plugin.common import dns_records
from cross_service_tempest_plugin.common import dns_wire

ALL = {'X-Auth-All-Projects': 'true'}


def _wait(check, timeout, interval=0.05):
    start = time.monotonic()
    while True:
        done, seen = check()
        if done or time.monotonic() - start > timeout:
            return done, seen, time.monotonic() - start
        time.sleep(interval)


class Bench(object):
    def __init__(self, mgr, conf):
        self.networks = mgr.networks_client
        self.subnets = mgr.subnets_client
        self.ports = mgr.ports_client
        self.zones = mgr.dns_v2.ZonesClient()
        self.nameservers = list(conf.dns.nameservers)
        self.suffix = conf.cross_service.zone_suffix
        self.email = conf.cross_service.zone_email

    def forward_zone(self):
        name = 'cs-%s.%s' % (uuid.uuid4().hex[:10], self.suffix)
        zone = self.zones.create_zone(name=name, email=self.email,
                                      ttl=60)[1]
        done, seen, _ = _wait(lambda: (lambda s: (s == 'ACTIVE', s))(
            self.zones.show_zone(zone['id'])[1]['status']), 30)
        if not done:
            raise SystemExit('zone %s not ACTIVE within 30 s: %s'
                             % (name, seen))
        return zone

    def reverse_zone(self, name):
        zones = self.zones.list_zones(params={'name': name},
                                      headers=ALL)[1]['zones']
        return zones[0] if zones else None

    def one(self, n, zone, deadline):
        cidr = '10.123.%d.0/24' % n
        rname = '%d.123.10.in-addr.arpa.' % n
        if self.reverse_zone(rname):
            raise SystemExit('%s exists already: choose another --first'
                             % rname)
        net = self.networks.create_network(
            name='cs-rzb-%d' % n, dns_domain=zone['name'])['network']
        try:
            self.subnets.create_subnet(
                network_id=net['id'], cidr=cidr, ip_version=4,
                enable_dhcp=False, dns_publish_fixed_ip=True)
            t0 = time.monotonic()
            port = self.ports.create_port(network_id=net['id'],
                                          dns_name='host%d' % n)['port']
            address = port['fixed_ips'][0]['ip_address']
            ptr = dns_records.reverse_name(address)

            def answered():
                seen = {ns: dns_wire.query_nameserver(ns, ptr, 'PTR')
                        for ns in self.nameservers}
                return all(v.rcode == 'NOERROR' and v.values
                           for v in seen.values()), seen
            done, seen, _ = _wait(answered, deadline)
            took = time.monotonic() - t0
            self.ports.delete_port(port['id'])
            return done, took, seen, ptr
        finally:
            self.networks.delete_network(net['id'])
            rzone = self.reverse_zone(rname)
            if rzone:
                self.zones.delete_zone(rzone['id'], headers=ALL)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--tries', type=int, default=50)
    parser.add_argument('--first', type=int, default=100)
    parser.add_argument('--limit', type=float, default=5.0)
    parser.add_argument('--deadline', type=float, default=60.0)
    args = parser.parse_args(argv)
    from cross_service_tempest_plugin import credentials
    from tempest import config as t_config
    mgr = credentials.admin_manager()
    conf = t_config.CONF
    bench = Bench(mgr, conf)
    zone = bench.forward_zone()
    times, missed = [], []
    try:
        for i in range(args.tries):
            n = args.first + i
            done, took, seen, ptr = bench.one(n, zone, args.deadline)
            times.append(took if done else float('inf'))
            ok = done and took <= args.limit
            if not ok:
                missed.append(n)
            print('try %2d 10.123.%d.0/24 %s: %s in %.2f s%s' % (
                i + 1, n, ptr, 'answered' if done else 'NOT answered',
                took, '' if ok else ' (MISSED %.0f s; last seen %s)'
                % (args.limit, seen)), flush=True)
    finally:
        bench.zones.delete_zone(zone['id'])
    finite = [t for t in times if t != float('inf')]
    print('%d/%d first PTRs on every nameserver (%s) within %.0f s; '
          'median %.2f s, slowest %s' % (
              len(times) - len(missed), len(times),
              ', '.join(bench.nameservers), args.limit,
              statistics.median(finite) if finite else float('nan'),
              '%.2f s' % max(times) if finite and len(finite) == len(times)
              else 'never (deadline %.0f s)' % args.deadline))
    return 1 if missed else 0


if __name__ == '__main__':
    sys.exit(main())
