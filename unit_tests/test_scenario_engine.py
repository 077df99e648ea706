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

"""The scenario engine against a fake cloud (unit tests of our own code)."""

import json
import unittest

from tempest.lib import exceptions as lib_exc

from cross_service_tempest_plugin.scenarios import engine
from cross_service_tempest_plugin.scenarios import errors
from cross_service_tempest_plugin.scenarios import loader
from unit_tests import scenario_fakes


class EngineTestCase(unittest.TestCase):

    def setUp(self):
        self.cloud = scenario_fakes.FakeCloud()
        self.catalog = loader.load_catalog()

    def assertNothingLeft(self, run):
        self.assertEqual([], self.cloud.stacks.live())
        self.assertEqual(set(), self.cloud.zones)
        self.assertTrue(all(r['deleted'] for r in run.result.resources
                            if r['type'] in ('stack', 'zone')),
                        run.result.resources)


class TestFullRuns(EngineTestCase):

    def test_floating_ip_dns_passes_every_step(self):
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        result = run.run()
        self.assertTrue(result.passed, result.to_json(indent=1))
        self.assertEqual(['create_zone', 'deploy', 'check_floating_ip',
                          'check_api', 'check_wire', 'delete',
                          'check_removed', 'delete_zone'],
                         [s.name for s in result.steps])
        for step in result.steps:
            self.assertEqual('passed', step.status, step.name)
            self.assertIsNotNone(step.duration)
        expected = result.step('deploy').details['records_expected']
        zone = run.values['zone_name']
        self.assertEqual(
            [('fip.' + zone, 'A', ['172.24.4.10']),
             ('10.4.24.172.in-addr.arpa.', 'PTR', ['fip.' + zone])],
            [(r['name'], r['type'], r['values']) for r in expected])
        self.assertNothingLeft(run)
        data = json.loads(result.to_json())
        self.assertTrue(data['passed'])
        self.assertEqual(8, len(data['steps']))

    def test_servers_dns_expects_one_a_per_server_and_ptrs(self):
        run = self.cloud.run(self.catalog, 'servers_dns',
                             overrides={'server_count': 3})
        result = run.run()
        self.assertTrue(result.passed, result.error)
        recs = result.step('deploy').details['records_expected']
        self.assertEqual(3, len([r for r in recs if r['type'] == 'A']))
        self.assertEqual(3, len([r for r in recs if r['type'] == 'PTR']))
        self.assertEqual('3', result.step('deploy').details[
            'parameters']['count'])

    def test_provider_port_groups_a_and_aaaa_and_checks_assignment(self):
        run = self.cloud.run(self.catalog, 'provider_port_dns')
        result = run.run()
        self.assertTrue(result.passed, result.error)
        types = sorted(r['type'] for r in
                       result.step('deploy').details['records_expected'])
        self.assertEqual(['A', 'AAAA', 'PTR', 'PTR'], types)

    def test_dns_assignment_with_wrong_fqdn_fails(self):
        rules = self.cloud.publish_rules

        def wrong_fqdn(st):
            recs = rules(st)
            for port in self.cloud.ports.values():
                for a in port['dns_assignment']:
                    a['fqdn'] = 'host.openstacklocal.'
            return recs
        self.cloud.publish_rules = wrong_fqdn
        result = self.cloud.run(self.catalog, 'provider_port_dns').run()
        self.assertFalse(result.passed)
        self.assertEqual('check_dns_assignment', result.failed_step)
        self.assertIn('host.openstacklocal.', result.error)

    def test_no_zone_scenario_asserts_absence(self):
        run = self.cloud.run(self.catalog, 'floating_ip_no_zone')
        result = run.run()
        self.assertTrue(result.passed, result.error)
        self.assertNotIn('create_zone', [s.name for s in result.steps])
        absent = result.step('deploy').details['records_absent']
        self.assertEqual(['A', 'PTR'], [r['type'] for r in absent])
        self.assertNothingLeft(run)

    def test_no_zone_scenario_fails_if_a_record_shows_up(self):
        rules = self.cloud.publish_rules

        def publish_anyway(st):
            recs = rules(st)
            if st['template'] == 'floating_ip.yaml':
                p = st['parameters']
                recs.append(('%s.%s' % (p['dns_name'], p['dns_domain']),
                             '172.24.4.10'))
            return recs
        self.cloud.publish_rules = publish_anyway
        result = self.cloud.run(self.catalog, 'floating_ip_no_zone').run()
        self.assertFalse(result.passed)
        self.assertEqual('check_api', result.failed_step)


