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

"""Config rendering: pure functions from a context to file contents.

Context keys: ``root`` (state dir), ``venv``, ``ports`` (ports.allocate),
``secrets`` (State.secrets), ``user``/``group`` (running user), ``debug``.
"""

import os

HOST = '127.0.0.1'
REGION = 'RegionOne'
SERVICE_USERS = ('glance', 'placement', 'nova', 'neutron', 'designate',
                 'heat')
DNS_DOMAIN = 'constellation.test.'
PTR_EMAIL = 'hostmaster@constellation.test'
NS_HOSTNAME = 'ns1.constellation.test.'
TENANT_VLAN_RANGE = (100, 199)
PROVIDER_PHYSNET = 'physnet1'
PUBLIC_PHYSNET = 'public'
PROVIDER_SEGMENTATION_ID = 3001
PUBLIC_CIDR = '203.0.113.0/24'
DATABASES = ('keystone', 'glance', 'placement', 'nova_api', 'nova_cell0',
             'nova_cell1', 'neutron', 'designate', 'heat')


def _value(v):
    if isinstance(v, bool):
        return 'True' if v else 'False'
    if isinstance(v, (list, tuple)):
        return ','.join(str(x) for x in v)
    return str(v)


def ini(sections):
    """Render {section: {key: value}} as INI text (insertion order kept)."""
    out = []
    for name, opts in sections.items():
        out.append('[%s]' % name)
        for key, value in opts.items():
            if value is None:
                continue
            out.append('%s = %s' % (key, _value(value)))
        out.append('')
    return '\n'.join(out)


def url(ctx, name, path=''):
    return 'http://%s:%d%s' % (HOST, ctx['ports'][name], path)


def db_url(ctx, db):
    return 'mysql+pymysql://constellation:%s@%s:%d/%s?charset=utf8' % (
        ctx['secrets']['db'], HOST, ctx['ports']['mysql'], db)


def transport_url(ctx):
    return 'rabbit://constellation:%s@%s:%d/' % (
        ctx['secrets']['rabbit'], HOST, ctx['ports']['amqp'])


def etc(ctx, *parts):
    return os.path.join(ctx['root'], 'etc', *parts)


def data(ctx, *parts):
    return os.path.join(ctx['root'], 'data', *parts)


def lock_path(ctx, svc):
    return data(ctx, 'locks', svc)


def _auth(ctx, username):
    return {
        'auth_type': 'password',
        'auth_url': url(ctx, 'keystone', '/v3'),
        'username': username,
        'password': ctx['secrets']['service'],
        'project_name': 'service',
        'user_domain_name': 'Default',
        'project_domain_name': 'Default',
        'region_name': REGION,
    }


def _authtoken(ctx, username):
    opts = {'www_authenticate_uri': url(ctx, 'keystone', '/v3'),
            'service_token_roles_required': True}
    opts.update(_auth(ctx, username))
    opts.pop('region_name')
    return opts


def _common_default(ctx):
    return {'debug': ctx.get('debug', False),
            'transport_url': transport_url(ctx),
            'use_stderr': True,
            'graceful_shutdown_timeout': 5}


# --- infrastructure -----------------------------------------------------

def my_cnf(ctx):
    run = os.path.join(ctx['root'], 'run', 'mysql')  # the mysql user's
    return ini({
        'mysqld': {
            'datadir': data(ctx, 'mysql'),
            'socket': os.path.join(run, 'mysqld.sock'),
            'pid-file': os.path.join(run, 'mysqld.pid'),
            'port': ctx['ports']['mysql'],
            'bind-address': HOST,
            'skip-name-resolve': 'ON',
            'skip-log-bin': 'ON',
            # errors to stderr: supervisord writes them to logs/mysql.log
            'max_connections': 1000,
            'innodb_buffer_pool_size': '64M',
            'innodb_log_file_size': '64M',
            'innodb_flush_log_at_trx_commit': 2,
            'performance_schema': 'OFF',
            'character-set-server': 'utf8mb4',
        },
        'client': {
            'socket': os.path.join(run, 'mysqld.sock'),
        },
    })


def rabbitmq_conf(ctx):
    return '\n'.join([
        'listeners.tcp.1 = %s:%d' % (HOST, ctx['ports']['amqp']),
        'loopback_users = none',
        'default_user = constellation',
        'default_pass = %s' % ctx['secrets']['rabbit'],
        'default_vhost = /',
        'log.console = true',
        'log.file = false',
        'vm_memory_high_watermark.absolute = 512MiB',
        'disk_free_limit.absolute = 50MB',
        '',
    ])


