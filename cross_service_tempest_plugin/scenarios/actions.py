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

"""The actions a scenario step can name: one registry, one function each.

``ACTIONS`` maps an action name to ``function(run, step)``; the loader
accepts exactly these names in ``steps:``. A function reads and changes the
run's state (:class:`..engine.ScenarioRun`), puts what it saw into
``step.details`` and raises :class:`..results.StepFailure` when a check
fails (or sets ``step.status = SKIPPED``). Adding an action: write the
function here with ``@action('name')`` and describe it in
``doc/source/contributor/actions.rst`` ("How to add an action").
"""

import json

from cross_service_tempest_plugin.common import dns_records
from cross_service_tempest_plugin.scenarios import errors
from cross_service_tempest_plugin.scenarios import records
from cross_service_tempest_plugin.scenarios.results import NOT_RUN
from cross_service_tempest_plugin.scenarios.results import PASSED
from cross_service_tempest_plugin.scenarios.results import SKIPPED
from cross_service_tempest_plugin.scenarios.results import StepFailure
from cross_service_tempest_plugin.scenarios import stacks

ACTIONS = {}
# action → the definition section it reads (checked when a definition is
# loaded: the section and all its keys must be there).
NEEDS = {}


def action(name, needs=None):
    """Register ``function(run, step)`` as the action ``name``."""
    def register(func):
        if name in ACTIONS:
            raise ValueError('action %r registered twice' % name)
        ACTIONS[name] = func
        if needs:
            NEEDS[name] = needs
        return func
    return register


def names():
    """The action names, in the order they were registered."""
    return tuple(ACTIONS)


def _pool(run):
    """'default' or 'second': the pool the scenario's zone is on."""
    return run.definition.get('pool', 'default')


@action('create_zone')
def create_zone(run, step):
    if not run.definition.get('zone', True):
        raise errors.ScenarioError('scenarios.%s: create_zone step but '
                                   'zone: false' % run.name)
    params = {'zone_name': run.values['zone_name'],
              'email': str(run.values['zone_email']),
              'ttl': str(run.values['zone_ttl'])}
    want_pool = None
    if _pool(run) == 'second':
        # Designate's pool_id_attribute scheduler filter places the zone
        want_pool = run.settings.second_pool_id
        params['attributes'] = json.dumps({'pool_id': want_pool})
    run.zone_stack = run.create_stack('zone', 'zone.yaml', params)
    body = run.stacks.wait(run.zone_stack, 'CREATE_COMPLETE')
    outputs = stacks.stack_outputs(body)
    run.zone_id = outputs.get('zone_id')
    run.resources.add('zone', run.values['zone_name'], run.zone_id)
    step.details.update({'zone': run.values['zone_name'],
                         'zone_id': run.zone_id,
                         'stack': run.zone_stack[0]})
    if run.settings.second_pool_id:
        pool_id = run.clients.zones.show_zone(run.zone_id)[1].get('pool_id')
        step.details['pool_id'] = pool_id
        if want_pool and pool_id != want_pool:
            raise StepFailure(
                'zone %s is on pool %s, not on [cross_service] '
                'second_pool_id %s (attributes pool_id=%s)' % (
                    run.values['zone_name'], pool_id, want_pool, want_pool))
        if not want_pool and pool_id == run.settings.second_pool_id:
            raise StepFailure(
                'zone %s without a pool_id attribute is on [cross_service] '
                'second_pool_id %s, expected the default pool' % (
                    run.values['zone_name'], pool_id))


def _new_records(run, step, body):
    run.outputs = stacks.stack_outputs(body)
    present, absent = records.compute_records(
        run.definition, run.outputs, run.values, run.name,
        run.settings.check_reverse)
    run.expected.update(present, absent)
    step.details['records_expected'] = [r.to_dict() for r in present]
    return absent


@action('deploy')
def deploy(run, step):
    template = run.definition['stack']['template']
    params = run.stack_parameters()
    run.stack = run.create_stack('stack', template, params)
    step.details.update({'stack': run.stack[0], 'stack_id': run.stack[1],
                         'template': template, 'parameters': params})
    body = run.stacks.wait(run.stack, 'CREATE_COMPLETE')
    step.details['stack_complete_at'] = run.mark('deployed')
    step.details['outputs'] = stacks.stack_outputs(body)
    run.stacks.record_physical_resources(run.stack, step.details)
    run.stacks.record_resource_spans(run.stack, step.details)
    absent = _new_records(run, step, body)
    if absent:
        step.details['records_absent'] = [r.to_dict() for r in absent]


