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

"""keystone-manage commands in one process (keystone_setup, no Keystone)."""

import os
import sys

import pytest

from constellation import migrations
from constellation import state

EXT = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'ext')
sys.path.insert(0, EXT)
from constellation_ext import keystone_setup  # noqa: E402


def test_commands_split_at_the_separator():
    assert keystone_setup.commands(
        ['--config-file', 'k', 'fernet_setup', '--', '--config-file', 'k',
         'bootstrap']) == [['--config-file', 'k', 'fernet_setup'],
                           ['--config-file', 'k', 'bootstrap']]


@pytest.mark.parametrize('argv', [[], ['a', '--'], ['--', 'a'],
                                  ['a', '--', '--', 'b']])
def test_an_empty_command_is_refused(argv):
    with pytest.raises(ValueError, match='empty'):
        keystone_setup.commands(argv)


def test_each_command_runs_with_the_parsed_options_cleared_between():
    calls = []
    status = keystone_setup.run(
        [['x', 'fernet_setup'], ['x', 'bootstrap']],
        lambda argv: calls.append(('main', argv)),
        lambda: calls.append(('clear',)))
    assert status == 0
    assert calls == [('main', ['keystone-manage', 'x', 'fernet_setup']),
                     ('clear',),
                     ('main', ['keystone-manage', 'x', 'bootstrap'])]


@pytest.mark.parametrize('fail', [lambda: 2, lambda: sys.exit(3),
                                  lambda: sys.exit('bad')])
def test_the_first_failure_ends_the_run_with_its_status(fail, capsys):
    ran = []

    def main(argv):
        ran.append(argv[-1])
        if argv[-1] == 'credential_setup':
            return fail()
    status = keystone_setup.run(
        [['fernet_setup'], ['credential_setup'], ['bootstrap']], main,
        lambda: None)
    assert status in (2, 3, 1)
    assert ran == ['fernet_setup', 'credential_setup']
    assert 'keystone-manage credential_setup exited with' in \
        capsys.readouterr().err


def test_up_runs_keystone_setup_in_one_process_password_not_in_argv(
        ctx, tmp_path):
    st = state.State(str(tmp_path))
    (argv, env), = migrations.setup_jobs(st, ctx)['keystone']
    assert argv[1:3] == ['-m', 'constellation_ext.keystone_setup']
    parts = keystone_setup.commands(argv[3:])
    assert [p[2] for p in parts] == ['fernet_setup', 'credential_setup',
                                     'bootstrap']
    conf = st.etc('keystone', 'keystone.conf')
    assert all(p[:2] == ['--config-file', conf] for p in parts)
    assert env == {'OS_BOOTSTRAP_PASSWORD': 'apw'}
    assert 'apw' not in ' '.join(argv)