def rabbitmq_env(ctx):
    """Environment of the private RabbitMQ node (no system-wide effects)."""
    base = data(ctx, 'rabbitmq')
    return {
        'HOME': base,
        'RABBITMQ_NODENAME': 'constellation%d@localhost' % (
            ctx['ports']['amqp']),
        'RABBITMQ_NODE_IP_ADDRESS': HOST,
        'RABBITMQ_NODE_PORT': str(ctx['ports']['amqp']),
        'RABBITMQ_DIST_PORT': str(ctx['ports']['rabbit_dist']),
        'ERL_EPMD_PORT': str(ctx['ports']['epmd']),
        'ERL_EPMD_ADDRESS': HOST,
        'RABBITMQ_MNESIA_BASE': os.path.join(base, 'mnesia'),
        'RABBITMQ_MNESIA_DIR': os.path.join(base, 'mnesia', 'node'),
        'RABBITMQ_FEATURE_FLAGS_FILE': os.path.join(base, 'feature_flags'),
        'RABBITMQ_PLUGINS_EXPAND_DIR': os.path.join(base, 'plugins-expand'),
        'RABBITMQ_QUORUM_DIR': os.path.join(base, 'mnesia', 'node', 'quorum'),
        # under data/: written by the rabbitmq user when started as root
        'ERL_CRASH_DUMP': os.path.join(base, 'erl_crash.dump'),
        'RABBITMQ_LOG_BASE': os.path.join(base, 'log'),
        'RABBITMQ_CONFIG_FILE': etc(ctx, 'rabbitmq', 'rabbitmq'),
        'RABBITMQ_ENABLED_PLUGINS_FILE': etc(ctx, 'rabbitmq',
                                             'enabled_plugins'),
        'RABBITMQ_ADVANCED_CONFIG_FILE': etc(ctx, 'rabbitmq',
                                             'advanced.config'),
        'RABBITMQ_CONF_ENV_FILE': etc(ctx, 'rabbitmq', 'rabbitmq-env.conf'),
        'RABBITMQ_PID_FILE': os.path.join(ctx['root'], 'run', 'rabbitmq',
                                          'rabbitmq.pid'),
        'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS':
            '-kernel inet_dist_use_interface {127,0,0,1}',
        'RABBITMQ_LOGS': '-',
    }


