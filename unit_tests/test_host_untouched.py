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

"""tools/host_untouched.py: every kind of change to the host is named."""

import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    'host_untouched', os.path.join(HERE, '..', 'tools', 'host_untouched.py'))
host_untouched = importlib.util.module_from_spec(spec)
spec.loader.exec_module(host_untouched)

BEFORE = {'files': {'/etc/resolv.conf': 'a' * 64, '/etc/hostname': 'b' * 64,
                    '/etc/hosts': 'c' * 64},
          'hostname': 'vm', 'routes': ['default dev eth0 via 192.0.2.1'],
          'addresses': ['eth0 192.0.2.2/24']}


def test_identical_host_has_no_difference():
    assert host_untouched.differences(BEFORE, dict(BEFORE)) == []


def test_resolv_conf_hostname_and_route_changes_are_named():
    after = dict(BEFORE, hostname='constellation',
                 files=dict(BEFORE['files'], **{'/etc/resolv.conf':
                                                'd' * 64}),
                 routes=BEFORE['routes'] + ['198.18.243.0/24 dev cst25400h '
                                            'via None'])
    diff = host_untouched.differences(BEFORE, after)
    assert any(d.startswith('/etc/resolv.conf changed') for d in diff)
    assert "hostname 'vm' -> 'constellation'" in diff
    assert 'routes added: 198.18.243.0/24 dev cst25400h via None' in diff


def test_another_constellations_veth_going_away_is_not_counted():
    # another worktree's constellation (port base 25600) was up at the
    # snapshot and went down during the job: not this job's change
    theirs = ['198.18.245.0/24 dev cst25600h via None']
    before = dict(BEFORE, routes=BEFORE['routes'] + theirs,
                  addresses=BEFORE['addresses'] + ['cst25600h '
                                                   '198.18.245.1/24'])
    assert host_untouched.differences(before, BEFORE) == []
    assert host_untouched.others_gone(before, BEFORE) == sorted(
        theirs + ['cst25600h 198.18.245.1/24'])


def test_a_veth_left_behind_or_a_host_route_gone_is_still_counted():
    left = dict(BEFORE, routes=BEFORE['routes'] + [
        '198.18.240.0/24 dev cst25000h via None'])
    assert host_untouched.differences(BEFORE, left) == [
        'routes added: 198.18.240.0/24 dev cst25000h via None']
    no_default = dict(BEFORE, routes=[])
    assert host_untouched.differences(BEFORE, no_default) == [
        'routes gone: default dev eth0 via 192.0.2.1']


def test_snapshot_reads_this_host():
    snap = host_untouched.snapshot()
    assert set(snap['files']) == set(host_untouched.FILES)
    assert snap['hostname']
