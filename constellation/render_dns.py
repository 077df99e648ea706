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

import os

from constellation import render


def named_conf(ctx):
    d = render.data(ctx, 'bind')
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
''' % {'dir': d, 'run': os.path.join(ctx['root'], 'run', 'bind'),
       'dns': ctx['ports']['dns'], 'rndc': ctx['ports']['rndc'],
       'key': render.etc(ctx, 'bind', 'rndc.key')}


def rndc_key(ctx):
    return ('key "rndc-key" {\n    algorithm hmac-sha256;\n'
            '    secret "%s";\n};\n' % ctx['secrets']['rndc'])


def rndc_conf(ctx):
    return '''include "%s";
options {
    default-key "rndc-key";
    default-server 127.0.0.1;
    default-port %d;
};
''' % (render.etc(ctx, 'bind', 'rndc.key'), ctx['ports']['rndc'])


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
        },
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
        'service:worker': {'workers': 1, 'poll_delay': 1,
                           'poll_timeout': 2, 'poll_max_retries': 3,
                           'poll_retry_interval': 1,
                           'threshold_percentage': 100},
        'service:producer': {'workers': 1},
        'producer_task:increment_serial': {'interval': 1},
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
    return '''---
- name: default
  description: Constellation private BIND9
  attributes: {}
  ns_records:
    - hostname: %(ns)s
      priority: 1
  nameservers:
    - host: 127.0.0.1
      port: %(dns)d
  targets:
    - type: bind9
      description: BIND9 on 127.0.0.1:%(dns)d
      masters:
        - host: 127.0.0.1
          port: %(mdns)d
      options:
        host: 127.0.0.1
        port: %(dns)d
        rndc_host: 127.0.0.1
        rndc_port: %(rndc)d
        rndc_config_file: %(rndc_conf)s
        rndc_key_file: %(rndc_key)s
''' % {'ns': render.NS_HOSTNAME, 'dns': p['dns'], 'mdns': p['mdns'],
       'rndc': p['rndc'], 'rndc_conf': render.etc(ctx, 'bind', 'rndc.conf'),
       'rndc_key': render.etc(ctx, 'bind', 'rndc.key')}