class TestUpdates(EngineTestCase):

    def _run_move_with_neutron_bug(self):
        """As Neutron 29: the moved-to name's A record outlives delete."""
        real_delete = self.cloud.stacks.delete_stack

        def delete_with_bug(*args, **kwargs):
            self.cloud.keep_types_on_delete = {'A'}
            return real_delete(*args, **kwargs)
        self.cloud.stacks.delete_stack = delete_with_bug
        run = self.cloud.run(self.catalog, 'floating_ip_move')
        return run, run.run()

    def test_moving_floating_ip_withdraws_old_name(self):
        run, result = self._run_move_with_neutron_bug()
        self.assertTrue(result.passed, result.error)
        withdrawn = result.step('update').details['records_withdrawn']
        prefix = run.values['name_prefix']
        old = '%s-0.%s' % (prefix, run.values['zone_name'])
        self.assertEqual([(old, 'A', ['172.24.4.99']),
                          ('99.4.24.172.in-addr.arpa.', 'PTR', [old])],
                         [(r['name'], r['type'], r['values'])
                          for r in withdrawn])
        self.assertNothingLeft(run)

    def test_known_bug_lingering_record_is_asserted_and_reported(self):
        run, result = self._run_move_with_neutron_bug()
        self.assertTrue(result.passed, result.error)
        new = '%s-1.%s' % (run.values['name_prefix'], run.values['zone_name'])
        bug = result.step('check_removed').details['known_bug']
        self.assertIn('_process_dns_floatingip_update_precommit',
                      bug['summary'])
        self.assertEqual([(new, 'A', ['172.24.4.99'])],
                         [(r['name'], r['type'], r['values'])
                          for r in bug['lingering']])
        self.assertEqual(1, len(result.to_dict()['known_bugs']))
        # the PTR of the same address is checked as usual (gone)
        checked = [(r['name'], r['type'])
                   for r in result.step('check_removed').details['records']]
        self.assertIn(('99.4.24.172.in-addr.arpa.', 'PTR'), checked)
        self.assertNotIn((new, 'A'), checked)

    def test_known_bug_fixed_fails_check_removed(self):
        # a Neutron that removes every record: the marker must go
        run = self.cloud.run(self.catalog, 'floating_ip_move')
        result = run.run()
        self.assertFalse(result.passed)
        self.assertEqual('check_removed', result.failed_step)
        self.assertIn('known bug no longer reproduces', result.error)
        self.assertNothingLeft(run)

    def test_known_bug_does_not_excuse_other_records(self):
        real_delete = self.cloud.stacks.delete_stack

        def delete_leaking_everything(*args, **kwargs):
            self.cloud.keep_on_delete = True
            return real_delete(*args, **kwargs)
        self.cloud.stacks.delete_stack = delete_leaking_everything
        result = self.cloud.run(self.catalog, 'floating_ip_move').run()
        self.assertFalse(result.passed)
        self.assertEqual('check_removed', result.failed_step)
        self.assertIn('PTR', result.error)

    def test_old_record_kept_after_update_fails(self):
        stacks = self.cloud.stacks
        real_update = stacks.update_stack

        def update_keeping_old(*args, **kwargs):
            self.cloud.keep_on_delete = True
            try:
                return real_update(*args, **kwargs)
            finally:
                self.cloud.keep_on_delete = False
        stacks.update_stack = update_keeping_old
        run = self.cloud.run(self.catalog, 'floating_ip_move')
        result = run.run()
        self.assertFalse(result.passed)
        self.assertEqual('check_api_after_update', result.failed_step)
        # The old name is still there (A, or the PTR with both names).
        self.assertIn('%s-0.' % run.values['name_prefix'], result.error)
        self.assertIn('last seen', result.error)
        self.assertEqual([], self.cloud.stacks.live())

    def test_rename_changes_dns_name_parameter(self):
        run = self.cloud.run(self.catalog, 'provider_port_rename',
                             overrides={'new_dns_name': 'other'})
        result = run.run()
        self.assertTrue(result.passed, result.error)
        self.assertEqual('other', result.step('update').details[
            'parameters']['dns_name'])
        self.assertEqual('other', run.values['dns_name'])


