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

"""MariaDB: datadir, databases and DB user, the services' schema syncs."""

import concurrent.futures
import contextlib
import getpass
import hashlib
import os
import shutil
import subprocess
import tempfile
import time

from constellation import errors
from constellation import install as installmod
from constellation import privileges
from constellation import render
from constellation import services
from constellation import snapshot
from constellation import state as statemod

Failure = errors.Failure


@contextlib.contextmanager
def _path_without_spaces(st):
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
    with _path_without_spaces(st) as (root, cnf):
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


def sync_jobs(st, ctx):
    """{unit: [(argv, env)]} migrating each service's schema.

    A unit's steps run in order, units side by side (each has databases
    of its own).  These give the same tables for every state dir of one
    install (see ``snapshot``); what is the state dir's own is in
    :func:`setup_jobs`.  Nova's cell0 is mapped after the API database
    (its mapping row is left out of a snapshot and made again by
    ``setup_jobs``).  nova-manage's map_cell0 derives the cell0 URL
    (``<db>_cell0``) from [database] connection, given here as the
    oslo.config environment override of a database named ``nova``
    (secrets travel in the environment, never in argv).
    """
    b = st.bin

    def cf(svc, conf):
        return ['--config-file', st.etc(svc, conf)]

    def run(*argv, **env):
        return list(argv), env

    ks = [b('keystone-manage')] + cf('keystone', 'keystone.conf')
    nova = [b('nova-manage')] + cf('nova', 'nova.conf')
    # in the order they are started: the longest first (neutron 75 s,
    # nova's two cell databases 45 s each, the rest 25-36 s, on a busy
    # machine), so that the last to end is not one started late
    return {
        'neutron': [run(b('neutron-db-manage'),
                        *cf('neutron', 'neutron.conf'),
                        *cf('neutron', 'ml2_conf.ini'), 'upgrade', 'heads')],
        # cell1 (the [database] connection) and cell0 side by side, each
        # as the local cell: `db sync` alone migrates them one after the
        # other; cell0's URL is given as [database] connection
        'nova': [run(*nova, 'db', 'sync', '--local_cell')],
        'nova-cell0': [run(*nova, 'db', 'sync', '--local_cell', **{
            'OS_DATABASE__CONNECTION': render.db_url(ctx, 'nova_cell0')})],
        'nova-api': [run(*nova, 'api_db', 'sync'), _map_cell0(st, ctx)],
        'keystone': [run(*ks, 'db_sync')],
        'glance': [run(b('glance-manage'), *cf('glance', 'glance-api.conf'),
                       'db_sync')],
        'designate': [run(b('designate-manage'),
                          *cf('designate', 'designate.conf'), 'database',
                          'sync')],
        'heat': [run(b('heat-manage'), *cf('heat', 'heat.conf'),
                     'db_sync')],
        'placement': [run(b('placement-manage'),
                          *cf('placement', 'placement.conf'), 'db', 'sync')],
    }


def _map_cell0(st, ctx):
    return ([st.bin('nova-manage'), '--config-file',
             st.etc('nova', 'nova.conf'), 'cell_v2', 'map_cell0'],
            {'OS_DATABASE__CONNECTION': render.db_url(ctx, 'nova')})


def _map_cells(st, ctx):
    return ([st.bin('python'), '-m', 'constellation_ext.cells'],
            {'CONSTELLATION_NOVA_API_DB': render.db_url(ctx, 'nova_api'),
             'CONSTELLATION_CELL0_DB': render.db_url(ctx, 'nova_cell0'),
             'CONSTELLATION_CELL1_DB': render.db_url(ctx, 'nova_cell1'),
             'CONSTELLATION_TRANSPORT_URL': render.transport_url(ctx)})


def setup_jobs(st, ctx, restored=False):
    """{service: [(argv, env)]}: after the schemas, this state dir's own.

    keystone-manage bootstrap reads OS_BOOTSTRAP_PASSWORD; fernet and
    credential keys are files of the state dir.  The three keystone-manage
    commands run in one process (``constellation_ext.keystone_setup``),
    which imports Keystone once instead of three times.  Into databases just
    restored from a snapshot (``restored``: its cell_mappings are empty,
    ``snapshot.NO_DATA``) both cell mappings are inserted by one short
    process (``constellation_ext.cells``) instead of two nova-manage runs
    that each import all of Nova (the longest step of a first ``up``).
    After real migrations cell0 is mapped (``sync_jobs``) and one
    nova-manage run makes cell1: a second map_cell0 and a list_cells
    before create_cell each imported Nova again (6.0 s of a fresh first
    ``up``, serial after the migrations).
    """
    b = st.bin
    u, g = ctx['user'], ctx['group']
    ks = ['--config-file', st.etc('keystone', 'keystone.conf')]
    keystone_url = render.url(ctx, 'keystone', '/v3')
    return {
        'keystone': [
            ([b('python'), '-m', 'constellation_ext.keystone_setup'] +
             ks + ['fernet_setup', '--keystone-user', u,
                   '--keystone-group', g, '--'] +
             ks + ['credential_setup', '--keystone-user', u,
                   '--keystone-group', g, '--'] +
             ks + ['bootstrap',
                   '--bootstrap-admin-url', keystone_url,
                   '--bootstrap-internal-url', keystone_url,
                   '--bootstrap-public-url', keystone_url,
                   '--bootstrap-region-id', render.REGION],
             {'OS_BOOTSTRAP_PASSWORD': ctx['secrets']['admin']})],
        # after real migrations, nova-api's sync has mapped cell0;
        # create_cell exits 2 when a cell has these URLs already
        'nova': [_map_cells(st, ctx)] if restored else [
            (['sh', '-c', '"$0" --config-file "$1" cell_v2 create_cell '
              '--name cell1; rc=$?; [ $rc -eq 0 ] || [ $rc -eq 2 ]',
              b('nova-manage'), st.etc('nova', 'nova.conf')], {})],
    }


