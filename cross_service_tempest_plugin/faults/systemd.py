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


"""Faults on a devstack/systemd cloud: ``systemctl VERB UNIT``.

Run locally (on the controller node) or over SSH with Tempest's client
(:class:`~.runner.SSHRunner`). Devstack names its
OpenStack units ``devstack@<name>.service``; the infrastructure keeps the
distribution's unit names. :data:`DEVSTACK_UNITS` is the default map
(Ubuntu names; pass ``units`` to override any, e.g. ``{'named': 'named',
'mysql': 'mysql'}`` on CentOS/RHEL or ``{'neutron': 'devstack@q-svc'}`` on
an older devstack).
"""

from cross_service_tempest_plugin.faults import base
from cross_service_tempest_plugin.faults import runner as runnermod

DEVSTACK_UNITS = {
    'designate-central': 'devstack@designate-central.service',
    'designate-worker': 'devstack@designate-worker.service',
    'designate-mdns': 'devstack@designate-mdns.service',
    'designate-producer': 'devstack@designate-producer.service',
    'designate-api': 'devstack@designate-api.service',
    'named': 'bind9.service',
    'rabbitmq': 'rabbitmq-server.service',
    'mysql': 'mysql.service',
    'neutron': 'devstack@neutron-api.service',
    'nova-compute': 'devstack@n-cpu.service',
    'nova-api': 'devstack@n-api.service',
    'heat-engine': 'devstack@h-eng.service',
    'heat-api': 'devstack@h-api.service',
    'keystone': 'devstack@keystone.service',
}


def parse_units(pairs, origin='--unit'):
    """['service=unit', ...] → dict; a clear error names the bad item."""
    units = {}
    for pair in pairs or ():
        service, sep, unit = pair.partition('=')
        if not sep or not service.strip() or not unit.strip():
            raise base.FaultError('%s: expected SERVICE=UNIT, got %r'
                                  % (origin, pair))
        units[service.strip()] = unit.strip()
    return units


class SystemdController(base.Controller):
    """Runs ``systemctl`` verbs on units.

    ``units``: overrides of :data:`DEVSTACK_UNITS`; ``sudo``: prefix
    ``sudo -n`` (never prompts); ``runner``: a
    :class:`~.runner.CommandRunner` (local, the default) or a
    :class:`~.runner.SSHRunner` (``SSHRunner('stack@node1')``, a remote
    node).
    """

    kind = 'systemd'

    def __init__(self, units=None, sudo=True, runner=None):
        self.units = dict(DEVSTACK_UNITS)
        self.units.update(units or {})
        self.sudo = sudo
        self.runner = runner or runnermod.CommandRunner()

    def services(self):
        return sorted(self.units)

    def argv(self, verb, service):
        self.check_service(service)
        return ((['sudo', '-n'] if self.sudo else []) +
                ['systemctl', verb, self.units[service]])

    def _do(self, verb, service):
        return self.runner(self.argv(verb, service))

    def restart(self, service):
        self._do('restart', service)

    def stop(self, service):
        self._do('stop', service)

    def start(self, service):
        # systemctl start of a running unit is a no-op: also the undo of a
        # restart.
        self._do('start', service)