class TestFailuresAndCleanup(EngineTestCase):

    def test_record_never_in_api_names_record_seen_and_time(self):
        self.cloud.delay_polls = 10 ** 6
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        result = run.run()
        self.assertFalse(result.passed)
        self.assertEqual('check_api', result.failed_step)
        self.assertIn('fip.%s A' % run.values['zone_name'], result.error)
        self.assertIn('last seen', result.error)
        self.assertIn('waited', result.error)
        self.assertEqual('not_run', result.step('check_wire').status)
        self.assertNothingLeft(run)

    def test_empty_answer_on_the_wire_is_a_failure(self):
        self.cloud.wire_empty = True
        result = self.cloud.run(self.catalog, 'floating_ip_dns').run()
        self.assertFalse(result.passed)
        self.assertEqual('check_wire', result.failed_step)
        self.assertIn('nameserver 127.0.0.1:1053', result.error)

    def test_records_left_after_delete_fail_check_removed(self):
        self.cloud.keep_on_delete = True
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        result = run.run()
        self.assertFalse(result.passed)
        self.assertEqual('check_removed', result.failed_step)
        # The zone is still deleted by cleanup.
        self.assertEqual(set(), self.cloud.zones)

    def test_failed_stack_names_step_and_reason_and_is_deleted(self):
        self.cloud.fail_templates['floating_ip.yaml'] = (
            'Resource CREATE failed: Engine went down during stack CREATE')
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        result = run.run()
        self.assertFalse(result.passed)
        self.assertEqual('deploy', result.failed_step)
        self.assertIn('Engine went down', result.error)
        self.assertIn('CREATE_FAILED', result.error)
        self.assertNothingLeft(run)

    def test_heat_api_errors_while_waiting_are_retried(self):
        stacks = self.cloud.stacks
        real_show = stacks.show_stack
        errors = []

        def flaky_show(ident):
            if len(errors) < 3:
                errors.append(ident)
                raise lib_exc.ServerFault('500 from heat-api')
            return real_show(ident)
        stacks.show_stack = flaky_show
        result = self.cloud.run(self.catalog, 'floating_ip_dns').run()
        self.assertEqual(3, len(errors))
        self.assertTrue(result.passed, result.error)

    def test_heat_api_failing_until_deadline_names_stack_status(self):
        stacks = self.cloud.stacks
        real_show = stacks.show_stack
        calls = []

        def broken_show(ident):
            calls.append(ident)
            # the waiter's polls fail; the summary call afterwards works
            if len(calls) < 30:
                raise lib_exc.ServerFault('500 from heat-api')
            return real_show(ident)
        stacks.show_stack = broken_show
        result = self.cloud.run(self.catalog, 'floating_ip_dns',
                                stack_timeout=0.2).run()
        self.assertEqual('create_zone', result.failed_step)
        self.assertIn('the Heat API kept failing', result.error)
        self.assertIn('500 from heat-api', result.error)

    def test_heat_api_error_on_create_fails_deploy(self):
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        run.run_step('create_zone')
        self.cloud.heat_down = True
        step = run.run_step('deploy')
        self.assertEqual('failed', step.status)
        self.assertIn('heat-engine is down', step.error)
        run.cleanup()
        self.assertNothingLeft(run)

    def test_cleanup_is_idempotent_and_runs_after_partial_run(self):
        run = self.cloud.run(self.catalog, 'servers_dns')
        run.run_step('create_zone')
        run.run_step('deploy')
        self.assertEqual(2, len(self.cloud.stacks.live()))
        run.cleanup()
        run.cleanup()
        self.assertNothingLeft(run)
        self.assertEqual([], run.result.cleanup_errors)

    def test_cleanup_retries_while_heat_is_away(self):
        stacks = self.cloud.stacks
        real_delete = stacks.delete_stack
        failures = []

        def flaky_delete(name, sid):
            if len(failures) < 2:
                failures.append(name)
                raise ConnectionRefusedError('heat-api is restarting')
            return real_delete(name, sid)
        stacks.delete_stack = flaky_delete
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        run.run_step('create_zone')
        run.run_step('deploy')
        run.cleanup()
        self.assertEqual(2, len(failures))
        self.assertEqual([], run.result.cleanup_errors)
        self.assertNothingLeft(run)

    def test_interrupt_during_cleanup_does_not_abandon_it(self):
        stacks = self.cloud.stacks
        real_delete = stacks.delete_stack
        interrupts = []

        def interrupted_delete(name, sid):
            if not interrupts:
                interrupts.append(name)
                raise KeyboardInterrupt()
            return real_delete(name, sid)
        stacks.delete_stack = interrupted_delete
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        run.run_step('create_zone')
        run.run_step('deploy')
        self.assertRaises(KeyboardInterrupt, run.cleanup)
        self.assertEqual(1, len(interrupts))
        self.assertNothingLeft(run)
        self.assertEqual([], run.result.cleanup_errors)

    def test_cleanup_gives_up_at_deadline_and_reports(self):
        def broken(name, sid):
            raise ConnectionRefusedError('heat-api is gone')
        self.cloud.stacks.delete_stack = broken
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        run.run_step('create_zone')
        result = run.run()
        self.assertFalse(result.passed)
        errors = '\n'.join(result.cleanup_errors)
        self.assertIn('cleanup of stack', errors)
        self.assertIn('cleanup of zone stack', errors)
        self.assertIn('heat-api is gone', errors)
        # The zone itself is still deleted through Designate.
        self.assertEqual(set(), self.cloud.zones)

    def test_until_stops_after_step_and_cleans_up(self):
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        result = run.run(until='check_api')
        self.assertTrue(result.passed)
        self.assertEqual('not_run', result.step('check_wire').status)
        self.assertNothingLeft(run)

    def test_unknown_until_step(self):
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        self.assertRaisesRegex(errors.ScenarioError, "no step 'nope'",
                               run.run, until='nope')

    def test_bad_override_key_is_named(self):
        self.assertRaisesRegex(errors.ScenarioError, "unknown key 'colour'",
                               self.cloud.run, self.catalog,
                               'floating_ip_dns', overrides={'colour': 1})


