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

"""A cache of migrated, empty schemas: the first `up` in seconds.

The services' schema migrations give the same tables every time for a
given lock (``install.lock_hash``: requirements and lock; our glue in
ext has no schema) and the same sync commands, so the first `up` of a
state dir restores a ``mysqldump`` taken right after the migrations of
an earlier first `up` instead of running them again (~40 s of
migrations -> a few seconds).

* Only schemas: the dump is taken before anything of the state dir goes
  in (Keystone's bootstrap, Nova's cell mappings — their rows carry the
  database password and are left out of the dump), and it is refused if
  any secret of the state dir appears in it.
* Only into fresh databases: a state dir whose schemas were migrated
  before (an upgrade) always runs the real migrations.
* Kept outside the state dir (``destroy`` keeps it) in
  ``$CONSTELLATION_CACHE_DIR`` or ``$XDG_CACHE_HOME/constellation`` (or
  ``~/.cache/constellation``), under ``db/<key>.sql.gz``; the key hashes
  the lock hash, the databases, the sync commands and the MariaDB
  version.  ``up --no-snapshot`` or ``CONSTELLATION_DB_SNAPSHOT=0`` runs
  the real migrations (and does not write a snapshot).
"""

import getpass
import gzip
import hashlib
import os
import subprocess

from constellation import errors
from constellation import render
from constellation import services
from constellation import state as statemod

Failure = errors.Failure

FORMAT = '1'
# rows that hold a state dir's secrets (the DB URL in Nova's cell
# mappings): their tables are dumped without data
NO_DATA = ('nova_api.cell_mappings',)
KEEP = 3  # snapshots kept in the cache (other installs' keys)
# how a schema is dumped: one consistent read, the same bytes every time
DUMP_OPTIONS = ('--single-transaction', '--skip-dump-date', '--skip-comments',
                '--routines')


def enabled(arg=True):
    return arg and os.environ.get('CONSTELLATION_DB_SNAPSHOT', '1') not in (
        '0', 'no', 'false', 'off')


def cache_dir():
    return os.path.join(statemod.cache_root(), 'db')


def _server_version():
    mysqld = services.which('mariadbd') or services.which('mysqld')
    if not mysqld:
        return ''
    r = subprocess.run([mysqld, '--version'], capture_output=True,
                       text=True)
    return r.stdout.split(' for ')[0].split('Ver', 1)[-1].strip()


def key(st, jobs, lock_hash, version=None):
    """Hash of what the migrated schemas depend on (no state dir path)."""
    h = hashlib.sha256()
    parts = [FORMAT, lock_hash or '', ' '.join(render.DATABASES),
             ' '.join(NO_DATA),
             version if version is not None else _server_version()]
    for svc in sorted(jobs):
        for argv, env in jobs[svc]:
            parts.append(svc + ':' + ' '.join(argv).replace(st.root, '<st>'))
            parts.append(' '.join(sorted(env)))
    for p in parts:
        h.update(p.encode() + b'\0')
    return h.hexdigest()[:20]


def path(k):
    return os.path.join(cache_dir(), k + '.sql.gz')


def client(st, names):
    """argv of MariaDB's tool ``names[0]`` (or MySQL's) as local admin.

    The bare MySQL name where neither is installed: it then fails as
    "not found" when run.
    """
    cli = services.which(names[0]) or services.which(names[1]) or names[1]
    return [cli, '--defaults-file=%s' % st.etc('mysql', 'my.cnf'),
            '-u', 'root' if os.geteuid() == 0 else getpass.getuser()]


def dump(st, target):
    """mysqldump of the schemas into ``target`` (atomic; no secret)."""
    cmd = client(st, ('mariadb-dump', 'mysqldump')) + list(DUMP_OPTIONS) + [
        '--no-create-db'] + [
        '--ignore-table-data=%s' % t for t in NO_DATA] + [
        '--databases'] + list(render.DATABASES)
    r = subprocess.run(cmd, capture_output=True)
    if r.returncode:
        raise Failure('mysqldump failed: %s' % st.redact(
            r.stderr.decode(errors='replace').strip()), service='mysql')
    text = r.stdout.decode()
    for name, value in st.secrets().items():
        if value and value in text:
            return 'not saved: it holds the %s secret' % name
    os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
    statemod.atomic_write(target + '.tmp', '', mode=0o600)
    with gzip.open(target + '.tmp', 'wb', compresslevel=1) as f:
        f.write(r.stdout)
    os.replace(target + '.tmp', target)
    _prune(os.path.dirname(target))
    return 'saved %s (%d KiB)' % (target, os.path.getsize(target) // 1024)


def _prune(d):
    snaps = sorted((os.path.getmtime(os.path.join(d, n)), n)
                   for n in os.listdir(d) if n.endswith('.sql.gz'))
    for _t, n in snaps[:-KEEP]:
        os.unlink(os.path.join(d, n))


def restore(st, source):
    """Load a snapshot into the (empty) databases."""
    with gzip.open(source, 'rb') as f:
        sql = f.read()
    r = subprocess.run(client(st, ('mariadb', 'mysql')), input=sql,
                       capture_output=True)
    if r.returncode:
        raise Failure('restoring %s failed: %s (remove it or run `up '
                      '--no-snapshot`)' % (source, st.redact(
                          r.stderr.decode(errors='replace').strip())),
                      service='mysql')
    os.utime(source)  # most recently used: kept by _prune
    return 'restored %s' % source
