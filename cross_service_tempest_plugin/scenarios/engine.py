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
"""

import json
import time
import traceback
import uuid

from cross_service_tempest_plugin.common import dns_checks
from cross_service_tempest_plugin.scenarios import loader

PASSED, FAILED, SKIPPED, NOT_RUN, INTERRUPTED = (
    'passed', 'failed', 'skipped', 'not_run', 'interrupted')


class StepFailure(AssertionError):
    """A step's check failed (message says what, where, seen, how long)."""


class StepResult(object):
    def __init__(self, name, action):
        self.name = name
        self.action = action
        self.status = NOT_RUN
        self.duration = None
        self.started_at = None
        self.details = {}
        self.error = None

    def to_dict(self):
        return {'name': self.name, 'action': self.action,
                'status': self.status,
                'duration': (None if self.duration is None
                             else round(self.duration, 3)),
                'started_at': self.started_at,
                'details': self.details, 'error': self.error}


class ScenarioResult(object):
    """Outcome of a run: per-step results, resources, error, cleanup."""

    def __init__(self, name, steps):
        self.name = name
        self.steps = steps
        self.resources = []
        self.error = None
        self.failed_step = None
        self.cleanup_errors = []
        self.duration = None
        self.values = {}
        self.known_bugs = []    # service bugs reproduced (and asserted)

    @property
    def passed(self):
        ran = [s for s in self.steps if s.status != NOT_RUN]
        return (bool(ran) and self.error is None and not self.cleanup_errors
                and all(s.status in (PASSED, SKIPPED) for s in ran))

    def step(self, name):
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(name)

    def to_dict(self):
        return {'scenario': self.name, 'passed': self.passed,
                'duration': (None if self.duration is None
                             else round(self.duration, 3)),
                'failed_step': self.failed_step, 'error': self.error,
                'cleanup_errors': self.cleanup_errors,
                'steps': [s.to_dict() for s in self.steps],
                'resources': self.resources, 'values': self.values,
                'known_bugs': self.known_bugs}

    def to_json(self, **kwargs):
        return json.dumps(self.to_dict(), default=str, **kwargs)


class Settings(object):
    """What the engine reads from tempest.conf (kept in one place)."""

    def __init__(self, zone_suffix='cross-service.test.',
                 zone_email='hostmaster@cross-service.test', zone_ttl=300,
                 record_timeout=120, record_interval=1.0, nameservers=(),
                 check_nameservers=True, check_reverse=True,
                 query_timeout=2.0, stack_timeout=None, stack_interval=None,
                 template_dir=None, context=None, cleanup_timeout=300,
                 cleanup_interval=5):
        self.zone_suffix = zone_suffix
        self.zone_email = zone_email
        self.zone_ttl = zone_ttl
        self.record_timeout = record_timeout
        self.record_interval = record_interval
        self.nameservers = list(nameservers or [])
        self.check_nameservers = check_nameservers
        self.check_reverse = check_reverse
        self.query_timeout = query_timeout
        self.stack_timeout = stack_timeout
        self.stack_interval = stack_interval
        self.template_dir = template_dir
        self.cleanup_timeout = cleanup_timeout
        self.cleanup_interval = cleanup_interval
        # Values for {placeholders} that come from the config.
        self.context = dict(context or {})

    @classmethod
    def from_conf(cls, conf):
        cs = conf.cross_service

        def _s(value):
            return '' if value is None else value
        context = {
            'public_network_id': _s(conf.network.public_network_id),
            'image_ref': _s(conf.compute.image_ref),
            'flavor_ref': _s(conf.compute.flavor_ref),
            'provider_network_type': _s(cs.provider_network_type),
            'provider_physical_network': _s(cs.provider_physical_network),
            'provider_segmentation_id': (
                '' if cs.provider_segmentation_id is None
                else str(cs.provider_segmentation_id)),
            'provider_cidr': _s(cs.provider_cidr),
            'provider_ipv6_cidr': _s(cs.provider_ipv6_cidr),
            'zone_email': cs.zone_email,
            'zone_ttl': cs.zone_ttl,
        }
        heat = getattr(conf, 'heat_plugin', None)
        return cls(zone_suffix=cs.zone_suffix, zone_email=cs.zone_email,
                   zone_ttl=cs.zone_ttl, record_timeout=cs.record_timeout,
                   record_interval=cs.record_interval,
                   nameservers=conf.dns.nameservers,
                   check_nameservers=cs.check_nameservers,
                   check_reverse=cs.check_reverse,
                   query_timeout=conf.dns.query_timeout,
                   stack_timeout=getattr(heat, 'build_timeout', None),
                   stack_interval=getattr(heat, 'build_interval', None),
                   template_dir=cs.template_dir, context=context)


