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

"""The one polling helper (fake clock; no cloud)."""

import pytest
from tempest.lib import exceptions as lib_exc

from cross_service_tempest_plugin.common import polling


class Clock(object):
    def __init__(self):
        self.now, self.sleeps = 100.0, []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def answers(*values):
    """A check answering (done, seen) in turn; an exception is raised."""
    values = list(values)

    def check():
        value = values.pop(0) if len(values) > 1 else values[0]
        if isinstance(value, Exception):
            raise value
        return value == 'done', value
    return check


def test_returns_last_seen_and_seconds_waited():
    clock = Clock()
    seen, waited = polling.until(answers('a', 'b', 'done'), 10, 2,
                                 clock=clock, sleep=clock.sleep)
    assert (seen, waited, clock.sleeps) == ('done', 4.0, [2, 2])


def test_deadline_after_one_last_look_never_sleeping_past_it():
    clock = Clock()
    with pytest.raises(polling.Deadline) as late:
        polling.until(answers('pending'), 5, 2, clock=clock,
                      sleep=clock.sleep)
    assert clock.sleeps == [2, 2, 1]
    assert (late.value.seen, late.value.waited) == ('pending', 5.0)
    assert 'last seen pending after 5.0 s' == str(late.value)


def test_transient_errors_are_retried_and_described_ours_are_not():
    clock = Clock()
    seen, _w = polling.until(
        answers(lib_exc.ServerFault('db gone'), 'done'), 5, 1,
        clock=clock, sleep=clock.sleep)
    assert seen == 'done'
    with pytest.raises(polling.Deadline) as late:
        polling.until(answers(ConnectionRefusedError('refused')), 2, 1,
                      clock=clock, sleep=clock.sleep)
    assert late.value.seen == 'ConnectionRefusedError: refused'
    with pytest.raises(TypeError):
        polling.until(answers(TypeError('our bug')), 5, 1, clock=clock,
                      sleep=clock.sleep)
    with pytest.raises(lib_exc.ServerFault):
        polling.until(answers(lib_exc.ServerFault('x')), 5, 1,
                      retry=lambda exc: False, clock=clock,
                      sleep=clock.sleep)
