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

"""Life cycle of the Heat stacks of a scenario run: create, wait, delete.

Every stack is recorded in the run's resources as soon as Heat has accepted
it, and :class:`Cleanup` retries a deletion while a service is briefly away
(restarted by a fault test or its operator): retrying beats leaking.
"""

import time

from tempest.lib import exceptions as lib_exc

from cross_service_tempest_plugin.common import heat_events
from cross_service_tempest_plugin.common import progress
from cross_service_tempest_plugin.common import transient
from cross_service_tempest_plugin.common import waiters
from cross_service_tempest_plugin.scenarios.results import StepFailure
from cross_service_tempest_plugin.scenarios import templates


class Resources(object):
    """The run's ``result.resources`` list: what exists, what was deleted."""

    def __init__(self, entries):
        self.entries = entries

    def add(self, kind, name, rid, **extra):
        entry = {'type': kind, 'name': name, 'id': rid, 'deleted': False}
        entry.update(extra)
        self.entries.append(entry)
        return entry

    def mark_deleted(self, kind, rid):
        for entry in self.entries:
            if entry['type'] == kind and entry['id'] == rid:
                entry['deleted'] = True


def heat_parameters(params):
    """Heat wants strings for its parameters."""
    return {k: ('' if v is None else
                str(v).lower() if isinstance(v, bool) else str(v))
            for k, v in params.items()}


def stack_outputs(stack_body):
    """``{output_key: output_value}``; an output error fails the step."""
    outputs = {}
    for out in stack_body.get('outputs') or []:
        if out.get('output_error'):
            raise StepFailure('stack output %s: %s' % (
                out.get('output_key'), out['output_error']))
        outputs[out['output_key']] = out.get('output_value')
    return outputs


class Stacks(object):
    """Create/update/wait/delete the run's stacks (``(name, id)`` pairs)."""

    def __init__(self, clients, settings, resources, clock=time.monotonic):
        self.clients = clients
        self.settings = settings
        self.resources = resources
        self._clock = clock

    def template(self, name):
        path = templates.find_template(name, self.settings.template_dir)
        with open(path) as f:
            return f.read()

    def files(self, name):
        """The files the template ``name`` references (Heat's files)."""
        return templates.referenced_files(
            templates.find_template(name, self.settings.template_dir),
            self.settings.template_dir)

    def create(self, stack_name, role, template_name, parameters):
        """Create a stack; returns ``(name, id)``.

        The stack is recorded (id None) before the request is sent: if the
        call is interrupted (Ctrl-C, SIGTERM, a lost answer) after Heat
        accepted it, cleanup finds it by its unique name (:meth:`find`).
        Its name carries the run's label, which the run's lease names
        (:mod:`..lease`): once the process is gone the sweeper knows the
        stack is left over.
        """
        template = self.template(template_name)
        files = self.files(template_name)
        entry = self.resources.add('stack', stack_name, None, role=role,
                                   template=template_name)
        body = self.clients.stacks.create_stack(
            stack_name, template, parameters=parameters, files=files)
        entry['id'] = body['stack']['id']
        return (stack_name, entry['id'])

    def find(self, stack_name, deadline):
        """Id of the stack named ``stack_name``, or None if there is none.

        A create that was interrupted may still be under way in Heat, so a
        missing stack is looked for again until ``settings.create_settle``
        seconds have passed (or ``deadline``). The id is recorded in the
        stack's resources entry; with no stack, the entry says
        ``created: false``.
        """
        until = min(self._clock() + self.settings.create_settle, deadline)
        interval = float(self.settings.stack_interval)
        while True:
            try:
                sid = self.clients.stacks.show_stack(
                    stack_name)['stack']['id']
                break
            except lib_exc.NotFound:
                if self._clock() >= until:
                    sid = None
                    break
            time.sleep(interval)
        for entry in self.resources.entries:
            if (entry['type'] == 'stack' and entry['name'] == stack_name and
                    entry['id'] is None):
                if sid:
                    entry['id'] = sid
                else:
                    entry.update(created=False, deleted=True)
        return sid

    def update(self, stack, template_name, parameters):
        self.clients.stacks.update_stack(
            stack[0], stack[1], self.template(template_name),
            parameters=parameters, files=self.files(template_name))

    def wait(self, stack, status):
        """Wait for ``status`` until the stack deadline; returns the body.

        Heat API errors that can pass (a 500 while heat-engine or the
        database is away, a lost connection: :mod:`..common.transient`) are
        retried until that same deadline; others are raised.
        """
        timeout = self.settings.stack_timeout
        interval = self.settings.stack_interval
        deadline = self._clock() + float(timeout)
        with progress.waiting('stack %s to be %s' % (stack[0], status)):
            return self._wait(stack, status, timeout, interval, deadline)

    def _wait(self, stack, status, timeout, interval, deadline):
        while True:
            try:
                return waiters.wait_for_stack_status(
                    self.clients.stacks, stack[0], stack[1], status,
                    timeout=max(deadline - self._clock(), 0.001),
                    interval=interval, events_client=self.clients.events,
                    resources_client=self.clients.resources)
            except (waiters.StackStatusError, waiters.StackTimeout):
                raise
            except Exception as exc:
                if not transient.is_transient(exc):
                    raise           # our bug: not retried as if Heat were
                if self._clock() >= deadline:
                    raise StepFailure(
                        'stack %s did not reach %s within %s s: the Heat API '
                        'kept failing (%s: %s); %s' % (
                            stack[0], status, timeout, type(exc).__name__,
                            exc, self.summary(stack)))
            time.sleep(float(interval))

    def summary(self, stack):
        try:
            body = self.clients.stacks.show_stack(
                '%s/%s' % stack)['stack']
            return 'last stack status %s, reason: %s' % (
                body.get('stack_status'), body.get('stack_status_reason'))
        except Exception as exc:
            return 'stack status unavailable (%s: %s)' % (
                type(exc).__name__, exc)

    def delete(self, stack, deadline=None):
        """Delete (if still there) and wait until the stack is gone.

        The wait ends at the stack timeout or at ``deadline`` (clock time),
        whichever comes first.
        """
        name, sid = stack
        try:
            self.clients.stacks.delete_stack(name, sid)
        except lib_exc.NotFound:
            pass
        timeout = self.settings.stack_timeout
        if deadline is not None:
            timeout = max(min(float(timeout), deadline - self._clock()),
                          0.001)
        with progress.waiting('stack %s to be deleted' % name):
            waiters.wait_for_stack_deleted(
                self.clients.stacks, name, sid,
                timeout=timeout,
                interval=self.settings.stack_interval,
                events_client=self.clients.events,
                resources_client=self.clients.resources)
        self.resources.mark_deleted('stack', sid)

    def record_resource_spans(self, stack, details, action='CREATE'):
        """Each resource's start and duration (Heat's events) in details.

        ``details['heat_resources']``: :func:`..common.heat_events.
        resource_spans` of the stack and its nested stacks; a failure to
        read the events is noted as ``heat_resources_error``, never
        raised (the step's outcome does not depend on it).
        """
        try:
            events = self.clients.events.list_events(
                stack[0], stack[1], nested_depth=3,
                sort_dir='asc')['events']
        except Exception as exc:
            details['heat_resources_error'] = str(exc)
            return
        details['heat_resources'] = heat_events.resource_spans(
            events, stack[0], action)

    def record_physical_resources(self, stack, details):
        """Add the stack's physical resources (nested too) to resources."""
        try:
            res = self.clients.resources.list_resources(
                stack[0], stack[1], nested_depth=3)['resources']
        except Exception as exc:
            details['resources_error'] = str(exc)
            return
        for r in res:
            if r.get('physical_resource_id') and not r.get(
                    'resource_type', '').endswith('.yaml') and r.get(
                    'resource_type') != 'OS::Heat::ResourceGroup':
                self.resources.add(r.get('resource_type'),
                                   r.get('resource_name'),
                                   r.get('physical_resource_id'),
                                   stack=stack[0])


