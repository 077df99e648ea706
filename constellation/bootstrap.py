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

"""Keystone catalog/users and the cloud's base resources, over REST."""

import os

from constellation import netns
from constellation import render
from constellation import render_ovn
from constellation import rest

SERVICES = [
    # type, name, path appended to the endpoint base
    ('image', 'glance', 'glance', ''),
    ('placement', 'placement', 'placement', ''),
    ('compute', 'nova', 'nova', '/v2.1'),
    ('network', 'neutron', 'neutron', ''),
    ('dns', 'designate', 'designate', ''),
    ('orchestration', 'heat', 'heat', '/v1/$(project_id)s'),
]
IMAGE_NAME = 'constellation-fake-image'
# the real profile's guest (constellation.guest_image): what Nova's libvirt
# driver needs to know of it
GUEST_IMAGE_NAME = 'constellation-guest'
GUEST_PROPERTIES = {'hw_disk_bus': 'virtio', 'hw_vif_model': 'virtio',
                    'hw_cdrom_bus': 'ide', 'hw_machine_type': 'pc',
                    'os_type': 'linux'}
# Roles of the service users in project ``service``: ``service`` is what the
# services' policies look for (Nova binding ports and Neutron sending
# server events, Placement, token validation).  Neutron also needs
# ``admin``: its Designate driver's admin client (PTR records and reverse
# zones; neutron/services/externaldns/drivers/designate/driver.py
# get_clients) always sends X-Designate-Edit-Managed-Records, and Designate
# checks policy ``edit_managed_records`` (role:admin) on every such request
# (designate/context.py), so without admin every PTR create and delete is
# a 403; creating a reverse zone (create_zone: admin or project member)
# would need more than ``service`` too.
SERVICE_ROLES = {'neutron': ('service', 'admin')}
DEFAULT_SERVICE_ROLES = ('service',)
# The real profile's Nova waits for Neutron's network-vif-plugged event;
# Neutron sends it as the ``nova`` user ([nova] of neutron.conf), and Nova's
# external-events API looks the server up with that user's context
# (InstanceList.get_by_filters, filtered by project unless the context is
# admin): with ``service`` only every event is a 404 "unknown instance" and
# the boot times out. devstack gives the nova user admin as well.
REAL_SERVICE_ROLES = dict(SERVICE_ROLES, nova=('service', 'admin'))


def service_roles(ctx):
    roles = REAL_SERVICE_ROLES if render_ovn.is_real(ctx) else SERVICE_ROLES
    return {u: roles.get(u, DEFAULT_SERVICE_ROLES)
            for u in render.SERVICE_USERS}


FLAVORS = [('42', 'm1.nano', 128, 1, 1), ('84', 'm1.micro', 192, 1, 1)]


def keystone_key(ctx):
    """What keystone() set up: redone when the ports or the roles change."""
    roles = ','.join('%s=%s' % (u, '+'.join(r))
                     for u, r in service_roles(ctx).items())
    return '%d %s' % (ctx['port_base'], roles)


def admin_session(ctx):
    return rest.Session(render.url(ctx, 'keystone', '/v3'), 'admin',
                        ctx['secrets']['admin'], 'admin')


def _find(s, url, key, **query):
    q = '&'.join('%s=%s' % kv for kv in query.items())
    items = s.get('%s?%s' % (url, q))[key]
    return items[0] if items else None


def _ensure(s, url, key, single, query, body):
    found = _find(s, url, key, **query)
    if found:
        return found
    return s.post(url, {single: body})[single]


def keystone(ctx, log):
    """Projects, users, roles and catalog (idempotent)."""
    ks = render.url(ctx, 'keystone', '/v3')
    s = admin_session(ctx)
    projects = {}
    for name in ('service', 'demo'):
        projects[name] = _ensure(s, ks + '/projects', 'projects', 'project',
                                 {'name': name},
                                 {'name': name, 'domain_id': 'default'})
    roles = {}
    for name in ('admin', 'member', 'reader', 'service'):
        roles[name] = _ensure(s, ks + '/roles', 'roles', 'role',
                              {'name': name}, {'name': name})

    def user(name, password, project, role_names):
        u = _find(s, ks + '/users', 'users', name=name)
        if u:
            s.call('PATCH', ks + '/users/' + u['id'],
                   {'user': {'password': password}})
        else:
            u = s.post(ks + '/users', {'user': {
                'name': name, 'password': password, 'domain_id': 'default',
                'default_project_id': project['id']}})['user']
        grants = '%s/projects/%s/users/%s/roles' % (
            ks, project['id'], u['id'])
        for r in role_names:
            s.put('%s/%s' % (grants, roles[r]['id']))
        # least privilege also on a state dir bootstrapped before (admin
        # used to be granted to every service user)
        for r in s.get(grants)['roles']:
            if r['name'] in roles and r['name'] not in role_names:
                s.delete('%s/%s' % (grants, r['id']))
        return u

    user('demo', ctx['secrets']['demo'], projects['demo'], ['member'])
    for name in render.SERVICE_USERS:
        user(name, ctx['secrets']['service'], projects['service'],
             service_roles(ctx)[name])
    for stype, sname, port_name, path in SERVICES:
        svc = _ensure(s, ks + '/services', 'services', 'service',
                      {'type': stype}, {'type': stype, 'name': sname})
        for iface in ('public', 'internal', 'admin'):
            ep = _find(s, ks + '/endpoints', 'endpoints',
                       service_id=svc['id'], interface=iface)
            want = render.url(ctx, port_name, path)
            if ep and ep['url'] != want:
                s.call('PATCH', ks + '/endpoints/' + ep['id'],
                       {'endpoint': {'url': want}})
            elif not ep:
                s.post(ks + '/endpoints', {'endpoint': {
                    'service_id': svc['id'], 'interface': iface,
                    'url': want, 'region_id': render.REGION}})
    log('keystone: projects admin/demo/service, %d service users, '
        '%d catalog entries' % (len(render.SERVICE_USERS), len(SERVICES)))


