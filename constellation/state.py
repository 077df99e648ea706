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

import contextlib
import fcntl
import json
import os
import re
import secrets
import string

SECRET_NAMES = ('db', 'rabbit', 'admin', 'demo', 'service', 'erlang_cookie')
SECRET_HEX = ('heat_auth_key',)
SECRET_B64 = ('rndc', 'rndc2', 'tsig2')


# what a state dir holds; anything else means it is not (only) ours
STAMP = '.constellation-state'
# the facts `up` publishes for callers (constellation/facts.py)
FACTS = 'facts.json'
# test durations a job keeps beside its constellation for the next run
# (tools/run-scenario-job.sh)
STESTR_TIMES = 'stestr-times'
ENTRIES = frozenset({'venv', 'etc', 'data', 'logs', 'run', 'tempest', 'bin',
                     'state.json', 'secrets.json', '.lock', STAMP, FACTS,
                     STESTR_TIMES})
_LEFTOVER_TMP = re.compile(r'^(state|secrets)\.json\.tmp\.\d+$')


def default_root(repo):
    """``$CONSTELLATION_STATE_DIR``, else ``<repo>/.constellation``.

    ``repo``: the directory holding the package.  Installed (a
    site-packages directory), the default is per user instead:
    ``$XDG_STATE_HOME/constellation``, else
    ``~/.local/state/constellation``.
    """
    d = os.environ.get('CONSTELLATION_STATE_DIR')
    if d:
        return d
    installed = ('site-packages', 'dist-packages')
    if os.path.basename(os.path.normpath(repo)) in installed:
        return os.path.join(os.environ.get('XDG_STATE_HOME') or
                            os.path.expanduser('~/.local/state'),
                            'constellation')
    return os.path.join(repo, '.constellation')


def cache_root():
    """Per-user cache of every constellation: snapshots, port claims.

    ``$CONSTELLATION_CACHE_DIR``, else ``$XDG_CACHE_HOME/constellation``,
    else ``~/.cache/constellation``.
    """
    d = os.environ.get('CONSTELLATION_CACHE_DIR')
    if d:
        return d
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(
        os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'constellation')


def uses_port_base(root, base):
    """Whether the state dir ``root`` exists and was set up on ``base``."""
    try:
        with open(os.path.join(root, 'state.json')) as f:
            markers = json.load(f)
    except (OSError, ValueError):
        return os.path.isdir(root)  # being set up: no markers yet
    return isinstance(markers, dict) and markers.get('port_base') == base


def _password(n=24):
    alphabet = string.ascii_letters + string.digits
    return ''.join(secrets.choice(alphabet) for _ in range(n))


def atomic_write(path, text, mode=0o600):
    """Write via a temp file + rename so a crash never leaves half a file.

    A failed write (full disk, permissions) removes the temp file and is
    a StateError naming the file.
    """
    tmp = '%s.tmp.%d' % (path, os.getpid())
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            with os.fdopen(fd, 'w') as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as e:
        raise StateError('cannot write %s: %s' % (path, e.strerror or e))


def _load_object(path, what):
    """The JSON object in ``path`` ({} when absent); StateError otherwise."""
    try:
        with open(path) as f:
            data = json.load(f)
    except FileNotFoundError:
        return {}
    except (ValueError, UnicodeDecodeError):
        raise StateError('%s is not valid JSON (%s)' % (path, what))
    if not isinstance(data, dict):
        raise StateError('%s holds a JSON %s, not an object (%s)' % (
            path, type(data).__name__, what))
    return data


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
        """Create (or claim) the state dir and its top-level dirs."""
        self.claim()
        for d in ('etc', 'data', 'logs', 'run', 'tempest'):
            os.makedirs(self.path(d), exist_ok=True)

    def foreign_entries(self):
        """Entries of the state dir that a constellation does not make."""
        return sorted(e for e in os.listdir(self.root)
                      if e not in ENTRIES and not _LEFTOVER_TMP.match(e))

    def is_ours(self):
        """Provably a state dir, with nothing foreign in it.

        Stamped by :meth:`claim`, or (made before the stamp existed) with
        a secrets.json.
        """
        if not os.path.isdir(self.root) or self.foreign_entries():
            return False
        return os.path.exists(self.path(STAMP)) or os.path.exists(
            self.path('secrets.json'))

    def claim(self):
        """Make ``root`` a state dir: new or empty dirs get the stamp."""
        os.makedirs(self.root, exist_ok=True)
        if os.path.exists(self.path(STAMP)):
            return
        entries = set(os.listdir(self.root)) - {'.lock'}  # lock() makes it
        if entries and not self.is_ours():
            raise StateError(
                '%s is not empty and not a constellation state dir '
                '(contains %s); choose another --state-dir or '
                '$CONSTELLATION_STATE_DIR' % (
                    self.root, ', '.join(sorted(entries))[:200]))
        os.chmod(self.root, 0o700)
        atomic_write(self.path(STAMP), 'constellation state dir: '
                     '`tools/constellation destroy` deletes it\n')

    # --- secrets -------------------------------------------------------
    def secrets(self):
        """Load secrets, generating any that are missing (mode 0600)."""
        path = self.path('secrets.json')
        data = _load_object(path, 'the services were set up with those '
                            'secrets: run `constellation destroy` (or up '
                            '--clean) to start over')
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

    def redact(self, text):
        """``text`` with every secret of this state dir shown as ***."""
        for value in sorted(self.secrets().values(), key=len, reverse=True):
            if value:
                text = text.replace(value, '***')
        return text

    # --- progress markers ------------------------------------------------
    def _markers_path(self):
        return self.path('state.json')

    def markers(self):
        # a torn write cannot happen with atomic_write, but a hand edit can
        return _load_object(self._markers_path(), 'it only records what is '
                            'done: fix it, or delete it and every step '
                            're-checks itself')

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

    @contextlib.contextmanager
    def locked(self):
        """``with st.locked():`` holds :meth:`lock` for the block."""
        fd = self.lock()
        try:
            yield
        finally:
            os.close(fd)


class StateError(RuntimeError):
    pass
