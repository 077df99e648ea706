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

"""Neutron's reverse zones, created ahead as Neutron's Designate user.

Used by the devstack plugin (``python3 -m cross_service_settings
reverse-zones``) and, on a constellation, by the plugin's step after
``up`` (``after_up``).  Standard library only.
"""

import configparser
import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request

from cross_service_settings import reverse


class Error(Exception):
    """A failure worth one line to the user (no traceback)."""


def neutron_designate(neutron_conf):
    """Neutron's [designate] section of ``neutron_conf``, as it reads it."""
    parser = configparser.ConfigParser(interpolation=None)
    if not parser.read(neutron_conf):
        raise Error('%s: cannot read it (Neutron\'s config, '
                    '--neutron-conf)' % neutron_conf)
    if not parser.has_section('designate'):
        raise Error('%s has no [designate] section: Neutron is not set up '
                    'for Designate (external_dns_driver; devstack: enable '
                    'service neutron-dns)' % neutron_conf)
    conf = dict(parser['designate'])
    missing = [k for k in ('url', 'auth_url', 'username', 'password',
                           'project_name', 'ptr_zone_email')
               if not conf.get(k)]
    if missing:
        raise Error('%s [designate]: %s not set (Neutron\'s Designate '
                    'user and PTR zone e-mail are what the reverse zones '
                    'are created with)' % (neutron_conf, ', '.join(missing)))
    return conf


class Client:
    """Keystone v3 password session of Neutron's Designate user."""

    def __init__(self, conf, timeout=30):
        self.conf = conf
        self.timeout = timeout
        self.ctx = None
        if conf.get('cafile'):
            self.ctx = ssl.create_default_context(cafile=conf['cafile'])
        self.token = None
        self.catalog = []
        self.project_id = None

    def request(self, method, url, body=None, token=True):
        headers = {'Accept': 'application/json'}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers['Content-Type'] = 'application/json'
        if token:
            headers['X-Auth-Token'] = self.login()
        req = urllib.request.Request(url, data=data, headers=headers,
                                     method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout,
                                        context=self.ctx) as resp:
                text = resp.read().decode(errors='replace')
                return resp.status, resp.headers, (
                    json.loads(text) if text.strip() else {})
        except urllib.error.HTTPError as e:
            return e.code, e.headers, {'error': e.read().decode(
                errors='replace')[:300]}
        except OSError as e:
            raise Error('%s %s: %s' % (method, url, e))

    def login(self):
        if self.token:
            return self.token
        c = self.conf
        body = {'auth': {
            'identity': {'methods': ['password'], 'password': {'user': {
                'name': c['username'], 'password': c['password'],
                'domain': {'name': c.get('user_domain_name') or 'Default'}}}},
            'scope': {'project': {
                'name': c['project_name'],
                'domain': {'name': c.get('project_domain_name')
                           or 'Default'}}}}}
        url = c['auth_url'].rstrip('/')
        if not url.endswith('/v3'):
            url += '/v3'
        status, headers, data = self.request('POST', url + '/auth/tokens',
                                             body, token=False)
        if status != 201:
            raise Error('Keystone refused Neutron\'s Designate user %s '
                        '(project %s) at %s: HTTP %s %s' % (
                            c['username'], c['project_name'], url, status,
                            data.get('error', '')))
        self.token = headers['X-Subject-Token']
        self.catalog = data['token'].get('catalog', [])
        self.project_id = data['token']['project']['id']
        return self.token

    def endpoint(self, service_type):
        self.login()
        region = self.conf.get('region_name')
        for svc in self.catalog:
            if svc['type'] != service_type:
                continue
            for ep in svc['endpoints']:
                if ep['interface'] == 'public' and (
                        not region or ep.get('region_id') == region):
                    return ep['url'].rstrip('/')
        raise Error('no public %s endpoint in the catalog' % service_type)

    def get(self, url):
        status, _h, data = self.request('GET', url)
        if status != 200:
            raise Error('GET %s: HTTP %s %s' % (url, status,
                                                data.get('error', '')))
        return data


def public_cidrs(client, network):
    """CIDRs of every subnet of the network named ``network``."""
    neutron = client.endpoint('network') + '/v2.0'
    nets = client.get('%s/networks?%s' % (neutron, urllib.parse.urlencode(
        {'name': network})))['networks']
    if not nets:
        raise Error('no network named %r (the floating-IP network, '
                    '--public-network)' % network)
    subnets = client.get('%s/subnets?network_id=%s' % (
        neutron, nets[0]['id']))['subnets']
    return [s['cidr'] for s in subnets]


def ensure(client, names, timeout=120, interval=1, log=print):
    """Create the zones ``names`` that do not exist; wait until ACTIVE.

    Returns the names created (empty: nothing changed).  A zone of that
    name in another project is an error: Neutron could not add its PTRs.
    """
    conf = client.conf
    zones_url = conf['url'].rstrip('/') + '/zones'

    def find(name):
        return (client.get('%s?%s' % (zones_url, urllib.parse.urlencode(
            {'name': name})))['zones'] or [None])[0]

    created = []
    for name in names:
        if find(name):
            continue
        status, _h, data = client.request('POST', zones_url, {
            'name': name, 'email': conf['ptr_zone_email'],
            'description': 'Reverse zone for Neutron (its PTRs), created '
                           'ahead by cross-service-tempest-plugin.'})
        if status == 409:
            raise Error('reverse zone %s exists in another project than '
                        'Neutron\'s (%s, [designate] of neutron.conf): '
                        'Neutron cannot add its PTRs there; delete it'
                        % (name, conf['project_name']))
        if status not in (201, 202):
            raise Error('creating reverse zone %s: HTTP %s %s' % (
                name, status, data.get('error', '')))
        created.append(name)
    deadline = time.monotonic() + timeout
    t0 = time.monotonic()
    while True:
        seen = {n: find(n) or {} for n in names}
        if all(z.get('status') == 'ACTIVE' for z in seen.values()):
            break
        if time.monotonic() > deadline:
            raise Error('reverse zones not ACTIVE after %ds (expected '
                        'ACTIVE; last seen: %s)' % (timeout, '; '.join(
                            '%s %s/%s' % (n, z.get('action'),
                                          z.get('status'))
                            for n, z in seen.items())))
        time.sleep(interval)
    log('reverse zones for Neutron (user %s, project %s, e-mail %s): %s; '
        '%s; ACTIVE after %.1fs' % (
            conf['username'], conf['project_name'], conf['ptr_zone_email'],
            ', '.join(names), 'created %d' % len(created) if created
            else 'all existed, nothing changed', time.monotonic() - t0))
    return created


def run(neutron_conf, cidrs, public_network=None, window=1000, timeout=120,
        log=print):
    conf = neutron_designate(neutron_conf)
    client = Client(conf)
    cidrs = list(cidrs)
    if public_network:
        cidrs = public_cidrs(client, public_network) + cidrs
    names = reverse.zones(cidrs, conf, window)
    return names, ensure(client, names, timeout=timeout, log=log)