class TestHooks(EngineTestCase):

    def test_hooks_called_around_every_step_in_order(self):
        calls = []

        class Hook(object):
            def before_step(self, run, name):
                calls.append(('before', name))

            def after_step(self, run, step):
                calls.append(('after', step.name, step.status))
        run = self.cloud.run(self.catalog, 'floating_ip_dns', hooks=Hook())
        result = run.run()
        self.assertTrue(result.passed)
        self.assertEqual(16, len(calls))
        self.assertEqual(('before', 'create_zone'), calls[0])
        self.assertEqual(('after', 'create_zone', 'passed'), calls[1])
        self.assertEqual(('after', 'delete_zone', 'passed'), calls[-1])

    def test_fault_from_hook_between_steps_then_converges(self):
        # A hook "restarts a service": records vanish for a while.
        def before(run, name):
            if name == 'check_api':
                self.cloud.delay_polls = 3
                self.cloud.polls = 0
        result = self.cloud.run(self.catalog, 'floating_ip_dns',
                                hooks={'before_step': before}).run()
        self.assertTrue(result.passed, result.error)

    def test_failing_hook_fails_the_step(self):
        def before(run, name):
            if name == 'deploy':
                raise RuntimeError('injected')
        run = self.cloud.run(self.catalog, 'floating_ip_dns',
                             hooks={'before_step': before})
        result = run.run()
        self.assertEqual('deploy', result.failed_step)
        self.assertIn('injected', result.error)
        self.assertNothingLeft(run)

    def test_keyboard_interrupt_cleans_up_and_propagates(self):
        def before(run, name):
            if name == 'check_wire':
                raise KeyboardInterrupt()
        run = self.cloud.run(self.catalog, 'floating_ip_dns',
                             hooks=[{'before_step': before}])
        self.assertRaises(KeyboardInterrupt, run.run)
        self.assertEqual('interrupted', run.result.step('check_wire').status)
        self.assertFalse(run.result.passed)
        self.assertNothingLeft(run)

    def test_bad_hooks_rejected(self):
        self.assertRaisesRegex(ValueError, 'unknown key',
                               engine.normalise_hooks, {'before': print})
        self.assertRaisesRegex(ValueError, 'neither', engine.normalise_hooks,
                               object())


