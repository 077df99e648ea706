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

"""/etc/designate/multiple-pools.yaml for designate-tempest-plugin's
multipool tests (stdlib only).

DesignateManagePoolTest (designate_tempest_plugin/tests/scenario/v2/
test_designate_multipool.py) replaces the cloud's pools with its own files
(`designate-manage pool update --file F --delete`) and restores them, in
resource_setup and every tearDown, from that hard-coded path.  It is
outside the state dir and machine-wide, so:

* the file holds the constellation's own pools.yaml (what `up` loaded)
  under a first line naming the state dir (:func:`header`);
* it is written only when absent or provably this constellation's
  (:func:`ownership`), and removed afterwards (with /etc/designate when
  it was made for it and is empty again);
* one step at a time per machine: :func:`machine_lock` (an flock in
  /run/lock), since two constellations would both write the one path.
"""

import contextlib
import errno
import fcntl
import os
import tempfile
import time

from constellation import state as statemod

PATH = '/etc/designate/multiple-pools.yaml'
LOCK_NAME = 'constellation-designate-multiple-pools.lock'
HEADER = ('# designate-tempest-plugin multipool tests: the pools of the '
          'constellation with state dir %s; removed after them\n')


class EtcError(RuntimeError):
    """The file cannot be used; the message says why and what to do."""


def header(root):
    return HEADER % os.path.abspath(root)


def render(root, pools_text):
    """The file's text: the header, then the constellation's pools.yaml."""
    return header(root) + pools_text


def read(path=PATH):
    """The file's text, or None when it does not exist."""
    try:
        with open(path, errors='replace') as f:
            return f.read()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise EtcError('cannot read %s: %s' % (path, e.strerror or e))


def ownership(text, root):
    """('absent'|'ours'|'foreign', why) for the file's ``text``.

    Ours: its first line is :func:`header` of this state dir (a file a
    run of this constellation left behind).  Another constellation's file
    is foreign too: its step may be running.
    """
    if text is None:
        return 'absent', 'no such file'
    first = text.split('\n', 1)[0] + '\n'
    if first == header(root):
        return 'ours', 'written for the state dir %s' % os.path.abspath(root)
    prefix = HEADER.split('%s')[0]
    if first.startswith(prefix):
        return 'foreign', ('written for another constellation (%s)' %
                           first[len(prefix):].split(';')[0])
    return 'foreign', 'not written by a constellation (first line %r)' % (
        first.rstrip('\n')[:80])


def writable_problem(path=PATH, uid=None, access=os.access):
    """None when ``path`` can be written, else what stops it."""
    uid = os.geteuid() if uid is None else uid
    d = os.path.dirname(path)
    target = d if os.path.isdir(d) else os.path.dirname(d)
    if access(target, os.W_OK):
        return None
    who = 'root' if uid == 0 else 'not root (uid %d)' % uid
    return ('cannot write %s: running as %s and %s is not writable; '
            'designate-tempest-plugin\'s multipool tests restore the pools '
            'from that fixed path (run it as root)' % (path, who, target))


def write(root, pools_text, path=PATH):
    """Write the file when absent or ours; returns whether its dir was made.

    A foreign file is left as it is: EtcError naming it.
    """
    kind, why = ownership(read(path), root)
    if kind == 'foreign':
        raise EtcError(
            '%s exists and is not this constellation\'s (%s): left as it is; '
            'the multipool tests need it to hold this constellation\'s pools '
            '(move it away, or run them on a machine without it)' % (
                path, why))
    d = os.path.dirname(path)
    made = False
    if not os.path.isdir(d):
        try:
            os.makedirs(d, mode=0o755)
        except OSError as e:
            raise EtcError('cannot create %s: %s' % (d, e.strerror or e))
        made = True
    try:
        statemod.atomic_write(path, render(root, pools_text), mode=0o644)
    except statemod.StateError as e:
        raise EtcError(str(e))
    return made


def remove(root, made_dir, path=PATH):
    """Remove the file if it is still ours (and its dir if made for it).

    Returns what was done, for the log.
    """
    kind, why = ownership(read(path), root)
    if kind == 'foreign':
        return '%s left as it is (%s)' % (path, why)
    done = []
    if kind == 'ours':
        os.unlink(path)
        done.append('removed %s' % path)
    d = os.path.dirname(path)
    if made_dir:
        try:
            os.rmdir(d)
            done.append('removed %s' % d)
        except OSError as e:
            if e.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT):
                raise
            done.append('kept %s (%s)' % (d, e.strerror))
    return ', '.join(done) or 'nothing to remove'


def lock_path():
    d = '/run/lock'
    if not (os.path.isdir(d) and os.access(d, os.W_OK)):
        d = tempfile.gettempdir()
    return os.path.join(d, LOCK_NAME)


@contextlib.contextmanager
def machine_lock(root, timeout, say, path=None, interval=2.0,
                 clock=time.monotonic, sleep=time.sleep):
    """Hold the machine-wide lock of the file; wait up to ``timeout`` s.

    The holder writes "pid N, state dir D" into the lock file: a waiter
    says whom it waits for.
    """
    path = path or lock_path()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = clock() + timeout
        said = None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 300, 0).decode(errors='replace')
                if clock() >= deadline:
                    raise EtcError(
                        'another multipool step holds %s after %ds (%s); '
                        'it replaces the pools from %s: wait for it' % (
                            path, timeout, holder.strip() or 'unknown',
                            PATH))
                if holder != said:
                    say('waiting for %s, held by %s' % (
                        path, holder.strip() or 'unknown'))
                    said = holder
                sleep(interval)
        os.ftruncate(fd, 0)
        os.pwrite(fd, ('pid %d, state dir %s\n' % (
            os.getpid(), os.path.abspath(root))).encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)