def named_conf(ctx):
    d = data(ctx, 'bind')
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
       'key': etc(ctx, 'bind', 'rndc.key')}


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
''' % (etc(ctx, 'bind', 'rndc.key'), ctx['ports']['rndc'])


# --- OpenStack services -------------------------------------------------

def keystone_conf(ctx):
    return ini({
        'DEFAULT': {'debug': ctx.get('debug', False), 'use_stderr': True},
        'database': {'connection': db_url(ctx, 'keystone')},
        'token': {'provider': 'fernet'},
        # test cloud: cheap password hashing (Tempest creates users per
        # class) and an in-process cache; both only cost CPU otherwise
        'identity': {'password_hash_rounds': 4},
        'cache': {'enabled': True, 'backend': 'oslo_cache.dict'},
        'fernet_tokens': {'key_repository': etc(ctx, 'keystone',
                                                'fernet-keys')},
        'credential': {'key_repository': etc(ctx, 'keystone',
                                             'credential-keys')},
        'oslo_concurrency': {'lock_path': lock_path(ctx, 'keystone')},
    })


def glance_conf(ctx):
    return ini({
        'DEFAULT': {'debug': ctx.get('debug', False), 'use_stderr': True,
                    'enabled_backends': 'fs:file',
                    'transport_url': transport_url(ctx),
                    'worker_self_reference_url': url(ctx, 'glance')},
        'database': {'connection': db_url(ctx, 'glance')},
        'glance_store': {'default_backend': 'fs'},
        'fs': {'filesystem_store_datadir': data(ctx, 'glance', 'images')},
        'os_glance_staging_store': {
            'filesystem_store_datadir': data(ctx, 'glance', 'staging')},
        'os_glance_tasks_store': {
            'filesystem_store_datadir': data(ctx, 'glance', 'tasks')},
        'keystone_authtoken': _authtoken(ctx, 'glance'),
        'paste_deploy': {'flavor': 'keystone'},
        'oslo_concurrency': {'lock_path': lock_path(ctx, 'glance')},
        'oslo_messaging_notifications': {'driver': 'noop'},
    })


def placement_conf(ctx):
    return ini({
        'DEFAULT': {'debug': ctx.get('debug', False), 'use_stderr': True},
        'placement_database': {'connection': db_url(ctx, 'placement')},
        'api': {'auth_strategy': 'keystone'},
        'keystone_authtoken': _authtoken(ctx, 'placement'),
        'oslo_concurrency': {'lock_path': lock_path(ctx, 'placement')},
    })


def nova_conf(ctx):
    default = _common_default(ctx)
    default.update({
        # Nova's FakeDriverWithoutFakeNodes with a console log that ends
        # in a login prompt (constellation_ext.compute)
        'compute_driver': 'constellation_fake.BootedFakeDriver',
        'host': 'constellation',
        'my_ip': HOST,
        'state_path': data(ctx, 'nova'),
        'instances_path': data(ctx, 'nova', 'instances'),
        'vif_plugging_is_fatal': False,
        'vif_plugging_timeout': 0,
        'osapi_compute_workers': 1,
        'metadata_workers': 1,
        'allow_resize_to_same_host': True,
        # heartbeat every 5 s (default 10): `up`/`restart` wait for a fresh
        # one before declaring nova-compute back
        'report_interval': 5,
    })
    return ini({
        'DEFAULT': default,
        'api_database': {'connection': db_url(ctx, 'nova_api')},
        'database': {'connection': db_url(ctx, 'nova_cell1')},
        'api': {'auth_strategy': 'keystone'},
        'wsgi': {'api_paste_config': etc(ctx, 'nova', 'api-paste.ini')},
        'keystone_authtoken': _authtoken(ctx, 'nova'),
        'placement': _auth(ctx, 'placement'),
        'neutron': dict(_auth(ctx, 'neutron'),
                        service_metadata_proxy=False),
        'glance': {'region_name': REGION},
        'service_user': dict(_auth(ctx, 'nova'),
                             send_service_user_token=True),
        'conductor': {'workers': 1},
        'scheduler': {'workers': 1,
                      'discover_hosts_in_cells_interval': 10},
        'oslo_concurrency': {'lock_path': lock_path(ctx, 'nova')},
        'vnc': {'enabled': False},
        'spice': {'enabled': False},
        'os_vif_ovs': {'ovsdb_connection': 'tcp:127.0.0.1:6640'},
        'notifications': {'notification_format': 'unversioned'},
        'oslo_messaging_notifications': {'driver': 'noop'},
        'compute': {'max_concurrent_builds': 10},
        'cinder': {'os_region_name': REGION},
    })


def neutron_conf(ctx):
    default = _common_default(ctx)
    default.update({
        'core_plugin': 'ml2',
        'service_plugins': 'router',
        'auth_strategy': 'keystone',
        'allow_overlapping_ips': True,
        'dns_domain': DNS_DOMAIN,
        'external_dns_driver': 'designate',
        'notify_nova_on_port_status_changes': True,
        'notify_nova_on_port_data_changes': True,
        'api_workers': 1,
        'rpc_workers': 0,
        'rpc_state_report_workers': 0,
        'state_path': data(ctx, 'neutron'),
    })
    designate = _auth(ctx, 'neutron')
    designate.pop('region_name')
    designate.update({
        'url': url(ctx, 'designate', '/v2'),
        'allow_reverse_dns_lookup': True,
        'ipv4_ptr_zone_prefix_size': 24,
        'ipv6_ptr_zone_prefix_size': 116,
        'ptr_zone_email': PTR_EMAIL,
    })
    return ini({
        'DEFAULT': default,
        'database': {'connection': db_url(ctx, 'neutron')},
        'keystone_authtoken': _authtoken(ctx, 'neutron'),
        'nova': _auth(ctx, 'nova'),
        # the segments plugin reports to Placement (else tracebacks in log)
        'placement': _auth(ctx, 'placement'),
        'designate': designate,
        'oslo_concurrency': {'lock_path': lock_path(ctx, 'neutron')},
        'agent': {'root_helper': '', 'report_interval': 0},
        'oslo_messaging_notifications': {'driver': 'noop'},
    })


def ml2_conf(ctx):
    lo, hi = TENANT_VLAN_RANGE
    return ini({
        'ml2': {
            'type_drivers': 'flat,vlan,vxlan',
            'tenant_network_types': 'vxlan',
            'mechanism_drivers': 'constellation_agentless',
            # dns_domain_keywords subclasses subnet_dns_publish_fixed_ip and
            # dns_domain_ports (all of Neutron's DNS API extensions); two of
            # them at once: duplicate NetworkDNSDomain on network create.
            'extension_drivers': 'port_security,dns_domain_keywords',
            'overlay_ip_version': 4,
        },
        'ml2_type_flat': {'flat_networks': PUBLIC_PHYSNET},
        'ml2_type_vlan': {'network_vlan_ranges': '%s:%d:%d' % (
            PROVIDER_PHYSNET, lo, hi)},
        'ml2_type_vxlan': {'vni_ranges': '1:10000'},
    })


def designate_conf(ctx):
    default = _common_default(ctx)
    return ini({
        'DEFAULT': default,
        'storage:sqlalchemy': {'connection': db_url(ctx, 'designate')},
        'service:api': {
            'auth_strategy': 'keystone',
            'enable_api_v2': True,
            'enable_api_admin': True,
            'enabled_extensions_admin': 'quotas,reports',
            'api_base_uri': url(ctx, 'designate', '/'),
            'workers': 1,
        },
        'service:central': {'workers': 1,
                            'managed_resource_email': PTR_EMAIL,
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
                         'listen': '%s:%d' % (HOST, ctx['ports']['mdns'])},
        'keystone_authtoken': _authtoken(ctx, 'designate'),
        # tooz on one machine: locks and group membership in the state
        # dir, so two workers of a Designate service coordinate
        'coordination': {'backend_url': 'file://' + data(
            ctx, 'designate', 'coordination')},
        'oslo_concurrency': {'lock_path': lock_path(ctx, 'designate')},
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
''' % {'ns': NS_HOSTNAME, 'dns': p['dns'], 'mdns': p['mdns'],
       'rndc': p['rndc'], 'rndc_conf': etc(ctx, 'bind', 'rndc.conf'),
       'rndc_key': etc(ctx, 'bind', 'rndc.key')}


