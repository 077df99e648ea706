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
``doc/source/api.rst`` ("How to add an action").
"""

from cross_service_tempest_plugin.common import dns_checks
from cross_service_tempest_plugin.scenarios import loader
from cross_service_tempest_plugin.scenarios import records
from cross_service_tempest_plugin.scenarios.results import PASSED
from cross_service_tempest_plugin.scenarios.results import SKIPPED
from cross_service_tempest_plugin.scenarios.results import StepFailure
from cross_service_tempest_plugin.scenarios import stacks

ACTIONS = {}


def action(name):
    """Register ``function(run, step)`` as the action ``name``."""
    def register(func):
        if name in ACTIONS:
            raise ValueError('action %r registered twice' % name)
        ACTIONS[name] = func
        return func
    return register


def names():
    """The action names, in the order they were registered."""
    return tuple(ACTIONS)


@action('create_zone')
def create_zone(run, step):
    if not run.definition.get('zone', True):
        raise loader.ScenarioError('scenarios.%s: create_zone step but '
                                   'zone: false' % run.name)
    params = {'zone_name': run.values['zone_name'],
              'email': str(run.values['zone_email']),
              'ttl': str(run.values['zone_ttl'])}
    run.zone_stack = run.create_stack('zone', 'zone.yaml', params)
    body = run.stacks.wait(run.zone_stack, 'CREATE_COMPLETE')
    outputs = stacks.stack_outputs(body)
    run.zone_id = outputs.get('zone_id')
    run.resources.add('zone', run.values['zone_name'], run.zone_id)
    step.details.update({'zone': run.values['zone_name'],
                         'zone_id': run.zone_id,
                         'stack': run.zone_stack[0]})


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
    run.marks['deployed'] = run.clock()
    step.details['outputs'] = stacks.stack_outputs(body)
    run.stacks.record_physical_resources(run.stack, step.details)
    absent = _new_records(run, step, body)
    if absent:
        step.details['records_absent'] = [r.to_dict() for r in absent]


@action('check_api')
def check_api(run, step):
    step.details['records'] = records.wait_records(
        run.checker, run.expected.current(run.since_change()))


def _nameservers_or_skip(run, step):
    if not run.settings.check_nameservers:
        step.status = SKIPPED
        step.details['reason'] = '[cross_service] check_nameservers is False'
        return []
    if not run.settings.nameservers:
        raise StepFailure('[dns] nameservers is empty: no nameserver to '
                          'query (set it, or set [cross_service] '
                          'check_nameservers = False)')
    return run.settings.nameservers


@action('check_wire')
def check_wire(run, step):
    seen = []
    for ns in _nameservers_or_skip(run, step):
        seen += records.wait_records(
            run.checker, run.expected.current(run.since_change()), ns)
    step.details['records'] = seen
    if seen:
        since = [r['since_change'] or 0 for r in seen
                 if 'since_change' in r]
        step.details['propagation_seconds'] = max(since) if since else None


def _section(run, key, step):
    """The definition's section ``key`` that the step's action needs."""
    spec = run.definition.get(key)
    if not spec:
        raise loader.ScenarioError('scenarios.%s: %s needs a %s section'
                                   % (run.name, step.action, key))
    return spec


@action('check_dns_assignment')
def check_dns_assignment(run, step):
    spec = _section(run, 'dns_assignment', step)
    port_id = records.stack_output(run.outputs, spec['port_output'],
                                   'dns_assignment')
    want = dns_checks.fqdn(run.render(spec['fqdn'],
                                      'dns_assignment.fqdn').lower())
    port = run.clients.ports.show_port(port_id)['port']
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


@action('check_floating_ip')
def check_floating_ip(run, step):
    spec = _section(run, 'floating_ip', step)
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


@action('update')
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
    run.marks['updated'] = run.clock()
    _new_records(run, step, body)
    step.details['records_withdrawn'] = [
        dict(r.to_dict(), values=sorted(v)) for r, v in run.expected.withdrawn]


@action('delete')
def delete(run, step):
    if not run.stack:
        raise StepFailure('delete: no stack deployed')
    step.details['stack'] = run.stack[0]
    run.delete_stack(run.stack)
    run.marks['deleted'] = run.clock()


@action('check_removed')
def check_removed(run, step):
    lingering, bug = records.lingering_records(run.definition,
                                               run.expected.present)
    gone = [r for r in run.expected.ever if r not in lingering]

    def items(where):
        return [(rec, rec.values, lambda: {
            'where': where, 'since_delete': run.since('deleted')})
            for rec in gone]
    seen = records.wait_records(run.checker, items('api'))
    for ns in _nameservers_or_skip(run, step):
        seen += records.wait_records(run.checker, items(ns), ns)
    if step.status == SKIPPED:
        step.status = PASSED
    step.details['records'] = seen
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
