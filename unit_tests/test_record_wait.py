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

"""The record-wait protocol: a RecordWait in one named state."""

import dataclasses

import pytest

from cross_service_tempest_plugin.common import dns_records
from cross_service_tempest_plugin.scenarios import records

A = dns_records.ExpectedRecord('a.z.test.', 'A', ['192.0.2.1', '192.0.2.2'])
B = dns_records.ExpectedRecord('b.z.test.', 'A', ['192.0.2.3'])


class _Checker(object):
    """Names the check each (state, place) gets."""

    def api_present(self, rec):
        return ('api_present', rec)

    def api_absent(self, rec, gone):
        return ('api_absent', rec, gone)

    def wire_present(self, rec, place):
        return ('wire_present', rec, place)

    def wire_absent(self, rec, place, gone):
        return ('wire_absent', rec, place, gone)


def since(at, place):
    return {'since_change': at}


def test_each_state_asks_for_its_check():
    c = _Checker()
    gone = frozenset(['192.0.2.2'])
    assert records.RecordWait(A, timing=since).check(c, None) == (
        'api_present', A)
    assert records.RecordWait(A).check(c, 'ns1') == ('wire_present', A,
                                                     'ns1')
    assert records.RecordWait(A, records.WITHDRAWN, gone).check(
        c, None) == ('api_absent', A, gone)
    assert records.RecordWait(A, records.REMOVED, A.values).check(
        c, 'ns1') == ('wire_absent', A, 'ns1', A.values)
    assert records.RecordWait(A, records.ABSENT).check(c, 'ns1') == (
        'wire_absent', A, 'ns1', None)


def test_entry_keys_of_each_state():
    assert records.RecordWait(A, timing=since).entry(3, None) == {
        'since_change': 3}
    assert records.RecordWait(A, records.WITHDRAWN, {'192.0.2.2'},
                              since).entry(4, 'ns1') == {
        'since_change': 4, 'withdrawn': ['192.0.2.2']}
    assert records.RecordWait(A, records.ABSENT).entry(5, None) == {
        'absent': True}
    assert records.RecordWait(A, records.REMOVED, A.values).entry(
        5, None) == {}


def test_equal_when_waiting_for_the_same_whatever_the_timing():
    one = records.RecordWait(A, records.WITHDRAWN, ['192.0.2.2'], since)
    other = records.RecordWait(A, records.WITHDRAWN, {'192.0.2.2'},
                               lambda at, place: {})
    assert one == other
    assert one != records.RecordWait(A, records.REMOVED, ['192.0.2.2'])
    assert records.RecordWait(A) != records.RecordWait(B)


def test_frozen_and_states_named():
    wait = records.RecordWait(A)
    with pytest.raises(dataclasses.FrozenInstanceError):
        wait.state = records.ABSENT
    with pytest.raises(ValueError):
        records.RecordWait(A, 'gone')


def test_expectation_after_an_update():
    exp = records.Expectation()
    exp.update([A], [])
    a2 = dns_records.ExpectedRecord('a.z.test.', 'A', ['192.0.2.1'])
    exp.update([a2], [B])
    assert exp.current(since) == [
        records.RecordWait(a2, records.PRESENT),
        records.RecordWait(A, records.WITHDRAWN, {'192.0.2.2'}),
        records.RecordWait(B, records.ABSENT)]


def test_a_started_wait_is_reused_only_for_the_same_items():
    items = [records.RecordWait(A, timing=since)]
    wait = records.Wait(_Checker(), items, ['ns1'])
    assert wait.waits_for([records.RecordWait(A)], ['ns1'])
    assert not wait.waits_for([records.RecordWait(A)], ['ns2'])
    assert not wait.waits_for([records.RecordWait(A, records.ABSENT)],
                              ['ns1'])
