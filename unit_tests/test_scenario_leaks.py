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

"""Nothing leaks: interrupted creates, bounded cleanup, reused runs."""

import time

from tempest.lib import exceptions as lib_exc

from cross_service_tempest_plugin.scenarios import engine
from cross_service_tempest_plugin.scenarios import errors
from unit_tests.test_scenario_engine import EngineTestCase


class TestInterruptedCreate(EngineTestCase):

    def interrupt_create(self, accepted, appears_later=False):
        """Ctrl-C while Heat handles the deploy's create request."""
        stacks = self.cloud.stacks
        real_create = stacks.create_stack
        real_show = stacks.show_stack
        pending = []

        def create(name, template, **kwargs):
            if name.endswith('-stack'):
                if accepted and not appears_later:
                    real_create(name, template, **kwargs)
                elif appears_later:
                    pending.append((name, template, kwargs))
                raise KeyboardInterrupt()
            return real_create(name, template, **kwargs)

        def show(ident):
            if pending:     # Heat stores the stack a moment later
                name, template, kwargs = pending.pop()
                real_create(name, template, **kwargs)
                raise lib_exc.NotFound(ident)
            return real_show(ident)
        stacks.create_stack = create
        stacks.show_stack = show
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        with self.assertRaises(KeyboardInterrupt):
            run.run()
        return run

    def test_stack_heat_accepted_is_found_by_name_and_deleted(self):
        run = self.interrupt_create(accepted=True)
        self.assertEqual('interrupted', run.result.step('deploy').status)
        self.assertEqual([], run.result.cleanup_errors)
        entry = [r for r in run.result.resources if r.get('role') == 'stack']
        self.assertEqual(1, len(entry))
        self.assertIsNotNone(entry[0]['id'])
        self.assertTrue(entry[0]['deleted'])
        self.assertNothingLeft(run)

    def test_stack_stored_after_the_interrupt_is_found_too(self):
        run = self.interrupt_create(accepted=True, appears_later=True)
        self.assertEqual([], run.result.cleanup_errors)
        self.assertNothingLeft(run)

    def test_stack_heat_never_got(self):
        run = self.interrupt_create(accepted=False)
        self.assertEqual([], run.result.cleanup_errors)
        entry = [r for r in run.result.resources if r.get('role') == 'stack']
        self.assertEqual([False], [e['created'] for e in entry])
        self.assertNothingLeft(run)


class TestCleanupBound(EngineTestCase):

    def test_cleanup_timeout_bounds_the_whole_cleanup(self):
        # Heat accepts the deletes but never finishes them; each stack's
        # own timeout (30 s) is far longer than the cleanup timeout.
        self.cloud.stacks.delete_stack = lambda name, sid: None
        run = self.cloud.run(self.catalog, 'floating_ip_dns',
                             stack_timeout=30, cleanup_timeout=0.5)
        run.run_step('create_zone')
        run.run_step('deploy')
        start = time.monotonic()
        run.cleanup()
        took = time.monotonic() - start
        self.assertLess(took, 5)
        errors = run.result.cleanup_errors
        self.assertEqual(2, len(errors), errors)
        self.assertIn('cleanup of stack %s-stack' % run.label, errors[0])
        self.assertIn('cleanup timeout 0.5 s', errors[0])
        self.assertIn('cleanup of zone stack', errors[1])
        self.assertFalse(run.result.passed)


class TestNoReuse(EngineTestCase):

    def test_run_step_after_run_is_refused(self):
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        run.run(until='deploy')
        calls = len(self.cloud.stacks.calls)
        with self.assertRaises(errors.ScenarioError) as ctx:
            run.run_step('check_api')
        self.assertIn("run_step('check_api') after this run was cleaned up",
                      str(ctx.exception))
        self.assertRaisesRegex(errors.ScenarioError, r'run\(\) after',
                               run.run)
        self.assertEqual(calls, len(self.cloud.stacks.calls))
        self.assertNothingLeft(run)

    def test_run_step_after_cleanup_is_refused(self):
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        run.run_step('create_zone')
        run.cleanup()
        self.assertRaisesRegex(errors.ScenarioError, 'start a new run',
                               run.run_step, 'deploy')
        self.assertEqual([], self.cloud.stacks.live())


class TestHooksStopping(EngineTestCase):

    def run_with(self, hooks):
        run = self.cloud.run(self.catalog, 'floating_ip_dns', hooks=hooks)
        return run

    def test_system_exit_in_before_hook_fails_and_cleans_up(self):
        def before(run, name):
            if name == 'check_api':
                raise SystemExit(3)
        run = self.run_with({'before_step': before})
        with self.assertRaises(SystemExit):
            run.run()
        self.assertFalse(run.result.passed)
        self.assertEqual('failed', run.result.step('check_api').status)
        self.assertEqual('check_api', run.result.failed_step)
        self.assertIn('SystemExit: 3', run.result.error)
        self.assertNothingLeft(run)

    def test_system_exit_in_after_hook_fails_and_cleans_up(self):
        def after(run, step):
            if step.name == 'deploy':
                raise SystemExit('bye')
        run = self.run_with({'after_step': after})
        with self.assertRaises(SystemExit):
            run.run()
        self.assertFalse(run.result.passed)
        self.assertEqual('deploy', run.result.failed_step)
        self.assertIn('after_step hook: SystemExit: bye', run.result.error)
        self.assertNothingLeft(run)

    def test_ctrl_c_in_after_hook_marks_interrupted(self):
        def after(run, step):
            if step.name == 'check_api':
                raise KeyboardInterrupt()
        run = self.run_with({'after_step': after})
        with self.assertRaises(KeyboardInterrupt):
            run.run()
        self.assertEqual('interrupted', run.result.step('check_api').status)
        self.assertFalse(run.result.passed)
        self.assertNothingLeft(run)


class TestEngineReexports(EngineTestCase):

    def test_front_doors_names(self):
        for name in ('StepResult', 'ScenarioResult', 'Settings',
                     'ScenarioClients', 'StepFailure', 'missing_requirements'):
            self.assertTrue(hasattr(engine, name), name)
