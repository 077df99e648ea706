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

"""`down`, `destroy`, `status`, `restart`, `stop`, `start`, `logs`.

Stdlib, not prettytable: `status` prints its table also without the venv.
"""

import concurrent.futures
import os
import shutil
import time

from constellation import configs
from constellation import errors
from constellation import health
from constellation import poll
from constellation import ports as portmod
from constellation import privileges
from constellation import procs
from constellation import realprofile
from constellation import render_ovn
from constellation import services
from constellation import state as statemod

Failure = errors.Failure


def down(c):
    if not os.path.isdir(c.st.root):
        c.say('nothing to stop: no state dir %s' % c.st.root)
        return 0
    with c.st.locked():
        return _down(c)


def _down(c):
    kind, pid = c.sup.state()
    if kind == 'running' and c.sup.reachable():
        info = c.sup.info()
        live = [n for n in reversed(services.ALL_NAMES)
                if info.get(n, {}).get('statename') in (
                    'RUNNING', 'STARTING', 'BACKOFF')]
        # OpenStack services in parallel (each may take seconds to drain),
        # then the data plane and the infrastructure in reverse start order
        serial = services.INFRA + services.DATAPLANE
        osk = [n for n in live if n not in serial]
        if osk:
            c.step('stop %d OpenStack services' % len(osk), _stop_parallel,
                   c, osk, service='supervisord')
        for name in [n for n in live if n in serial]:
            c.step('stop %s' % name, c.sup.stop, name, service=name)
        c.step('stop supervisord (pid %d)' % pid, c.sup.shutdown, pid,
               service='supervisord')
    elif kind == 'stale':
        c.say('supervisord pid file is stale (pid %s gone)' % pid)
    leftovers = procs.our_processes(c.st.root)
    if leftovers:
        c.say('stopping %d leftover processes: %s' % (
            len(leftovers), ' '.join(map(str, leftovers))))
        c.kill_pids(leftovers)
    c.recover_stale()
    c.st.clear_marker('ready')
    try:
        ctx = c.ctx()
    except statemod.StateError:
        ctx = None
    if ctx and render_ovn.is_real(ctx):
        c.step('remove the namespace, its devices, route and guests',
               realprofile.teardown, c, ctx, service='netns')
    if ctx:
        busy = portmod.busy_ports(ctx['ports'])
        if busy:
            raise Failure('still listening after down: ' + ', '.join(
                '%d (%s)' % (p, s) for _n, p, s in busy))
    c.say('constellation is DOWN; no process or listener left')
    return 0


def _stop_parallel(c, names):
    def stop(name):
        t = time.monotonic()
        c.sup.stop(name)
        return name, time.monotonic() - t
    with concurrent.futures.ThreadPoolExecutor(len(names)) as ex:
        done = list(ex.map(stop, names))
    slow = sorted(done, key=lambda x: -x[1])[:3]
    return 'slowest: ' + ', '.join('%s %.1fs' % x for x in slow)


def check_ours(st):
    """Refuse to delete a directory that is not provably a state dir."""
    if not st.is_ours():
        foreign = st.foreign_entries()
        raise Failure('%s does not look like a constellation state dir (%s)'
                      '; refusing to delete it' % (
                          st.root, 'contains %s' % ', '.join(foreign)[:200]
                          if foreign else 'no %s stamp' % statemod.STAMP))


def destroy(c):
    if not os.path.exists(c.st.root):
        c.say('nothing to destroy at %s' % c.st.root)
        return 0
    check_ours(c.st)
    with c.st.locked():
        return destroy_locked(c)


def destroy_locked(c):
    """`down` and delete the state dir; the caller holds the lock."""
    check_ours(c.st)
    _down(c)
    c.step('remove %s' % c.st.root, shutil.rmtree, c.st.root)
    return 0


def tree_kib(pid, measure=procs.rss_kib):
    return sum(measure(p) for p in [pid] + procs.children(pid))


