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

"""Provable ownership of a run: a lock its live process holds.

A run takes a lease before it creates anything: a file in the lease
directory, locked with ``flock`` for as long as the process lives (the
kernel drops the lock when the process ends, ``kill -9`` included, in
whatever PID namespace it ran), listing the names the run owns (its label
``cs-...``, its dynamic projects) as they are created.

:func:`state` answers for the sweeper: a lease naming the resource whose
lock is held → in progress (True); whose lock is free → left over (False);
no lease names it → unknown (None: another machine, a container with its
own file system, a run from before leases), and the sweeper falls back to
its idle-time rule. Nothing is decided from a PID.

Directory: ``$CROSS_SERVICE_LEASE_DIR``, else
``$XDG_STATE_HOME/cross-service-tempest-plugin/leases`` (default
``~/.local/state/...``), mode 0700.
"""

import errno
import fcntl
import json
import logging
import os
import tempfile

ENV = 'CROSS_SERVICE_LEASE_DIR'
SUFFIX = '.lease'
LOG = logging.getLogger(__name__)


def lease_dir():
    if os.environ.get(ENV):
        return os.environ[ENV]
    state = os.environ.get('XDG_STATE_HOME') or os.path.join(
        os.path.expanduser('~'), '.local', 'state')
    return os.path.join(state, 'cross-service-tempest-plugin', 'leases')


class Lease(object):
    """This process's lease on ``names`` (held until :meth:`release`)."""

    def __init__(self, names=(), directory=None):
        self.directory = directory or lease_dir()
        self.names = []
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix='.new-', suffix=SUFFIX,
                                   dir=self.directory)
        # locked before it has its name: the sweeper never sees it free
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._fd = fd
        self.path = os.path.join(self.directory,
                                 os.path.basename(tmp)[len('.new-'):])
        self.add(*names)
        os.rename(tmp, self.path)

    def add(self, *names):
        """Record more names this run owns (as soon as they exist)."""
        self.names.extend(n for n in names if n and n not in self.names)
        data = json.dumps({'pid': os.getpid(), 'names': self.names})
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data.encode(), 0)
        os.fsync(self._fd)

    def release(self, forget=True):
        """Drop the lock; ``forget``: remove the file too (all cleaned up).

        Kept (forget=False), the file tells the sweeper provably that the
        names it lists are left over.
        """
        if self._fd is None:
            return
        if forget:
            try:
                os.unlink(self.path)
            except OSError:
                pass
        os.close(self._fd)
        self._fd = None


def take(names=(), directory=None, log=LOG):
    """A new :class:`Lease`, or None (logged) where none can be made."""
    try:
        return Lease(names, directory)
    except OSError as exc:
        log.warning('no lease for this run (%s: %s): the sweeper will '
                    'judge it by its idle time only', exc.filename or
                    directory or lease_dir(), exc.strerror or exc)
        return None


def _read(path):
    with open(path) as f:
        data = json.load(f)
    return [str(n) for n in data.get('names') or []]


def _held(fd):
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return True
        raise
    fcntl.flock(fd, fcntl.LOCK_UN)
    return False


def leases(directory=None):
    """{name: (held?, lease path)} of every lease in the directory."""
    directory = directory or lease_dir()
    out = {}
    try:
        entries = sorted(os.listdir(directory))
    except FileNotFoundError:
        return out
    for entry in entries:
        if not entry.endswith(SUFFIX) or entry.startswith('.'):
            continue
        path = os.path.join(directory, entry)
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue            # released meanwhile
        try:
            held = _held(fd)
            try:
                names = _read(path)
            except (OSError, ValueError):
                names = []
        finally:
            os.close(fd)
        for name in names:
            # a held lease wins over a released one naming the same
            out[name] = (held or out.get(name, (False,))[0], path)
    return out


def state(name, known):
    """(True in progress / False left over / None unknown, why)."""
    if name not in known:
        return None, 'no lease names it'
    held, path = known[name]
    if held:
        return True, 'its run holds the lease %s' % path
    return False, 'its run released the lease %s (process gone)' % path


def forget(paths):
    """Remove released leases (their names are all swept); held stay."""
    for path in sorted(set(paths)):
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue        # a live run holds it
            os.unlink(path)
        finally:
            os.close(fd)
