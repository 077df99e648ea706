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

"""Nova's cell0 and cell1 mappings in one short process.

``nova-manage cell_v2 map_cell0`` and ``cell_v2 create_cell`` each import
all of Nova (5-18 s per run on a busy 2-core machine, run one after the
other: the longest step of a first ``up`` after the schema snapshot is
restored).  Both only insert a row into ``nova_api.cell_mappings``:
cell0 with Nova's fixed uuid, transport ``none:///`` and the cell0
database; cell1 with a new uuid, the [DEFAULT] transport_url and the
[database] connection -- what those commands store, column for column.
A mapping already there under its name is left as it is (as the
commands refuse to make a second one).

``python -m constellation_ext.cells`` reads the URLs from the
environment (secrets never in argv): CONSTELLATION_NOVA_API_DB (the API
database, SQLAlchemy URL), CONSTELLATION_CELL0_DB, CONSTELLATION_CELL1_DB,
CONSTELLATION_TRANSPORT_URL.
"""

import os
import sys
import urllib.parse
import uuid

CELL0_UUID = '00000000-0000-0000-0000-000000000000'  # nova.objects
ENV = ('CONSTELLATION_NOVA_API_DB', 'CONSTELLATION_CELL0_DB',
       'CONSTELLATION_CELL1_DB', 'CONSTELLATION_TRANSPORT_URL')


def rows(cell0_db, cell1_db, transport_url, new_uuid=None):
    """(uuid, name, transport_url, database_connection) of both cells."""
    return [(CELL0_UUID, 'cell0', 'none:///', cell0_db),
            (new_uuid or str(uuid.uuid4()), 'cell1', transport_url,
             cell1_db)]


def connect_args(url):
    """pymysql.connect keywords of a mysql+pymysql:// SQLAlchemy URL."""
    u = urllib.parse.urlsplit(url)
    if u.scheme != 'mysql+pymysql':
        raise ValueError('not a mysql+pymysql URL: %s://...' % u.scheme)
    return {'host': u.hostname, 'port': u.port or 3306,
            'user': urllib.parse.unquote(u.username or ''),
            'password': urllib.parse.unquote(u.password or ''),
            'database': u.path.lstrip('/'), 'charset': 'utf8'}


def map_cells(conn, cells):
    """Insert the mappings not there yet (by name); their names."""
    made = []
    with conn.cursor() as cur:
        for cell_uuid, name, transport, db in cells:
            cur.execute('SELECT 1 FROM cell_mappings WHERE name = %s',
                        (name,))
            if cur.fetchone():
                continue
            cur.execute(
                'INSERT INTO cell_mappings (created_at, uuid, name, '
                'transport_url, database_connection, disabled) VALUES '
                '(UTC_TIMESTAMP(), %s, %s, %s, %s, 0)',
                (cell_uuid, name, transport, db))
            made.append(name)
    conn.commit()
    return made


def main(environ=None):
    environ = os.environ if environ is None else environ
    missing = [k for k in ENV if not environ.get(k)]
    if missing:
        sys.exit('constellation_ext.cells: %s not set' % ', '.join(missing))
    import pymysql
    conn = pymysql.connect(**connect_args(environ[ENV[0]]))
    try:
        made = map_cells(conn, rows(*(environ[k] for k in ENV[1:])))
    finally:
        conn.close()
    print('cell mappings: %s' % (', '.join(made) or 'all there already'))


if __name__ == '__main__':
    main()
