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

"""What a running constellation is, for its callers (pure; JSON).

Written by ``up`` to ``<state dir>/facts.json`` and printed by
``constellation facts``: ports, files, Designate's pools and their
nameservers, the networks, the profile's guests.  A caller (a Tempest
plugin's own step after ``up``) reads these instead of copying them.
The format: doc/source/constellation/facts.rst.
"""

import json
import os

from constellation import netns
from constellation import render
from constellation import render_dns
from constellation import render_ovn
from constellation import service_settings
from constellation import state as statemod
from constellation import tempestconf

SCHEMA = 1
FILE = statemod.FACTS
# Designate's id of its default pool (designate/conf/base.py
# default_pool_id): the pool without an id of its own in pools.yaml
DEFAULT_POOL_ID = '794ccc2c-d751-44fe-b57f-8894c9f5c842'


def path(root):
    return os.path.join(root, FILE)


def _pools(ctx):
    return [{'name': p.name, 'id': p.id or DEFAULT_POOL_ID,
             'default': p.id is None, 'ns_hostname': p.ns,
             'nameservers': ['%s:%d' % (render.HOST, ctx['ports'][p.dns])]}
            for p in render_dns.POOLS]


def _guest(ctx):
    """None: fake guests (nothing boots); else how to reach a guest."""
    if not render_ovn.is_real(ctx):
        return None
    # the guest image (constellation.guest_image): root over SSH with the
    # server's keypair, an HTTP server answering its hostname
    return {'ssh_user': tempestconf.GUEST_SSH_USER, 'http_hostname': True,
            'floating_ip_range': netns.plan(ctx)['cidr']}


def facts(ctx, res):
    """The facts of the constellation of ``ctx``, bootstrapped to ``res``."""
    root = ctx['root']
    lo, hi = render.TENANT_VLAN_RANGE
    files = {key: (os.path.join(root, 'tempest', rel) if key == 'tempest'
                   else render.etc(ctx, rel))
             for key, rel in service_settings.FILES.items()}
    files['clouds.yaml'] = os.path.join(root, 'tempest', 'clouds.yaml')
    return {
        'schema': SCHEMA,
        'state_dir': root,
        'profile': ctx.get('profile') or render_ovn.DEFAULT_PROFILE,
        'region': render.REGION,
        'host': render.HOST,
        'port_base': ctx['port_base'],
        'ports': dict(ctx['ports']),
        'files': files,
        'service_settings': service_settings.sections(
            ctx.get('service_settings') or {}),
        'dns': {'pools': _pools(ctx), 'dns_domain': render.DNS_DOMAIN,
                'ptr_zone_email': render.PTR_EMAIL},
        'networks': {
            'public': {'name': 'public', 'id': res['public_network_id'],
                       'cidr': res['public_cidr'],
                       'physical_network': render.PUBLIC_PHYSNET},
            # an admin's provider network: a VLAN outside the tenant range
            'provider': {'network_type': 'vlan',
                         'physical_network': render.PROVIDER_PHYSNET,
                         'segmentation_id': render.PROVIDER_SEGMENTATION_ID,
                         'tenant_vlan_range': [lo, hi]},
        },
        'guest': _guest(ctx),
    }


def dumps(data):
    return json.dumps(data, indent=1, sort_keys=True) + '\n'
