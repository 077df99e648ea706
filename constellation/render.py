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

import configparser
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
# nova-scheduler maps new compute hosts into their cell this often (s):
# `up` waits for it instead of running nova-manage discover_hosts
DISCOVER_HOSTS_INTERVAL = 2
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


def patch(text, changes, drop=()):
    """INI ``text`` with ``changes`` ({section: {key: value}}) applied."""
    cp = configparser.RawConfigParser(strict=True)
    cp.optionxform = str
    cp.read_string(text)
    sections = {s: dict(cp[s]) for s in cp.sections()}
    if cp.defaults():
        sections = dict({'DEFAULT': dict(cp.defaults())}, **sections)
    for section, key in drop:
        sections.get(section, {}).pop(key, None)
    for section, opts in changes.items():
        sections.setdefault(section, {}).update(opts)
    return ini(sections)


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


def auth(ctx, username):
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


def authtoken(ctx, username):
    opts = {'www_authenticate_uri': url(ctx, 'keystone', '/v3'),
            'service_token_roles_required': True}
    opts.update(auth(ctx, username))
    opts.pop('region_name')
    return opts


def common_default(ctx):
    return {'debug': ctx.get('debug', False),
            'transport_url': transport_url(ctx),
            'use_stderr': True,
            'graceful_shutdown_timeout': 5}


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
        'keystone_authtoken': authtoken(ctx, 'glance'),
        'paste_deploy': {'flavor': 'keystone'},
        'oslo_concurrency': {'lock_path': lock_path(ctx, 'glance')},
        'oslo_messaging_notifications': {'driver': 'noop'},
    })


def placement_conf(ctx):
    return ini({
        'DEFAULT': {'debug': ctx.get('debug', False), 'use_stderr': True},
        'placement_database': {'connection': db_url(ctx, 'placement')},
        'api': {'auth_strategy': 'keystone'},
        'keystone_authtoken': authtoken(ctx, 'placement'),
        'oslo_concurrency': {'lock_path': lock_path(ctx, 'placement')},
    })


def nova_conf(ctx):
    default = common_default(ctx)
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
        'keystone_authtoken': authtoken(ctx, 'nova'),
        'placement': auth(ctx, 'placement'),
        'neutron': dict(auth(ctx, 'neutron'),
                        service_metadata_proxy=False),
        'glance': {'region_name': REGION},
        'service_user': dict(auth(ctx, 'nova'),
                             send_service_user_token=True),
        'conductor': {'workers': 1},
        'scheduler': {'workers': 1},
        'oslo_concurrency': {'lock_path': lock_path(ctx, 'nova')},
        'vnc': {'enabled': False},
        'spice': {'enabled': False},
        'os_vif_ovs': {'ovsdb_connection': 'tcp:127.0.0.1:6640'},
        'notifications': {'notification_format': 'unversioned'},
        'oslo_messaging_notifications': {'driver': 'noop'},
        'compute': {'max_concurrent_builds': 10},
        'cinder': {'os_region_name': REGION},
    })


def nova_scheduler_conf(ctx):
    """nova-scheduler's own file, read after nova.conf."""
    return ini({
        # its first periodic tasks at start, not 0-60 s later at random
        # (nova/conf/service.py, a guard against stampedes of many
        # computes): host discovery among them
        'DEFAULT': {'periodic_fuzzy_delay': 0},
        'scheduler': {'discover_hosts_in_cells_interval':
                      DISCOVER_HOSTS_INTERVAL},
    })


def neutron_conf(ctx):
    default = common_default(ctx)
    default.update({
        'core_plugin': 'ml2',
        'service_plugins': 'router',
        'auth_strategy': 'keystone',
        'allow_overlapping_ips': True,
        'dns_domain': DNS_DOMAIN,
        'notify_nova_on_port_status_changes': True,
        'notify_nova_on_port_data_changes': True,
        'api_workers': 1,
        'rpc_workers': 0,
        'rpc_state_report_workers': 0,
        'state_path': data(ctx, 'neutron'),
        # ports and floating IPs published in Designate, as devstack's
        # neutron-dns service sets it up
        'external_dns_driver': 'designate',
    })
    designate = auth(ctx, 'neutron')
    designate.pop('region_name')
    designate.update({
        'url': url(ctx, 'designate', '/v2'),
        'ptr_zone_email': PTR_EMAIL,
    })
    return ini({
        'DEFAULT': default,
        'database': {'connection': db_url(ctx, 'neutron')},
        'keystone_authtoken': authtoken(ctx, 'neutron'),
        'nova': auth(ctx, 'nova'),
        # the segments plugin reports to Placement (else tracebacks in log)
        'placement': auth(ctx, 'placement'),
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
            # port security and DNS names of ports and floating IPs
            # (devstack's neutron-dns); a caller asking for other DNS
            # drivers replaces the list (service settings)
            'extension_drivers': 'port_security,dns_domain_ports',
            'overlay_ip_version': 4,
        },
        'ml2_type_flat': {'flat_networks': PUBLIC_PHYSNET},
        'ml2_type_vlan': {'network_vlan_ranges': '%s:%d:%d' % (
            PROVIDER_PHYSNET, lo, hi)},
        'ml2_type_vxlan': {'vni_ranges': '1:10000'},
    })


def heat_conf(ctx):
    default = common_default(ctx)
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
    trustee = auth(ctx, 'heat')
    for k in ('project_name', 'project_domain_name', 'region_name'):
        trustee.pop(k)
    return ini({
        'DEFAULT': default,
        'database': {'connection': db_url(ctx, 'heat')},
        'keystone_authtoken': authtoken(ctx, 'heat'),
        'trustee': trustee,
        'clients_keystone': {'auth_uri': url(ctx, 'keystone')},
        'ec2authtoken': {'auth_uri': url(ctx, 'keystone', '/v3')},
        'heat_api': {'workers': 1},
        'paste_deploy': {'api_paste_config': etc(ctx, 'heat',
                                                 'api-paste.ini')},
        'oslo_concurrency': {'lock_path': lock_path(ctx, 'heat')},
        'oslo_messaging_notifications': {'driver': 'noop'},
        # as devstack's lib/heat: without a cache region every property
        # constraint and name lookup is a fresh GET to Neutron/Nova/
        # Glance, several per resource (heat.engine.constraints)
        'cache': {'enabled': True, 'backend': 'dogpile.cache.memory'},
    })
