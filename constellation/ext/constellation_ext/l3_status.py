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

"""Router port and floating IP status without an L3 agent.

In a real deployment the L3 agent (or OVN) wires a router's ports and
floating IPs and reports them up.  The constellation runs no agent, and
ML2 binds only ports that have a host, which router ports never get: their
status would stay DOWN forever, and floating IPs (created DOWN by the
router plugin) would never turn ACTIVE.

Upstream precedents, both without an agent: OVN's mechanism driver sets
router interface ports ACTIVE with ``update_port_status`` because they are
never bound; OVN's client sets a floating IP ACTIVE when it has a router
(is associated) and DOWN when it is disassociated.  We do the same from
the AFTER_CREATE events of ROUTER_INTERFACE and ROUTER_GATEWAY (published
outside DB transactions, as ``update_port_status`` requires) and the
AFTER_CREATE/AFTER_UPDATE events of FLOATING_IP.
"""

from neutron_lib.callbacks import events
from neutron_lib.callbacks import registry
from neutron_lib.callbacks import resources
from neutron_lib import constants
from neutron_lib.plugins import constants as plugin_constants
from neutron_lib.plugins import directory
from oslo_log import log as logging

LOG = logging.getLogger(__name__)


def subscribe():
    registry.subscribe(router_interface_created, resources.ROUTER_INTERFACE,
                       events.AFTER_CREATE)
    registry.subscribe(router_gateway_created, resources.ROUTER_GATEWAY,
                       events.AFTER_CREATE)
    for event in (events.AFTER_CREATE, events.AFTER_UPDATE):
        registry.subscribe(floatingip_changed, resources.FLOATING_IP, event)


def _port_active(context, port_id, what):
    if not port_id:
        return
    directory.get_plugin().update_port_status(
        context.elevated(), port_id, constants.PORT_STATUS_ACTIVE)
    LOG.debug('constellation: %s port %s ACTIVE (no L3 agent)',
              what, port_id)


def router_interface_created(resource, event, trigger, payload):
    port = payload.metadata.get('port') or {}
    _port_active(payload.context, port.get('id'), 'router interface')


def router_gateway_created(resource, event, trigger, payload):
    router = payload.latest_state
    _port_active(payload.context, getattr(router, 'gw_port_id', None),
                 'router gateway')


def floatingip_status(fip):
    """What an L3 agent would report: ACTIVE once it is on a router."""
    if fip.get('router_id') and fip.get('port_id'):
        return constants.FLOATINGIP_STATUS_ACTIVE
    return constants.FLOATINGIP_STATUS_DOWN


def floatingip_changed(resource, event, trigger, payload):
    fip = payload.latest_state
    if not isinstance(fip, dict) or not fip.get('id'):
        return
    want = floatingip_status(fip)
    if fip.get('status') == want:
        return
    directory.get_plugin(plugin_constants.L3).update_floatingip_status(
        payload.context.elevated(), fip['id'], want)
    LOG.debug('constellation: floating IP %s %s (no L3 agent)',
              fip['id'], want)
