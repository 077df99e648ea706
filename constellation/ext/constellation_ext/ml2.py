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

"""Agentless ML2 mechanism driver.

The constellation has no L2 agents and no dataplane: Nova's fake driver
never plugs a VIF.  Without a driver that binds, every port Nova asks for
stays unbound and the boot fails.  This driver binds each port to the first
segment offered and reports it ACTIVE at once.  Router ports are never
bound (they have no host), so it also stands in for the L3 agent's status
reports (``l3_status``).
"""

from neutron_lib.api.definitions import portbindings
from neutron_lib import constants
from neutron_lib.plugins.ml2 import api

from constellation_ext import l3_status


class AgentlessMechanismDriver(api.MechanismDriver):

    def initialize(self):
        l3_status.subscribe()

    @property
    def connectivity(self):
        return portbindings.CONNECTIVITY_L2

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            context.set_binding(
                segment[api.ID], portbindings.VIF_TYPE_OVS,
                {portbindings.CAP_PORT_FILTER: True,
                 portbindings.OVS_HYBRID_PLUG: False},
                status=constants.PORT_STATUS_ACTIVE)
            return