class TestRequirements(unittest.TestCase):

    def _conf(self, **services):
        svc = type('S', (), dict(dict(heat=True, designate=True,
                                      neutron=True, nova=True), **services))
        cs = type('C', (), {'provider_network_type': None})
        return type('Conf', (), {'service_available': svc,
                                 'cross_service': cs})

    def test_missing_service_extension_and_option_are_named(self):
        catalog = loader.load_catalog()
        missing = engine.missing_requirements(
            catalog.get('provider_port_dns'), self._conf(designate=False),
            lambda ext, svc: ext != 'dns-domain-ports')
        self.assertEqual(['[service_available] designate',
                          'Neutron extension dns-domain-ports ([network-'
                          'feature-enabled] api_extensions)',
                          '[cross_service] provider_network_type'], missing)

    def test_nothing_missing(self):
        catalog = loader.load_catalog()
        self.assertEqual([], engine.missing_requirements(
            catalog.get('servers_dns'), self._conf(), lambda e, s: True))

    def test_keyword_scenario_needs_the_keywords_extension(self):
        catalog = loader.load_catalog()
        missing = engine.missing_requirements(
            catalog.get('dns_domain_keywords'), self._conf(),
            lambda ext, svc: ext != 'dns-integration-domain-keywords')
        self.assertEqual(['Neutron extension dns-integration-domain-keywords'
                          ' ([network-feature-enabled] api_extensions)'],
                         missing)


