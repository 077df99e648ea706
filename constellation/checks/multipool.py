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

"""designate-tempest-plugin's multipool tests against a constellation.

Those tests (test_designate_multipool.py) replace the cloud's Designate
pools with their own (`designate-manage pool update --file F --delete`,
nameservers on 192.0.2.x) and restore them from the fixed path
/etc/designate/multiple-pools.yaml.  So this step:

1. takes the machine-wide lock of that path (etc_pools.machine_lock) and
   the constellation's own lock (no `constellation` verb runs meanwhile);
2. checks the pools are what `up` loaded and work: a zone on each pool
   goes ACTIVE and is answered by that pool's BIND9 only;
3. writes the file (the state dir's pools.yaml under a header naming the
   state dir; a foreign file is left alone and the step fails);
4. runs the tests alone and serially, with [dns_feature_enabled]
   test_multipool_with_delete_opt = True in a copy of tempest.conf in the
   step's own workspace (never in the constellation's);
5. always: loads the constellation's pools again with --delete,
   restarts designate-worker (it caches pools), removes the file, and
   checks pools, TLDs and the per-pool zone probe as in 2, and that every
   zone ACTIVE before the tests is ACTIVE again (their pool updates
   rewrite the NS records of every zone of the default pool).

Runs with the services venv's python (tools/run-designate-multipool.sh).
The last line is "N passed, N failed[, N skipped]": the tests' counts
plus one per check of 2 and 5.
"""

import argparse
import configparser
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid

from constellation.checks import cloud
from constellation.checks import last_summary as summaries
from constellation import core
from constellation import errors
from constellation import etc_pools
from constellation import poll
from constellation import pool
from constellation import render
from constellation import render_dns
from constellation import state as statemod

TESTS = (r'^designate_tempest_plugin\.tests\.scenario\.v2\.'
         r'test_designate_multipool\.')
OPTION = ('dns_feature_enabled', 'test_multipool_with_delete_opt')


class StepFailed(RuntimeError):
    pass


def say(text):
    print('multipool: %s' % text, flush=True)


def _terminated(signum, frame):
    raise KeyboardInterrupt('signal %d' % signum)


def step_conf(src, dst):
    """Copy tempest.conf ``src`` to ``dst`` with the multipool option on."""
    cp = configparser.RawConfigParser()
    cp.optionxform = str
    with open(src) as f:
        cp.read_file(f)
    if not cp.has_section(OPTION[0]):
        cp.add_section(OPTION[0])
    cp.set(OPTION[0], OPTION[1], 'True')
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as f:
        cp.write(f)


