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

"""Configs of the DNS side: BIND9 (and its rndc), Designate and its pools."""

import collections
import os

from constellation import render


# Designate's pools, one BIND9 each: dir (its etc/, data/ and run/ dir),
# DNS and rndc listeners, rndc secret, pool id (None: Designate's default
# pool id), NS hostname, attributes, TSIG key (name, secret) or None.
# The second pool exists so zones can be placed on a non-default pool
# (pool_id attribute) and a test can see that a zone is served only by
# its own pool's nameservers. Its id is fixed so callers can name it (the
# constellation's facts, ``dns.pools``). Designate (central) refuses zones on
# a non-default pool without a TSIG key of scope POOL for it, and mdns
# serves a transfer only the zones of the pool whose key signed it
# (unsigned: the default pool's): the second BIND9 signs its transfers
# with that key (pool.pool_tsigkeys creates it in Designate).
Pool = collections.namedtuple(
    'Pool', 'name dir dns rndc rndc_secret id ns attributes tsig')
POOLS = (
    Pool('default', 'bind', 'dns', 'rndc', 'rndc', None, render.NS_HOSTNAME,
         {}, None),
    Pool('secondary', 'bind2', 'dns2', 'rndc2', 'rndc2',
         'f7c4a2e0-5b1d-4c8e-9a3f-2d6b0e1c7a95',
         'ns1.secondary.' + render.DNS_DOMAIN, {'pool_level': 'secondary'},
         ('constellation-pool-secondary', 'tsig2')),
)
SECOND_POOL_ID = POOLS[1].id
# zones the constellation's own checks create (smoke, multipool probes)
CHECK_ZONE_SUFFIX = 'constellation-checks.test.'
# the BIND9 programs: program -> its dir under etc/, data/ and run/
BIND_PROGRAMS = {'named': 'bind', 'named2': 'bind2'}
TSIG_ALGORITHM = 'hmac-sha256'


def _bind(d):
    """The POOLS entry of BIND9 dir ``d`` (bind, bind2)."""
    return next(p for p in POOLS if p.dir == d)


def tsig_keys(ctx):
    """[(pool id, key name, secret)] of the pools that have a TSIG key."""
    return [(p.id, p.tsig[0], ctx['secrets'][p.tsig[1]])
            for p in POOLS if p.tsig]


def named_conf(ctx, d='bind'):
    pool = _bind(d)
    tsig = ''
    if pool.tsig:
        # transfers from mdns (the master, on 127.0.0.1) signed with the
        # pool's key: mdns then serves this pool's zones
        tsig = 'include "%s";\nserver 127.0.0.1 { keys { "%s"; }; };\n' % (
            render.etc(ctx, d, 'tsig.key'), pool.tsig[0])
    return '''// private BIND9 of the constellation (Designate's backend)
options {
    directory "%(dir)s";
    pid-file "%(run)s/named.pid";
    session-keyfile "%(dir)s/session.key";
    managed-keys-directory "%(dir)s";
    listen-on port %(dns)d { 127.0.0.1; };
    listen-on-v6 { none; };
    allow-new-zones yes;
    allow-query { any; };
    recursion no;
    dnssec-validation no;
    notify no;
    minimal-responses yes;
};
include "%(key)s";
controls {
    inet 127.0.0.1 port %(rndc)d allow { 127.0.0.1; } keys { "rndc-key"; };
};
%(tsig)s''' % {
        'dir': render.data(ctx, d), 'run': os.path.join(ctx['root'], 'run', d),
        'dns': ctx['ports'][pool.dns], 'rndc': ctx['ports'][pool.rndc],
        'key': render.etc(ctx, d, 'rndc.key'), 'tsig': tsig}


def _key(name, secret):
    return ('key "%s" {\n    algorithm %s;\n    secret "%s";\n};\n'
            % (name, TSIG_ALGORITHM, secret))


def rndc_key(ctx, d='bind'):
    return _key('rndc-key', ctx['secrets'][_bind(d).rndc_secret])


def rndc_conf(ctx, d='bind'):
    return '''include "%s";
options {
    default-key "rndc-key";
    default-server 127.0.0.1;
    default-port %d;
};
''' % (render.etc(ctx, d, 'rndc.key'), ctx['ports'][_bind(d).rndc])


def bind_files(ctx):
    """etc/ path -> text for every BIND9 instance."""
    out = {}
    for pool in POOLS:
        d = pool.dir
        out[d + '/named.conf'] = named_conf(ctx, d)
        out[d + '/rndc.key'] = rndc_key(ctx, d)
        out[d + '/rndc.conf'] = rndc_conf(ctx, d)
        if pool.tsig:
            out[d + '/tsig.key'] = _key(pool.tsig[0],
                                        ctx['secrets'][pool.tsig[1]])
    return out


