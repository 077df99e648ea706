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

"""Issue 5 acceptance 2-4: faults injected from hooks (real constellation).

They restart/stop constellation services: run alone, after the suite:
``pytest -v fault_tests/test_api_faults.py``.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import unittest

from cross_service_tempest_plugin import api
from cross_service_tempest_plugin.faults import constellation
from cross_service_tempest_plugin.faults import health
from cross_service_tempest_plugin.faults import hook as faulthook
from fault_tests import common


class FaultTestBase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.conf = common.config_file()

    def setUp(self):
        self.leak = common.LeakSnapshot(self.conf)

    def assertNoLeak(self):
        n, report = self.leak.leaks()
        print(report)
        self.assertEqual(0, n, report)


class TestDesignateRestarts(FaultTestBase):
    """Deploy, restart a Designate service from a hook, records converge."""

    def _restart_after_deploy(self, service):
        # The fault interface: health check (waited for) before, DNS probe
        # through the restart, the restart's undo, health check after.
        hook = faulthook.FaultHook(
            constellation.ConstellationController(common.constellation_cmd()),
            service, health=health.HealthCheck.from_config(self.conf))
        # Within the configured [cross_service] record_timeout. A zone
        # update lost with a restarted worker stays PENDING until Designate
        # recovers it: after max_prop_time (poll_timeout * poll_max_retries
        # + poll_max_retries * poll_retry_interval + poll_delay, 451 s with
        # the defaults) at the next [producer_task:worker_periodic_recovery]
        # run (120 s): the cloud must tune these to converge in time.
        result = api.run_scenario('floating_ip_dns', config_file=self.conf,
                                  hooks=hook)
        record = hook.finish()
        print(result.to_json(indent=1)[:4000])
        print(record)
        self.assertTrue(record['injected'], 'the hook did not run')
        self.assertIsNone(record['fault_error'])
        self.assertEqual([], record['undo_errors'])
        self.assertTrue(result.passed, result.error)
        self.assertTrue(record['health_after']['ok'],
                        record['health_after']['problems'])
        self.assertIsNotNone(record['converge_seconds'], record)
        self.assertNoLeak()

    def test_designate_worker_restart_records_converge(self):
        self._restart_after_deploy('designate-worker')

    def test_designate_central_restart_records_converge(self):
        self._restart_after_deploy('designate-central')


class TestHeatEngineDown(FaultTestBase):

    def test_heat_engine_stopped_during_deploy_fails_deploy(self):
        """heat-engine goes down while the stack is being created.

        Heat's convergence engine does not resume or fail a traversal whose
        engine died (reset_stack_status only handles legacy stacks), so the
        stack stays CREATE_IN_PROGRESS: deploy must fail at its deadline
        naming the stack status and reason; cleanup (Heat is back by then)
        deletes everything, also what Neutron created while the engine
        restarted and Heat never recorded (lost_resources).
        """
        events = []

        def restart_when_stack_exists(run):
            deadline = time.monotonic() + 60
            while run.stack is None and time.monotonic() < deadline:
                time.sleep(0.05)
            events.append('stack exists' if run.stack else 'no stack')
            common.constellation('restart', 'heat-engine')
            events.append('restarted')

        threads = []

        def before_step(run, name):
            if name == 'deploy':
                t = threading.Thread(target=restart_when_stack_exists,
                                     args=(run,), daemon=True)
                t.start()
                threads.append(t)

        def after_step(run, step):
            if step.name == 'deploy':
                # Heat must be back before cleanup runs.
                threads[0].join(300)
        result = api.run_scenario(
            'servers_dns', config_file=self.conf,
            overrides={'stack_timeout': 90},
            hooks={'before_step': before_step, 'after_step': after_step})
        print(result.to_json(indent=1)[:6000])
        # what Heat lost track of (created while heat-engine restarted)
        # was deleted by the run's cleanup, not left to the sweeper
        print('lost resources deleted: %s' % (result.lost_resources or
                                              'none'))
        self.assertEqual(['stack exists', 'restarted'], events)
        self.assertFalse(result.passed)
        self.assertEqual('deploy', result.failed_step)
        self.assertIn('step deploy failed', result.error)
        self.assertIn('Stack status reason:', result.error)
        self.assertEqual([], result.cleanup_errors)
        self.assertNoLeak()

    def test_resources_heat_lost_track_of_are_deleted(self):
        """Deterministic half of the test above, on the real services.

        What heat-engine leaves when it dies mid-create (a network, subnet
        and router Neutron made, named after the run's stack, their ids
        never stored by Heat) is made here directly, in the run's project,
        before deploy fails: the run's cleanup must find and delete it.
        """
        from cross_service_tempest_plugin import credentials
        admin = credentials.admin_manager(self.conf)
        made = {}

        def before_step(run, name):
            if name != 'deploy':
                return
            pid = run.clients.project_id
            prefix = '%s-stack-topology-lost' % run.label
            net = admin.networks_client.create_network(
                name=prefix + '-net', project_id=pid)['network']
            sub = admin.subnets_client.create_subnet(
                network_id=net['id'], cidr='10.252.9.0/24', ip_version=4,
                name=prefix + '-subnet', project_id=pid)['subnet']
            router = admin.routers_client.create_router(
                name=prefix + '-router', project_id=pid)['router']
            admin.routers_client.add_router_interface(router['id'],
                                                      subnet_id=sub['id'])
            made.update(network=net['id'], subnet=sub['id'],
                        router=router['id'])
            raise RuntimeError('heat-engine went away (simulated)')

        result = api.run_scenario(
            'floating_ip_dns', config_file=self.conf,
            hooks={'before_step': before_step})
        print('lost resources deleted: %s' % result.lost_resources)
        self.assertEqual('deploy', result.failed_step)
        self.assertEqual([], result.cleanup_errors)
        self.assertEqual(3, len(made), made)
        for kind, rid in made.items():
            self.assertTrue(any(rid in line and line.startswith(
                'deleted %s' % kind) for line in result.lost_resources),
                '%s %s not in %s' % (kind, rid, result.lost_resources))
        self.assertNoLeak()


class TestCliInterrupt(FaultTestBase):

    def test_sigint_during_run_cleans_up_and_exits_non_zero(self):
        # The config goes through the environment, not --config: the
        # constellation's leftover-process recovery treats any process whose
        # command line names its state dir as its own.
        cmd = [os.path.join(os.path.dirname(sys.executable),
                            'cross-service-scenario'),
               'run', 'floating_ip_dns']
        env = dict(os.environ,
                   TEMPEST_CONFIG_DIR=os.path.dirname(self.conf),
                   TEMPEST_CONFIG=os.path.basename(self.conf))
        env.pop('CONSTELLATION_STATE_DIR', None)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=env)
        lines = []
        for line in proc.stdout:
            lines.append(line)
            # Interrupt while the records are being checked: the zone and
            # the stack exist.
            if line.startswith('check_api ') and line.rstrip().endswith(
                    '...'):
                proc.send_signal(signal.SIGINT)
                break
        rest, _ = proc.communicate(timeout=600)
        output = ''.join(lines) + rest
        print(output)
        self.assertEqual(130, proc.returncode, output)
        self.assertIn('interrupted: cleaning up', output)
        self.assertIn('INTERRUPTED', output)
        self.assertNotIn('cleanup error', output)
        self.assertNoLeak()
