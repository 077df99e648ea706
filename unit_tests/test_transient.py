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

"""Errors that can pass are retried within a wait's deadline; ours not."""

import pytest
from tempest.lib.common import rest_client
from tempest.lib import exceptions as lib_exc

from cross_service_tempest_plugin.common import record_waits
from cross_service_tempest_plugin.common import transient
from cross_service_tempest_plugin.common import waiters
from cross_service_tempest_plugin.scenarios import stacks


class _Resp(dict):
    def __init__(self, status):
        super().__init__(status=str(status))
        self.status = status


def _rest_client_key_error():
    """The KeyError tempest raises for a 5xx body without 'message'."""
    client = rest_client.RestClient.__new__(rest_client.RestClient)
    try:
        client._error_checker(
            _Resp(500), '{"error": {"code": 500}, "title": "Internal"}')
    except KeyError as exc:
        return exc
    raise AssertionError('tempest parses this body now')


def test_service_and_connection_errors_can_pass():
    assert transient.is_transient(lib_exc.ServerFault('db gone'))
    assert transient.is_transient(ConnectionRefusedError())
    assert transient.is_transient(_rest_client_key_error())


def test_our_bugs_cannot():
    try:
        {}['message']
    except KeyError as exc:
        assert not transient.is_transient(exc)
    assert not transient.is_transient(TypeError('ours'))
    assert not transient.is_transient(lib_exc.NotFound())
    assert not transient.is_transient(lib_exc.NotImplemented())


class _Clock(object):
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, s):
        self.now += s


def test_record_wait_retries_a_server_fault_within_its_deadline():
    # issue 22 #9: a one-second MySQL restart failed check_api at once
    answers = iter([lib_exc.ServerFault('db restart'), (True, 'A 1.2.3.4')])

    def check():
        a = next(answers)
        if isinstance(a, Exception):
            raise a
        return a
    clock = _Clock()
    found = record_waits.poll_all(
        [record_waits.Check(check, 'A in Designate')], 10, 1, clock=clock,
        sleep=clock.sleep)
    assert found[0].seen == 'A 1.2.3.4'


def test_record_wait_raises_our_own_bug_at_once():
    def check():
        raise TypeError('ours')
    clock = _Clock()
    with pytest.raises(TypeError):
        record_waits.poll_all([record_waits.Check(check, 'x')], 10, 1,
                              clock=clock, sleep=clock.sleep)
    assert clock.now == 0


class _Stacks(object):
    build_timeout, build_interval = 10, 0.01

    def __init__(self, answers):
        self.answers = iter(answers)

    def show_stack(self, ident):
        a = next(self.answers)
        if isinstance(a, Exception):
            raise a
        return {'stack': {'stack_status': a}}


def test_delete_wait_retries_a_passing_fault():
    client = _Stacks([_rest_client_key_error(),
                      lib_exc.ServerFault('db'), 'DELETE_IN_PROGRESS',
                      lib_exc.NotFound()])
    waiters.wait_for_stack_deleted(client, 's', 'id', timeout=5,
                                   interval=0.01)


def test_delete_wait_raises_another_error():
    client = _Stacks([ValueError('ours')])
    with pytest.raises(ValueError):
        waiters.wait_for_stack_deleted(client, 's', 'id', timeout=5,
                                       interval=0.01)


class _Settings(object):
    cleanup_timeout, cleanup_interval = 10, 1


def _cleanup(answers):
    """A Cleanup on a fake clock, and a call raising ``answers`` in turn."""
    clock = _Clock()
    errors = []
    cleanup = stacks.Cleanup(_Settings(), errors, clock)
    calls = []

    def func(deadline):
        calls.append(clock.now)
        a = next(answers)
        if isinstance(a, Exception):
            raise a

    return cleanup, func, calls, errors, clock


def test_cleanup_retries_what_can_pass(monkeypatch):
    cleanup, func, calls, errors, clock = _cleanup(iter([
        lib_exc.ServerFault('db restart'), ConnectionRefusedError(),
        waiters.StackStatusError(details='DELETE_FAILED'), None]))
    monkeypatch.setattr(stacks.time, 'sleep', clock.sleep)
    cleanup.call('stack s', func)
    assert len(calls) == 4
    assert errors == []


def test_cleanup_records_a_refusal_at_once(monkeypatch):
    cleanup, func, calls, errors, clock = _cleanup(iter([
        lib_exc.Forbidden('policy'), None]))
    monkeypatch.setattr(stacks.time, 'sleep', clock.sleep)
    cleanup.call('stack s', func)
    assert calls == [0]
    assert len(errors) == 1
    assert 'cleanup of stack s failed after 1 attempt(s) (not retried): ' \
        'Forbidden' in errors[0]


def test_cleanup_raises_our_bug_at_once(monkeypatch):
    cleanup, func, calls, errors, clock = _cleanup(iter([
        TypeError('ours'), None]))
    monkeypatch.setattr(stacks.time, 'sleep', clock.sleep)
    with pytest.raises(TypeError):
        cleanup.call('stack s', func)
    assert calls == [0]
    assert errors == []


class _StackClients(object):
    def __init__(self, answers):
        self.stacks = _Stacks(answers)
        self.events = self.resources = None


def _stacks_wait(answers):
    from cross_service_tempest_plugin.scenarios import settings
    s = settings.Settings(stack_timeout=5, stack_interval=0.01)
    st = stacks.Stacks(_StackClients(answers), s, stacks.Resources([]))
    return st.wait(('s', 'id'), 'CREATE_COMPLETE')


def test_stack_wait_retries_what_can_pass():
    body = _stacks_wait([lib_exc.ServerFault('db'), ConnectionResetError(),
                         'CREATE_IN_PROGRESS', 'CREATE_COMPLETE'])
    assert body['stack_status'] == 'CREATE_COMPLETE'


def test_stack_wait_raises_our_bug_at_once():
    with pytest.raises(KeyError):
        _stacks_wait([KeyError('ours'), 'CREATE_COMPLETE'])