# Actions that only read: a check_wire after them still checks what the
# check_api before them checked.
READ_ONLY = ('check_floating_ip', 'check_dns_assignment')


def _wire_follows(run, step):
    """Is the next step that changes anything a pending check_wire?"""
    later = run.steps[[s.name for s in run.steps].index(step.name) + 1:]
    for other in later:
        if other.action == 'check_wire':
            return other.status == NOT_RUN
        if other.action not in READ_ONLY:
            return False
    return False


@action('check_api')
def check_api(run, step):
    """Designate's API; the nameservers are polled from the same moment.

    When a check_wire step follows, its per-nameserver waits start here,
    together with the API's (one thread each, one deadline): every
    nameserver's "answered at" is its own, not after the API's wait. The
    check_wire step collects them (:func:`check_wire`).
    """
    items = run.expected.current(run.since_change())
    run.cancel_wire_wait()
    nameservers = _pool_nameservers(run.settings, _pool(run))
    if (run.settings.check_nameservers and nameservers and
            _wire_follows(run, step)):
        run.wire_wait = records.Wait(run.checker, items,
                                     nameservers).start()
    records.wait_records(run.checker, items, details=step.details)


# pool -> (the setting naming its nameservers, the option it comes from)
POOL_NAMESERVERS = {'default': ('nameservers', '[dns] nameservers'),
                    'second': ('second_pool_nameservers',
                               '[cross_service] second_pool_nameservers')}


def _pool_nameservers(settings, pool):
    return getattr(settings, POOL_NAMESERVERS[pool][0])


def _nameservers_or_skip(run, step, pool=None):
    """The nameservers of ``pool`` (default: the zone's pool) to query."""
    pool = pool or _pool(run)
    if not run.settings.check_nameservers:
        step.status = SKIPPED
        step.details['reason'] = '[cross_service] check_nameservers is False'
        return []
    nameservers = _pool_nameservers(run.settings, pool)
    if not nameservers:
        raise StepFailure('%s is empty: no nameserver%s to query (set it, '
                          'or set [cross_service] check_nameservers = '
                          'False)' % (POOL_NAMESERVERS[pool][1],
                                      ' of the second pool'
                                      if pool == 'second' else ''))
    return nameservers


@action('check_wire')
def check_wire(run, step):
    """Every nameserver answers exactly the expected records.

    Collects the waits check_api started (when they wait for what is
    expected now), else starts them: one thread per nameserver.
    """
    nameservers = _nameservers_or_skip(run, step)
    items = run.expected.current(run.since_change())
    wait, run.wire_wait = run.wire_wait, None
    if wait is not None and not wait.waits_for(items, nameservers):
        wait.cancel()
        wait = None
    seen = []
    if nameservers:
        if wait is not None:
            step.details['started_with'] = 'check_api'
        else:
            wait = records.Wait(run.checker, items, nameservers).start()
        seen = wait.finish(step.details)
    elif wait is not None:
        wait.cancel()
    step.details['records'] = seen
    if seen:
        since = [r['since_change'] or 0 for r in seen
                 if 'since_change' in r]
        step.details['propagation_seconds'] = max(since) if since else None


@action('check_other_pool')
def check_other_pool(run, step):
    """The present records are not served by the other pool's nameservers.

    Run after check_wire: the zone's own pool answers them, so an empty
    answer from the other pool means Designate kept the zone off it.
    """
    other = 'default' if _pool(run) == 'second' else 'second'
    if other == 'second' and not run.settings.second_pool_id:
        step.status = SKIPPED
        step.details['reason'] = ('[cross_service] second_pool_id is unset: '
                                  'no other pool')
        return
    nameservers = _nameservers_or_skip(run, step, other)
    step.details['pool'] = other
    if nameservers:
        step.details['records'] = records.wait_records(
            run.checker, [records.RecordWait(rec, records.ABSENT)
                          for rec in run.expected.present], nameservers,
            details=step.details)


def _section(run, step):
    """The definition's section that the step's action needs (NEEDS)."""
    key = NEEDS[step.action]
    spec = run.definition.get(key)
    if not spec:
        raise errors.ScenarioError('scenarios.%s: %s needs a %s section'
                                   % (run.name, step.action, key))
    return spec


