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

"""Nova's cell mappings without nova-manage (constellation_ext.cells)."""

import os
import sys

import pytest

EXT = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'ext')
sys.path.insert(0, EXT)
from constellation_ext import cells  # noqa: E402


class _Cursor:
    def __init__(self, table):
        self.table, self.found = table, None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, args):
        if sql.startswith('SELECT'):
            self.found = [r for r in self.table if r[1] == args[0]]
        else:
            self.table.append(args)

    def fetchone(self):
        return self.found[0] if self.found else None


class _Conn:
    def __init__(self, table):
        self.table, self.committed = table, False

    def cursor(self):
        return _Cursor(self.table)

    def commit(self):
        self.committed = True


def test_rows_are_what_nova_manage_stores():
    cell0, cell1 = cells.rows('mysql+pymysql://u:p@h:1/nova_cell0', 'c1db',
                              'rabbit://u:p@h:2/', new_uuid='u1')
    assert cell0 == (cells.CELL0_UUID, 'cell0', 'none:///',
                     'mysql+pymysql://u:p@h:1/nova_cell0')
    assert cell1 == ('u1', 'cell1', 'rabbit://u:p@h:2/', 'c1db')


def test_only_missing_mappings_are_inserted():
    table = [(cells.CELL0_UUID, 'cell0', 'none:///', 'old')]
    conn = _Conn(table)
    made = cells.map_cells(conn, cells.rows('c0', 'c1', 't', new_uuid='u'))
    assert made == ['cell1']
    assert [r[1] for r in table] == ['cell0', 'cell1']
    assert table[0][3] == 'old' and conn.committed


def test_connect_args_from_the_sqlalchemy_url():
    args = cells.connect_args(
        'mysql+pymysql://constellation:s%40cret@127.0.0.1:25400/nova_api'
        '?charset=utf8')
    assert args == {'host': '127.0.0.1', 'port': 25400,
                    'user': 'constellation', 'password': 's@cret',
                    'database': 'nova_api', 'charset': 'utf8'}
    with pytest.raises(ValueError, match='sqlite'):
        cells.connect_args('sqlite:///x')


def test_missing_environment_names_the_variables():
    with pytest.raises(SystemExit, match='CONSTELLATION_CELL1_DB'):
        cells.main({'CONSTELLATION_NOVA_API_DB': 'x',
                    'CONSTELLATION_CELL0_DB': 'y',
                    'CONSTELLATION_TRANSPORT_URL': 'z'})