class Cleanup(object):
    """Calls that must not be abandoned: errors retried, Ctrl-C deferred.

    One deadline for the whole cleanup (``settings.cleanup_timeout`` from
    its start): every call is attempted at least once, retried while time
    is left and its error can pass (a service busy or away, a lost
    connection, a stack that went DELETE_FAILED), and receives
    ``deadline=`` (clock time) to bound its own waits. A service's refusal
    that cannot pass is recorded at once; a bug of ours is raised at once.
    """

    def __init__(self, settings, errors, clock=time.monotonic):
        self.settings = settings
        self.errors = errors        # result.cleanup_errors
        self.interrupted = False
        self._clock = clock
        self.deadline = clock() + settings.cleanup_timeout

    @staticmethod
    def can_pass(exc):
        """Whether another attempt may succeed where this one failed."""
        return (transient.is_transient(exc) or
                isinstance(exc, waiters.StackStatusError))

    def call(self, what, func, *args):
        """Call ``func(*args, deadline=...)``, retrying until the deadline."""
        attempts = 0
        while True:
            attempts += 1
            try:
                func(*args, deadline=self.deadline)
                return
            except KeyboardInterrupt:
                # Never abandon a cleanup half way: note it, carry on.
                self.interrupted = True
                continue
            except Exception as exc:
                if not self.can_pass(exc):
                    if not transient.is_service_answer(exc):
                        raise       # our bug: not retried as if Heat were
                    self._failed(what, attempts, exc, 'not retried')
                    return
                if self._clock() >= self.deadline:
                    self._failed(what, attempts, exc, 'cleanup timeout %s s'
                                 % self.settings.cleanup_timeout)
                    return
            try:
                time.sleep(max(min(self.settings.cleanup_interval,
                                   self.deadline - self._clock()), 0))
            except KeyboardInterrupt:
                self.interrupted = True

    def _failed(self, what, attempts, exc, why):
        self.errors.append('cleanup of %s failed after %d attempt(s) (%s): '
                           '%s: %s' % (what, attempts, why,
                                       type(exc).__name__, exc))
