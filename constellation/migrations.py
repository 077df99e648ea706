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

"""The services' schema migrations and their per-state-dir setup.

Which commands migrate each service (``sync_jobs``), what a state dir
adds after them (``setup_jobs``), the stamps that say a state dir is
current (``schema_keys``) and the run itself (``db_syncs``), restoring a
``snapshot`` into fresh databases when one exists.
"""

import concurrent.futures
import hashlib
import os
import time

from constellation import database
from constellation import errors
from constellation import install as installmod
from constellation import render
from constellation import snapshot
from constellation import state as statemod

Failure = errors.Failure

# cell0's schema: cell1's freshly migrated tables when cell0 has none;
# nova-manage's own db sync when it has (an upgrade: its rows are kept).
# Arguments: the local admin's client, --, its dump command, --, source
# and target database, --, the nova-manage command migrating cell0
CELL0_SCRIPT = '''set -o pipefail
client=(); while [ $# -gt 0 ] && [ "$1" != -- ]; do client+=("$1"); shift; done
shift
dump=(); while [ $# -gt 0 ] && [ "$1" != -- ]; do dump+=("$1"); shift; done
shift
source=$1 target=$2; shift 3
tables=$("${client[@]}" -N -e "SELECT COUNT(*) FROM information_schema.tables
  WHERE table_schema = '$target'") || exit
if [ "$tables" != 0 ]; then exec "$@"; fi
"${dump[@]}" "$source" | "${client[@]}" "$target"
'''


def sync_jobs(st, ctx):
    """{unit: [(argv, env)]} migrating each service's schema.

    A unit's steps run in order, units side by side (each has databases
    of its own).  These give the same tables for every state dir of one
    install (see ``snapshot``); what is the state dir's own is in
    :func:`setup_jobs` (Nova's cell mappings among it).  Cell0's schema
    is cell1's: ``nova-manage db sync`` runs the same migrations on both,
    so into an empty cell0 cell1's freshly migrated tables are copied
    (:func:`cell0_schema`, about 1 s) instead of migrated a second time
    (9 s of CPU).
    """
    b = st.bin

    def cf(svc, conf):
        return ['--config-file', st.etc(svc, conf)]

    def run(*argv, **env):
        return list(argv), env

    ks = [b('keystone-manage')] + cf('keystone', 'keystone.conf')
    nova = [b('nova-manage')] + cf('nova', 'nova.conf')
    # in the order they are started: the longest first (neutron 75 s,
    # nova 45 s, the rest 25-36 s, on a busy machine), so that the last
    # to end is not one started late
    return {
        'neutron': [run(b('neutron-db-manage'),
                        *cf('neutron', 'neutron.conf'),
                        *cf('neutron', 'ml2_conf.ini'), 'upgrade', 'heads')],
        # cell1 (the [database] connection) as the local cell, then cell0
        'nova': [run(*nova, 'db', 'sync', '--local_cell'),
                 cell0_schema(st, ctx, nova)],
        'nova-api': [run(*nova, 'api_db', 'sync')],
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


def cell0_schema(st, ctx, nova, source='nova_cell1', target='nova_cell0'):
    """(argv, env) giving cell0 (``target``) its schema (``CELL0_SCRIPT``).

    An empty ``target`` gets a dump of ``source`` right after its
    migration: tables and their rows (a fresh schema has only its
    migration stamps), no CREATE DATABASE.  The local admin over the
    socket (``snapshot.client``): no password in argv.  A ``target``
    with tables (an upgrade) is migrated by ``nova`` (nova-manage and
    its config) ``db sync --local_cell``, cell0's URL as [database]
    connection in the environment.
    """
    client = snapshot.client(st, ('mariadb', 'mysql'))
    dump = snapshot.client(st, ('mariadb-dump', 'mysqldump')) + list(
        snapshot.DUMP_OPTIONS)
    return (['bash', '-c', CELL0_SCRIPT, 'cell0-schema'] + client + ['--'] +
            dump + ['--', source, target, '--'] + nova +
            ['db', 'sync', '--local_cell'],
            {'OS_DATABASE__CONNECTION': render.db_url(ctx, target)})


def _map_cells(st, ctx):
    return ([st.bin('python'), '-m', 'constellation_ext.cells'],
            {'CONSTELLATION_NOVA_API_DB': render.db_url(ctx, 'nova_api'),
             'CONSTELLATION_CELL0_DB': render.db_url(ctx, 'nova_cell0'),
             'CONSTELLATION_CELL1_DB': render.db_url(ctx, 'nova_cell1'),
             'CONSTELLATION_TRANSPORT_URL': render.transport_url(ctx)})


def setup_jobs(st, ctx):
    """{service: [(argv, env)]}: after the schemas, this state dir's own.

    keystone-manage bootstrap reads OS_BOOTSTRAP_PASSWORD; fernet and
    credential keys are files of the state dir.  The three keystone-manage
    commands run in one process (``constellation_ext.keystone_setup``),
    which imports Keystone once instead of three times.  Nova's cell0 and
    cell1 mappings (rows that hold the DB password, so never in a
    snapshot: ``snapshot.NO_DATA``) are inserted by one short process
    (``constellation_ext.cells``), after real migrations as after a
    restore: ``nova-manage cell_v2 map_cell0`` and ``create_cell`` each
    import all of Nova (two of them cost 5 s of CPU on a fresh first
    ``up``) to store the same columns.
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
        'nova': [_map_cells(st, ctx)],
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
    with database.path_without_spaces(st) as (root, _cnf):
        if root != st.root:
            def spaceless(make):
                return {svc: [(database.via(root, argv), env)
                              for argv, env in cmds]
                        for svc, cmds in make(statemod.State(root),
                                              ctx).items()}
            jobs = spaceless(sync_jobs)
            setup = spaceless(setup_jobs)
        else:
            setup = setup_jobs(st, ctx)
        _run_syncs(st, jobs, setup, todo, keys, snap, say)


def _run_syncs(st, jobs, setup, todo, keys, snap, say):

    def run(svc, steps):
        t = time.monotonic()
        for argv, env in steps[svc]:
            database.manage(st, 'dbsync-' + svc, argv, env=env)
        return time.monotonic() - t

    def migrate(svc):
        say('  %s schema: %.1fs' % (svc, run(svc, jobs)))

    units = [(svc, setup[svc]) for svc in todo if setup.get(svc)]

    def setup_unit(unit):
        name, steps = unit
        t = time.monotonic()
        for argv, env in steps:
            database.manage(st, 'dbsync-' + name.split()[0], argv, env=env)
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