def status(c):
    out = c.out
    kind, pid = c.sup.state()
    if kind != 'running':
        out.write('constellation in %s is DOWN (supervisord %s)\n'
                  % (c.st.root, kind))
        leftovers = procs.our_processes(c.st.root)
        if leftovers:
            out.write('  but %d processes of a crashed run remain: %s (run '
                      '`down` to stop them)\n' % (len(leftovers), leftovers))
        return 3
    ctx = c.ctx()
    info = c.sup.info()
    lists = health.service_lists(ctx)
    bad = 0
    total = procs.rss_kib(pid)
    out.write('%-20s %-9s %8s %9s  %s\n' % (
        'SERVICE', 'STATE', 'PID', 'RSS(MiB)', 'HEALTH'))
    for prog in services.programs(ctx):
        i = info.get(prog.name, {})
        ppid = i.get('pid') or 0
        rss = tree_kib(ppid) if ppid else 0
        total += rss
        if i.get('statename') == 'RUNNING':
            ok, text = health.health(ctx, prog, lambda: 'RUNNING',
                                     lists=lists)
        else:
            ok, text = False, 'not running'
        bad += not ok
        out.write('%-20s %-9s %8s %9.0f  %s %s\n' % (
            prog.name, i.get('statename', '?'), ppid or '-', rss / 1024.0,
            'OK ' if ok else 'BAD', text))
    n = len(services.names(ctx))
    out.write('total RSS %.0f MiB, PSS %.0f MiB (incl. supervisord); %d of '
              '%d healthy\n' % (total / 1024.0, total_mib(c, procs.pss_kib),
                                n - bad, n))
    return 0 if not bad else 1


def total_mib(c, measure=procs.rss_kib):
    """Sum over supervisord and all its descendants (MiB)."""
    kind, pid = c.sup.state()
    if kind != 'running':
        return 0.0
    return tree_kib(pid, measure) / 1024.0


def check_name(name):
    if name not in services.ALL_NAMES:
        raise Failure('unknown service %r; valid names: %s' % (
            name, ', '.join(services.ALL_NAMES)))


def _locked_verb(c, name, fn):
    """Run ``fn(c, name)`` on a running constellation, under the lock."""
    check_name(name)
    if c.sup.state()[0] != 'running':
        raise Failure('constellation is not up; run `up` first')
    with c.st.locked():
        return fn(c, name)


def restart(c, name):
    return _locked_verb(c, name, _restart)


def stop(c, name):
    return _locked_verb(c, name, _stop)


def start(c, name):
    return _locked_verb(c, name, _start)


def _write_configs(c, ctx):
    # pick up edited/rendered service configs (supervisord's own program
    # table is left alone: changing it would restart everything)
    for rel, text in configs.config_files(ctx).items():
        statemod.atomic_write(c.st.etc(rel), text)
    # rewritten 0600 root: the daemons' users read theirs again (as `up`)
    privileges.hand_over(ctx, c.st)


def _restart(c, name):
    ctx = c.ctx()
    _write_configs(c, ctx)
    since = time.time()
    c.step('stop %s' % name, c.sup.stop, name, service=name)
    _start_and_wait(c, ctx, name, since)
    return 0


def _start_and_wait(c, ctx, name, since):
    """Start ``name`` and wait until it answers (as `up` does)."""
    c.step('start %s' % name, c.start, ctx, name, service=name)
    prog = c.program(ctx, name)
    if prog.check in ('nova', 'designate', 'heat'):
        text = c.step('%s reports a fresh heartbeat' % name, c.wait_listed,
                      ctx, prog, since, service=name)
        c.say('  ' + text)


def _start(c, name):
    ctx = c.ctx()
    state = c.sup.statename(name)
    if state == 'RUNNING':
        c.say('%s is already RUNNING (`restart` restarts it)' % name)
        c.step('%s answering' % name, c.wait_ready, ctx, name, service=name)
        return 0
    _write_configs(c, ctx)
    _start_and_wait(c, ctx, name, time.time())
    return 0


STOPPED = ('STOPPED', 'EXITED', 'FATAL')


def _stop(c, name, timeout=60):
    state = c.sup.statename(name)
    if state in STOPPED:
        c.say('%s is already %s' % (name, state))
        return 0
    ctx = c.ctx()
    c.step('stop %s' % name, c.sup.stop, name, service=name)
    prog = c.program(ctx, name)
    port = ctx['ports'][prog.port] if prog.port else None

    def stopped():
        st = c.sup.statename(name)
        if st not in STOPPED:
            return False, 'supervisor: %s' % st
        if port and portmod.tcp_open(port):
            return False, 'supervisor: %s, still listening on :%d' % (
                st, port)
        return True, 'supervisor: %s' % st
    text, _t = c.step('%s stopped' % name, lambda: poll.until(
        stopped, '%s stopped' % name, timeout, service=name), service=name)
    c.say('  %s: %s' % (name, text))
    return 0


def logs(c, name=None, lines=50):
    if name is None:
        d = c.st.path('logs')
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            c.out.write('%10d  %s\n' % (os.path.getsize(os.path.join(d, f)),
                                        os.path.join(d, f)))
        return 0
    if not os.path.exists(c.st.log(name)):
        check_name(name)
    c.out.write(c.log_tail(name, lines) + '\n')
    return 0
