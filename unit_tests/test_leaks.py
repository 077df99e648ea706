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

"""The leak check's comparison (no cloud)."""

import io
import unittest

from cross_service_tempest_plugin import leaks


def snap(**kinds):
    out = {k: {} for k in leaks.KINDS}
    out['reverse_zones'] = {}
    out['stacks_scope'] = 'all projects'
    out.update(kinds)
    return out


def table_rows(text):
    """{first cell: other cells} of the PrettyTable in ``text``."""
    rows = [[c.strip() for c in line.strip().strip('|').split('|')]
            for line in text.splitlines() if line.startswith('|')]
    return {r[0]: r[1:] for r in rows}


class TestCompare(unittest.TestCase):

    def test_no_difference(self):
        out = io.StringIO()
        before = snap(projects={'a': 'admin'}, reverse_zones={'r': 'x.arpa.'})
        after = snap(projects={'a': 'admin'},
                     reverse_zones={'r': 'x.arpa.', 's': 'y.arpa.'})
        self.assertEqual(0, leaks.compare(before, after, out))
        text = out.getvalue()
        self.assertIn('LEAK CHECK: OK, no difference', text)
        self.assertIn('not a leak): y.arpa.', text)

    def test_new_resources_are_leaks(self):
        out = io.StringIO()
        after = snap(stacks={'s1': 'cs-0123456789-stack'},
                     projects={'p1': 'tempest-ServersDnsTest-1'})
        self.assertEqual(2, leaks.compare(snap(), after, out))
        self.assertIn('leaked stack s1 (cs-0123456789-stack)', out.getvalue())
        self.assertIn('leaked project p1 (tempest-ServersDnsTest-1)',
                      out.getvalue())
        self.assertIn('LEAK CHECK: 2 leaked resource(s)', out.getvalue())
        rows = table_rows(out.getvalue())
        self.assertEqual(['before', 'after', 'new'], rows['kind'])
        self.assertEqual(set(leaks.KINDS) | {'kind'}, set(rows))
        self.assertEqual(['0', '1', '1'], rows['stacks'])
        self.assertEqual(['0', '0', '0'], rows['zones'])

    def test_older_snapshot_without_a_kind(self):
        before = snap()
        del before['users']
        out = io.StringIO()
        self.assertEqual(0, leaks.compare(before, snap(users={'u': 'x'}),
                                          out))
        rows = table_rows(out.getvalue())
        self.assertEqual(['-', '-', 'not compared'], rows['users'])
        self.assertIn('\nusers not compared (missing from a snapshot)\n',
                      out.getvalue())
        self.assertEqual(['0', '0', '0'], rows['stacks'])