def heat_conf(ctx):
    default = _common_default(ctx)
    venv = ctx['venv']
    default.update({
        'num_engine_workers': 1,
        'heat_metadata_server_url': url(ctx, 'heat'),
        'heat_waitcondition_server_url': url(ctx, 'heat', '/v1/waitcondition'),
        'auth_encryption_key': ctx['secrets']['heat_auth_key'],
        'environment_dir': os.path.join(venv, 'etc', 'heat', 'environment.d'),
        'template_dir': os.path.join(venv, 'etc', 'heat', 'templates'),
        'region_name_for_services': REGION,
        'host': 'constellation',
    })
    trustee = _auth(ctx, 'heat')
    for k in ('project_name', 'project_domain_name', 'region_name'):
        trustee.pop(k)
    return ini({
        'DEFAULT': default,
        'database': {'connection': db_url(ctx, 'heat')},
        'keystone_authtoken': _authtoken(ctx, 'heat'),
        'trustee': trustee,
        'clients_keystone': {'auth_uri': url(ctx, 'keystone')},
        'ec2authtoken': {'auth_uri': url(ctx, 'keystone', '/v3')},
        'heat_api': {'workers': 1},
        'paste_deploy': {'api_paste_config': etc(ctx, 'heat',
                                                 'api-paste.ini')},
        'oslo_concurrency': {'lock_path': lock_path(ctx, 'heat')},
        'oslo_messaging_notifications': {'driver': 'noop'},
    })


def config_files(ctx):
    """All rendered files: relative path under etc/ -> text."""
    files = {
        'mysql/my.cnf': my_cnf(ctx),
        'rabbitmq/rabbitmq.conf': rabbitmq_conf(ctx),
        'rabbitmq/enabled_plugins': '[].\n',
        'rabbitmq/advanced.config': '[].\n',
        'rabbitmq/rabbitmq-env.conf': '',
        'bind/named.conf': named_conf(ctx),
        'bind/rndc.key': rndc_key(ctx),
        'bind/rndc.conf': rndc_conf(ctx),
        'keystone/keystone.conf': keystone_conf(ctx),
        'glance/glance-api.conf': glance_conf(ctx),
        'placement/placement.conf': placement_conf(ctx),
        'nova/nova.conf': nova_conf(ctx),
        'neutron/neutron.conf': neutron_conf(ctx),
        'neutron/ml2_conf.ini': ml2_conf(ctx),
        'designate/designate.conf': designate_conf(ctx),
        'designate/pools.yaml': pools_yaml(ctx),
        'heat/heat.conf': heat_conf(ctx),
    }
    return files
