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

"""tempest.conf and clouds.yaml for a running constellation (pure)."""

import os

from constellation import guest_files
from constellation import netns
from constellation import render
from constellation import render_dns
from constellation import render_ovn
from constellation import service_settings

# Advertised by Neutron's ML2/router plugins but backed by agents that a
# constellation does not run (no L2/L3/DHCP agents): Tempest tests of these
# would list or schedule agents and find none.
AGENT_ONLY_EXTENSIONS = frozenset((
    'agent', 'agent-resources-synced', 'agent_sort_key',
    'dhcp_agent_scheduler', 'l3_agent_scheduler', 'l3-ha', 'dvr',
    'network_availability_zone', 'router_availability_zone',
    'availability_zone', 'availability_zone_filter', 'network_ha'))


def api_extensions(aliases):
    return sorted(a for a in aliases if a not in AGENT_ONLY_EXTENSIONS)


# the real profile's guest (constellation.guest_image): root over SSH with
# the server's keypair (from the config drive), its floating IP reachable
# from the host through the namespace's veth
GUEST_SSH_USER = 'root'


def real_tempest(ctx):
    """What the real profile changes: guests can be reached and logged in."""
    return {
        'validation': {
            'run_validation': True, 'connect_method': 'floating',
            'auth_method': 'keypair', 'ip_version_for_ssh': 4,
            'image_ssh_user': GUEST_SSH_USER,
            'image_alt_ssh_user': GUEST_SSH_USER,
            'network_for_ssh': 'public', 'floating_ip_range':
                netns.plan(ctx)['cidr'],
            # a peer server Tempest pings is ACTIVE before its guest has
            # booted (TCG, 2 shared cores: 50-100 s at load 15)
            'ssh_timeout': 120, 'connect_timeout': 10, 'ping_timeout': 180,
            'ping_count': 1, 'ping_size': 56,
        },
        'compute-feature-enabled': {
            'config_drive': True, 'metadata_service': False,
            'console_output': True, 'rescue': False,
            'resize': False, 'suspend': False, 'pause': True,
            'shelve': False, 'snapshot': True, 'interface_attach': True,
            'cold_migration': False, 'live_migration': False,
        },
        'compute': {'build_timeout': 300},
        'network': {'project_networks_reachable': False,
                    'build_timeout': 300},
        # the guest's root is its initramfs, in RAM: test_snapshot_pattern's
        # timestamp goes to the guest's own disk, which the snapshot keeps
        'scenario': {'target_dir': guest_files.DISK_DIR},
    }


def log_file(ctx):
    return os.path.join(ctx['root'], 'tempest', 'tempest.log')


