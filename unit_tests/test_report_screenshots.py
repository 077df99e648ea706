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

"""tools/report_screenshots.py: the report in headless Chromium at 800 px.

The browser tests skip when /usr/bin/chromium is not installed.
"""

import importlib.util
import io
import os
import shutil
import tempfile
import unittest
from unittest import mock

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location(
    'report_screenshots', os.path.join(REPO, 'tools',
                                       'report_screenshots.py'))
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)
NO_CHROMIUM = '%s is not installed (the headless browser check needs it)' \
    % tool.CHROMIUM


class Tmp(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)


class TestPng(Tmp):

    def test_blank_or_wrong_size_is_a_problem(self):
        from PIL import Image
        path = os.path.join(self.tmp, 'x.png')
        Image.new('RGB', (800, 2000), 'white').save(path)
        self.assertIn('blank (1 colour(s))', tool.png_problem(path))
        Image.new('RGB', (800, 600), 'white').save(path)
        self.assertIn('800x600, not 800x2000', tool.png_problem(path))

    def test_missing_chromium_is_exit_2(self):
        err = io.StringIO()
        with mock.patch('sys.stderr', err):
            rc = tool.main(['--chromium', os.path.join(self.tmp, 'nope')])
        self.assertEqual(2, rc)
        self.assertIn('nope not found', err.getvalue())


@unittest.skipUnless(os.path.exists(tool.CHROMIUM), NO_CHROMIUM)
class TestInChromium(Tmp):

    def test_report_of_22_runs_passes_every_check(self):
        out = io.StringIO()
        with mock.patch('sys.stdout', out):
            rc = tool.main(['--out', self.tmp])
        self.assertEqual(0, rc, out.getvalue())
        for name in ('overview', 'failure', 'trends'):
            path = os.path.join(self.tmp, name + '.png')
            self.assertIn('%s: %s' % (name, path), out.getvalue())
            self.assertIsNone(tool.png_problem(path))
        self.assertIn('0 element(s) past the right edge', out.getvalue())

    def test_overflow_and_a_missing_anchor_are_found(self):
        page = os.path.join(self.tmp, 'wide.html')
        with open(page, 'w') as f:
            f.write('<!DOCTYPE html><html><body><header>h</header>'
                    '<div id="wide" style="width:1200px">wide</div>'
                    '<div style="overflow-x:auto"><table id="ok" style='
                    '"width:1500px"><tr><td>scrolls</td></tr></table>'
                    '</div></body></html>')
        problems, facts = tool.check_page(page, shots=[('x', 'nowhere')])
        self.assertEqual(800, facts['overflow']['width'])
        self.assertIn('div#wide (right edge 1208 px)', problems[1])
        self.assertNotIn('table#ok', problems[1])
        self.assertIn('the page is 1208 px wide in a 800 px viewport',
                      problems[0])
        self.assertEqual('#nowhere: no such anchor', problems[2])
