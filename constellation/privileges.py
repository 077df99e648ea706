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

"""Started as root, the infrastructure daemons run as their own users.

MariaDB, BIND9 and RabbitMQ (with its epmd) run as the system users their
Debian packages create, never as root: supervisord switches to the user
(``user =`` in supervisord.conf) and :func:`hand_over` gives each user
its data and run dirs and read access to its config dir.  The state dir
becomes traversable (0711), not listable; secrets.json and the OpenStack
configs stay 0600 root.  Started as anyone else, everything runs as that
user and nothing here applies.
"""

import os
import pwd
import stat

from constellation import errors

# program -> (system user, config dir under etc/, data dir, run dir)
USERS = {
    'epmd': ('rabbitmq', None, None, None),
    'mysql': ('mysql', 'mysql', 'mysql', 'mysql'),
    'rabbitmq': ('rabbitmq', 'rabbitmq', 'rabbitmq', 'rabbitmq'),
    'named': ('bind', 'bind', 'bind', 'bind'),
    'named2': ('bind', 'bind2', 'bind2', 'bind2'),
}


def as_root(ctx):
    return ctx.get('euid', os.geteuid()) == 0


def user_of(ctx, program):
    """The user supervisord runs ``program`` as (None: as itself)."""
    if program in USERS and as_root(ctx):
        return USERS[program][0]
    return None


def _ids(user):
    try:
        pw = pwd.getpwnam(user)
    except KeyError:
        raise errors.Failure(
            'system user %r does not exist (its Debian package creates it: '
            'reinstall it, or run the constellation as a non-root user)'
            % user, service='config')
    return pw.pw_uid, pw.pw_gid


def _chown_tree(path, uid, gid):
    os.chown(path, uid, gid)
    for dirpath, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(dirpath, name), uid, gid,
                     follow_symlinks=False)


def reachable(path, uid=None):
    """Let other users traverse every directory above ``path``.

    The daemons' users must pass through them to reach the state dir; a
    clone in ``mktemp -d`` (mode 0700) stops them ("Permission denied" from
    mariadb-install-db).  A directory of ours without o+x gets it (search
    only, no listing); one of another user is not touched: a Failure names
    it.  Returns the directories changed.
    """
    uid = os.getuid() if uid is None else uid
    changed = []
    d = os.path.dirname(os.path.abspath(path))
    while True:
        info = os.stat(d)
        if not info.st_mode & stat.S_IXOTH:
            if info.st_uid != uid:
                raise errors.Failure(
                    '%s (mode %o, not ours) keeps the daemons\' users '
                    'from reaching the state dir %s: give it o+x, or use '
                    'another --state-dir' % (
                        d, stat.S_IMODE(info.st_mode), path),
                    service='config')
            os.chmod(d, stat.S_IMODE(info.st_mode) | stat.S_IXOTH)
            changed.append(d)
        parent = os.path.dirname(d)
        if parent == d:
            return changed
        d = parent


def hand_over(ctx, st):
    """Give each daemon's user what it reads and writes (root only)."""
    if not as_root(ctx):
        return 'not root: every program runs as %s' % ctx['user']
    opened = reachable(st.root)
    os.chmod(st.root, 0o711)
    done = []
    for _prog, (user, etc, data, run) in sorted(USERS.items()):
        uid, gid = _ids(user)
        if etc:
            d = st.etc(etc)
            os.chown(d, 0, gid)
            os.chmod(d, 0o750)
            for name in os.listdir(d):
                os.chown(os.path.join(d, name), 0, gid)
                os.chmod(os.path.join(d, name), 0o640)
        for d in ([st.data(data)] if data else []) + (
                [st.run(run)] if run else []):
            os.makedirs(d, exist_ok=True)
            _chown_tree(d, uid, gid)
        done.append(user)
    return 'infrastructure runs as %s%s' % (
        ', '.join(sorted(set(done))),
        '; made traversable (o+x): %s' % ', '.join(opened) if opened else '')