@action('check_dns_assignment', needs='dns_assignment')
def check_dns_assignment(run, step):
    spec = _section(run, step)
    port_id = records.stack_output(run.outputs, spec['port_output'],
                                   'dns_assignment')
    want = dns_records.fqdn(run.render(spec['fqdn'],
                                       'dns_assignment.fqdn').lower())
    port = run.clients.ports.show_port(port_id)['port']
    ips = sorted(ip['ip_address'] for ip in port.get('fixed_ips', []))
    assignment = port.get('dns_assignment') or []
    got = sorted((a.get('ip_address'), dns_records.fqdn(
        (a.get('fqdn') or '').lower())) for a in assignment)
    step.details.update({'port_id': port_id, 'expected_fqdn': want,
                         'dns_assignment': assignment})
    expected = sorted((ip, want) for ip in ips)
    if got != expected:
        raise StepFailure('port %s dns_assignment: expected %s, got %s'
                          % (port_id, expected, got))


@action('check_floating_ip', needs='floating_ip')
def check_floating_ip(run, step):
    spec = _section(run, step)
    fip_id = records.stack_output(run.outputs, spec['id_output'],
                                  'floating_ip')
    fip = run.clients.floating_ips.show_floatingip(fip_id)['floatingip']
    want = {'dns_name': run.render(spec['dns_name'], 'floating_ip.dns_name'),
            'dns_domain': run.render(spec['dns_domain'],
                                     'floating_ip.dns_domain')}
    got = {k: fip.get(k) for k in want}
    step.details.update({'floating_ip_id': fip_id, 'expected': want,
                         'seen': got})
    if got != want:
        raise StepFailure('floating IP %s: expected %s, got %s'
                          % (fip_id, want, got))


@action('update', needs='update')
def update(run, step):
    if not run.stack:
        raise StepFailure('update: no stack deployed')
    changes = run.render(run.definition['update'].get('vars', {}),
                         'update.vars')
    run.values.update(changes)
    run.result.values = run.public_values()
    params = run.stack_parameters()
    step.details.update({'vars': changes, 'parameters': params})
    run.stacks.update(run.stack, run.definition['stack']['template'],
                      params)
    body = run.stacks.wait(run.stack, 'UPDATE_COMPLETE')
    step.details['stack_complete_at'] = run.mark('updated')
    _new_records(run, step, body)
    step.details['records_withdrawn'] = [
        dict(r.to_dict(), values=sorted(v)) for r, v in run.expected.withdrawn]


@action('delete')
def delete(run, step):
    if not run.stack:
        raise StepFailure('delete: no stack deployed')
    step.details['stack'] = run.stack[0]
    run.delete_stack(run.stack)
    step.details['deleted_at'] = run.mark('deleted')


@action('check_removed')
def check_removed(run, step):
    lingering, bug = records.lingering_records(run.definition,
                                               run.expected.present)
    if run.name in run.settings.fixed_known_bugs:   # fixed here: no excuse
        lingering, bug = [], None
    gone = [r for r in run.expected.ever if r not in lingering]

    def timing(at, place):
        return {'where': place or 'api',
                'since_delete': run.since('deleted', at)}
    places = [None] + _nameservers_or_skip(run, step)
    if step.status == SKIPPED:
        step.status = PASSED
    seen = records.wait_records(
        run.checker, [records.RecordWait(rec, records.REMOVED, rec.values,
                                         timing) for rec in gone], places,
        details=step.details)
    if seen:
        step.details['removal_seconds'] = max(
            r['since_delete'] or 0 for r in seen)
    if lingering:
        found = records.assert_known_bug(run.checker, bug, lingering,
                                         run.name)
        run.result.known_bugs.append(found)
        step.details['known_bug'] = found


@action('delete_zone')
def delete_zone(run, step):
    if not run.zone_stack:
        raise StepFailure('delete_zone: no zone stack')
    step.details['zone'] = run.values['zone_name']
    run.delete_stack(run.zone_stack)
    if run.zone_id:
        raise StepFailure('zone %s (%s) still exists after its stack was '
                          'deleted' % (run.values['zone_name'], run.zone_id))


# registers check_reachable (its own module: a guest reached over the wire)
from cross_service_tempest_plugin.scenarios import reachable  # noqa
# registers check_peer_dns (its own module: a guest logged into over SSH)
from cross_service_tempest_plugin.scenarios import peer_dns  # noqa