# Designate's [service:api] options that designate-tempest-plugin's API
# tests expect set as in upstream's gate (devstack + the plugin's
# designate-core job), not Designate's defaults.  tempestconf tells the
# plugin the first ([dns_feature_enabled] api_v2_quotas_verify_project):
# - quotas_verify_project_id (default False; devstack's plugin.sh sets
#   True): a quota PATCH for a project Keystone does not know is refused
#   (400 invalid_project, api/v2/controllers/quotas.py patch_one ->
#   common/keystone.py verify_project_id), not stored;
# - allow_empty_secrets_for_tsig (default True, kept so for compatibility;
#   the plugin's designate-core job sets False): a TSIG key with an empty
#   secret is refused (400 invalid_object, objects/tsigkey.py
#   TsigKey.validate).
API_CHECKS = {'quotas_verify_project_id': True,
              'allow_empty_secrets_for_tsig': False}


def designate_conf(ctx):
    default = render.common_default(ctx)
    return render.ini({
        'DEFAULT': default,
        'storage:sqlalchemy': {'connection': render.db_url(ctx, 'designate')},
        'service:api': {
            'auth_strategy': 'keystone',
            'enable_api_v2': True,
            'enable_api_admin': True,
            'enabled_extensions_admin': 'quotas,reports',
            'api_base_uri': render.url(ctx, 'designate', '/'),
            'workers': 1,
            **API_CHECKS,
        },
        # verify_project_id asks Keystone (the catalog of the caller's
        # token) through this adapter; devstack names the region too
        'keystone': {'region_name': render.REGION},
        'service:central': {'workers': 1,
                            'managed_resource_email': render.PTR_EMAIL,
                            # as devstack: honour a zone's pool_id attribute
                            # (unknown pool -> 404), else the default pool
                            'scheduler_filters':
                                'pool_id_attribute,in_doubt_default_pool'},
        # Fast convergence after a fault (e.g. a worker restarted with a
        # zone update in flight): give up polling BIND after ~9 s instead
        # of ~5 min, and let the producer's periodic recovery retry zones
        # in ERROR/PENDING every 5 s instead of every 120 s.
        'service:worker': {'workers': 1,
                           'poll_timeout': 2, 'poll_max_retries': 3,
                           'poll_retry_interval': 1,
                           'threshold_percentage': 100},
        'service:producer': {'workers': 1},
        'producer_task:worker_periodic_recovery': {'interval': 5},
        'service:mdns': {'workers': 1,
                         'listen': '%s:%d' % (render.HOST,
                                              ctx['ports']['mdns'])},
        'keystone_authtoken': render.authtoken(ctx, 'designate'),
        # tooz on one machine: locks and group membership in the state
        # dir, so two workers of a Designate service coordinate
        'coordination': {'backend_url': 'file://' + render.data(
            ctx, 'designate', 'coordination')},
        'oslo_concurrency': {'lock_path': render.lock_path(ctx, 'designate')},
    })


def pools_yaml(ctx):
    p = ctx['ports']
    out = ['---']
    for pool in POOLS:
        d, dns, rndc, attrs = pool.dir, pool.dns, pool.rndc, pool.attributes
        out += ['- name: %s' % pool.name] + (
            ['  id: %s' % pool.id] if pool.id else []) + [
            # "BIND Pool": designate-tempest-plugin's test_pool_show_config
            # looks for it in the default pool's config (devstack's pool
            # is "Default BIND Pool")
            '  description: Constellation private BIND Pool (%s)' % d,
            '  attributes: {%s}' % ', '.join(
                '%s: %s' % kv for kv in sorted(attrs.items())),
            '  ns_records:',
            '    - hostname: %s' % pool.ns,
            '      priority: 1',
            '  nameservers:',
            '    - host: 127.0.0.1',
            '      port: %d' % p[dns],
            '  targets:',
            '    - type: bind9',
            '      description: BIND9 on 127.0.0.1:%d' % p[dns],
            '      masters:',
            '        - host: 127.0.0.1',
            '          port: %d' % p['mdns'],
            '      options:',
            '        host: 127.0.0.1',
            '        port: %d' % p[dns],
            '        rndc_host: 127.0.0.1',
            '        rndc_port: %d' % p[rndc],
            '        rndc_config_file: %s' % render.etc(ctx, d, 'rndc.conf'),
            '        rndc_key_file: %s' % render.etc(ctx, d, 'rndc.key')]
    return '\n'.join(out) + '\n'
