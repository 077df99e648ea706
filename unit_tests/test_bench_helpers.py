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

"""The benchmarks' cloud helpers (a fake API; no services)."""

import io
import json
import os
import subprocess
import sys

import pytest

from bench import zone_bench
from constellation import poll
from unit_tests import test_leaks


class FakeApi(object):
    """checks/cloud.Api stand-in: GETs answer the given statuses in turn."""

    def __init__(self, statuses, created='PENDING'):
        self.statuses, self.created = list(statuses), created
        self.calls = []

    def post(self, url, body):
        self.calls.append(('POST', url))
        return {'id': 'z1', 'status': self.created}

    def get(self, url):
        self.calls.append(('GET', url))
        return {'status': self.statuses.pop(0) if len(self.statuses) > 1
                else self.statuses[0]}

    def delete(self, url):
        self.calls.append(('DELETE', url))


def test_zone_bench_polls_until_active_then_deletes():
    api = FakeApi(['PENDING', 'PENDING', 'ACTIVE'])
    took = zone_bench.one(api, '/z', interval=0.01)
    assert took > 0
    assert [c[0] for c in api.calls] == ['POST', 'GET', 'GET', 'GET',
                                         'DELETE']
    assert api.calls[-1] == ('DELETE', '/z/z1')


def test_zone_bench_error_and_timeout_say_what_and_clean_up():
    api = FakeApi(['ERROR'])
    with pytest.raises(zone_bench.ZoneError, match=r'zone zb-\w+\.example'
                       r'\.org\.: ERROR after'):
        zone_bench.one(api, '/z', interval=0.01)
    assert api.calls[-1] == ('DELETE', '/z/z1')
    api = FakeApi(['PENDING'])
    with pytest.raises(poll.Timeout, match='expected zone .* ACTIVE within '
                       '0.05s; last seen: PENDING'):
        zone_bench.one(api, '/z', timeout=0.05, interval=0.01)
    assert api.calls[-1] == ('DELETE', '/z/z1')


class FakeHeat(object):
    """Heat stand-in for deploy_bench: stack statuses in turn, events."""

    def __init__(self, statuses):
        self.statuses, self.gets = list(statuses), []

    def post(self, url, body):
        assert 'floating_ip.yaml' in body['files']
        return {'stack': {'id': 's1'}}

    def get(self, url):
        self.gets.append(url)
        if 'events' in url:
            return {'events': [{'resource_name': 'fip'}]}
        return {'stack': {'stack_status': self.statuses.pop(0)}}


def _deploy_bench(statuses):
    from bench import deploy_bench
    b = deploy_bench.Bench.__new__(deploy_bench.Bench)
    b.api, b.public = FakeHeat(statuses), 'pub'
    b.heat = lambda path='': '/stacks' + path
    return b


def test_deploy_bench_polls_the_stack_until_it_left_in_progress():
    b = _deploy_bench(['CREATE_IN_PROGRESS'] * 2 + ['CREATE_COMPLETE'])
    took, path, events = b.deploy('n', 'z.example.org.', '10.0.0.0/28')
    assert (path, events) == ('/n/s1', [{'resource_name': 'fip'}])
    assert b.api.gets.count('/stacks/n/s1') == 3
    b = _deploy_bench(['CREATE_IN_PROGRESS', 'CREATE_FAILED'])
    with pytest.raises(RuntimeError, match='stack n: CREATE_FAILED'):
        b.deploy('n', 'z.example.org.', '10.0.0.0/28')


def test_bench_load_is_the_three_load_averages():
    from bench import deploy_bench
    assert [float(x) >= 0 for x in deploy_bench.load().split()] == [True] * 3


def test_guest_bench_qemu_rss_from_psutil():
    from bench import guest_bench
    proc = subprocess.Popen([sys.executable, '-c',
                             'import sys; print(1, flush=True); '
                             'sys.stdin.read()',
                             'qemu-system-x86_64-standin'],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        proc.stdout.readline()      # started: its argv and RSS are its own
        rss = guest_bench.qemu_rss_mib([os.getpid(), proc.pid, 2 ** 22 + 7])
    finally:
        proc.communicate(b'')
    assert len(rss) == 1 and 1 < rss[0] < 1024, rss


class FakeNova(object):
    """Nova/Neutron stand-in for guest_bench.boot: BUILD, then ``final``."""

    def __init__(self, final='ACTIVE', builds=2):
        self.final, self.builds, self.posts = final, builds, []

    def post(self, url, body):
        self.posts.append(url)
        if url.endswith('/servers'):
            return {'server': {'id': body['server']['name'] + '-id'}}
        return {'floatingip': {'id': 'f', 'floating_ip_address': '10.9.0.5'}}

    def get(self, url):
        if '/ports?' in url:
            return {'ports': [{'id': 'p'}]}
        self.builds -= 1
        return {'server': {'status': 'BUILD' if self.builds >= 0
                           else self.final}}


def test_guest_bench_boot_waits_active_then_answering(monkeypatch):
    from bench import guest_bench
    answers = iter([None, 'g1'])
    monkeypatch.setattr(guest_bench, 'answer', lambda ip: next(answers))
    b = guest_bench.Bench.__new__(guest_bench.Bench)
    b.s, b.nova, b.neutron, b.made = FakeNova(), '/nova', '/neutron', []
    b.net, b.sg = 'n', 'sg'
    res = {'image_id': 'i', 'flavor_ref': 'f', 'public_network_id': 'pub'}
    info = b.boot(['g1'], res, interval=0.001)['g1']
    assert info['ip'] == '10.9.0.5'
    assert 0 <= info['active'] <= info['answering']
    assert b.made == ['/nova/servers/g1-id', '/neutron/floatingips/f']
    b.s, b.made = FakeNova(final='ERROR'), []
    with pytest.raises(RuntimeError, match='g1 went ERROR'):
        b.boot(['g1'], res, interval=0.001)
    b.s = FakeNova(builds=10 ** 6)
    with pytest.raises(poll.Timeout, match='expected 1 guest.s. answering '
                       '.* last seen: not answering yet: g1'):
        b.boot(['g1'], res, timeout=0.01, interval=0.001)


def test_scenario_bench_summary_table():
    from bench import scenario_bench
    data = os.path.join(os.path.dirname(__file__), 'data', 'report')
    results = []
    for name in ('floating_ip_dns-1', 'floating_ip_dns-2',
                 'floating_ip_dns-wrongname', 'servers_dns-1'):
        with open(os.path.join(data, name + '.json')) as f:
            results.append(json.load(f))
    out = io.StringIO()
    scenario_bench.summarise(results, out)
    rows = test_leaks.table_rows(out.getvalue())
    assert rows['scenario'] == ['passed', 'duration s']
    fip = [r for r in results if r['scenario'] == 'floating_ip_dns']
    assert rows['floating_ip_dns'][0] == '%d/3' % sum(
        1 for r in fip if r['passed'])
    assert rows['floating_ip_dns'][1] == scenario_bench._med(
        r['duration'] for r in fip)
    assert rows['servers_dns'][0] == '%d/1' % results[-1]['passed']


def test_deploy_bench_resource_table():
    from bench import deploy_bench
    text = deploy_bench.resource_table(
        {'network': [(0, 2), (1, 3), (0, 4)], 'fip': [(5, 9)]},
        {'direct network': [0.2, 0.4, 0.3]})
    rows = test_leaks.table_rows(text)
    assert rows == {'resource': ['start', 'end', 'heat', 'direct'],
                    'network': ['0', '3', '2', '0.30'],
                    'fip': ['5', '9', '4', '-']}
