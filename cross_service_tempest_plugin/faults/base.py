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


"""Faults: a service restart or stop whose undo always runs.

A *controller* knows how to restart, stop and start a service of one kind
of cloud (:mod:`.constellation` for the local constellation,
:mod:`.systemd` for a devstack/systemd cloud). A :class:`Fault` is a
context manager: entering injects the fault and registers its undo on an
:class:`UndoStack`; leaving runs every registered undo, newest first, even
when the block raised (Tobiko style). Service names are the canonical ones
of :data:`SERVICES`; a controller maps them to its own units.
"""

import time

# The services the fault matrix restarts, canonical names.
SERVICES = ('designate-central', 'designate-worker', 'designate-mdns',
            'designate-producer', 'named', 'rabbitmq', 'mysql', 'neutron',
            'nova-compute', 'heat-engine')

ACTIONS = ('restart', 'stop')


class FaultError(Exception):
    """A fault could not be injected or undone (says which and why)."""


class UndoStack(object):
    """Undo callables run newest first; every one runs, errors collected."""

    def __init__(self):
        self._undos = []
        self.errors = []
        self.done = []

    def push(self, description, func, *args, **kwargs):
        self._undos.append((description, func, args, kwargs))

    def __len__(self):
        return len(self._undos)

    def run(self):
        """Run and forget every undo; → list of error strings."""
        errors = []
        while self._undos:
            description, func, args, kwargs = self._undos.pop()
            try:
                func(*args, **kwargs)
                self.done.append(description)
            except Exception as exc:
                errors.append('undo %s failed: %s: %s' % (
                    description, type(exc).__name__, exc))
        self.errors.extend(errors)
        return errors


class Controller(object):
    """Restart/stop/start a service by its canonical name (subclass)."""

    kind = 'abstract'

    def services(self):
        """Canonical names this controller can act on."""
        raise NotImplementedError

    def check_service(self, service):
        if service not in self.services():
            raise FaultError('%s: unknown service %r (known: %s)' % (
                self.kind, service, ', '.join(self.services())))

    def restart(self, service):
        raise NotImplementedError

    def stop(self, service):
        raise NotImplementedError

    def start(self, service):
        raise NotImplementedError

    def ensure_running(self, service):
        """Undo of a restart: start the service if it is not running."""
        self.start(service)


class Fault(object):
    """One fault on one service; a context manager whose undo always runs.

    ``action``: ``restart`` (the service comes back by itself; the undo
    makes sure it runs: ``Controller.ensure_running``) or
    ``stop`` (the undo starts it again). ``undo`` is the
    :class:`UndoStack` to register on (a new one by default), so several
    faults and other clean-ups can share one.
    """

    def __init__(self, controller, service, action='restart', undo=None,
                 clock=time.monotonic):
        if action not in ACTIONS:
            raise FaultError('fault action must be one of %s, got %r'
                             % (', '.join(ACTIONS), action))
        controller.check_service(service)
        self.controller = controller
        self.service = service
        self.action = action
        self.undo = undo if undo is not None else UndoStack()
        self._clock = clock
        self.started = None     # clock value when the fault was injected
        self.duration = None    # seconds the inject command took
        self.undo_errors = []

    def __repr__(self):
        return '%s %s (%s)' % (self.action, self.service,
                               self.controller.kind)

    def inject(self):
        # The undo is registered before acting: a command that fails half
        # way (stopped, not started) is still undone.
        if self.action == 'stop':
            self.undo.push('start %s' % self.service,
                           self.controller.start, self.service)
        else:
            self.undo.push('ensure %s runs' % self.service,
                           self.controller.ensure_running, self.service)
        self.started = self._clock()
        try:
            getattr(self.controller, self.action)(self.service)
        finally:
            self.duration = self._clock() - self.started
        return self

    def __enter__(self):
        try:
            return self.inject()
        except BaseException:
            self.undo_errors = self.undo.run()
            raise

    def __exit__(self, exc_type, exc, tb):
        self.undo_errors = self.undo.run()
        if self.undo_errors and exc_type is None:
            raise FaultError('; '.join(self.undo_errors))
        return False
