"""MariaDB: datadir, databases and DB user, the services' schema syncs."""

import concurrent.futures
import getpass
import os
import shutil
import subprocess
import threading
import time

from constellation import errors
from constellation import render
from constellation import services

Failure = errors.Failure

_MARKERS = threading.Lock()  # schema syncs run in threads


def init_mysql(st):
    if os.path.exists(st.data('mysql', 'mysql')):
        return 'exists'
    shutil.rmtree(st.data('mysql'), ignore_errors=True)
    installer = services.which('mariadb-install-db') or services.which(
        'mysql_install_db')
    cmd = [installer, '--defaults-file=%s' % st.etc('mysql', 'my.cnf'),
           '--datadir=%s' % st.data('mysql'), '--skip-test-db',
           '--auth-root-authentication-method=socket']
    if os.geteuid() == 0:
        cmd.append('--user=root')
    with open(st.log('mysql-install'), 'w') as log:
        r = subprocess.run(cmd, stdout=log, stderr=log)
    if r.returncode:
        shutil.rmtree(st.data('mysql'), ignore_errors=True)
        raise Failure('mariadb-install-db failed', service='mysql-install')
    return 'initialised'


def mysql(st, sql):
    cli = services.which('mariadb') or services.which('mysql')
    user = 'root' if os.geteuid() == 0 else getpass.getuser()
    r = subprocess.run([cli, '--defaults-file=%s' % st.etc('mysql',
                                                           'my.cnf'),
                        '-u', user, '-e', sql],
                       capture_output=True, text=True)
    if r.returncode:
        raise Failure('mysql: %s' % r.stderr.strip(), service='mysql')
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
    mysql(st, '; '.join(sql))


def manage(st, name, args, timeout=600):
    """Run a *-manage command, its output into logs/<name>.log."""
    with open(st.log(name), 'a') as log:
        log.write('\n$ %s\n' % ' '.join(args))
        log.flush()
        try:
            r = subprocess.run(
                args, stdout=log, stderr=log, timeout=timeout,
                env=dict(os.environ, CONSTELLATION_STATE_DIR=st.root,
                         PATH=st.bin('') + ':' + os.environ.get('PATH', '')))
        except subprocess.TimeoutExpired:
            raise Failure('%s timed out after %ds' % (' '.join(args),
                                                      timeout),
                          service=name)
    if r.returncode:
        raise Failure('%s failed (exit %d)' % (' '.join(args),
                                               r.returncode),
                      service=name)


def sync_jobs(st, ctx):
    """{service: [commands]} that bring each service's schema up to date."""
    b = st.bin
    u, g = ctx['user'], ctx['group']

    def cf(svc, conf):
        return ['--config-file', st.etc(svc, conf)]

    ks = [b('keystone-manage')] + cf('keystone', 'keystone.conf')
    nova = [b('nova-manage')] + cf('nova', 'nova.conf')
    return {
        'keystone': [
            ks + ['db_sync'],
            ks + ['fernet_setup', '--keystone-user', u,
                  '--keystone-group', g],
            ks + ['credential_setup', '--keystone-user', u,
                  '--keystone-group', g],
            ks + ['bootstrap',
                  '--bootstrap-password', ctx['secrets']['admin'],
                  '--bootstrap-admin-url', render.url(ctx, 'keystone', '/v3'),
                  '--bootstrap-internal-url', render.url(ctx, 'keystone',
                                                         '/v3'),
                  '--bootstrap-public-url', render.url(ctx, 'keystone',
                                                       '/v3'),
                  '--bootstrap-region-id', render.REGION]],
        'glance': [[b('glance-manage')] + cf('glance', 'glance-api.conf') +
                   ['db_sync']],
        'placement': [[b('placement-manage')] +
                      cf('placement', 'placement.conf') + ['db', 'sync']],
        'nova': [
            nova + ['api_db', 'sync'],
            nova + ['cell_v2', 'map_cell0', '--database_connection',
                    render.db_url(ctx, 'nova_cell0')],
            ['sh', '-c', '%s --config-file %s cell_v2 list_cells | '
             'grep -q " cell1 " || %s --config-file %s cell_v2 '
             'create_cell --name cell1' % (
                 b('nova-manage'), st.etc('nova', 'nova.conf'),
                 b('nova-manage'), st.etc('nova', 'nova.conf'))],
            nova + ['db', 'sync']],
        'neutron': [[b('neutron-db-manage')] + cf('neutron', 'neutron.conf') +
                    cf('neutron', 'ml2_conf.ini') + ['upgrade', 'heads']],
        'designate': [[b('designate-manage')] +
                      cf('designate', 'designate.conf') +
                      ['database', 'sync']],
        'heat': [[b('heat-manage')] + cf('heat', 'heat.conf') + ['db_sync']],
    }


def db_syncs(st, ctx, say):
    """Schema syncs of every service not yet synced for this install."""
    want = st.marker('installed')
    jobs = sync_jobs(st, ctx)
    todo = [s for s in jobs if st.marker('dbsync_' + s) != want]
    if not todo:
        say('  schemas current for this install; skipped')
        return

    def run(svc):
        t = time.monotonic()
        for cmd in jobs[svc]:
            manage(st, 'dbsync-' + svc, cmd)
        with _MARKERS:
            st.set_marker('dbsync_' + svc, want)
        say('  %s schema: %.1fs' % (svc, time.monotonic() - t))

    with concurrent.futures.ThreadPoolExecutor(3) as ex:
        futs = [ex.submit(run, s) for s in todo]
        errors = []
        for f in concurrent.futures.as_completed(futs):
            try:
                f.result()
            except Failure as e:
                errors.append(e)
        if errors:
            raise errors[0]
