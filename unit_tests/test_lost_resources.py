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

"""What Heat lost track of: a failed run deletes what is named with its
label once its stacks are gone (fake clouds; see lost_resources).
"""

import unittest

from cross_service_tempest_plugin import lost_resources
from cross_service_tempest_plugin.scenarios import loader
from cross_service_tempest_plugin import sweeper_select
from unit_tests import scenario_fakes
from unit_tests import test_sweeper

LABEL = 'cs-0a1b2c3d4e'
OTHER = 'cs-9f8e7d6c5b'


def orphans(label, pid='p1'):
    """What heat-engine left when it died creating the topology."""
    inv = sweeper_select.Inventory()
    t = {'created_at': test_sweeper.YOUNG, 'updated_at': test_sweeper.YOUNG,
         'project_id': pid}
    inv.networks.append(dict(t, id='net-' + label, name=label))
    inv.subnets.append(dict(
        t, id='sub-' + label, name=label + '-stack-topology-x1-subnet-y2'))
    inv.routers.append(dict(
        t, id='r-' + label, name=label + '-stack-topology-x1-router-z3'))
    inv.ports += [
        dict(t, id='ri-' + label, name='', device_owner='network:'
             'router_interface', device_id='r-' + label,
             fixed_ips=[{'subnet_id': 'sub-' + label}]),
        dict(t, id='p-' + label, name=label + '-stack-port-q',
             device_owner='', device_id='')]
    inv.floating_ips.append(dict(t, id='fip-' + label, port_id='p-' + label,
                                 floating_ip_address='198.51.100.7'))
    inv.servers.append({'id': 'srv-' + label, 'name': label + '-stack-s-0',
                        'tenant_id': pid, 'created': test_sweeper.YOUNG,
                        'updated': test_sweeper.YOUNG})
    return inv


class TestSweep(unittest.TestCase):

    def test_deletes_only_what_the_label_names_in_order(self):
        inv = test_sweeper.merge(orphans(LABEL), orphans(OTHER),
                                 test_sweeper.foreign())
        cloud = test_sweeper.FakeCloud(inv)
        deleted, failures = lost_resources.sweep(cloud, LABEL,
                                                 test_sweeper.SUFFIX)
        self.assertEqual([], failures)
        calls = [c[1:] for c in cloud.calls if c[0] == 'delete']
        self.assertEqual([
            ('server', 'srv-' + LABEL), ('floating_ip', 'fip-' + LABEL),
            ('port', 'p-' + LABEL), ('router_interface', 'sub-' + LABEL),
            ('router', 'r-' + LABEL), ('subnet', 'sub-' + LABEL),
            ('network', 'net-' + LABEL)], calls)
        self.assertEqual(7, len(deleted), deleted)
        # the other run and the cloud's own resources are untouched
        self.assertIn('net-' + OTHER, [n['id'] for n in cloud.inv.networks])
        self.assertIn('public', [n['id'] for n in cloud.inv.networks])
        self.assertTrue(cloud.released)

    def test_nothing_named_with_the_label_deletes_nothing(self):
        cloud = test_sweeper.FakeCloud(test_sweeper.merge(
            orphans(OTHER), test_sweeper.foreign()))
        self.assertEqual(([], []), lost_resources.sweep(
            cloud, LABEL, test_sweeper.SUFFIX))
        self.assertEqual([], [c for c in cloud.calls if c[0] == 'delete'])

    def test_a_deletion_that_fails_is_reported(self):
        cloud = test_sweeper.FakeCloud(orphans(LABEL), fail={'net-' + LABEL})
        deleted, failures = lost_resources.sweep(cloud, LABEL,
                                                 test_sweeper.SUFFIX)
        self.assertEqual(1, len(failures), failures)
        self.assertIn('HTTP 409 in use', failures[0])
        self.assertIn('net-' + LABEL, failures[0])


class TestEngineCleanup(unittest.TestCase):

    def setUp(self):
        self.cloud = scenario_fakes.FakeCloud()
        self.catalog = loader.load_catalog()
        self.calls = []

    def _run(self, found=(), failures=()):
        run = self.cloud.run(self.catalog, 'floating_ip_dns')

        def lost_sweep(label):
            self.calls.append((label, self.cloud.stacks.live()))
            return list(found), list(failures)
        run.lost_sweep = lost_sweep
        return run

    def test_failed_run_sweeps_after_its_stacks_are_gone(self):
        self.cloud.fail_templates['floating_ip.yaml'] = (
            'Resource CREATE failed: Engine went down during stack CREATE')
        run = self._run(found=['deleted network cs-x (n1)'])
        result = run.run()
        self.assertEqual('deploy', result.failed_step)
        self.assertEqual([(run.label, [])], self.calls)
        self.assertEqual(['deleted network cs-x (n1)'],
                         result.lost_resources)
        self.assertEqual(['deleted network cs-x (n1)'],
                         result.to_dict()['lost_resources'])
        self.assertEqual([], result.cleanup_errors)

    def test_passed_run_does_not_sweep(self):
        result = self._run().run()
        self.assertTrue(result.passed, result.error)
        self.assertEqual([], self.calls)
        self.assertEqual([], result.lost_resources)

    def test_sweep_failure_is_a_cleanup_error(self):
        self.cloud.fail_templates['floating_ip.yaml'] = 'CREATE failed'
        result = self._run(failures=['delete subnet s: 409']).run()
        self.assertEqual(['what Heat lost track of: delete subnet s: 409'],
                         result.cleanup_errors)
