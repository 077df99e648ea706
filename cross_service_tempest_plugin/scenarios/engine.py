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

"""The scenario engine: runs a scenario definition's named steps.

One engine for both front doors (the Tempest test classes and
:mod:`cross_service_tempest_plugin.api`). A :class:`ScenarioRun` holds the
state of one run (stacks, zone, expected records); each step is callable on
its own, every resource is registered for cleanup as soon as it exists, and
:meth:`ScenarioRun.cleanup` can always be called (it is idempotent).

Where the rest lives: results (:mod:`.results`), settings and clients
(:mod:`.settings`), stacks and cleanup retries (:mod:`.stacks`), expected
records and their checks (:mod:`.records`), the actions steps name
(:mod:`.actions`).
"""

import logging
import time
import traceback

from tempest.lib import exceptions as lib_exc

from cross_service_tempest_plugin.common import dns_checks
from cross_service_tempest_plugin import lease as lease_mod
from cross_service_tempest_plugin.scenarios import actions
from cross_service_tempest_plugin.scenarios import context as context_mod
from cross_service_tempest_plugin.scenarios import errors
from cross_service_tempest_plugin.scenarios import hooks as hooks_mod
from cross_service_tempest_plugin.scenarios import placeholders
from cross_service_tempest_plugin.scenarios import provenance
from cross_service_tempest_plugin.scenarios import records
from cross_service_tempest_plugin.scenarios import results
from cross_service_tempest_plugin.scenarios import schema
from cross_service_tempest_plugin.scenarios import settings as settings_mod
from cross_service_tempest_plugin.scenarios import stacks

LOG = logging.getLogger(__name__)

# Re-exported: the names the front doors and the unit tests use.
PASSED, FAILED, SKIPPED, NOT_RUN, INTERRUPTED = (
    results.PASSED, results.FAILED, results.SKIPPED, results.NOT_RUN,
    results.INTERRUPTED)
StepFailure = results.StepFailure
StepResult = results.StepResult
ScenarioResult = results.ScenarioResult
Settings = settings_mod.Settings
ScenarioClients = settings_mod.ScenarioClients
missing_requirements = settings_mod.missing_requirements
normalise_hooks = hooks_mod.normalise_hooks
check_step = schema.check_step