def tempest_conf(ctx, res):
    """res: output of bootstrap.resources (image, flavors, network, exts)."""
    sec = ctx['secrets']
    ks = render.url(ctx, 'keystone', '/v3')
    image = res['image_id']
    exts = api_extensions(res.get('network_extensions') or ['all'])
    text = render.ini({
        # absolute and in the private tempest dir: a relative one wrote a
        # world-readable tempest.log wherever the user stood
        'DEFAULT': {'log_file': log_file(ctx), 'use_stderr': False},
        'auth': {
            'admin_username': 'admin', 'admin_password': sec['admin'],
            'admin_project_name': 'admin', 'admin_domain_name': 'Default',
            'use_dynamic_credentials': True,
            'create_isolated_networks': True,
        },
        'identity': {
            'uri_v3': ks, 'auth_version': 'v3',
            'region': render.REGION,
            'disable_ssl_certificate_validation': True,
        },
        'identity-feature-enabled': {'api_v2': False},
        'service_available': {
            'nova': True, 'neutron': True, 'glance': True,
            'designate': True, 'heat': True, 'placement': True,
            'cinder': False, 'swift': False, 'horizon': False,
            'ceilometer': False, 'aodh': False, 'barbican': False,
            'ironic': False, 'manila': False, 'octavia': False,
            'zaqar': False, 'sahara': False, 'trove': False,
        },
        'compute': {
            'image_ref': image, 'image_ref_alt': image,
            'flavor_ref': res['flavor_ref'],
            'flavor_ref_alt': res['flavor_ref_alt'],
            'region': render.REGION, 'build_timeout': 120,
            'min_compute_nodes': 1, 'max_microversion': 'latest',
        },
        'compute-feature-enabled': {
            'console_output': True, 'resize': True,
            'live_migration': False, 'cold_migration': False,
            'vnc_console': False, 'spice_console': False,
            'serial_console': False, 'rescue': True,
            'change_password': False, 'personality': False,
            'attach_encrypted_volume': False, 'scheduler_enabled_filters':
                'ComputeFilter,ComputeCapabilitiesFilter,'
                'ImagePropertiesFilter,ServerGroupAntiAffinityFilter,'
                'ServerGroupAffinityFilter',
        },
        'network': {
            'public_network_id': res['public_network_id'],
            'floating_network_name': 'public',
            'region': render.REGION, 'build_timeout': 120,
            'project_networks_reachable': False,
            'shared_physical_network': False,
        },
        'network-feature-enabled': {
            'api_extensions': exts, 'ipv6': True,
            'ipv6_subnet_attributes': True, 'port_security': True,
            'floating_ips': True,
        },
        'image': {'region': render.REGION, 'build_timeout': 120},
        'image-feature-enabled': {'api_v2': True, 'import_image': False},
        'validation': {'run_validation': False},
        'volume-feature-enabled': {'api_v3': False},
        'dns': {
            'nameservers': '127.0.0.1:%d' % ctx['ports']['dns'],
            'build_interval': 1, 'build_timeout': 60, 'min_ttl': 0,
        },
        'dns_feature_enabled': {
            'api_v2': True, 'api_admin': True,
            'api_v2_root_recordsets': True, 'api_v2_quotas': True,
            'api_v2_quotas_verify_project':
                render_dns.API_CHECKS['quotas_verify_project_id'],
            'enforce_new_defaults': True,
            # wrapper that passes our designate.conf (see core.write_outputs)
            'designate_manage_path': ctx['root'] + '/bin/designate-manage',
        },
        'heat_plugin': {
            'catalog_type': 'orchestration', 'endpoint_type': 'public',
            'region': render.REGION, 'auth_url': ks, 'auth_version': 3,
            'username': 'demo', 'password': sec['demo'],
            'project_name': 'demo', 'admin_username': 'admin',
            'admin_password': sec['admin'], 'admin_project_name': 'admin',
            'user_domain_name': 'Default', 'project_domain_name': 'Default',
            'instance_type': 'm1.nano', 'minimal_instance_type': 'm1.nano',
            'image_ref': image, 'minimal_image_ref': image,
            'floating_network_name': 'public',
            'build_interval': 1, 'build_timeout': 300,
            'skip_scenario_tests': True,
        },
    })
    if render_ovn.is_real(ctx):
        text = render_ovn.patch(text, real_tempest(ctx))
    # what the caller asked for ([tempest:<group>] of the service
    # settings), last: its values win
    asked = service_settings.for_file(ctx, 'tempest')
    if asked:
        text = render.patch(text, asked)
    return text


def clouds_yaml(ctx):
    sec = ctx['secrets']
    ks = render.url(ctx, 'keystone', '/v3')
    out = ['clouds:']
    for cloud, user, pw, project in (
            ('constellation-admin', 'admin', sec['admin'], 'admin'),
            ('constellation-demo', 'demo', sec['demo'], 'demo')):
        out += [
            '  %s:' % cloud,
            '    auth:',
            '      auth_url: %s' % ks,
            '      username: %s' % user,
            '      password: "%s"' % pw,
            '      project_name: %s' % project,
            '      user_domain_name: Default',
            '      project_domain_name: Default',
            '    region_name: %s' % render.REGION,
            '    identity_api_version: 3',
            '    interface: public',
        ]
    return '\n'.join(out) + '\n'