class ScenarioClients(object):
    """The clients one run uses: the owner's plus admin ones for PTRs."""

    def __init__(self, stacks, resources, events, recordsets, zones, ports,
                 floating_ips, admin_recordsets=None, admin_zones=None):
        self.stacks = stacks
        self.resources = resources
        self.events = events
        self.recordsets = recordsets
        self.zones = zones
        self.ports = ports
        self.floating_ips = floating_ips
        self.admin_recordsets = admin_recordsets
        self.admin_zones = admin_zones

    @classmethod
    def from_managers(cls, owner, admin=None):
        """Build from ``tempest.clients.Manager`` objects."""
        orch = owner.orchestration
        return cls(stacks=orch.StacksClient(),
                   resources=orch.ResourcesClient(),
                   events=orch.EventsClient(),
                   recordsets=owner.dns_v2.RecordsetClient(),
                   zones=owner.dns_v2.ZonesClient(),
                   ports=owner.ports_client,
                   floating_ips=owner.floating_ips_client,
                   admin_recordsets=(admin.dns_v2.RecordsetClient()
                                     if admin else None),
                   admin_zones=admin.dns_v2.ZonesClient() if admin else None)


def _waiters():
    # Imported late: the waiters import tempest.lib (not needed to list or
    # validate scenarios).
    from cross_service_tempest_plugin.common import waiters
    return waiters


def _is_not_found(exc):
    return type(exc).__name__ == 'NotFound' or getattr(
        exc, 'status', None) == 404 or getattr(
            getattr(exc, 'resp', None), 'status', None) == 404


def normalise_hooks(hooks):
    """hooks: None, an object/dict with before_step/after_step, or a list."""
    if hooks is None:
        return []
    if not isinstance(hooks, (list, tuple)):
        hooks = [hooks]
    result = []
    for hook in hooks:
        if isinstance(hook, dict):
            unknown = set(hook) - {'before_step', 'after_step'}
            if unknown:
                raise ValueError('hooks: unknown key(s) %s (use before_step,'
                                 ' after_step)' % ', '.join(sorted(unknown)))
            before, after = hook.get('before_step'), hook.get('after_step')
        else:
            before = getattr(hook, 'before_step', None)
            after = getattr(hook, 'after_step', None)
        if before is None and after is None:
            raise ValueError('hooks: %r has neither before_step nor '
                             'after_step' % (hook,))
        result.append((before, after))
    return result


def apply_overrides(definition, context, overrides, origin='overrides'):
    """Check override keys (scenario vars or context values) → values."""
    allowed = set(definition.get('vars') or {}) | set(context)
    values = dict(context)
    values.update(definition.get('vars') or {})
    for key, value in (overrides or {}).items():
        if key not in allowed:
            raise loader.ScenarioError(
                '%s: unknown key %r (settable: %s)'
                % (origin, key, ', '.join(sorted(allowed))))
        values[key] = value
    return values


