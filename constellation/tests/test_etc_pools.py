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

"""/etc/designate/multiple-pools.yaml of the multipool step: ownership,
rendering, the machine-wide lock, the step's tempest.conf (temp paths,
fakes; no cloud, no root)."""

import configparser
import fcntl
import os

import pytest
import yaml

from constellation.checks import multipool
from constellation import etc_pools
from constellation import poll
from constellation import ports
from constellation import render_dns

POOLS = '---\n- name: default\n'


def test_render_is_header_then_the_pools_file(tmp_path):
    text = etc_pools.render(str(tmp_path / 's'), POOLS)
    first, rest = text.split('\n', 1)
    assert str(tmp_path / 's') in first and first.startswith('#')
    assert rest == POOLS


def test_rendered_real_pools_stay_yaml_the_test_can_load():
    ctx = {'ports': ports.allocate(25100),
           'root': '/st'}
    text = etc_pools.render('/st', render_dns.pools_yaml(ctx))
    pools = yaml.safe_load(text)
    assert [p['name'] for p in pools] == [p.name for p in render_dns.POOLS]
    # designate-tempest-plugin's test_pool_show_config looks for it
    assert 'BIND Pool' in pools[0]['description']


@pytest.mark.parametrize('text,kind', [
    (None, 'absent'),
    (etc_pools.render('/a/state', POOLS), 'ours'),
    (etc_pools.render('/other/state', POOLS), 'foreign'),
    (POOLS, 'foreign'),
    ('', 'foreign'),
])
def test_ownership(text, kind):
    got, why = etc_pools.ownership(text, '/a/state')
    assert got == kind
    if text and kind == 'foreign' and 'other' in text:
        assert '/other/state' in why


def test_write_then_remove_makes_and_removes_the_dir(tmp_path):
    path = str(tmp_path / 'designate' / 'multiple-pools.yaml')
    made = etc_pools.write('/a/state', POOLS, path=path)
    assert made
    assert etc_pools.read(path) == etc_pools.render('/a/state', POOLS)
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o644)
    done = etc_pools.remove('/a/state', made, path=path)
    assert not os.path.exists(os.path.dirname(path)), done


def test_existing_dir_is_kept_and_a_stale_file_of_ours_replaced(tmp_path):
    path = str(tmp_path / 'multiple-pools.yaml')
    with open(path, 'w') as f:
        f.write(etc_pools.render('/a/state', 'old\n'))
    assert not etc_pools.write('/a/state', POOLS, path=path)
    assert etc_pools.read(path).endswith(POOLS)
    etc_pools.remove('/a/state', False, path=path)
    assert not os.path.exists(path) and os.path.isdir(str(tmp_path))


def test_foreign_file_is_never_touched(tmp_path):
    path = str(tmp_path / 'multiple-pools.yaml')
    with open(path, 'w') as f:
        f.write(POOLS)
    with pytest.raises(etc_pools.EtcError) as e:
        etc_pools.write('/a/state', 'ours\n', path=path)
    assert path in str(e.value) and 'left as it is' in str(e.value)
    assert 'left as it is' in etc_pools.remove('/a/state', True, path=path)
    assert etc_pools.read(path) == POOLS


def test_a_file_put_into_a_dir_we_made_keeps_the_dir(tmp_path):
    path = str(tmp_path / 'designate' / 'multiple-pools.yaml')
    made = etc_pools.write('/a/state', POOLS, path=path)
    with open(str(tmp_path / 'designate' / 'other.conf'), 'w') as f:
        f.write('x')
    assert 'kept' in etc_pools.remove('/a/state', made, path=path)
    assert os.path.exists(str(tmp_path / 'designate' / 'other.conf'))


def test_not_root_and_not_writable_says_exactly_that(tmp_path):
    path = str(tmp_path / 'designate' / 'multiple-pools.yaml')
    msg = etc_pools.writable_problem(path, uid=1000,
                                     access=lambda p, m: False)
    assert 'not root (uid 1000)' in msg
    assert str(tmp_path) + ' is not writable' in msg and path in msg
    assert etc_pools.writable_problem(path, uid=0,
                                      access=lambda p, m: True) is None


