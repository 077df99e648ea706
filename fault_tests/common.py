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

"""Helpers of the API acceptance and fault tests (real constellation).

These tests restart and stop constellation services: run them alone, after
the main suite, never in parallel with other tests.
"""

import os
import shlex
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def constellation_env():
    """``tools/constellation env`` as a dict (where it wrote tempest.conf)."""
    out = constellation('env', timeout=60)
    env = {}
    for line in out.splitlines():
        if line.startswith('export ') and '=' in line:
            key, _sep, value = line[len('export '):].partition('=')
            env[key] = shlex.split(value)[0] if value else ''
    return env


def config_file():
    """Path of tempest.conf (env as Tempest reads it, else constellation).

    Without ``TEMPEST_CONFIG_DIR`` the constellation is asked where it
    wrote its tempest.conf. A missing file is an error: these tests never
    skip.
    """
    env = os.environ
    if not env.get('TEMPEST_CONFIG_DIR'):
        env = constellation_env()
    path = os.path.join(env.get('TEMPEST_CONFIG_DIR', ''),
                        env.get('TEMPEST_CONFIG', 'tempest.conf'))
    if not os.path.isfile(path):
        raise AssertionError('no tempest.conf at %s: bring the constellation '
                             'up (tools/constellation up) or set '
                             'TEMPEST_CONFIG_DIR/TEMPEST_CONFIG' % path)
    return path


def state_dir():
    """The constellation's state dir (as ``tools/constellation`` finds it)."""
    return (os.environ.get('CONSTELLATION_STATE_DIR') or
            constellation_env()['CONSTELLATION_STATE_DIR'])


def constellation_cmd():
    """argv of this repository's tools/constellation."""
    return [os.path.join(REPO, 'tools', 'constellation')]


def constellation(*args, timeout=300):
    """Run tools/constellation (e.g. 'restart', 'designate-worker')."""
    proc = subprocess.run([os.path.join(REPO, 'tools', 'constellation')] +
                          list(args), capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode:
        raise AssertionError('tools/constellation %s failed (rc %d): %s%s'
                             % (' '.join(args), proc.returncode,
                                proc.stdout[-2000:], proc.stderr[-2000:]))
    return proc.stdout


class LeakSnapshot(object):
    """Counts before/after (all projects, admin of tempest.conf)."""

    def __init__(self, conf_path):
        from cross_service_tempest_plugin import credentials
        from cross_service_tempest_plugin import leaks
        self.mod = leaks
        self.mgr = credentials.admin_manager(conf_path)
        self.before = leaks.snapshot(self.mgr)

    def leaks(self):
        import io
        out = io.StringIO()
        n = self.mod.compare(self.before, self.mod.snapshot(self.mgr), out)
        return n, out.getvalue()
