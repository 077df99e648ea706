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

"""What Heat lost track of: a failed run's resources its stack delete left.

When heat-engine dies while it creates a resource, Neutron or Nova still
finishes the create, but Heat never stores the physical id, and the stack's
delete completes without it. Heat names what it creates after its stack
(``<stack>-<resource>-<suffix>``, nested stacks alike) and the engine names
its stacks after the run's label, so a resource named with the label is
the run's. After a failed run, with the run's own credentials and before
they are deleted, :func:`sweep` deletes those in the sweeper's order.
"""

import functools
import logging

from cross_service_tempest_plugin import sweeper
from cross_service_tempest_plugin import sweeper_naming
from cross_service_tempest_plugin import sweeper_select

LOG = logging.getLogger(__name__)


class _LogOut(object):
    """The sweeper's output as log lines."""

    def __init__(self, label):
        self.label = label
        self.lines = []

    def write(self, text):
        for line in text.splitlines():
            if line.strip():
                self.lines.append(line.strip())
                LOG.warning('run %s, what Heat lost track of: %s',
                            self.label, line.strip())

    def flush(self):
        pass


class ProjectCloud(sweeper.TempestErrors):
    """The sweeper's cloud (see sweeper_cloud.TempestCloud) for one run.

    ``manager``: a ``tempest.clients.Manager`` with the run's credentials;
    its listings show what the run may see. No stack, zone, project or
    user: the run's engine and credentials provider handle those.
    """

    def __init__(self, manager, server_wait=(300, 1)):
        from tempest.lib import exceptions as lib_exc
        self.mgr = manager
        self.lib_exc = lib_exc
        self.server_wait = server_wait

    def inventory(self):
        m = self.mgr
        inv = sweeper_select.Inventory()
        inv.servers = m.servers_client.list_servers(detail=True)['servers']
        return sweeper.list_neutron(inv, m)

    def project_stacks(self, project_id):
        return []

    def release_all(self):
        pass

    def delete(self, item):
        if item.kind == 'router_interface':
            self.mgr.routers_client.remove_router_interface(
                item.parent, subnet_id=item.id)
            return
        client, method = sweeper.DELETE_CALLS[item.kind]
        getattr(getattr(self.mgr, client), method)(item.id)

    def gone(self, item):
        if item.kind == 'server':
            try:
                srv = self.mgr.servers_client.show_server(item.id)['server']
            except self.lib_exc.NotFound:
                return True, 'not found'
            return False, srv.get('status')
        return True, 'no wait needed'

    def deadline(self, kind):
        return self.server_wait


def sweep(cloud, label, zone_suffix):
    """Delete what is named with ``label`` → (deleted lines, failures).

    ``cloud``: a :class:`ProjectCloud` (a fake in the unit tests).
    """
    out = _LogOut(label)
    sw = sweeper.Sweeper(cloud, sweeper_naming.Naming(zone_suffix), 0, out,
                         delete=True, leases=dict)
    try:
        failures = sw.sweep_now('label %s' % label)
    finally:
        sw.cloud.release_all()
    return [line for line in out.lines if line.startswith('deleted ')], \
        failures


def sweep_for(manager, conf):
    """The ``lost_sweep`` of a run with ``manager``'s credentials.

    ``conf``: Tempest's CONF (server deletions wait as ``[compute]
    build_timeout``/``build_interval`` say; names as ``[cross_service]
    zone_suffix``).
    """
    cloud = ProjectCloud(manager, (conf.compute.build_timeout,
                                   conf.compute.build_interval))
    return functools.partial(sweep, cloud,
                             zone_suffix=conf.cross_service.zone_suffix)