def test_lock_records_its_holder_and_a_second_one_times_out(tmp_path):
    path = str(tmp_path / 'lock')
    said = []
    with etc_pools.machine_lock('/a/state', 10, said.append, path=path):
        with open(path) as f:
            assert f.read() == 'pid %d, state dir /a/state\n' % os.getpid()
        now = [0.0]

        def sleep(s):
            now[0] += s
        with pytest.raises(etc_pools.EtcError) as e:
            with etc_pools.machine_lock('/b/state', 5, said.append,
                                        path=path, clock=lambda: now[0],
                                        sleep=sleep):
                pass
        assert 'after 5s' in str(e.value) and '/a/state' in str(e.value)
        assert said == ['waiting for %s, held by pid %d, state dir '
                        '/a/state' % (path, os.getpid())]
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)   # released
    finally:
        os.close(fd)


def test_step_conf_sets_the_option_only_in_the_copy(tmp_path):
    src = tmp_path / 'tempest.conf'
    src.write_text('[dns]\nnameservers = 127.0.0.1:1\n'
                   '[dns_feature_enabled]\napi_v2 = True\n'
                   'designate_manage_path = /st/bin/designate-manage\n')
    before = src.read_text()
    dst = str(tmp_path / 'ws' / 'etc' / 'tempest.conf')
    multipool.step_conf(str(src), dst)
    cp = configparser.RawConfigParser()
    cp.read(dst)
    assert cp.get('dns_feature_enabled',
                  'test_multipool_with_delete_opt') == 'True'
    assert cp.get('dns_feature_enabled',
                  'designate_manage_path') == '/st/bin/designate-manage'
    assert cp.get('dns', 'nameservers') == '127.0.0.1:1'
    assert src.read_text() == before


def test_last_summary_is_the_jobs_parser():
    lines = ['{0} x.test_a ... ok\n', 'Totals\n', ' - Passed: 9\n',
             ' - Skipped: 1\n', ' - Failed: 0\n']
    assert multipool.summaries.last_summary(lines) == [9, 0, 1]


class FakeStep:
    """Step with canned checks; records what ran."""

    def __init__(self, tests=None, before_ok=True):
        self.ran = []
        self.results = []
        self.before = ({'default': 'a'}, [])
        self.tests = tests
        self.before_ok = before_ok

    def __call__(self, root, probe_timeout):
        return self

    def check(self, name, fn):
        self.ran.append(name)
        try:
            fn()
        except Exception:
            self.results.append(False)
            return False
        self.results.append(True)
        return True

    def check_pools(self, before=None):
        if not self.before_ok:
            raise multipool.StepFailed('pools differ')

    def probe(self):
        pass

    def zones_active_again(self):
        pass

    def pools_text(self):
        return POOLS

    def run_tests(self, workspace, tempest, timeout):
        self.ran.append('tests')
        if isinstance(self.tests, BaseException):
            raise self.tests
        return 0, self.tests

    def restore(self):
        self.ran.append('restore')


class FakeEtc:
    """etc_pools on a temp path."""

    def __init__(self, path):
        self.PATH = path

    def read(self):
        return etc_pools.read(self.PATH)

    def ownership(self, text, root):
        return etc_pools.ownership(text, root)

    def write(self, root, text):
        return etc_pools.write(root, text, path=self.PATH)

    def remove(self, root, made):
        return etc_pools.remove(root, made, path=self.PATH)


class Args:
    state_dir = '/a/state'
    probe_timeout = tempest_timeout = 1
    workspace = tempest = 'unused'


TOTALS = ['{0} t ... ok\n', ' - Passed: 12\n', ' - Skipped: 0\n',
          ' - Failed: 0\n']


