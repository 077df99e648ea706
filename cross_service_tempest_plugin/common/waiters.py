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

"""Waiters for Heat stacks (kept apart from the clients).

Every failure says what was expected, what was seen last, for how long,
and why Heat thinks it failed: the stack's status reason, the failed
resources with their reasons and the last few events.
"""

import time

from tempest.lib import exceptions as lib_exc

from cross_service_tempest_plugin.common import polling

LAST_EVENTS = 5


class StackStatusError(lib_exc.TempestException):
    """A stack reached a failed status instead of the expected one."""

    message = '%(details)s'


class StackTimeout(lib_exc.TimeoutException):
    """A stack did not reach the expected status within the deadline."""

    message = '%(details)s'


def _settings(stacks_client, timeout, interval):
    # The client carries [heat_plugin] build_timeout/build_interval, put
    # there by the plugin's service client registration.
    if timeout is None:
        timeout = stacks_client.build_timeout
    if interval is None:
        interval = stacks_client.build_interval
    return float(timeout), float(interval)


def _failure_details(stack_name, stack_id, stack, events_client,
                     resources_client):
    lines = []
    if stack:
        lines.append('Stack status reason: %s'
                     % (stack.get('stack_status_reason') or '(none)'))
    if resources_client is not None:
        try:
            resources = resources_client.list_resources(
                stack_name, stack_id, nested_depth=5)['resources']
        except Exception as exc:
            lines.append('Resources: could not be listed (%s)' % exc)
        else:
            failed = [r for r in resources
                      if r.get('resource_status', '').endswith('_FAILED')]
            if failed:
                lines.append('Failed resources:')
                for res in failed:
                    lines.append('  %s (%s) %s: %s' % (
                        res.get('resource_name'), res.get('resource_type'),
                        res.get('resource_status'),
                        res.get('resource_status_reason')))
            else:
                lines.append('Failed resources: none')
    if events_client is not None:
        try:
            events = events_client.list_events(
                stack_name, stack_id, sort_dir='desc',
                limit=LAST_EVENTS)['events']
        except Exception as exc:
            lines.append('Events: could not be listed (%s)' % exc)
        else:
            lines.append('Last %d events:' % len(events))
            for ev in reversed(events):
                lines.append('  %s %s %s: %s' % (
                    ev.get('event_time'), ev.get('resource_name'),
                    ev.get('resource_status'),
                    ev.get('resource_status_reason')))
    return '\n'.join(lines)


def _is_failure(seen, expected):
    if seen.endswith('_FAILED'):
        return True
    # A deleted stack never reaches anything else.
    if seen == 'DELETE_COMPLETE':
        return True
    # Rollback only runs when an action failed (disable_rollback=False).
    return (seen.startswith('ROLLBACK_') and
            not expected.startswith('ROLLBACK_') and
            seen != 'ROLLBACK_IN_PROGRESS')


def wait_for_stack_status(stacks_client, stack_name, stack_id, status,
                          timeout=None, interval=None, events_client=None,
                          resources_client=None):
    """Poll the stack until it has ``status``; return the stack dict.

    A Heat API error is raised as it comes (``Stacks.wait`` of the engine
    decides what it retries).

    :raises StackStatusError: the stack reached a ``*_FAILED`` (or rollback)
        status, or disappeared
    :raises StackTimeout: ``timeout`` (default: the client's build_timeout,
        i.e. ``[heat_plugin] build_timeout``) passed first
    """
    timeout, interval = _settings(stacks_client, timeout, interval)
    ident = '%s/%s' % (stack_name, stack_id)
    start = time.monotonic()

    def check():
        try:
            stack = stacks_client.show_stack(ident)['stack']
        except lib_exc.NotFound:
            raise StackStatusError(details=(
                'Stack %s disappeared while waiting for %s (after %.1f s)'
                % (ident, status, time.monotonic() - start)))
        seen = stack['stack_status']
        if _is_failure(seen, status):
            raise StackStatusError(details=(
                'Stack %s reached %s while waiting for %s (after %.1f s)\n%s'
                % (ident, seen, status, time.monotonic() - start,
                   _failure_details(stack_name, stack_id, stack,
                                    events_client, resources_client))))
        return seen == status, stack
    try:
        return polling.until(check, timeout, interval,
                             retry=lambda exc: False)[0]
    except polling.Deadline as late:
        raise StackTimeout(details=(
            'Stack %s did not reach %s within %.0f s (waited %.1f s); '
            'last status %s\n%s'
            % (ident, status, timeout, late.waited,
               late.seen['stack_status'],
               _failure_details(stack_name, stack_id, late.seen,
                                events_client, resources_client))))


def wait_for_stack_deleted(stacks_client, stack_name, stack_id, timeout=None,
                           interval=None, events_client=None,
                           resources_client=None):
    """Poll until the stack is gone (404) or DELETE_COMPLETE.

    Heat busy or restarting (a database restart) is retried until the
    deadline (:mod:`.transient`); anything else is raised at once.

    :raises StackStatusError: on DELETE_FAILED
    :raises StackTimeout: when the deadline passes first
    """
    timeout, interval = _settings(stacks_client, timeout, interval)
    ident = '%s/%s' % (stack_name, stack_id)
    start = time.monotonic()

    def check():
        try:
            stack = stacks_client.show_stack(ident)['stack']
        except lib_exc.NotFound:
            return True, None
        if stack['stack_status'] == 'DELETE_FAILED':
            raise StackStatusError(details=(
                'Stack %s reached DELETE_FAILED while waiting for its '
                'deletion (after %.1f s)\n%s'
                % (ident, time.monotonic() - start,
                   _failure_details(stack_name, stack_id, stack,
                                    events_client, resources_client))))
        return stack['stack_status'] == 'DELETE_COMPLETE', stack
    try:
        polling.until(check, timeout, interval)
    except polling.Deadline as late:
        if not isinstance(late.seen, dict):     # the API's error, described
            raise StackTimeout(details=(
                'Stack %s was not deleted within %.0f s (waited %.1f '
                's); the Heat API kept failing: %s'
                % (ident, timeout, late.waited, late.seen)))
        raise StackTimeout(details=(
            'Stack %s was not deleted within %.0f s (waited %.1f s); '
            'last status %s\n%s'
            % (ident, timeout, late.waited, late.seen['stack_status'],
               _failure_details(stack_name, stack_id, late.seen,
                                events_client, resources_client))))
