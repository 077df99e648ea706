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

"""A fake cloud for unit tests of the scenario engine (client level).

FakeCloud plays Heat (stacks with outputs computed from the parameters),
Designate (recordsets, as a DesignateLookup would read them) and the
nameservers (answers), and lets a test decide how "Neutron" publishes.
"""

import itertools
import json

from tempest.lib import exceptions as lib_exc

from cross_service_tempest_plugin.common import dns_checks
from cross_service_tempest_plugin.common import dns_records
from cross_service_tempest_plugin.common import dns_wire
from cross_service_tempest_plugin.scenarios import engine

_ids = itertools.count(1)


def _default_outputs(template, params):
    if template == 'zone.yaml':
        return {'zone_id': 'zone-%s' % params['zone_name'],
                'zone_name': params['zone_name']}
    if template == 'floating_ip.yaml':
        return {'floating_ip': '172.24.4.10', 'floating_ip_id': 'fip-1'}
    if template == 'servers.yaml':
        n = int(params['count'])
        names = ['%s-%d' % (params['name_prefix'], i) for i in range(n)]
        fips = (['172.24.4.%d' % (20 + i) for i in range(n)]
                if params['floating_ip_per_server'] == 'true'
                else [''] * n)
        idx = int(params.get('moving_fip_index', -1))
        return {'dns_names': names, 'floating_ips': fips,
                'port_ids': ['port-%d' % i for i in range(n)],
                'moving_fip_address': '172.24.4.99' if idx >= 0 else '',
                'moving_fip_dns_name': names[idx] if idx >= 0 else ''}
    if template == 'keyword_ports.yaml':
        return {'port_addresses': ['10.247.0.5']}
    if template == 'provider_port.yaml':
        return {'port_id': 'port-p', 'network_id': 'net-p',
                'addresses': ['203.0.113.5', '2001:db8:5e00::5'],
                'dns_assignment': []}
    raise AssertionError('unknown template %s' % template)


def _template_name(text):
    for mark, name in _TEMPLATE_MARKS.items():
        if mark in text:
            return name
    raise AssertionError('cannot tell which template this is')


_TEMPLATE_MARKS = {
    'OS::Designate::Zone': 'zone.yaml',
    'moving_fip_index': 'servers.yaml',
    'OS::Neutron::ProviderNet': 'provider_port.yaml',
    'Use case 2 (Floating IPs are published': 'floating_ip.yaml',
    'dns-integration-domain-keywords': 'keyword_ports.yaml',
}


class FakeStacks(object):
    build_timeout = 5
    build_interval = 0.01

    def __init__(self, cloud):
        self.cloud = cloud
        self.stacks = {}
        self.calls = []

    def create_stack(self, name, template, parameters=None, environment=None,
                     files=None, **kwargs):
        self.calls.append(('create', name))
        if self.cloud.heat_down:
            raise lib_exc.ServerFault('heat-engine is down')
        sid = 'sid-%d' % next(_ids)
        tname = _template_name(template)
        status, reason = 'CREATE_COMPLETE', 'Stack CREATE completed'
        if tname in self.cloud.fail_templates:
            status, reason = 'CREATE_FAILED', self.cloud.fail_templates[tname]
        self.stacks[sid] = {
            'id': sid, 'stack_name': name, 'stack_status': status,
            'stack_status_reason': reason, 'template': tname,
            'parameters': dict(parameters or {}), 'files': files}
        self._refresh(sid)
        return {'stack': {'id': sid}}

    def _refresh(self, sid):
        st = self.stacks[sid]
        st['outputs'] = [
            {'output_key': k, 'output_value': v} for k, v in
            self.cloud.outputs_fn(st['template'], st['parameters']).items()]
        if st['stack_status'].endswith('COMPLETE'):
            self.cloud.publish(st)

    def update_stack(self, stack_name, stack_id, template, parameters=None,
                     environment=None, files=None):
        self.calls.append(('update', stack_name))
        st = self.stacks[stack_id]
        self.cloud.unpublish(st)
        st['parameters'] = dict(parameters or {})
        st['stack_status'] = 'UPDATE_COMPLETE'
        self._refresh(stack_id)

    def show_stack(self, ident):
        sid = ident.split('/')[-1]
        st = self.stacks.get(sid)
        if st is None:      # by name, as Heat's redirect does
            st = next((s for s in self.stacks.values()
                       if s['stack_name'] == ident and not s.get('deleted')),
                      None)
        if st is None or st.get('deleted'):
            raise lib_exc.NotFound(ident)
        return {'stack': dict(st)}

    def delete_stack(self, stack_name, stack_id):
        self.calls.append(('delete', stack_name))
        st = self.stacks.get(stack_id)
        if st is None or st.get('deleted'):
            raise lib_exc.NotFound(stack_id)
        st['deleted'] = True
        self.cloud.unpublish(st)
        if st['template'] == 'zone.yaml':
            self.cloud.zones.discard(st['parameters']['zone_name'])

    def live(self):
        return [s['stack_name'] for s in self.stacks.values()
                if not s.get('deleted')]