def test_tests_counted_with_the_checks_and_the_file_gone(tmp_path):
    etc = FakeEtc(str(tmp_path / 'designate' / 'multiple-pools.yaml'))
    step = FakeStep(tests=TOTALS)
    assert multipool.locked_run(Args, step, etc) == [12 + 7, 0, 0]
    assert step.ran.index('tests') < step.ran.index('restore')
    assert not os.path.exists(str(tmp_path / 'designate'))


def test_pools_restored_and_file_removed_when_the_tests_blow_up(tmp_path):
    etc = FakeEtc(str(tmp_path / 'designate' / 'multiple-pools.yaml'))
    step = FakeStep(tests=KeyboardInterrupt('signal 15'))
    with pytest.raises(KeyboardInterrupt):
        multipool.locked_run(Args, step, etc)
    after = step.ran[step.ran.index('tests') + 1:]
    assert after == [
        'after: pools restored (--delete), worker restarted', 'restore',
        'after: %s removed' % etc.PATH, 'after: pools and TLDs as before',
        'after: a zone per pool on its own BIND9',
        'after: the zones ACTIVE before are ACTIVE again']
    assert all(step.results)
    assert not os.path.exists(etc.PATH)


def test_no_summary_from_tempest_is_a_failure(tmp_path):
    etc = FakeEtc(str(tmp_path / 'multiple-pools.yaml'))
    got = multipool.locked_run(Args, FakeStep(tests=['boom\n']), etc)
    assert got[1] == 1


def test_broken_pools_before_touch_nothing(tmp_path):
    etc = FakeEtc(str(tmp_path / 'designate' / 'multiple-pools.yaml'))
    step = FakeStep(tests=TOTALS, before_ok=False)
    assert multipool.locked_run(Args, step, etc) == [0, 1, 0]
    assert 'tests' not in step.ran and 'restore' not in step.ran
    assert not os.path.exists(str(tmp_path / 'designate'))


def test_foreign_file_fails_the_step_before_any_check(tmp_path):
    etc = FakeEtc(str(tmp_path / 'multiple-pools.yaml'))
    with open(etc.PATH, 'w') as f:
        f.write(etc_pools.render('/other/state', POOLS))
    step = FakeStep(tests=TOTALS)
    with pytest.raises(multipool.StepFailed) as e:
        multipool.locked_run(Args, step, etc)
    assert '/other/state' in str(e.value) and etc.PATH in str(e.value)
    assert step.ran == []
    assert etc_pools.read(etc.PATH) == etc_pools.render('/other/state',
                                                        POOLS)


def test_a_failing_tempest_init_is_a_step_failure_with_its_message(
        tmp_path):
    tempest = tmp_path / 'tempest'
    tempest.write_text('#!/bin/sh\necho "A workspace already exists with '
                       'name: ws" >&2\nexit 1\n')
    tempest.chmod(0o755)
    step = multipool.Step.__new__(multipool.Step)   # no constellation
    with pytest.raises(multipool.StepFailed, match=r'init .*ws exited 1: A '
                       r'workspace already exists with name: ws'):
        step.run_tests(str(tmp_path / 'ws'), str(tempest), 60)


def _zones_step(statuses):
    step = multipool.Step.__new__(multipool.Step)   # no constellation
    step.active_before = ['a.example.', 'b.example.']
    step.probe_timeout = 0.3
    step.all_zones = lambda: [{'name': n, 'status': st}
                              for n, st in statuses.items()]
    return step


def test_zones_active_before_must_be_active_again():
    step = _zones_step({'a.example.': 'ACTIVE', 'b.example.': 'ACTIVE',
                        'new.example.': 'PENDING'})
    assert step.zones_active_again().startswith(
        '2 zone(s) ACTIVE again after')


def test_a_zone_left_pending_or_gone_is_named():
    step = _zones_step({'a.example.': 'PENDING'})
    with pytest.raises(poll.Timeout, match='a.example. PENDING, '
                       'b.example. gone'):
        step.zones_active_again()