def _parallel(fn, items, threads=3):
    with concurrent.futures.ThreadPoolExecutor(threads) as ex:
        futs = [ex.submit(fn, s) for s in items]
        errors = []
        for f in concurrent.futures.as_completed(futs):
            try:
                f.result()
            except Failure as e:
                errors.append(e)
        if errors:
            raise errors[0]


def schema_keys(st, jobs, setup, lock):
    """{service: stamp of the exact inputs of its syncs and setup}.

    The pinned services (``install.lock_hash``: requirements and lock,
    hence the migrations they ship) and every command line and the names
    of the environment variables it gets (with the state dir as <st>;
    the setup's keystone URLs carry the ports).  A state dir whose
    markers hold these stamps has nothing to migrate; any change runs
    that service's real syncs and setup again.  Our glue (ext) has no
    schema and is not part of it.
    """
    keys = {}
    for svc in jobs:
        h = hashlib.sha256(lock.encode())
        for argv, env in jobs[svc] + setup.get(svc, []):
            h.update(b'\0' + ' '.join(argv).replace(st.root, '<st>').encode())
            h.update(b'\0' + ' '.join(sorted(env)).encode())
        keys[svc] = h.hexdigest()[:16]
    return keys


def db_syncs(st, ctx, say, use_snapshot=True):
    """Schema syncs of every service whose stamp (``schema_keys``) moved.

    Into fresh databases a snapshot of the migrated schemas (see
    ``snapshot``) is restored when one exists for this install, and
    taken after the real migrations when not.
    """
    lock = installmod.lock_hash()
    jobs = sync_jobs(st, ctx)
    keys = schema_keys(st, jobs, setup_jobs(st, ctx), lock)
    todo = [s for s in jobs if st.marker('dbsync_' + s) != keys[s]]
    if not todo:
        say('  schemas and setup current (stamps of lock.txt and the sync '
            'commands match); skipped')
        return
    snap = None
    if snapshot.enabled(use_snapshot) and all(
            st.marker('dbsync_' + s) is None for s in jobs):
        snap = snapshot.path(snapshot.key(st, jobs, lock))
    restored = bool(snap and os.path.exists(snap))
    with _path_without_spaces(st) as (root, _cnf):
        if root != st.root:
            def spaceless(make, **kw):
                return {svc: [(via(root, argv), env) for argv, env in cmds]
                        for svc, cmds in make(statemod.State(root), ctx,
                                              **kw).items()}
            jobs = spaceless(sync_jobs)
            setup = spaceless(setup_jobs, restored=restored)
        else:
            setup = setup_jobs(st, ctx, restored=restored)
        _run_syncs(st, jobs, setup, todo, keys, snap, say)


def _run_syncs(st, jobs, setup, todo, keys, snap, say):

    def run(svc, steps):
        t = time.monotonic()
        for argv, env in steps[svc]:
            manage(st, 'dbsync-' + svc, argv, env=env)
        return time.monotonic() - t

    def migrate(svc):
        say('  %s schema: %.1fs' % (svc, run(svc, jobs)))

    units = [(svc, setup[svc]) for svc in todo if setup.get(svc)]

    def setup_unit(unit):
        name, steps = unit
        t = time.monotonic()
        for argv, env in steps:
            manage(st, 'dbsync-' + name.split()[0], argv, env=env)
        say('  %s setup: %.1fs' % (name, time.monotonic() - t))

    if snap and os.path.exists(snap):
        t = time.monotonic()
        snapshot.restore(st, snap)
        say('  schemas restored from snapshot %s in %.1fs (`up '
            '--no-snapshot` runs the migrations)' % (
                os.path.basename(snap), time.monotonic() - t))
    else:
        _parallel(migrate, todo)
        if snap:
            say('  snapshot: ' + snapshot.dump(st, snap))
    _parallel(setup_unit, units, threads=4)
    for svc in todo:
        st.set_marker('dbsync_' + svc, keys[svc])