class ScenarioRun(object):
    """One run of a scenario; steps callable one by one; cleanup always."""

    def __init__(self, name, definition, clients, settings, overrides=None,
                 hooks=None, clock=time.monotonic, checker=None):
        self.name = name
        self.definition = definition
        self.clients = clients
        self.settings = settings
        self.hooks = normalise_hooks(hooks)
        self._clock = clock
        label = uuid.uuid4().hex[:10]
        context = dict(settings.context)
        context.setdefault('zone_email', settings.zone_email)
        context.setdefault('zone_ttl', settings.zone_ttl)
        context['name_prefix'] = 'cs-%s' % label
        context['zone_name'] = 'cs-%s.%s' % (label, settings.zone_suffix)
        self.values = apply_overrides(definition, context, overrides)
        self.steps = [StepResult(*loader.step_spec(s))
                      for s in definition['steps']]
        self.result = ScenarioResult(name, self.steps)
        self.result.values = self._public_values()
        self.checker = checker or dns_checks.RecordChecker(
            dns_checks.DesignateLookup(clients.recordsets,
                                       clients.admin_recordsets),
            settings.nameservers, settings.record_timeout,
            settings.record_interval, settings.query_timeout)
        self.zone_stack = None      # (name, id)
        self.zone_id = None
        self.stack = None           # (name, id)
        self.outputs = {}
        self.expected = []          # present now
        self.absent = []            # expected absent (e.g. no zone)
        self.withdrawn = []         # (record, values) gone after an update
        self.ever_expected = []     # all present ones, for check_removed
        self.marks = {}             # times: deployed, deleted
        self._cleaned = False
        self._start = None

    # -- bookkeeping -------------------------------------------------------

    def _public_values(self):
        return {k: v for k, v in self.values.items()
                if k in ('zone_name', 'name_prefix') or
                k in (self.definition.get('vars') or {})}

    def _add_resource(self, kind, name, rid, **extra):
        entry = {'type': kind, 'name': name, 'id': rid, 'deleted': False}
        entry.update(extra)
        self.result.resources.append(entry)
        return entry

    def _mark_deleted(self, kind, rid):
        for entry in self.result.resources:
            if entry['type'] == kind and entry['id'] == rid:
                entry['deleted'] = True

    @property
    def step_names(self):
        return [s.name for s in self.steps]

    def pending_steps(self):
        return [s.name for s in self.steps if s.status == NOT_RUN]

    def _render(self, value, where):
        return loader.render(value, self.values,
                             'scenarios.%s.%s' % (self.name, where))

    # -- running -----------------------------------------------------------

    def run_step(self, name):
        """Run one named step; returns its StepResult.

        A failed check is reported in the result, not raised; Ctrl-C
        (KeyboardInterrupt) marks the step interrupted and is re-raised.
        """
        try:
            step = self.result.step(name)
        except KeyError:
            raise loader.ScenarioError(
                'scenario %s has no step %r (steps: %s)'
                % (self.name, name, ', '.join(self.step_names)))
        if self._start is None:
            self._start = self._clock()
        step.started_at = time.time()
        start = self._clock()
        step.details = {}
        try:
            for before, _after in self.hooks:
                if before:
                    before(self, name)
            getattr(self, '_do_' + step.action)(step)
            if step.status == NOT_RUN:
                step.status = PASSED
        except KeyboardInterrupt:
            step.status = INTERRUPTED
            step.error = 'interrupted (KeyboardInterrupt)'
            step.duration = self._clock() - start
            self._fail(step)
            for _before, after in self.hooks:
                if after:
                    try:
                        after(self, step)
                    except Exception:
                        pass
            raise
        except Exception as exc:
            step.status = FAILED
            step.error = '%s: %s' % (type(exc).__name__, exc)
            if not isinstance(exc, (StepFailure, AssertionError,
                                    loader.ScenarioError)):
                step.details['traceback'] = traceback.format_exc()
        step.duration = self._clock() - start
        if step.status == FAILED:
            self._fail(step)
        for _before, after in self.hooks:
            if after:
                try:
                    after(self, step)
                except Exception as exc:
                    if step.status != FAILED:
                        step.status = FAILED
                        step.error = 'after_step hook failed: %s: %s' % (
                            type(exc).__name__, exc)
                        self._fail(step)
        return step

    def _fail(self, step):
        if self.result.failed_step is None:
            self.result.failed_step = step.name
            self.result.error = 'step %s failed: %s' % (step.name, step.error)

    def run(self, until=None):
        """Run the pending steps in order, then clean up.

        Stops after ``until`` or at the first failure; returns the result.
        """
        if until is not None and until not in self.step_names:
            raise loader.ScenarioError(
                'scenario %s has no step %r (steps: %s)'
                % (self.name, until, ', '.join(self.step_names)))
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
        self._interrupted_in_cleanup = False
        if self.stack:
            self._cleanup_call('stack %s' % self.stack[0],
                               self._delete_stack, self.stack)
        if self.zone_stack:
            self._cleanup_call('zone stack %s' % self.zone_stack[0],
                               self._delete_stack, self.zone_stack)
        if self.zone_id:
            self._cleanup_call('zone %s' % self.values['zone_name'],
                               self._delete_zone_direct)
        if self._start is not None:
            self.result.duration = self._clock() - self._start
        if self._interrupted_in_cleanup:
            self.result.error = self.result.error or 'interrupted'
            raise KeyboardInterrupt()
        return self.result

    def _cleanup_call(self, what, func, *args):
        """Call func, retrying errors until settings.cleanup_timeout.

        A service may be briefly away (restarted by a fault test or by its
        operator): retrying beats leaking the resource.
        """
        deadline = self._clock() + self.settings.cleanup_timeout
        attempts = 0
        while True:
            attempts += 1
            try:
                func(*args)
                return
            except KeyboardInterrupt:
                # Never abandon a cleanup half way: note it, carry on.
                self._interrupted_in_cleanup = True
                continue
            except Exception as exc:
                if self._clock() >= deadline:
                    self.result.cleanup_errors.append(
                        'cleanup of %s failed after %d attempt(s): %s: %s'
                        % (what, attempts, type(exc).__name__, exc))
                    return
            try:
                time.sleep(self.settings.cleanup_interval)
            except KeyboardInterrupt:
                self._interrupted_in_cleanup = True

    def _delete_stack(self, stack):
        name, sid = stack
        try:
            self.clients.stacks.delete_stack(name, sid)
        except Exception as exc:
            if not _is_not_found(exc):
                raise
        _waiters().wait_for_stack_deleted(
            self.clients.stacks, name, sid,
            timeout=self.settings.stack_timeout,
            interval=self.settings.stack_interval,
            events_client=self.clients.events,
            resources_client=self.clients.resources)
        self._mark_deleted('stack', sid)
        if stack == self.stack:
            self.stack = None
        if stack == self.zone_stack:
            self.zone_stack = None
            self._zone_gone_check()

    def _zone_gone_check(self):
        """After the zone stack is gone, the zone must be gone too."""
        if not self.zone_id:
            return
        try:
            zone = self.clients.zones.show_zone(self.zone_id)[1]
        except Exception as exc:
            if _is_not_found(exc):
                self._mark_deleted('zone', self.zone_id)
                self.zone_id = None
                return
            raise
        if zone.get('status') == 'DELETED' or zone.get('action') == 'DELETE':
            self._mark_deleted('zone', self.zone_id)
            self.zone_id = None

    def _delete_zone_direct(self):
        try:
            self.clients.zones.delete_zone(self.zone_id)
        except Exception as exc:
            if not _is_not_found(exc):
                raise
        self._mark_deleted('zone', self.zone_id)
        self.zone_id = None

    # -- stack helpers -----------------------------------------------------

    def _wait_stack(self, stack, status):
        """Wait for ``status`` until the stack deadline.

        Heat API errors (e.g. a 500 while heat-engine is away) are retried
        until that same deadline.
        """
        waiters = _waiters()
        timeout = (self.settings.stack_timeout or
                   getattr(self.clients.stacks, 'build_timeout', 300))
        interval = (self.settings.stack_interval or
                    getattr(self.clients.stacks, 'build_interval', 1))
        deadline = self._clock() + float(timeout)
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
                if self._clock() >= deadline:
                    raise StepFailure(
                        'stack %s did not reach %s within %s s: the Heat API '
                        'kept failing (%s: %s); %s' % (
                            stack[0], status, timeout, type(exc).__name__,
                            exc, self._stack_summary(stack)))
            time.sleep(float(interval))

    def _stack_summary(self, stack):
        try:
            body = self.clients.stacks.show_stack(
                '%s/%s' % stack)['stack']
            return 'last stack status %s, reason: %s' % (
                body.get('stack_status'), body.get('stack_status_reason'))
        except Exception as exc:
            return 'stack status unavailable (%s: %s)' % (
                type(exc).__name__, exc)

    def _template(self, name):
        path = loader.find_template(name, self.settings.template_dir)
        with open(path) as f:
            return f.read()

    def _create_stack(self, kind, template_name, parameters):
        stack_name = '%s-%s' % (self.values['name_prefix'], kind)
        body = self.clients.stacks.create_stack(
            stack_name, self._template(template_name), parameters=parameters,
            files=loader.template_files(self.settings.template_dir))
        stack = (stack_name, body['stack']['id'])
        self._add_resource('stack', stack_name, stack[1], role=kind,
                           template=template_name)
        return stack

    @staticmethod
    def _outputs(stack_body):
        outputs = {}
        for out in stack_body.get('outputs') or []:
            if out.get('output_error'):
                raise StepFailure('stack output %s: %s' % (
                    out.get('output_key'), out['output_error']))
            outputs[out['output_key']] = out.get('output_value')
        return outputs

    def _stack_parameters(self):
        params = self._render(self.definition['stack'].get('parameters', {}),
                              'stack.parameters')
        # Heat wants strings for its parameters.
        return {k: ('' if v is None else
                    str(v).lower() if isinstance(v, bool) else str(v))
                for k, v in params.items()}

    # -- expected records --------------------------------------------------

    def _compute_records(self):
        present, absent = [], []
        for i, spec in enumerate(self.definition['records']):
            where = 'records[%d]' % i
            triples = []
            addresses = self._output(spec['address_output'], where)
            labels = (self._output(spec['label_output'], where)
                      if spec.get('label_output') else None)
            if not isinstance(addresses, list):
                addresses = [addresses]
            if isinstance(labels, list):
                if len(labels) != len(addresses):
                    raise StepFailure(
                        '%s: outputs %s (%d) and %s (%d) differ in length'
                        % (where, spec['label_output'], len(labels),
                           spec['address_output'], len(addresses)))
                pairs = list(zip(labels, addresses))
            else:
                pairs = [(labels, a) for a in addresses]
            zone = (self._render(spec['zone'], where + '.zone')
                    if spec.get('zone') else None)
            for label, address in pairs:
                if not address:
                    raise StepFailure('%s: output %s has an empty address: '
                                      '%r' % (where, spec['address_output'],
                                              addresses))
                values = dict(self.values)
                if label is not None:
                    values['label'] = label
                name = loader.render(spec['name'], values, 'scenarios.%s.%s'
                                     '.name' % (self.name, where))
                triples.append((name, address, zone))
            with_ptr = self.settings.check_reverse and spec.get('ptr', True)
            records = dns_checks.build_expected(triples, with_ptr)
            (absent if spec.get('absent') else present).extend(records)
        return present, absent

    def _output(self, key, where):
        if key not in self.outputs:
            raise StepFailure('%s: stack has no output %r (outputs: %s)'
                              % (where, key, ', '.join(sorted(self.outputs))))
        return self.outputs[key]

    def _set_expected(self, present, absent):
        old = self.expected
        self.withdrawn = []
        new_by_key = {r.key: r for r in present}
        for rec in old:
            new = new_by_key.get(rec.key)
            gone = rec.values - (new.values if new else frozenset())
            if gone:
                self.withdrawn.append((rec, gone))
        self.expected = present
        self.absent = absent
        for rec in present:
            if rec not in self.ever_expected:
                self.ever_expected.append(rec)

    # -- actions -----------------------------------------------------------

    def _do_create_zone(self, step):
        if not self.definition.get('zone', True):
            raise loader.ScenarioError('scenarios.%s: create_zone step but '
                                       'zone: false' % self.name)
        params = {'zone_name': self.values['zone_name'],
                  'email': str(self.values['zone_email']),
                  'ttl': str(self.values['zone_ttl'])}
        self.zone_stack = self._create_stack('zone', 'zone.yaml', params)
        body = self._wait_stack(self.zone_stack, 'CREATE_COMPLETE')
        outputs = self._outputs(body)
        self.zone_id = outputs.get('zone_id')
        self._add_resource('zone', self.values['zone_name'], self.zone_id)
        step.details.update({'zone': self.values['zone_name'],
                             'zone_id': self.zone_id,
                             'stack': self.zone_stack[0]})

    def _do_deploy(self, step):
        template = self.definition['stack']['template']
        params = self._stack_parameters()
        self.stack = self._create_stack('stack', template, params)
        step.details.update({'stack': self.stack[0], 'stack_id':
                             self.stack[1], 'template': template,
                             'parameters': params})
        body = self._wait_stack(self.stack, 'CREATE_COMPLETE')
        self.marks['deployed'] = self._clock()
        self.outputs = self._outputs(body)
        step.details['outputs'] = self.outputs
        self._record_physical_resources(step)
        present, absent = self._compute_records()
        self._set_expected(present, absent)
        step.details['records_expected'] = [r.to_dict() for r in present]
        if absent:
            step.details['records_absent'] = [r.to_dict() for r in absent]

    def _record_physical_resources(self, step):
        try:
            res = self.clients.resources.list_resources(
                self.stack[0], self.stack[1], nested_depth=3)['resources']
        except Exception as exc:
            step.details['resources_error'] = str(exc)
            return
        for r in res:
            if r.get('physical_resource_id') and not r.get(
                    'resource_type', '').endswith('.yaml') and r.get(
                    'resource_type') != 'OS::Heat::ResourceGroup':
                self._add_resource(r.get('resource_type'),
                                   r.get('resource_name'),
                                   r.get('physical_resource_id'),
                                   stack=self.stack[0])

    def _do_update(self, step):
        if not self.stack:
            raise StepFailure('update: no stack deployed')
        changes = self._render(self.definition['update'].get('vars', {}),
                               'update.vars')
        self.values.update(changes)
        self.result.values = self._public_values()
        params = self._stack_parameters()
        step.details.update({'vars': changes, 'parameters': params})
        self.clients.stacks.update_stack(
            self.stack[0], self.stack[1],
            self._template(self.definition['stack']['template']),
            parameters=params,
            files=loader.template_files(self.settings.template_dir))
        body = self._wait_stack(self.stack, 'UPDATE_COMPLETE')
        self.marks['updated'] = self._clock()
        self.outputs = self._outputs(body)
        present, absent = self._compute_records()
        self._set_expected(present, absent)
        step.details['records_expected'] = [r.to_dict() for r in present]
        step.details['records_withdrawn'] = [
            dict(r.to_dict(), values=sorted(v)) for r, v in self.withdrawn]

    def _since(self, mark):
        if mark in self.marks:
            return round(self._clock() - self.marks[mark], 3)
        return None

    def _last_change_mark(self):
        return 'updated' if 'updated' in self.marks else 'deployed'

    def _do_check_api(self, step):
        seen = []
        mark = self._last_change_mark()
        for rec in self.expected:
            waited, last = self.checker.wait_api_present(rec)
            seen.append(dict(rec.to_dict(), seen=last, waited=round(
                waited, 3), since_change=self._since(mark)))
        for rec, values in self.withdrawn:
            waited, last = self.checker.wait_api_absent(rec, values)
            seen.append(dict(rec.to_dict(), withdrawn=sorted(values),
                             seen=last, waited=round(waited, 3)))
        for rec in self.absent:
            waited, last = self.checker.wait_api_absent(rec)
            seen.append(dict(rec.to_dict(), absent=True, seen=last))
        step.details['records'] = seen

    def _nameservers_or_skip(self, step):
        if not self.settings.check_nameservers:
            step.status = SKIPPED
            step.details['reason'] = ('[cross_service] check_nameservers is '
                                      'False')
            return []
        if not self.settings.nameservers:
            raise StepFailure('[dns] nameservers is empty: no nameserver to '
                              'query (set it, or set [cross_service] '
                              'check_nameservers = False)')
        return self.settings.nameservers

    def _do_check_wire(self, step):
        seen = []
        mark = self._last_change_mark()
        for ns in self._nameservers_or_skip(step):
            for rec in self.expected:
                waited, last = self.checker.wait_wire_present(rec, ns)
                seen.append(dict(rec.to_dict(), nameserver=ns,
                                 seen=repr(last), waited=round(waited, 3),
                                 since_change=self._since(mark)))
            for rec, values in self.withdrawn:
                waited, last = self.checker.wait_wire_absent(rec, ns, values)
                seen.append(dict(rec.to_dict(), nameserver=ns,
                                 withdrawn=sorted(values), seen=repr(last),
                                 waited=round(waited, 3),
                                 since_change=self._since(mark)))
            for rec in self.absent:
                waited, last = self.checker.wait_wire_absent(rec, ns)
                seen.append(dict(rec.to_dict(), nameserver=ns, absent=True,
                                 seen=repr(last)))
        step.details['records'] = seen
        if seen:
            step.details['propagation_seconds'] = max(
                r['since_change'] or 0 for r in seen
                if 'since_change' in r) if any(
                    'since_change' in r for r in seen) else None

    def _do_check_dns_assignment(self, step):
        spec = self.definition.get('dns_assignment')
        if not spec:
            raise loader.ScenarioError('scenarios.%s: check_dns_assignment '
                                       'needs a dns_assignment section'
                                       % self.name)
        port_id = self._output(spec['port_output'], 'dns_assignment')
        want = dns_checks.fqdn(self._render(spec['fqdn'],
                                            'dns_assignment.fqdn').lower())
        port = self.clients.ports.show_port(port_id)['port']
        ips = sorted(ip['ip_address'] for ip in port.get('fixed_ips', []))
        assignment = port.get('dns_assignment') or []
        got = sorted((a.get('ip_address'), dns_checks.fqdn(
            (a.get('fqdn') or '').lower())) for a in assignment)
        step.details.update({'port_id': port_id, 'expected_fqdn': want,
                             'dns_assignment': assignment})
        expected = sorted((ip, want) for ip in ips)
        if got != expected:
            raise StepFailure('port %s dns_assignment: expected %s, got %s'
                              % (port_id, expected, got))

    def _do_check_floating_ip(self, step):
        spec = self.definition.get('floating_ip')
        if not spec:
            raise loader.ScenarioError('scenarios.%s: check_floating_ip needs'
                                       ' a floating_ip section' % self.name)
        fip_id = self._output(spec['id_output'], 'floating_ip')
        fip = self.clients.floating_ips.show_floatingip(fip_id)['floatingip']
        want = {'dns_name': self._render(spec['dns_name'],
                                         'floating_ip.dns_name'),
                'dns_domain': self._render(spec['dns_domain'],
                                           'floating_ip.dns_domain')}
        got = {k: fip.get(k) for k in want}
        step.details.update({'floating_ip_id': fip_id, 'expected': want,
                             'seen': got})
        if got != want:
            raise StepFailure('floating IP %s: expected %s, got %s'
                              % (fip_id, want, got))

    def _do_delete(self, step):
        if not self.stack:
            raise StepFailure('delete: no stack deployed')
        step.details['stack'] = self.stack[0]
        self._delete_stack(self.stack)
        self.marks['deleted'] = self._clock()

    def _do_check_removed(self, step):
        lingering, bug = self._known_bug_records()
        seen = []
        for rec in self.ever_expected:
            if rec in lingering:
                continue
            waited, last = self.checker.wait_api_absent(rec, rec.values)
            seen.append(dict(rec.to_dict(), where='api', seen=last,
                             waited=round(waited, 3),
                             since_delete=self._since('deleted')))
        for ns in self._nameservers_or_skip(step):
            for rec in self.ever_expected:
                if rec in lingering:
                    continue
                waited, last = self.checker.wait_wire_absent(rec, ns,
                                                             rec.values)
                seen.append(dict(rec.to_dict(), where=ns, seen=repr(last),
                                 waited=round(waited, 3),
                                 since_delete=self._since('deleted')))
        if step.status == SKIPPED:
            step.status = PASSED
        step.details['records'] = seen
        if seen:
            step.details['removal_seconds'] = max(
                r['since_delete'] or 0 for r in seen)
        if lingering:
            step.details['known_bug'] = self._assert_known_bug(bug, lingering)

    def _known_bug_records(self):
        """Records the scenario's known bug leaves behind after delete."""
        bug = self.definition.get('known_bug')
        if not bug:
            return [], None
        types = set(bug['lingering'])
        return [r for r in self.expected if r.type in types], bug

    def _assert_known_bug(self, bug, lingering):
        """The bug still reproduces: its records are still published.

        Checked after every other record was seen gone, so a fixed service
        has had the same time to remove these too.
        """
        still = []
        for rec in lingering:
            values, _statuses = self.checker.lookup.lookup(rec)
            if not values & rec.values:
                raise StepFailure(
                    'known bug no longer reproduces: %s was removed with the '
                    'stack (expected it to linger: %s). Remove known_bug '
                    'from scenario %s.' % (rec, bug['summary'], self.name))
            still.append(dict(rec.to_dict(), seen=sorted(values)))
        self.result.known_bugs.append({'summary': bug['summary'],
                                       'lingering': still})
        return {'summary': bug['summary'], 'lingering': still}

    def _do_delete_zone(self, step):
        if not self.zone_stack:
            raise StepFailure('delete_zone: no zone stack')
        step.details['zone'] = self.values['zone_name']
        self._delete_stack(self.zone_stack)
        if self.zone_id:
            raise StepFailure('zone %s (%s) still exists after its stack was '
                              'deleted' % (self.values['zone_name'],
                                           self.zone_id))


REQUIREMENTS = {
    'heat': 'heat', 'designate': 'designate', 'neutron': 'neutron',
    'nova': 'nova',
}


def missing_requirements(definition, conf, extension_enabled=None):
    """Names of what ``definition['requires']`` needs and conf lacks."""
    missing = []
    for req in definition.get('requires') or []:
        if req in REQUIREMENTS:
            if not getattr(conf.service_available, REQUIREMENTS[req], False):
                missing.append('[service_available] %s' % REQUIREMENTS[req])
        elif req == 'dns_extensions':
            for ext in ('dns-integration', 'dns-domain-ports'):
                if extension_enabled and not extension_enabled(ext,
                                                               'network'):
                    missing.append('Neutron extension %s ([network-feature-'
                                   'enabled] api_extensions)' % ext)
        elif req == 'provider_network':
            if not conf.cross_service.provider_network_type:
                missing.append('[cross_service] provider_network_type')
        else:
            missing.append('unknown requirement %r' % req)
    return missing
