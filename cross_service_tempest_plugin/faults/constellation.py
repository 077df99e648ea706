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


"""Faults on the local constellation: ``tools/constellation VERB SERVICE``.

``restart`` stops the program through supervisord, starts it, and waits
until it answers (RPC services: a fresh heartbeat); ``stop`` waits until
supervisord says it is stopped, ``start`` until it answers again. A failed
command is a :class:`~.base.FaultError` with its output.
"""

import os

from cross_service_tempest_plugin.faults import base
from cross_service_tempest_plugin.faults import runner as runnermod

# Canonical name → the constellation's program name (same names today).
PROGRAMS = {name: name for name in base.SERVICES}
PROGRAMS.update({'designate-api': 'designate-api', 'keystone': 'keystone',
                 'nova-api': 'nova-api', 'nova-conductor': 'nova-conductor',
                 'nova-scheduler': 'nova-scheduler', 'heat-api': 'heat-api',
                 'glance': 'glance', 'placement': 'placement'})


class ConstellationController(base.Controller):
    """Runs ``tools/constellation`` verbs.

    ``command``: the argv of ``tools/constellation`` (with ``--state-dir``
    when not the default one); ``runner``: a
    :class:`~.runner.CommandRunner` (local by default).
    """

    kind = 'constellation'

    def __init__(self, command, state_dir=None, runner=None,
                 programs=None):
        if isinstance(command, str):
            command = [command]
        self.command = list(command)
        if state_dir:
            self.command += ['--state-dir', os.path.abspath(state_dir)]
        self.runner = runner or runnermod.CommandRunner()
        self.programs = dict(programs or PROGRAMS)
        self._incomplete = set()   # restarts that did not finish

    def services(self):
        return sorted(self.programs)

    def argv(self, verb, service):
        self.check_service(service)
        return self.command + [verb, self.programs[service]]

    def _do(self, verb, service):
        return self.runner(self.argv(verb, service))

    def restart(self, service):
        self._incomplete.add(service)
        self._do('restart', service)
        self._incomplete.discard(service)

    def stop(self, service):
        self._do('stop', service)

    def start(self, service):
        self._do('start', service)

    def ensure_running(self, service):
        # `restart` waits until the program answers: only a restart that
        # failed half way needs another one.
        if service in self._incomplete:
            self.restart(service)
