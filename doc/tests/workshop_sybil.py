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

"""pytest plugin: doc/source/workshop.rst as a test, one item per block.

Loaded by tools/run-workshop.sh with ``-p workshop_sybil`` (doc/tests on
PYTHONPATH). Sybil collects the page; ``console`` blocks run in one bash
session (console.py), ``python`` code blocks and ``>>>`` examples run in
this process with the environment the shell set up so far.
``WORKSHOP_UNTIL`` (a section title of the page) leaves that section and
every block after it out (deselected): e.g. the real profile's phase runs
the page up to its guest blocks only.
"""

import doctest
import os
import re
import unittest

from sybil.parsers.rest import CodeBlockParser
from sybil.parsers.rest import DocTestParser
from sybil.parsers.rest import PythonCodeBlockParser
from sybil import Sybil

import console


class ConsoleParser(CodeBlockParser):
    """``.. code-block:: console`` examples, run in the document's bash."""

    language = 'console'

    def __init__(self, session_key='bash'):
        super().__init__()
        self.session_key = session_key

    def __call__(self, document):
        for region in super().__call__(document):
            caption = region.lexemes.get('options', {}).get('caption', '')
            region.parsed = (str(region.parsed), caption)
            yield region

    def evaluate(self, example):
        source, caption = example.parsed
        where = '%s line %d' % (os.path.basename(example.path), example.line)
        if caption.startswith(console.GUEST_CAPTION):
            if not console.guests_reachable():
                raise unittest.SkipTest('%s: %s' % (where, caption))
        elif caption.startswith(console.SKIP_CAPTION):
            raise unittest.SkipTest('%s: %s' % (where, caption))
        commands = console.parse_console(source)
        skip = os.environ.get('WORKSHOP_SKIP')
        if skip and any(re.search(skip, c) for c, _ in commands):
            raise unittest.SkipTest('%s: a command matches WORKSHOP_SKIP=%r'
                                    % (where, skip))
        session = example.namespace[self.session_key]
        try:
            for command, expected in commands:
                status, actual = session.run(command)
                if status != 0:
                    return ('%s: command exited %d:\n$ %s\n%s'
                            % (where, status, command, actual))
                if not console.matches(expected, actual):
                    return ('%s: unexpected output of:\n$ %s\n'
                            '--- expected\n%s\n--- got\n%s'
                            % (where, command, console.normalise(expected),
                               console.normalise(actual)))
        except console.ConsoleError as exc:
            return '%s: %s' % (where, exc)
        finally:
            console.sync_environment(session)
        return None


REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def _setup(namespace):
    namespace['bash'] = console.BashSession(
        cwd=REPO, transcript=os.environ.get('WORKSHOP_TRANSCRIPT'),
        timeout=float(os.environ.get('WORKSHOP_COMMAND_TIMEOUT',
                                     console.DEFAULT_TIMEOUT)))


def _teardown(namespace):
    namespace['bash'].close()


def until_line(path, title):
    """The line of section ``title`` in ``path`` (ValueError if none)."""
    with open(path) as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines[:-1]):
        under = lines[i + 1]
        if (line.strip() == title and under and
                set(under) <= set('=-~^"') and len(under) >= len(title)):
            return i + 1
    raise ValueError('WORKSHOP_UNTIL=%r: no section of that title in %s'
                     % (title, path))


def pytest_collection_modifyitems(config, items):
    title = os.environ.get('WORKSHOP_UNTIL')
    if not title:
        return
    page = os.path.join(REPO, 'doc', 'source', 'workshop.rst')
    stop = until_line(page, title)
    keep, drop = [], []
    for item in items:
        m = re.search(r'line:(\d+)', item.nodeid)
        (drop if m and int(m.group(1)) >= stop else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


pytest_collect_file = Sybil(
    parsers=[
        ConsoleParser(),
        PythonCodeBlockParser(),
        DocTestParser(optionflags=doctest.ELLIPSIS |
                      doctest.NORMALIZE_WHITESPACE),
    ],
    path=os.path.join(REPO, 'doc', 'source'),
    patterns=['workshop.rst'],
    setup=_setup,
    teardown=_teardown,
).pytest()