class Step:
    def __init__(self, root, probe_timeout=60):
        self.c = core.Constellation(root)
        self.st = self.c.st
        self.ctx = self.c.ctx()
        sec = self.ctx['secrets']
        self.admin = cloud.Api(self.ctx, 'admin', sec['admin'], 'admin')
        self.probe_timeout = probe_timeout
        self.results = []

    def u(self, path):
        return render.url(self.ctx, 'designate', path)

    def check(self, name, fn):
        t = time.time()
        try:
            detail = fn()
        except Exception as e:   # a check's failure, reported and counted
            self.results.append(False)
            say('FAIL %s (%.1fs): %s' % (name, time.time() - t, e))
            return False
        self.results.append(True)
        say('PASS %s (%.1fs): %s' % (name, time.time() - t, detail))
        return True

    # --- what "the constellation's pools" are ---------------------------
    def pools_and_tlds(self):
        pools = {p['name']: p['id'] for p in self.admin.get(
            self.u('/v2/pools'))['pools']}
        tlds = sorted(t['name'] for t in self.admin.get(
            self.u('/v2/tlds'))['tlds'])
        return pools, tlds

    def check_pools(self, before=None):
        pools, tlds = self.pools_and_tlds()
        want = [p.name for p in render_dns.POOLS]
        if sorted(pools) != sorted(want):
            raise StepFailed('pools %s, expected %s (pools.yaml)' % (
                sorted(pools), sorted(want)))
        for p in render_dns.POOLS:
            if p.id and pools[p.name] != p.id:
                raise StepFailed('pool %s has id %s, expected %s' % (
                    p.name, pools[p.name], p.id))
        if before is not None and (pools, tlds) != before:
            raise StepFailed('pools/TLDs %s, before the tests %s' % (
                (pools, tlds), before))
        if before is None:
            zones = self.all_zones()
            self.no_zones_off_default(pools, zones)
            self.active_before = sorted(z['name'] for z in zones
                                        if z['status'] == 'ACTIVE')
        self.before = pools, tlds
        return 'pools %s, TLDs %s' % (
            ', '.join('%s=%s' % kv for kv in sorted(pools.items())),
            tlds or 'none')

    def all_zones(self):
        """Every project's zones, but those being deleted."""
        r = self.admin.session.request(
            self.u('/v2/zones?limit=1000'), 'GET', raise_exc=True,
            headers={'X-Auth-All-Projects': 'True'}).json()
        return [z for z in r['zones'] if z['action'] != 'DELETE']

    def zones_active_again(self):
        """The zones ACTIVE before the tests are ACTIVE again.

        The tests' pool updates rewrite the NS records of every zone of the
        default pool, and while their pools are loaded the change cannot be
        pushed: a zone left PENDING is the constellation changed.
        """
        want = self.active_before

        def check():
            status = {z['name']: z['status'] for z in self.all_zones()}
            pending = ['%s %s' % (n, status.get(n, 'gone')) for n in want
                       if status.get(n) != 'ACTIVE']
            return not pending, ', '.join(pending) or 'all ACTIVE'
        _seen, t = poll.until(check, 'the %d zone(s) ACTIVE before the '
                              'tests ACTIVE again' % len(want),
                              self.probe_timeout)
        return '%d zone(s) ACTIVE again after %.1fs' % (len(want), t)

    def no_zones_off_default(self, pools, zones):
        """No zone on a pool that the tests' `pool update --delete` deletes.

        They delete every pool but "default"; central refuses to delete
        one that holds zones (Service.delete_pool, "pool must not contain
        zones").
        """
        ids = {i: n for n, i in pools.items() if n != 'default'}
        held = sorted('%s (pool %s)' % (z['name'], ids[z['pool_id']])
                      for z in zones if z['pool_id'] in ids)
        if held:
            raise StepFailed(
                'zones on a pool the tests delete: %s; designate-manage '
                'pool update --delete would fail on them (left over by an '
                'earlier run? delete them first)' % ', '.join(held))

    def probe(self):
        """A zone per pool: ACTIVE, on its own BIND9 only; deleted again."""
        pools = dict(self.before[0])
        out = []
        for p in render_dns.POOLS:
            out.append(self._probe_pool(p, pools[p.name]))
        return '; '.join(out)

    def _probe_pool(self, p, pool_id):
        suffix = render_dns.CHECK_ZONE_SUFFIX
        name = 'multipool-probe-%s.%s' % (uuid.uuid4().hex[:8], suffix)
        z = self.admin.post(self.u('/v2/zones'), {
            'name': name, 'email': 'hostmaster@' + suffix.rstrip('.'),
            'ttl': 60, 'attributes': {'pool_id': pool_id}})
        try:
            _v, t = cloud.wait('zone %s ACTIVE on pool %s' % (name, p.name),
                               lambda: self.admin.get(self.u(
                                   '/v2/zones/' + z['id']))['status'] ==
                               'ACTIVE', self.probe_timeout)
            own = self.ctx['ports'][p.dns]
            cloud.wait('SOA of %s from BIND9 :%d' % (name, own),
                       lambda: cloud.lookup(own, name, 'SOA'),
                       self.probe_timeout)
            for other in render_dns.POOLS:
                port = self.ctx['ports'][other.dns]
                if other is not p and cloud.lookup(port, name, 'SOA'):
                    raise StepFailed('%s (pool %s) also answered by BIND9 '
                                     ':%d of pool %s' % (
                                         name, p.name, port, other.name))
        finally:
            self.admin.delete(self.u('/v2/zones/' + z['id']))
            cloud.wait('zone %s deleted' % name, lambda: not _exists(
                self.admin, self.u('/v2/zones/' + z['id'])),
                self.probe_timeout)
        return '%s: zone ACTIVE after %.1fs, only on BIND9 :%d' % (
            p.name, t, own)

    # --- the step --------------------------------------------------------
    def run_tests(self, workspace, tempest, timeout):
        conf = os.path.join(workspace, 'etc', 'tempest.conf')
        if not os.path.isdir(os.path.join(workspace, 'etc')):
            # its own workspace registry (~/.tempest/workspace.yaml refuses
            # a name an earlier run's directory still holds)
            registry = os.path.join(workspace, '.tempest-workspaces.yaml')
            init = subprocess.run(
                [tempest, 'init', '--workspace-path', registry, workspace],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if init.returncode:
                raise StepFailed('%s init %s exited %d: %s' % (
                    tempest, workspace, init.returncode,
                    init.stderr.strip()[-500:] or 'no message'))
        step_conf(self.st.path('tempest', 'tempest.conf'), conf)
        say('tempest.conf of this step: %s ([%s] %s = True)' % (
            conf, OPTION[0], OPTION[1]))
        env = dict(os.environ, TEMPEST_CONFIG_DIR=os.path.dirname(conf),
                   TEMPEST_CONFIG='tempest.conf')
        argv = [tempest, 'run', '--config-file', conf, '--serial',
                '--regex', TESTS]
        say('$ %s (in %s)' % (' '.join(argv), workspace))
        proc = subprocess.Popen(argv, cwd=workspace, env=env,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        lines = []
        deadline = time.monotonic() + timeout
        try:
            for line in proc.stdout:
                print(line, end='', flush=True)
                lines.append(line)
                if time.monotonic() > deadline:
                    raise StepFailed('the tests ran past %ds' % timeout)
            proc.wait()
        finally:
            if proc.poll() is None:     # the group of the tempest we started
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait()
        return proc.returncode, lines

    def pools_text(self):
        """The state dir's pools.yaml: what `up` loaded (preconditions)."""
        with open(self.st.etc('designate', 'pools.yaml')) as f:
            return f.read()

    def restore(self):
        pool.load_pools(self.st, self.c.sup, delete=True)
        return ('designate-manage pool update --file %s --delete; '
                'designate-worker restarted' % self.st.etc(
                    'designate', 'pools.yaml'))


def _exists(api, url):
    try:
        api.get(url)
    except cloud.NotFound:
        return False
    return True


def preconditions(c):
    """What must hold before anything is touched; StepFailed otherwise."""
    problem = etc_pools.writable_problem()
    if problem:
        raise StepFailed(problem)
    if c.sup.state()[0] != 'running':
        raise StepFailed('constellation %s is not up; run `tools/'
                         'constellation up` first' % c.st.root)
    if c.st.marker('designate_pool') != pool.pool_hash(c.st):
        raise StepFailed('%s is not what Designate was loaded with (`up` '
                         'loads it): run `tools/constellation up`' %
                         c.st.etc('designate', 'pools.yaml'))


def run(args):
    """Returns [passed, failed, skipped]."""
    c = core.Constellation(args.state_dir)
    preconditions(c)
    with etc_pools.machine_lock(c.st.root, args.lock_timeout, say) as lk:
        say('holding %s and the lock of %s' % (lk, c.st.root))
        with c.st.locked():
            return locked_run(args)


def locked_run(args, step=Step, etc=etc_pools):
    # under the machine lock: a file of another constellation is not its
    # running step's (that one would hold the lock)
    root = os.path.abspath(args.state_dir)
    kind, why = etc.ownership(etc.read(), root)
    if kind == 'foreign':
        raise StepFailed('%s exists and is not this constellation\'s (%s): '
                         'left as it is; the multipool tests restore the '
                         'pools from it (move it away, or run them on a '
                         'machine without it)' % (etc.PATH, why))
    s = step(args.state_dir, args.probe_timeout)
    ok = s.check('before: the constellation\'s pools', s.check_pools)
    ok = ok and s.check('before: a zone per pool on its own BIND9', s.probe)
    if not ok:
        return [0, len(s.results), 0]
    made = etc.write(root, s.pools_text())
    say('wrote %s (%s)' % (etc.PATH, 'made its dir' if made else
                           'its dir existed'))
    counts = None
    try:
        rc, lines = s.run_tests(args.workspace, args.tempest,
                                args.tempest_timeout)
        counts = summaries.last_summary(lines)
        if counts is None:
            say('FAIL: no test summary from tempest (exit %d)' % rc)
        elif rc and not counts[1]:
            say('FAIL: tempest exited %d with no failed test' % rc)
            counts[1] += 1
    finally:
        s.check('after: pools restored (--delete), worker restarted',
                s.restore)
        s.check('after: %s removed' % etc.PATH,
                lambda: etc.remove(root, made))
        before = s.before
        s.check('after: pools and TLDs as before',
                lambda: s.check_pools(before))
        s.check('after: a zone per pool on its own BIND9', s.probe)
        s.check('after: the zones ACTIVE before are ACTIVE again',
                s.zones_active_again)
    counts = counts or [0, 1, 0]
    passed = sum(1 for r in s.results if r)
    return [counts[0] + passed, counts[1] + len(s.results) - passed,
            counts[2]]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--state-dir', default=statemod.default_root(core.REPO))
    p.add_argument('--workspace', required=True,
                   help='Tempest workspace of this step (made if absent)')
    p.add_argument('--tempest', default=shutil.which('tempest'),
                   help='tempest command (default: the one on PATH)')
    p.add_argument('--lock-timeout', type=int, default=1800,
                   help='seconds to wait for another multipool step')
    p.add_argument('--probe-timeout', type=int, default=60)
    p.add_argument('--tempest-timeout', type=int, default=1800)
    args = p.parse_args(argv)
    if not args.tempest:
        print('--tempest: no tempest on PATH (the plugin venv\'s bin/)')
        print('0 passed, 1 failed')
        return 1
    signal.signal(signal.SIGTERM, _terminated)
    try:
        counts = run(args)
    except (StepFailed, etc_pools.EtcError, errors.Failure,
            statemod.StateError, poll.Timeout) as e:
        say('FAIL: %s' % e)
        counts = [0, 1, 0]
    except KeyboardInterrupt as e:
        say('FAIL: interrupted (%s); what was put back is shown above' % (
            e or 'Ctrl-C'))
        counts = [0, 1, 0]
    line = '%d passed, %d failed' % tuple(counts[:2])
    if counts[2]:
        line += ', %d skipped' % counts[2]
    print(line)
    return 1 if counts[1] else 0


if __name__ == '__main__':
    sys.exit(main())
