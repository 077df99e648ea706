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

"""The constellation's one polling helper (fake clock, no sleeping)."""

import pytest

from constellation import poll


class Clock:
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, s):
        self.sleeps.append(s)
        self.now += s


def test_returns_last_seen_and_time_waited():
    clock = Clock()
    seen = iter([(False, 'a'), (False, 'b'), (True, 'c')])
    value, waited = poll.until(lambda: next(seen), 'c', 10, interval=2,
                               clock=clock, sleep=clock.sleep)
    assert (value, waited) == ('c', 4.0)


def test_timeout_names_expected_last_seen_and_duration():
    clock = Clock()
    with pytest.raises(poll.Timeout) as e:
        poll.until(lambda: (False, 'STARTING'), 'nova-api ready', 5,
                   interval=2, service='nova-api', clock=clock,
                   sleep=clock.sleep)
    msg = str(e.value)
    assert 'expected nova-api ready within 5s' in msg
    assert 'last seen: STARTING' in msg and 'after 5.0s' in msg
    assert e.value.service == 'nova-api'
    # the last sleep is cut to the deadline, not a whole interval past it
    assert clock.sleeps == [2, 2, 1]


def test_retry_on_counts_as_not_yet_other_errors_propagate():
    clock = Clock()
    calls = []

    def check():
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError('refused')
        return True, 'up'
    assert poll.until(check, 'x', 5, retry_on=(ConnectionError,),
                      clock=clock, sleep=clock.sleep)[0] == 'up'
    with pytest.raises(KeyError):
        poll.until(lambda: {}['k'], 'x', 5, retry_on=(ConnectionError,),
                   clock=clock, sleep=clock.sleep)


def test_retried_error_is_what_the_timeout_reports():
    clock = Clock()

    def check():
        raise ConnectionError('refused')
    with pytest.raises(poll.Timeout) as e:
        poll.until(check, 'x', 1, retry_on=(ConnectionError,), clock=clock,
                   sleep=clock.sleep)
    assert 'ConnectionError: refused' in str(e.value)