class FakeResources(object):
    def list_resources(self, stack_name, stack_id, **params):
        return {'resources': [{'resource_name': 'fip',
                               'resource_type': 'OS::Neutron::FloatingIP',
                               'physical_resource_id': 'fip-1'}]}


class FakeEvents(object):
    def list_events(self, stack_name, stack_id, **params):
        return {'events': []}


class FakeZones(object):
    def __init__(self, cloud):
        self.cloud = cloud

    def show_zone(self, zone_id):
        name = zone_id[len('zone-'):]
        if name not in self.cloud.zones:
            raise lib_exc.NotFound(zone_id)
        return None, {'id': zone_id, 'status': 'ACTIVE',
                      'pool_id': self.cloud.zone_pools.get(name, 'pool-0')}

    def delete_zone(self, zone_id):
        self.cloud.zones.discard(zone_id[len('zone-'):])


class FakePorts(object):
    def __init__(self, cloud):
        self.cloud = cloud

    def show_port(self, port_id):
        return {'port': self.cloud.ports[port_id]}


class FakeFloatingIps(object):
    def __init__(self, cloud):
        self.cloud = cloud

    def show_floatingip(self, fip_id):
        return {'floatingip': self.cloud.fips[fip_id]}


class FakeCloud(object):
    """Records appear ``delay_polls`` lookups after they are published."""

    def __init__(self, nameservers=('127.0.0.1:1053',)):
        self.nameservers = list(nameservers)
        self.outputs_fn = _default_outputs
        self.fail_templates = {}
        self.heat_down = False
        self.zones = set()
        self.records = {}       # (name, type) → set(values)
        self.ports = {}
        self.fips = {}
        self.delay_polls = 0
        self.polls = 0
        self.publish_rules = self.neutron_like
        self.keep_on_delete = False
        self.keep_types_on_delete = set()   # e.g. {'A'}: a Neutron bug
        self.wire_empty = False
        # Designate pools: zone → pool id (pool-0: the default pool);
        # nameserver → the pool it serves (unlisted: serves every zone)
        self.zone_pools = {}
        self.ns_pool = {}
        self.ignore_pool_attribute = False
        self.stacks = FakeStacks(self)

    # "Neutron": what a stack publishes.
    def neutron_like(self, st):
        p, out = st['parameters'], {o['output_key']: o['output_value']
                                    for o in st['outputs']}
        t = st['template']
        recs = []
        if t == 'zone.yaml':
            self.zones.add(p['zone_name'])
            attrs = json.loads(p.get('attributes') or '{}')
            if attrs.get('pool_id') and not self.ignore_pool_attribute:
                self.zone_pools[p['zone_name']] = attrs['pool_id']
        elif t == 'keyword_ports.yaml':
            if p['dns_domain'] in self.zones:
                recs += [('%s.%s' % (p['port_dns_name'], p['dns_domain']), a)
                         for a in out['port_addresses']]
        elif t == 'floating_ip.yaml':
            self.fips[out['floating_ip_id']] = {
                'dns_name': p['dns_name'], 'dns_domain': p['dns_domain']}
            if p['dns_domain'] in self.zones:
                recs.append(('%s.%s' % (p['dns_name'], p['dns_domain']),
                             out['floating_ip']))
        elif t == 'servers.yaml':
            for name, fip in zip(out['dns_names'], out['floating_ips']):
                if fip:
                    recs.append(('%s.%s' % (name, p['dns_domain']), fip))
            if out['moving_fip_address']:
                recs.append(('%s.%s' % (out['moving_fip_dns_name'],
                                        p['dns_domain']),
                             out['moving_fip_address']))
        elif t == 'provider_port.yaml':
            fq = '%s.%s' % (p['dns_name'], p['dns_domain'])
            self.ports[out['port_id']] = {
                'fixed_ips': [{'ip_address': a} for a in out['addresses']],
                'dns_assignment': [{'ip_address': a, 'fqdn': fq,
                                    'hostname': p['dns_name']}
                                   for a in out['addresses']]}
            recs += [(fq, a) for a in out['addresses']]
        return recs

    def publish(self, st):
        st['published'] = self.publish_rules(st)
        for name, address in st['published']:
            rtype = dns_records.address_type(address)
            self.records.setdefault((dns_records.fqdn(name), rtype),
                                    set()).add(address)
            self.records.setdefault((dns_records.reverse_name(address),
                                     'PTR'), set()).add(
                dns_records.fqdn(name))
        self.polls = 0

    def unpublish(self, st):
        if self.keep_on_delete:
            return
        for name, address in st.get('published', []):
            rtype = dns_records.address_type(address)
            if rtype not in self.keep_types_on_delete:
                self.records.get((dns_records.fqdn(name), rtype),
                                 set()).discard(address)
            self.records.get((dns_records.reverse_name(address), 'PTR'),
                             set()).discard(dns_records.fqdn(name))

    # Designate API, as DesignateLookup returns it.
    def lookup(self, record):
        self.polls += 1
        if self.polls <= self.delay_polls:
            return frozenset(), set()
        values = frozenset(dns_records.normalise_value(record.type, v) for v
                           in self.records.get(record.key, ()))
        return values, ({'ACTIVE'} if values else set())

    # The nameservers.
    def query(self, nameserver, name, rtype, timeout):
        if self.wire_empty:
            return dns_wire.WireAnswer('NOERROR', [])
        if nameserver in self.ns_pool:
            zone = self._zone_of(name)
            if zone and self.zone_pools.get(zone, 'pool-0') != \
                    self.ns_pool[nameserver]:
                return dns_wire.WireAnswer('REFUSED', [])
        values = self.records.get((dns_records.fqdn(name), rtype), set())
        values = [dns_records.normalise_value(rtype, v) for v in values]
        return dns_wire.WireAnswer('NOERROR' if values else 'NXDOMAIN',
                                   values)

    def _zone_of(self, name):
        return next((z for z in sorted(self.zones, key=len, reverse=True)
                     if dns_records.fqdn(name).endswith(dns_records.fqdn(z))),
                    None)

    def clients(self):
        return engine.ScenarioClients(
            stacks=self.stacks, resources=FakeResources(),
            events=FakeEvents(), recordsets=None, zones=FakeZones(self),
            ports=FakePorts(self), floating_ips=FakeFloatingIps(self))

    def checker(self, timeout=0.3, interval=0.01):
        lookup = type('L', (), {
            'lookup': lambda _s, r: self.lookup(r),
            'zone_serial': lambda _s, zone, r: self.designate_serial})()
        return dns_checks.RecordChecker(lookup, self.nameservers, timeout,
                                        interval, query=self.query,
                                        soa=self.soa)

    # SOA serials: Designate's and the nameservers' (for failure details).
    designate_serial = 1700000002
    wire_serial = 1700000001

    def soa(self, nameserver, name, timeout):
        zone = next((z for z in sorted(self.zones, key=len, reverse=True)
                     if dns_records.fqdn(name).endswith(dns_records.fqdn(z))),
                    None)
        if zone is None:
            return None, 'no zone (NXDOMAIN)'
        return dns_records.fqdn(zone), self.wire_serial

    def settings(self, **kwargs):
        values = dict(nameservers=self.nameservers, record_timeout=0.3,
                      record_interval=0.01, stack_timeout=2,
                      stack_interval=0.01, cleanup_timeout=0.2,
                      cleanup_interval=0.01, create_settle=0.05,
                      context={'public_network_id': 'pub',
                               'image_ref': 'img', 'flavor_ref': 'flv',
                               'provider_network_type': 'vlan',
                               'provider_physical_network': 'physnet2',
                               'provider_segmentation_id': '2000',
                               'provider_cidr': '203.0.113.0/24',
                               'provider_ipv6_cidr': '2001:db8:5e00::/64',
                               'published_cidr': '10.249.0.0/24'})
        values.update(kwargs)
        return engine.Settings(**values)

    def run(self, catalog, name, overrides=None, hooks=None, **settings):
        return engine.ScenarioRun(name, catalog.get(name), self.clients(),
                                  self.settings(**settings),
                                  overrides=overrides, hooks=hooks,
                                  checker=self.checker())