class TestZonePools(EngineTestCase):
    """zone_on_second_pool / zone_on_default_pool against pool-aware fakes."""

    DEFAULT_NS, SECOND_NS = '127.0.0.1:1053', '127.0.0.1:2053'

    def setUp(self):
        super().setUp()
        self.cloud.ns_pool = {self.DEFAULT_NS: 'pool-0',
                              self.SECOND_NS: 'pool-2'}

    def run_pool(self, name, **settings):
        settings.setdefault('second_pool_id', 'pool-2')
        settings.setdefault('second_pool_nameservers', [self.SECOND_NS])
        run = self.cloud.run(self.catalog, name, **settings)
        return run, run.run()

    def test_second_pool_zone_answers_on_its_pool_only(self):
        run, result = self.run_pool('zone_on_second_pool')
        self.assertTrue(result.passed, result.to_json(indent=1))
        zone = run.values['zone_name']
        self.assertEqual('pool-2', self.cloud.zone_pools[zone])
        self.assertEqual('pool-2',
                         result.step('create_zone').details['pool_id'])
        self.assertEqual(json.dumps({'pool_id': 'pool-2'}), next(
            s['parameters']['attributes']
            for s in self.cloud.stacks.stacks.values()
            if s['template'] == 'zone.yaml'))
        wire = result.step('check_wire').details['records']
        self.assertEqual({self.SECOND_NS}, {r['nameserver'] for r in wire})
        # the second pool's polls started with check_api's, as the default
        self.assertEqual('check_api',
                         result.step('check_wire').details['started_with'])
        other = result.step('check_other_pool').details
        self.assertEqual('default', other['pool'])
        self.assertEqual([(self.DEFAULT_NS, 'port.' + zone, True)],
                         [(r['nameserver'], r['name'], r['absent'])
                          for r in other['records']])
        self.assertNothingLeft(run)

    def test_default_zone_answers_on_the_default_pool_only(self):
        run, result = self.run_pool('zone_on_default_pool')
        self.assertTrue(result.passed, result.to_json(indent=1))
        self.assertEqual('pool-0',
                         result.step('create_zone').details['pool_id'])
        wire = result.step('check_wire').details['records']
        self.assertEqual({self.DEFAULT_NS}, {r['nameserver'] for r in wire})
        other = result.step('check_other_pool').details['records']
        self.assertEqual({self.SECOND_NS}, {r['nameserver'] for r in other})

    def test_zone_left_on_the_default_pool_fails_create_zone(self):
        self.cloud.ignore_pool_attribute = True
        _run, result = self.run_pool('zone_on_second_pool')
        self.assertFalse(result.passed)
        self.assertEqual('create_zone', result.failed_step)
        self.assertIn('is on pool pool-0, not on [cross_service] '
                      'second_pool_id pool-2', result.error)

    def test_zone_served_by_the_other_pool_fails(self):
        self.cloud.ns_pool = {}     # every nameserver serves every zone
        _run, result = self.run_pool('zone_on_second_pool')
        self.assertFalse(result.passed)
        self.assertEqual('check_other_pool', result.failed_step)
        self.assertIn(self.DEFAULT_NS, result.error)

    def test_without_second_pool_nameservers_the_step_says_which_option(self):
        _run, result = self.run_pool('zone_on_second_pool',
                                     second_pool_nameservers=[])
        self.assertEqual('check_wire', result.failed_step)
        self.assertIn('[cross_service] second_pool_nameservers is empty',
                      result.error)

    def test_skipped_without_second_pool_id_naming_the_option(self):
        conf = TestRequirements._conf(self)
        conf.cross_service.second_pool_id = None
        for name in ('zone_on_second_pool', 'zone_on_default_pool'):
            self.assertEqual(
                ['[cross_service] second_pool_id (a non-default Designate '
                 'pool)'], engine.missing_requirements(
                    self.catalog.get(name), conf, lambda e, s: True))
        conf.cross_service.second_pool_id = 'pool-2'
        self.assertEqual([], engine.missing_requirements(
            self.catalog.get('zone_on_second_pool'), conf,
            lambda e, s: True))


class TestZoneName(EngineTestCase):

    def test_zone_name_of_the_definition_names_the_owners_project(self):
        clients = self.cloud.clients()
        clients.project_id = 'c0ffee'
        run = engine.ScenarioRun(
            'dns_domain_keywords', self.catalog.get('dns_domain_keywords'),
            clients, self.cloud.settings(), checker=self.cloud.checker())
        self.assertEqual('c0ffee.%s.%s' % (run.label,
                                           self.cloud.settings().zone_suffix),
                         run.values['zone_name'])
        params = run.stack_parameters()
        # the keyword itself goes to Neutron, which expands it
        self.assertEqual('<project_id>.%s.%s' % (
            run.label, self.cloud.settings().zone_suffix),
            params['dns_domain'])

    def test_default_zone_name_without_project(self):
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        self.assertEqual(run.label + '.' + self.cloud.settings().zone_suffix,
                         run.values['zone_name'])
        self.assertNotIn('project_id', run.values)
