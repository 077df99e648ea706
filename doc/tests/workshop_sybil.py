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
"""

import doctest
import os

from sybil.parsers.rest import DocTestParser
from sybil.parsers.rest import PythonCodeBlockParser
from sybil import Sybil

import console

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def _setup(namespace):
    namespace['bash'] = console.BashSession(
        cwd=REPO, transcript=os.environ.get('WORKSHOP_TRANSCRIPT'),
        timeout=float(os.environ.get('WORKSHOP_COMMAND_TIMEOUT',
                                     console.DEFAULT_TIMEOUT)))


def _teardown(namespace):
    namespace['bash'].close()


pytest_collect_file = Sybil(
    parsers=[
        console.ConsoleParser(),
        PythonCodeBlockParser(),
        DocTestParser(optionflags=doctest.ELLIPSIS |
                      doctest.NORMALIZE_WHITESPACE),
    ],
    path=os.path.join(REPO, 'doc', 'source'),
    patterns=['workshop.rst'],
    setup=_setup,
    teardown=_teardown,
).pytest()