class ScenarioRun(object):
    """One run of a scenario; steps callable one by one; cleanup always.

    ``result_extra``: keys added to the result file written to
    ``settings.results_dir`` (e.g. the Tempest test id). ``lease``: the
    :class:`~cross_service_tempest_plugin.lease.Lease` this run adds its
    label to (its caller's, e.g. one that also names the run's projects);
    by default the run takes its own and drops it when cleaned up.
    ``context``: the :class:`.context.RunContext` a caller built (and
    checked) already; by default one is built from ``settings`` and
    ``overrides``, its owner the project of ``clients``.
    ``lost_sweep``: ``callable(label) -> (deleted, failures)`` that the
    cleanup of a failed run calls once its stacks are gone, to delete what
    Heat lost track of (the API passes
    :func:`cross_service_tempest_plugin.lost_resources.sweep`).
    """

    def __init__(self, name, definition, clients, settings=None,
                 overrides=None, hooks=None, clock=time.monotonic,
                 checker=None, result_extra=None, lease=None, context=None,
                 lost_sweep=None):
        if context is None:
            context = context_mod.RunContext(name, definition, settings,
                                             overrides)
        context.set_owner(getattr(clients, 'project_id', None),
                          getattr(clients, 'project_name', None))
        self.name = name
        self.lost_sweep = lost_sweep
        self.definition = definition
        self.clients = clients
        self.context = context
        self.settings = settings = context.settings
        self.hooks = normalise_hooks(hooks)
        self.clock = clock
        self.label = context.label
        # before anything exists: the sweeper knows the run is alive
        self._own_lease = lease is None
        self.lease = lease if lease is not None else lease_mod.take()
        if self.lease is not None:
            self.lease.add(self.label)
        self.values = context.values()
        self.steps = [StepResult(*schema.step_spec(s))
                      for s in definition['steps']]
        self.result = ScenarioResult(name, self.steps)
        self.result.values = self.public_values()
        self.result.thresholds = list(definition.get('thresholds') or [])
        self.result.settings = provenance.settings_dict(settings)
        self.result_extra = dict(result_extra or {})
        self.result_file = None
        self.resources = stacks.Resources(self.result.resources)
        self.stacks = stacks.Stacks(clients, settings, self.resources, clock)
        self.checker = checker or dns_checks.RecordChecker(
            dns_checks.DesignateLookup(clients.recordsets,
                                       clients.admin_recordsets),
            settings.nameservers, settings.record_timeout,
            settings.record_interval, settings.query_timeout)
        self.zone_stack = None      # (name, id)
        self.zone_id = None
        self.stack = None           # (name, id)
        self.outputs = {}
        self.expected = records.Expectation()
        self.marks = {}             # times: deployed, updated, deleted
        self.wire_wait = None       # check_wire's waits, begun by check_api
        self._cleaned = False
        self._start = None

    # -- bookkeeping -------------------------------------------------------

    def public_values(self):
        return {k: v for k, v in self.values.items()
                if k in ('zone_name', 'name_prefix') or
                k in (self.definition.get('vars') or {})}

    @property
    def step_names(self):
        return [s.name for s in self.steps]

    def pending_steps(self):
        return [s.name for s in self.steps if s.status == NOT_RUN]

    def render(self, value, where):
        return placeholders.render(value, self.values,
                                   'scenarios.%s.%s' % (self.name, where))

    def stack_parameters(self):
        return stacks.heat_parameters(self.render(
            self.definition['stack'].get('parameters', {}),
            'stack.parameters'))

    def since(self, mark, at=None):
        """Seconds from the time mark ``mark`` to ``at`` (clock; now).

        None if the mark is not set.
        """
        if mark in self.marks:
            at = self.clock() if at is None else at
            return round(at - self.marks[mark], 3)
        return None

    def mark(self, name):
        """Set the time mark ``name`` → its wall time (epoch seconds)."""
        self.marks[name] = self.clock()
        return round(time.time(), 3)

    def since_change(self):
        """A RecordWait's ``timing``: seconds since the last change."""
        mark = 'updated' if 'updated' in self.marks else 'deployed'
        return lambda at, place: {'since_change': self.since(mark, at)}

    def cancel_wire_wait(self):
        """Stop nameserver polls check_api began that nobody collected."""
        wait, self.wire_wait = self.wire_wait, None
        if wait is not None:
            wait.cancel()

    # role of a stack → the attribute that holds it
    _STACK_ATTRS = {'stack': 'stack', 'zone': 'zone_stack'}

    def create_stack(self, role, template_name, parameters):
        """Create the run's ``role`` stack; held before Heat is asked."""
        name = '%s-%s' % (self.label, role)
        setattr(self, self._STACK_ATTRS[role], (name, None))
        stack = self.stacks.create(name, role, template_name, parameters)
        setattr(self, self._STACK_ATTRS[role], stack)
        return stack

    def delete_stack(self, stack, deadline=None):
        """Delete one of the run's stacks and wait until it is gone.

        A stack whose create was interrupted (id None) is looked up by its
        unique name first; ``deadline`` (clock time) bounds the waits.
        """
        name, sid = stack
        if sid is None:
            sid = self.stacks.find(name, deadline or float('inf'))
        if sid is not None:
            self.stacks.delete((name, sid), deadline)
        if self.stack and self.stack[0] == name:
            self.stack = None
        if self.zone_stack and self.zone_stack[0] == name:
            self.zone_stack = None
            self._zone_gone_check()

    # -- running -----------------------------------------------------------

    def _call_after_hooks(self, step, record_failure):
        for _before, after in self.hooks:
            if after:
                try:
                    after(self, step)
                except Exception as exc:
                    if record_failure and step.status != FAILED:
                        step.status = FAILED
                        step.error = 'after_step hook failed: %s: %s' % (
                            type(exc).__name__, exc)
                        self._fail(step)
                except BaseException as exc:
                    # Ctrl-C or SystemExit in a hook: the run stops (the
                    # caller's cleanup runs) and its result says why.
                    if record_failure:
                        self._stopped(step, exc, 'after_step hook: ')
                    raise

    def _stopped(self, step, exc, where=''):
        """Mark ``step`` interrupted (Ctrl-C) or failed (SystemExit...)."""
        if isinstance(exc, KeyboardInterrupt):
            step.status = INTERRUPTED
            step.error = '%sinterrupted (KeyboardInterrupt)' % where
        else:
            step.status = FAILED
            step.error = '%s%s: %s' % (where, type(exc).__name__, exc)
        self._fail(step)

    def run_step(self, name):
        """Run one named step; returns its StepResult.

        A failed check is reported in the result, not raised; Ctrl-C
        (KeyboardInterrupt) marks the step interrupted and is re-raised.
        """
        try:
            step = self.result.step(name)
        except KeyError:
            check_step(self.name, self.definition, name, 'run_step')
            raise
        self._refuse_after_cleanup('run_step(%r)' % name)
        if self._start is None:
            self._start = self.clock()
            self.result.started_at = provenance.now_iso()
        step.started_at = time.time()
        start = self.clock()
        step.details = {}
        try:
            for before, _after in self.hooks:
                if before:
                    before(self, name)
            actions.ACTIONS[step.action](self, step)
            if step.status == NOT_RUN:
                step.status = PASSED
        except Exception as exc:
            step.status = FAILED
            step.error = '%s: %s' % (type(exc).__name__, exc)
            if not isinstance(exc, (StepFailure, AssertionError,
                                    errors.ScenarioError)):
                step.details['traceback'] = traceback.format_exc()
        except BaseException as exc:
            # Ctrl-C, SystemExit: marked, re-raised; cleanup still runs
            # (run()'s finally, the API's context manager).
            self._stopped(step, exc)
            step.duration = self.clock() - start
            self._call_after_hooks(step, record_failure=False)
            raise
        step.duration = self.clock() - start
        if step.status == FAILED:
            self._fail(step)
        self._call_after_hooks(step, record_failure=True)
        return step

    def _refuse_after_cleanup(self, what):
        # A step after cleanup would create resources nobody deletes.
        if self._cleaned:
            raise errors.ScenarioError(
                'scenario %s: %s after this run was cleaned up (by run() or '
                'cleanup()); its resources are gone and new ones would '
                'leak: start a new run' % (self.name, what))

    def _fail(self, step):
        if self.result.failed_step is None:
            self.result.failed_step = step.name
            self.result.error = 'step %s failed: %s' % (step.name, step.error)

    def run(self, until=None):
        """Run the pending steps in order, then clean up.

        Stops after ``until`` or at the first failure; returns the result.
        """
        check_step(self.name, self.definition, until, 'until')
        self._refuse_after_cleanup('run()')
        try:
            for name in self.pending_steps():
                step = self.run_step(name)
                if step.status == FAILED or name == until:
                    break
        finally:
            self.cleanup()
        return self.result

    # -- cleanup -----------------------------------------------------------

    def cleanup(self):
        """Delete whatever still exists (stack, then zone). Idempotent."""
        if self._cleaned:
            return self.result
        self._cleaned = True
        self.cancel_wire_wait()
        began, began_at = self.clock(), time.time()
        errors_before = len(self.result.cleanup_errors)
        cleanup = stacks.Cleanup(self.settings, self.result.cleanup_errors,
                                 self.clock)
        if self.stack:
            cleanup.call('stack %s' % self.stack[0], self.delete_stack,
                         self.stack)
        if self.zone_stack:
            cleanup.call('zone stack %s' % self.zone_stack[0],
                         self.delete_stack, self.zone_stack)
        if self.zone_id:
            cleanup.call('zone %s' % self.values['zone_name'],
                         self._delete_zone_direct)
        if (self.lost_sweep is not None and self._start is not None and
                not self.result.passed and
                len(self.result.cleanup_errors) == errors_before):
            cleanup.call('what Heat lost track of (named %s-*)' % self.label,
                         self._sweep_lost)
        if self._start is not None:
            self.result.duration = self.clock() - self._start
            self.result.cleanup = self._cleanup_step(
                cleanup, began, began_at, errors_before)
        if cleanup.interrupted:
            self.result.error = self.result.error or 'interrupted'
        self._write_result_file()
        if self._own_lease and self.lease is not None:
            # kept when something is left: the sweeper then knows at once
            self.lease.release(forget=not self.result.cleanup_errors)
        if cleanup.interrupted:
            raise KeyboardInterrupt()
        return self.result

    def _sweep_lost(self, deadline=None):
        """After a failure: delete what Heat created but lost track of."""
        deleted, failures = self.lost_sweep(self.label)
        self.result.lost_resources.extend(deleted)
        self.result.cleanup_errors.extend(
            'what Heat lost track of: %s' % f for f in failures)

    def _cleanup_step(self, cleanup, began, began_at, errors_before):
        """The cleanup's time and outcome, shaped like a step's."""
        errors = self.result.cleanup_errors[errors_before:]
        status = (INTERRUPTED if cleanup.interrupted else
                  FAILED if errors else PASSED)
        step = StepResult('cleanup', 'cleanup', status,
                          self.clock() - began, round(began_at, 3),
                          error='; '.join(errors) or None)
        return step.to_dict()

    def _write_result_file(self):
        if not self.settings.results_dir or self._start is None:
            return
        try:
            self.result_file = results.write_result_file(
                self.result, self.settings.results_dir, self.label,
                self.result_extra)
        except OSError as exc:
            # the result is lost: the run must not look passed
            self.result.cleanup_errors.append(
                'result file not written to [cross_service] results_dir '
                '%s: %s' % (self.settings.results_dir,
                            exc.strerror or exc))
            LOG.error('scenario %s: cannot write its result file to '
                      '[cross_service] results_dir %s: %s', self.name,
                      self.settings.results_dir, exc)

    def _zone_gone_check(self):
        """After the zone stack is gone, the zone must be gone too."""
        if not self.zone_id:
            return
        try:
            zone = self.clients.zones.show_zone(self.zone_id)[1]
        except lib_exc.NotFound:
            zone = {'status': 'DELETED'}
        if zone.get('status') == 'DELETED' or zone.get('action') == 'DELETE':
            self.resources.mark_deleted('zone', self.zone_id)
            self.zone_id = None

    def _delete_zone_direct(self, deadline=None):
        try:
            self.clients.zones.delete_zone(self.zone_id)
        except lib_exc.NotFound:
            pass
        self.resources.mark_deleted('zone', self.zone_id)
        self.zone_id = None
