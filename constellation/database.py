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

"""MariaDB: datadir, databases and DB user, and running *-manage."""

import contextlib
import getpass
import os
import shutil
import subprocess
import tempfile

from constellation import errors
from constellation import privileges
from constellation import render
from constellation import services
from constellation import state as statemod

Failure = errors.Failure


@contextlib.contextmanager
def path_without_spaces(st):
    """The state dir under a name without whitespace, for the duration.

    Some tools split paths at spaces: mariadb-install-db (a shell script,
    also for the paths it reads from the defaults file) and
    neutron-db-manage (alembic's space-separated version_locations).
    They get a symlink in a fresh temp dir, and a copy of my.cnf naming it.
    """
    if not any(ch.isspace() for ch in st.root):
        yield st.root, st.etc('mysql', 'my.cnf')
        return
    tmp = tempfile.mkdtemp(prefix='constellation-')
    try:
        os.chmod(tmp, 0o711)  # the mysql user resolves paths through it
        link = os.path.join(tmp, 'state')
        os.symlink(st.root, link)
        with open(st.etc('mysql', 'my.cnf')) as f:
            text = f.read().replace(st.root, link)
        cnf = os.path.join(tmp, 'install.cnf')
        statemod.atomic_write(cnf, text, mode=0o644)  # no secret in it
        yield link, cnf
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def via(root, argv):
    """argv of a venv script run by the venv's python under ``root``.

    A console script's own first line names the real (spaced) path; the
    python named through ``root`` makes the package see ``root`` paths.
    """
    venv_bin = os.path.join(root, 'venv', 'bin', '')
    if argv[0].startswith(venv_bin):
        return [venv_bin + 'python'] + argv
    return argv


def init_mysql(st):
    if os.path.exists(st.data('mysql', 'mysql')):
        return 'exists'
    shutil.rmtree(st.data('mysql'), ignore_errors=True)
    installer = services.which('mariadb-install-db') or services.which(
        'mysql_install_db')
    with path_without_spaces(st) as (root, cnf):
        cmd = [installer, '--defaults-file=%s' % cnf,
               '--datadir=%s' % os.path.join(root, 'data', 'mysql'),
               '--skip-test-db', '--auth-root-authentication-method=socket']
        if os.geteuid() == 0:
            cmd.append('--user=%s' % privileges.USERS['mysql'][0])
        with open(st.log('mysql-install'), 'w') as log:
            r = subprocess.run(cmd, stdout=log, stderr=log)
    if r.returncode:
        shutil.rmtree(st.data('mysql'), ignore_errors=True)
        raise Failure('mariadb-install-db failed', service='mysql-install')
    return 'initialised'


def mysql(st, sql):
    """Run SQL as the local admin (socket auth); SQL on stdin, not argv."""
    cli = services.which('mariadb') or services.which('mysql')
    user = 'root' if os.geteuid() == 0 else getpass.getuser()
    r = subprocess.run([cli, '--defaults-file=%s' % st.etc('mysql',
                                                           'my.cnf'),
                        '-u', user], input=sql, capture_output=True,
                       text=True)
    if r.returncode:
        raise Failure('mysql: %s' % st.redact(r.stderr.strip()),
                      service='mysql')
    return r.stdout


def create_databases(st, ctx):
    pw = ctx['secrets']['db']
    sql = ["CREATE USER IF NOT EXISTS 'constellation'@'127.0.0.1' "
           "IDENTIFIED BY '%s'" % pw,
           "ALTER USER 'constellation'@'127.0.0.1' IDENTIFIED BY '%s'" % pw]
    for db in render.DATABASES:
        sql.append('CREATE DATABASE IF NOT EXISTS %s CHARACTER SET utf8'
                   % db)
        sql.append("GRANT ALL PRIVILEGES ON %s.* TO "
                   "'constellation'@'127.0.0.1'" % db)
    mysql(st, ';\n'.join(sql) + ';\n')


def manage(st, name, args, timeout=600, env=None):
    """Run a *-manage command, its output into logs/<name>.log.

    Secrets go in ``env`` (never in ``args``); the log and any failure
    show the command with every secret of the state dir as ***.
    """
    shown = st.redact(' '.join(args))
    with open(st.log(name), 'a') as log:
        log.write('\n$ %s\n' % shown)
        log.flush()
        try:
            r = subprocess.run(
                args, stdout=log, stderr=log, timeout=timeout,
                # HOME: stevedore's entry-point cache goes with the
                # services' own (data/home/.cache), not into the user's
                env=dict(os.environ, CONSTELLATION_STATE_DIR=st.root,
                         HOME=st.data('home'),
                         PATH=st.bin('') + ':' + os.environ.get('PATH', ''),
                         **(env or {})))
        except subprocess.TimeoutExpired:
            raise Failure('%s timed out after %ds' % (shown, timeout),
                          service=name)
    if r.returncode:
        raise Failure('%s failed (exit %d)' % (shown, r.returncode),
                      service=name)


def redact_old_logs(st):
    """Star the secrets older versions wrote into the manage logs."""
    d = st.path('logs')
    fixed = []
    for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        if not name.startswith(('dbsync-', 'designate-manage',
                                'nova-manage')):
            continue
        path = os.path.join(d, name)
        with open(path, errors='replace') as f:
            text = f.read()
        clean = st.redact(text)
        if clean != text:
            statemod.atomic_write(path, clean, mode=0o644)
            fixed.append(name)
    return fixed
