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

"""State directory: layout, secrets, progress markers, stale-run detection."""

import fcntl
import json
import os
import re
import secrets
import string

SECRET_NAMES = ('db', 'rabbit', 'admin', 'demo', 'service', 'erlang_cookie')
SECRET_HEX = ('heat_auth_key',)
SECRET_B64 = ('rndc',)


def default_root(repo):
    return os.environ.get('CONSTELLATION_STATE_DIR') or os.path.join(
        repo, '.constellation')


def _password(n=24):
    alphabet = string.ascii_letters + string.digits
    return ''.join(secrets.choice(alphabet) for _ in range(n))


def atomic_write(path, text, mode=0o600):
    """Write via a temp file + rename so a crash never leaves half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = '%s.tmp.%d' % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, 'w') as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, mode)
    os.replace(tmp, path)


class State:
    def __init__(self, root):
        self.root = os.path.abspath(root)

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    @property
    def venv(self):
        return self.path('venv')

    def bin(self, name):
        return self.path('venv', 'bin', name)

    def etc(self, *parts):
        return self.path('etc', *parts)

    def data(self, *parts):
        return self.path('data', *parts)

    def log(self, name):
        return self.path('logs', name + '.log')

    def run(self, *parts):
        return self.path('run', *parts)

    def ensure_dirs(self):
        for d in ('', 'etc', 'data', 'logs', 'run', 'tempest'):
            os.makedirs(self.path(d), exist_ok=True)
        os.chmod(self.root, 0o700)

    # --- secrets -------------------------------------------------------
    def secrets(self):
        """Load secrets, generating any that are missing (mode 0600)."""
        path = self.path('secrets.json')
        data = {}
        if os.path.exists(path):
            try:
                with open(path) as f:
                    data = json.load(f)
            except ValueError:
                raise StateError(
                    '%s is not valid JSON (half-written by a crashed run?). '
                    'The services were set up with those secrets: run '
                    '`constellation destroy` (or up --clean) to start over.'
                    % path)
        changed = False
        for name in SECRET_NAMES:
            if name not in data:
                data[name] = _password()
                changed = True
        for name in SECRET_HEX:
            if name not in data:
                data[name] = secrets.token_hex(16)
                changed = True
        for name in SECRET_B64:
            if name not in data:
                import base64
                data[name] = base64.b64encode(
                    secrets.token_bytes(32)).decode()
                changed = True
        if changed:
            atomic_write(path, json.dumps(data, indent=1, sort_keys=True))
        return data

    # --- progress markers ------------------------------------------------
    def _markers_path(self):
        return self.path('state.json')

    def markers(self):
        try:
            with open(self._markers_path()) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}
        except ValueError:
            # A torn write cannot happen with atomic_write, but a hand edit
            # can: forget the markers, every step re-checks itself.
            return {}

    def marker(self, key):
        return self.markers().get(key)

    def set_marker(self, key, value):
        m = self.markers()
        m[key] = value
        atomic_write(self._markers_path(), json.dumps(m, indent=1,
                                                      sort_keys=True))

    def clear_marker(self, key):
        m = self.markers()
        if m.pop(key, None) is not None:
            atomic_write(self._markers_path(), json.dumps(m, indent=1,
                                                          sort_keys=True))

    # --- locking -------------------------------------------------------
    def lock(self):
        """Exclusive lock so two CLI runs never drive one state dir."""
        os.makedirs(self.root, exist_ok=True)
        fd = os.open(self.path('.lock'), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StateError('another constellation command is running on '
                             '%s; wait for it to finish' % self.root)
        return fd


class StateError(RuntimeError):
    pass


# --- processes ----------------------------------------------------------

# Set by supervisord in its own environment and every program's, and by
# nothing else: `constellation env` exports CONSTELLATION_STATE_DIR to
# clients (Tempest runs, CI scripts), which must never be taken for ours.
MARK = 'CONSTELLATION_SUPERVISED_BY'


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


def pid_cmdline(pid, proc='/proc'):
    try:
        with open(os.path.join(proc, str(pid), 'cmdline'), 'rb') as f:
            return f.read().replace(b'\0', b' ').decode(errors='replace')
    except OSError:
        return ''


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
    if pid_alive(pid, proc) and conf in pid_cmdline(pid, proc) \
            and 'supervisord' in pid_cmdline(pid, proc):
        return 'running', pid
    return 'stale', pid


def our_processes(root, proc='/proc', exclude=()):
    """PIDs of the processes a constellation in ``root`` started.

    supervisord sets MARK=<root> in the environment of itself and every
    child, and nothing else does.  Processes that rewrite their title
    (setproctitle: gunicorn, oslo.service) also overwrite what
    /proc/PID/environ shows, so a process also counts when its command line
    names one of our config files (``<root>/etc/...``) or our gunicorn
    process name (``constellation-SERVICE@<root>``), and so do all
    descendants of a process that counts (gunicorn/oslo workers).  A
    client that merely mentions the state dir (``--config
    <root>/tempest/tempest.conf``) does not count, nor does the caller or
    any of its ancestors.  This finds the leftovers of a crashed run
    (supervisord killed -9) so that they can be named and stopped by PID.
    """
    needle = ('%s=%s' % (MARK, root)).encode()
    # our config files, or our gunicorn name (not /x/st matching /x/st2)
    root_b = re.escape(root.rstrip('/').encode())
    root_re = re.compile(rb'(?:' + root_b + rb'/etc/|@' + root_b +
                         rb'(?:[/\s\]]|$))')
    found = set()
    parents = {}
    exclude = set(exclude) | set(ancestors(os.getpid(), proc))
    for entry in os.listdir(proc):
        if not entry.isdigit():
            continue
        pid = int(entry)
        if pid in exclude or pid == os.getpid():
            continue
        base = os.path.join(proc, entry)
        try:
            with open(os.path.join(base, 'stat')) as f:
                parents[pid] = int(f.read().rsplit(')', 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            pass
        try:
            with open(os.path.join(base, 'environ'), 'rb') as f:
                env = f.read().split(b'\0')
            with open(os.path.join(base, 'cmdline'), 'rb') as f:
                cmd = f.read().replace(b'\0', b' ')
        except OSError:
            continue
        if needle in env or root_re.search(cmd):
            found.add(pid)
    changed = True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in found and pid not in found and pid not in exclude \
                    and pid != os.getpid():
                found.add(pid)
                changed = True
    return sorted(found)


def ancestors(pid, proc='/proc'):
    """PIDs of ``pid`` and its parents up to init."""
    found = []
    while pid and pid not in found:
        found.append(pid)
        try:
            with open(os.path.join(proc, str(pid), 'stat')) as f:
                pid = int(f.read().rsplit(')', 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return found


def rss_kib(pid, proc='/proc'):
    try:
        with open(os.path.join(proc, str(pid), 'status')) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kib(pid, proc='/proc'):
    """Proportional set size: shared pages split between their users."""
    try:
        with open(os.path.join(proc, str(pid), 'smaps_rollup')) as f:
            for line in f:
                if line.startswith('Pss:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid, proc='/proc'):
    """All descendants of pid."""
    parent = {}
    for entry in os.listdir(proc):
        if not entry.isdigit():
            continue
        try:
            with open(os.path.join(proc, entry, 'stat')) as f:
                stat = f.read()
            ppid = int(stat.rsplit(')', 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parent.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in parent.get(p, []):
            out.append(c)
            todo.append(c)
    return out
