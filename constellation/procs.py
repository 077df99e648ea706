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

"""Which processes are ours, and what they use (reads /proc).

Stdlib, not psutil: down/destroy/status must work without the services venv.

Ours are the processes that the supervisord of this state dir started and
their children -- never a process that merely names a file of the state
dir (an operator's ``less <state>/etc/nova/nova.conf``, ``tail -f`` of a
log, a client using ``<state>/venv/bin/openstack``).
"""

import os
import re

from constellation import services

# the names our programs run under: supervisor's program names, the titles
# they set (``nova-compute: master process [...]``, ``gunicorn: worker``)
# and the executables of the infrastructure programs
OUR_NAMES = frozenset(services.ALL_NAMES) | {
    'supervisord', 'gunicorn', 'mariadbd', 'mysqld', 'named', 'epmd',
    'beam.smp', 'rabbitmq-server', 'constellation-nova-compute'}
_TITLE = re.compile(r'^([\w.-]+): ')


def read_pidfile(path):
    try:
        with open(path) as f:
            text = f.read().strip()
    except FileNotFoundError:
        return None
    try:
        return int(text)
    except ValueError:
        return -1  # garbage: treated as stale


def pid_alive(pid, proc='/proc'):
    return pid is not None and pid > 0 and os.path.exists(
        os.path.join(proc, str(pid)))


def _read(pid, name, proc):
    try:
        with open(os.path.join(proc, str(pid), name), 'rb') as f:
            return f.read()
    except OSError:
        return None


def pid_cmdline(pid, proc='/proc'):
    raw = _read(pid, 'cmdline', proc) or b''
    return raw.replace(b'\0', b' ').decode(errors='replace')


def _ppid(pid, proc):
    raw = _read(pid, 'stat', proc)
    try:
        return int(raw.decode().rsplit(')', 1)[1].split()[1])
    except (AttributeError, ValueError, IndexError):
        return None


def supervisord_status(pidfile, conf, proc='/proc'):
    """Classify the supervisord pid file.

    Returns ('running', pid) when the pid is alive and is our supervisord
    (its command line names our config), ('stale', pid) when the file
    exists but the process is gone or is something else (pid reuse), and
    ('absent', None) when there is no pid file.
    """
    pid = read_pidfile(pidfile)
    if pid is None:
        return 'absent', None
    cmd = pid_cmdline(pid, proc)
    if pid_alive(pid, proc) and conf in cmd and 'supervisord' in cmd:
        return 'running', pid
    return 'stale', pid


def identity(argv):
    """The name a process goes by: its title, or its (script's) basename."""
    if not argv:
        return ''
    m = _TITLE.match(argv[0])
    if m:
        return m.group(1)
    name = os.path.basename(argv[0])
    if name.startswith('python') and len(argv) > 1:
        return os.path.basename(argv[1])
    return name


def is_ours(root, argv, environ):
    """One process, judged alone (its parents are not looked at).

    Ours when supervisord of ``root`` put its mark in the environment, or
    when it goes by one of our programs' names *and* its command line
    names this state dir's config, venv or gunicorn name.  setproctitle
    (gunicorn, oslo.service) clobbers what /proc shows of the environment,
    hence the second rule.
    """
    if ('%s=%s' % (services.MARK, root)).encode() in environ:
        return True
    if identity(argv) not in OUR_NAMES:
        return False
    r = re.escape(root.rstrip('/'))
    text = ' '.join(argv)
    return re.search(r'(?:%s/(?:etc|venv/bin)/|@%s\])' % (r, r),
                     text) is not None


def table(proc='/proc'):
    """{pid: (ppid, argv, environ bytes)} of every readable process."""
    out = {}
    for entry in os.listdir(proc):
        if not entry.isdigit():
            continue
        pid = int(entry)
        raw = _read(pid, 'cmdline', proc)
        if raw is None:
            continue
        argv = [a.decode(errors='replace') for a in raw.split(b'\0') if a]
        env = _read(pid, 'environ', proc) or b''
        out[pid] = (_ppid(pid, proc), argv, env.split(b'\0'))
    return out


def our_processes(root, proc='/proc', exclude=(), me=None,
                  supervisord=None):
    """PIDs of the processes the supervisord of ``root`` started.

    Those judged ours by :func:`is_ours`, the descendants of our running
    ``supervisord`` (its pid) and all descendants of any of them (workers
    whose title hides everything).  The caller (``me``, default this
    process) and its ancestors never count.  This finds the leftovers of a
    crashed run (supervisord killed -9) so that they can be stopped by PID.
    """
    root = os.path.abspath(root)
    me = os.getpid() if me is None else me
    procs = table(proc)
    exclude = set(exclude) | set(ancestors(me, proc))
    found = {pid for pid, (_pp, argv, env) in procs.items()
             if is_ours(root, argv, env)}
    if supervisord:
        found.add(supervisord)
    kids = {}
    for pid, (ppid, _a, _e) in procs.items():
        kids.setdefault(ppid, []).append(pid)
    todo = list(found)
    while todo:
        for child in kids.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return sorted(found - exclude)


def ancestors(pid, proc='/proc'):
    """PIDs of ``pid`` and its parents up to init."""
    found = []
    while pid and pid not in found:
        found.append(pid)
        pid = _ppid(pid, proc)
    return found


def _status_kib(pid, name, field, proc):
    raw = _read(pid, name, proc)
    for line in (raw or b'').decode(errors='replace').splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    return 0


def rss_kib(pid, proc='/proc'):
    return _status_kib(pid, 'status', 'VmRSS:', proc)


def pss_kib(pid, proc='/proc'):
    """Proportional set size: shared pages split between their users."""
    return _status_kib(pid, 'smaps_rollup', 'Pss:', proc)


def children(pid, proc='/proc'):
    """All descendants of pid."""
    kids = {}
    for p, (ppid, _a, _e) in table(proc).items():
        kids.setdefault(ppid, []).append(p)
    out, todo = [], [pid]
    while todo:
        for c in kids.get(todo.pop(), ()):
            out.append(c)
            todo.append(c)
    return out
