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

"""Stack waiters: success, failure and timeout messages."""

from unittest import mock

import testtools

from tempest.lib import exceptions as lib_exc

from cross_service_tempest_plugin.common import waiters


class FakeClock(object):
    """time.monotonic/time.sleep pair: sleeping advances the clock."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class FakeStacks(object):
    build_timeout = 30
    build_interval = 5

    def __init__(self, *statuses):
        self.statuses = list(statuses)
        self.shown = []

    def show_stack(self, ident):
        self.shown.append(ident)
        status = self.statuses.pop(0) if len(self.statuses) > 1 \
            else self.statuses[0]
        if status == 404:
            raise lib_exc.NotFound()
        status, reason = (status if isinstance(status, tuple)
                          else (status, 'Stack %s' % status))
        return {'stack': {'stack_status': status,
                          'stack_status_reason': reason}}


class FakeResources(object):
    def __init__(self, resources=None, error=None):
        self.resources = resources or []
        self.error = error
        self.calls = []

    def list_resources(self, name, stack_id, **params):
        self.calls.append((name, stack_id, params))
        if self.error:
            raise self.error
        return {'resources': self.resources}


class FakeEvents(object):
    def __init__(self, events):
        self.events = events
        self.calls = []

    def list_events(self, name, stack_id, **params):
        self.calls.append((name, stack_id, params))
        # Heat returns newest first for sort_dir=desc.
        return {'events': list(reversed(self.events))[:params['limit']]}


FAILED_RESOURCES = [
    {'resource_name': 'zone', 'resource_type': 'OS::Designate::Zone',
     'resource_status': 'CREATE_COMPLETE', 'resource_status_reason': 'ok'},
    {'resource_name': 'fip', 'resource_type': 'OS::Neutron::FloatingIP',
     'resource_status': 'CREATE_FAILED',
     'resource_status_reason': 'Conflict: dns_domain not found in '
                               'Designate'},
]
EVENTS = [
    {'event_time': '2026-11-21T10:00:0%d' % i, 'resource_name': 'r%d' % i,
     'resource_status': 'CREATE_IN_PROGRESS',
     'resource_status_reason': 'state changed %d' % i}
    for i in range(8)]


class WaiterTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.clock = FakeClock()
        self.patch(waiters.time, 'monotonic', self.clock.monotonic)
        self.patch(waiters.time, 'sleep', self.clock.sleep)


class TestWaitForStackStatus(WaiterTestCase):

    def test_returns_stack_when_status_reached(self):
        stacks = FakeStacks('CREATE_IN_PROGRESS', 'CREATE_IN_PROGRESS',
                            'CREATE_COMPLETE')
        stack = waiters.wait_for_stack_status(stacks, 'st', 'id1',
                                              'CREATE_COMPLETE')
        self.assertEqual('CREATE_COMPLETE', stack['stack_status'])
        self.assertEqual(['st/id1'] * 3, stacks.shown)
        # Interval from the client ([heat_plugin] build_interval).
        self.assertEqual([5, 5], self.clock.sleeps)

    def test_failure_message(self):
        stacks = FakeStacks('CREATE_IN_PROGRESS',
                            ('CREATE_FAILED', 'Resource CREATE failed: '
                             'Conflict: dns_domain not found'))
        resources = FakeResources(FAILED_RESOURCES)
        events = FakeEvents(EVENTS)
        exc = self.assertRaises(
            waiters.StackStatusError, waiters.wait_for_stack_status,
            stacks, 'st', 'id1', 'CREATE_COMPLETE', events_client=events,
            resources_client=resources)
        msg = str(exc)
        self.assertIn('Stack st/id1 reached CREATE_FAILED while waiting for '
                      'CREATE_COMPLETE (after 5.0 s)', msg)
        self.assertIn('Stack status reason: Resource CREATE failed: '
                      'Conflict: dns_domain not found', msg)
        self.assertIn('fip (OS::Neutron::FloatingIP) CREATE_FAILED: '
                      'Conflict: dns_domain not found in Designate', msg)
        self.assertNotIn('zone (OS::Designate::Zone)', msg)
        # The last five events, oldest first.
        self.assertIn('Last 5 events:', msg)
        self.assertNotIn('r2 ', msg)
        self.assertLess(msg.index('r3 '), msg.index('r7 '))
        self.assertEqual([('st', 'id1', {'sort_dir': 'desc', 'limit': 5})],
                         events.calls)

    def test_rollback_is_a_failure(self):
        stacks = FakeStacks('ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE')
        exc = self.assertRaises(
            waiters.StackStatusError, waiters.wait_for_stack_status,
            stacks, 'st', 'id1', 'CREATE_COMPLETE')
        self.assertIn('reached ROLLBACK_COMPLETE', str(exc))

    def test_deleted_stack_is_a_failure(self):
        stacks = FakeStacks('DELETE_IN_PROGRESS', 'DELETE_COMPLETE')
        exc = self.assertRaises(
            waiters.StackStatusError, waiters.wait_for_stack_status,
            stacks, 'st', 'id1', 'CREATE_COMPLETE')
        self.assertIn('reached DELETE_COMPLETE while waiting for '
                      'CREATE_COMPLETE', str(exc))

    def test_other_complete_status_keeps_waiting(self):
        # Right after update_stack Heat may still show CREATE_COMPLETE.
        stacks = FakeStacks('CREATE_COMPLETE', 'UPDATE_IN_PROGRESS',
                            'UPDATE_COMPLETE')
        stack = waiters.wait_for_stack_status(stacks, 'st', 'id1',
                                              'UPDATE_COMPLETE')
        self.assertEqual('UPDATE_COMPLETE', stack['stack_status'])

    def test_timeout_message(self):
        stacks = FakeStacks(('UPDATE_IN_PROGRESS', 'Stack UPDATE started'))
        exc = self.assertRaises(
            waiters.StackTimeout, waiters.wait_for_stack_status,
            stacks, 'st', 'id1', 'UPDATE_COMPLETE', timeout=12, interval=4,
            resources_client=FakeResources())
        msg = str(exc)
        self.assertIsInstance(exc, lib_exc.TimeoutException)
        self.assertIn('Stack st/id1 did not reach UPDATE_COMPLETE within '
                      '12 s (waited 12.0 s); last status UPDATE_IN_PROGRESS',
                      msg)
        self.assertIn('Stack status reason: Stack UPDATE started', msg)
        self.assertIn('Failed resources: none', msg)

    def test_default_timeout_from_client(self):
        stacks = FakeStacks('CREATE_IN_PROGRESS')
        exc = self.assertRaises(waiters.StackTimeout,
                                waiters.wait_for_stack_status,
                                stacks, 'st', 'id1', 'CREATE_COMPLETE')
        self.assertIn('within 30 s', str(exc))

    def test_listing_errors_do_not_hide_the_failure(self):
        stacks = FakeStacks('CREATE_FAILED')
        resources = FakeResources(error=lib_exc.Forbidden('policy'))
        exc = self.assertRaises(
            waiters.StackStatusError, waiters.wait_for_stack_status,
            stacks, 'st', 'id1', 'CREATE_COMPLETE',
            resources_client=resources)
        self.assertIn('reached CREATE_FAILED', str(exc))
        self.assertIn('Resources: could not be listed', str(exc))

    def test_stack_disappears(self):
        stacks = FakeStacks('CREATE_IN_PROGRESS', 404)
        exc = self.assertRaises(
            waiters.StackStatusError, waiters.wait_for_stack_status,
            stacks, 'st', 'id1', 'CREATE_COMPLETE')
        self.assertIn('Stack st/id1 disappeared while waiting for '
                      'CREATE_COMPLETE (after 5.0 s)', str(exc))


class TestWaitForStackDeleted(WaiterTestCase):

    def test_not_found_means_deleted(self):
        stacks = FakeStacks('DELETE_IN_PROGRESS', 404)
        self.assertIsNone(waiters.wait_for_stack_deleted(stacks, 'st', 'i'))
        self.assertEqual(2, len(stacks.shown))

    def test_delete_complete_means_deleted(self):
        stacks = FakeStacks('DELETE_IN_PROGRESS', 'DELETE_COMPLETE')
        waiters.wait_for_stack_deleted(stacks, 'st', 'i')
        self.assertEqual([5], self.clock.sleeps)

    def test_delete_failed(self):
        stacks = FakeStacks(('DELETE_FAILED', 'Resource DELETE failed: '
                             'Zone is in use'))
        exc = self.assertRaises(
            waiters.StackStatusError, waiters.wait_for_stack_deleted,
            stacks, 'st', 'i', resources_client=FakeResources(
                [{'resource_name': 'zone', 'resource_type':
                  'OS::Designate::Zone', 'resource_status': 'DELETE_FAILED',
                  'resource_status_reason': 'Zone is in use'}]))
        msg = str(exc)
        self.assertIn('Stack st/i reached DELETE_FAILED while waiting for '
                      'its deletion (after 0.0 s)', msg)
        self.assertIn('zone (OS::Designate::Zone) DELETE_FAILED: Zone is in '
                      'use', msg)

    def test_delete_timeout(self):
        stacks = FakeStacks('DELETE_IN_PROGRESS')
        exc = self.assertRaises(
            waiters.StackTimeout, waiters.wait_for_stack_deleted,
            stacks, 'st', 'i', timeout=10, interval=3)
        self.assertIn('Stack st/i was not deleted within 10 s (waited '
                      '10.0 s); last status DELETE_IN_PROGRESS', str(exc))
        self.assertEqual([3, 3, 3, 1], self.clock.sleeps)

    def test_heat_api_errors_retried_until_the_deadline(self):
        stacks = FakeStacks('DELETE_IN_PROGRESS')
        stacks.show_stack = mock.Mock(side_effect=lib_exc.ServerFault(
            'heat-engine is down'))
        exc = self.assertRaises(
            waiters.StackTimeout, waiters.wait_for_stack_deleted,
            stacks, 'st', 'i', timeout=10, interval=4)
        self.assertIn('Stack st/i was not deleted within 10 s (waited 10.0 '
                      's); the Heat API kept failing: ServerFault: Got '
                      'server fault', str(exc))
        self.assertEqual(4, stacks.show_stack.call_count)
        stacks.show_stack = mock.Mock(side_effect=[
            lib_exc.ServerFault('busy'), {'stack': {
                'stack_status': 'DELETE_COMPLETE'}}])
        waiters.wait_for_stack_deleted(stacks, 'st', 'i')
        stacks.show_stack = mock.Mock(side_effect=KeyError('our bug'))
        self.assertRaises(KeyError, waiters.wait_for_stack_deleted,
                          stacks, 'st', 'i')
        self.assertEqual(1, stacks.show_stack.call_count)

    def test_status_wait_leaves_heat_api_errors_to_the_caller(self):
        stacks = FakeStacks('CREATE_IN_PROGRESS')
        stacks.show_stack = mock.Mock(side_effect=lib_exc.ServerFault('x'))
        self.assertRaises(lib_exc.ServerFault, waiters.wait_for_stack_status,
                          stacks, 'st', 'i', 'CREATE_COMPLETE')
        self.assertEqual(1, stacks.show_stack.call_count)


class TestWaitersNeverSleepPastNothing(WaiterTestCase):

    def test_no_sleep_when_already_there(self):
        stacks = FakeStacks('CREATE_COMPLETE')
        with mock.patch.object(waiters.time, 'sleep') as sleep:
            waiters.wait_for_stack_status(stacks, 'st', 'i',
                                          'CREATE_COMPLETE')
        sleep.assert_not_called()