def _image(s, ctx):
    """The fast profile's few random bytes, or the real guest's qcow2.

    The real guest's image carries the hash of its build inputs
    (``constellation_guest``); an image of an older build is replaced.
    """
    glance = render.url(ctx, 'glance')
    real = render_ovn.is_real(ctx)
    name = GUEST_IMAGE_NAME if real else IMAGE_NAME
    key = os.path.basename(os.path.dirname(ctx['guest_image'])) \
        if real else None
    imgs = s.get(glance + '/v2/images?name=' + name)['images']
    for i in imgs:
        if i['status'] == 'active' and i.get('constellation_guest') == key:
            return i['id']
    for i in imgs:   # older builds of the guest
        s.delete('%s/v2/images/%s' % (glance, i['id']))
    body = {'name': name, 'container_format': 'bare',
            'disk_format': 'qcow2' if real else 'raw',
            'visibility': 'public'}
    if real:
        body.update(GUEST_PROPERTIES, constellation_guest=key)
        with open(ctx['guest_image'], 'rb') as f:
            data = f.read()
    else:
        data = os.urandom(1024)
    img = s.post(glance + '/v2/images', body)
    s.put('%s/v2/images/%s/file' % (glance, img['id']), data, raw=True)
    return img['id']


def public_subnet(ctx):
    """(cidr, gateway, pool start, pool end) of the public network.

    The real profile's is routed to the host (``netns.plan``): one of its
    own per port block; the fast profile's is never routed anywhere.
    """
    if render_ovn.is_real(ctx):
        p = netns.plan(ctx)
        return p['cidr'], p['gateway'], p['pool_start'], p['pool_end']
    return render.PUBLIC_CIDR, '203.0.113.1', '203.0.113.10', '203.0.113.250'


def resources(ctx, log):
    """Image, flavors, external network (idempotent); returns their ids."""
    s = admin_session(ctx)
    out = {}
    out['image_id'] = _image(s, ctx)
    nova = render.url(ctx, 'nova', '/v2.1')
    have = {f['id'] for f in s.get(nova + '/flavors')['flavors']}
    for fid, name, ram, vcpus, disk in FLAVORS:
        if fid not in have:
            s.post(nova + '/flavors', {'flavor': {
                'id': fid, 'name': name, 'ram': ram, 'vcpus': vcpus,
                'disk': disk}})
    out['flavor_ref'], out['flavor_ref_alt'] = FLAVORS[0][0], FLAVORS[1][0]
    neutron = render.url(ctx, 'neutron', '/v2.0')
    nets = s.get(neutron + '/networks?name=public')['networks']
    if nets:
        net = nets[0]
    else:
        net = s.post(neutron + '/networks', {'network': {
            'name': 'public', 'router:external': True,
            'provider:network_type': 'flat',
            'provider:physical_network': render.PUBLIC_PHYSNET}})['network']
    cidr, gateway, start, end = public_subnet(ctx)
    if not s.get(neutron + '/subnets?network_id=' + net['id'])['subnets']:
        s.post(neutron + '/subnets', {'subnet': {
            'name': 'public-subnet', 'network_id': net['id'],
            'cidr': cidr, 'ip_version': 4,
            'gateway_ip': gateway, 'enable_dhcp': False,
            'allocation_pools': [{'start': start, 'end': end}]}})
    out['public_network_id'] = net['id']
    exts = s.get(neutron + '/extensions')['extensions']
    out['network_extensions'] = sorted(e['alias'] for e in exts)
    log('resources: image %s, flavors %s/%s, network public %s (%s)' % (
        out['image_id'], out['flavor_ref'], out['flavor_ref_alt'],
        net['id'], cidr))
    out['public_cidr'] = cidr
    return out


def hypervisor_mapped(ctx):
    s = admin_session(ctx)
    nova = render.url(ctx, 'nova', '/v2.1')
    return bool(s.get(nova + '/os-hypervisors')['hypervisors'])
