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

"""The serial-collision reproducer's decisions (fakes, a fake clock).

fault_tests/test_designate_serial.py runs against a real constellation;
here only what it concludes from the two passes' timing and serials:
collision, serial moved on (bug fixed), or an attempt that did not fit in
one second (retried), and when it gives up or flips the known bug.
"""

import pytest

from fault_tests import test_designate_serial as serial


class Clock(object):
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class Driver(object):
    """Producer passes: (serial, call start, call end) each."""

    def __init__(self, clock, passes):
        self.clock = clock
        self.passes = list(passes)

    def run_pass(self, zone_id):
        serial_, t0, t1 = self.passes.pop(0)
        self.clock.now = t1
        return {'zone': zone_id, 'incremented': [serial_] if serial_ else [],
                'call': [t0, t1], 'serial': serial_}


ZONE = {'id': 'z1', 'name': 'cs-0123456789.example.test.'}


def repro(monkeypatch, passes, served_at=None, start=99.5):
    clock = Clock(start)
    r = serial.SerialCollision.__new__(serial.SerialCollision)
    r.driver = Driver(clock, passes)
    r.log = lambda text: None
    r._clock = clock
    r._sleep = clock.sleep
    r.added = []

    def add(zone, label):
        r.added.append((label, clock.now))
        return {'id': label, 'name': '%s.%s' % (label, zone['name'])}

    def serves(zone, serial_, what):
        if served_at is not None:
            clock.now = served_at
        return (zone['name'], serial_), 0.0
    monkeypatch.setattr(r, 'add', add)
    monkeypatch.setattr(r, '_serves', serves)
    monkeypatch.setattr(r, '_evidence',
                        lambda n, zone, a, b, first, timing: {
                            'first_pass_serial': first, 'timing': timing})
    return r


def test_two_passes_in_one_second_with_one_serial_is_the_collision(
        monkeypatch):
    r = repro(monkeypatch, [(100, 100.05, 100.08), (100, 100.30, 100.32)],
              served_at=100.25)
    evidence, seen = r.attempt(1, ZONE)
    assert evidence['first_pass_serial'] == 100
    assert seen.startswith('serial stayed 100 (first increment at '
                           'T+0.05..T+0.08 s, nameserver at serial 100 at '
                           'T+0.25 s, record b stored at T+0.25 s, second '
                           'increment at T+0.30..T+0.32 s')
    # the first pass started just after a second began
    assert r.added[0] == ('a1', 99.5)


def test_serial_moving_on_within_the_second_is_no_collision(monkeypatch):
    r = repro(monkeypatch, [(100, 100.05, 100.08), (101, 100.30, 100.32)],
              served_at=100.25)
    evidence, seen = r.attempt(1, ZONE)
    assert evidence is None
    assert seen.startswith('serial moved on: 100 → 101')


def test_a_fixed_designate_ahead_of_the_clock_is_judged_by_the_clock(
        monkeypatch):
    # max(now, serial + 1) may run the serial ahead of the wall clock
    r = repro(monkeypatch, [(105, 100.05, 100.08), (106, 100.30, 100.32)],
              served_at=100.25)
    evidence, seen = r.attempt(1, ZONE)
    assert evidence is None and 'serial moved on: 105 → 106' in seen


@pytest.mark.parametrize('passes,served_at,why', [
    ([(100, 100.95, 101.02)], None, 'first increment at T+0.95..T+1.02 s'),
    ([(100, 100.05, 100.08)], 100.95, 'nameserver at serial 100 at '
                                      'T+0.95 s'),
    ([(100, 100.05, 100.08), (101, 100.96, 101.01)], 100.85,
     'second increment at T+0.96..T+1.01 s'),
])
def test_an_attempt_that_does_not_fit_in_one_second_is_lost(
        monkeypatch, passes, served_at, why):
    r = repro(monkeypatch, passes, served_at=served_at)
    with pytest.raises(serial.Lost) as e:
        r.attempt(1, ZONE)
    assert why in str(e.value)


def test_a_pass_that_finds_no_pending_change_is_an_error(monkeypatch):
    r = repro(monkeypatch, [(None, 100.05, 100.08)])
    with pytest.raises(AssertionError) as e:
        r.attempt(1, ZONE)
    assert 'incremented zone %s 0 times, expected once' % ZONE['name'] in \
        str(e.value)


def scripted(monkeypatch, outcomes):
    r = repro(monkeypatch, [])
    outcomes = list(outcomes)

    def attempt(n, zone):
        what = outcomes.pop(0)
        if what == 'lost':
            raise serial.Lost('too late')
        if what == 'moved':
            return None, 'serial moved on: 1 → 2'
        return {'first_pass_serial': 1}, 'serial stayed 1'
    monkeypatch.setattr(r, 'attempt', attempt)
    return r


def test_reproduce_retries_lost_attempts_until_the_collision(monkeypatch):
    r = scripted(monkeypatch, ['lost', 'lost', 'collision'])
    evidence, tried, decisive = r.reproduce(ZONE)
    assert evidence == {'first_pass_serial': 1}
    assert tried == ['attempt 1: did not fit in one second: too late',
                     'attempt 2: did not fit in one second: too late',
                     'attempt 3: serial stayed 1']
    assert decisive == 1


def test_reproduce_stops_after_enough_attempts_moved_on(monkeypatch):
    r = scripted(monkeypatch, ['moved', 'lost', 'moved', 'moved', 'moved'])
    evidence, tried, decisive = r.reproduce(ZONE, decisive=3)
    assert evidence is None
    assert decisive == 3 and len(tried) == 4


def test_reproduce_gives_up_after_the_bound(monkeypatch):
    r = scripted(monkeypatch, ['lost'] * 4)
    evidence, tried, decisive = r.reproduce(ZONE, attempts=4)
    assert (evidence, len(tried), decisive) == (None, 4, 0)
