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

"""Run a snippet against a real Tempest configuration in a subprocess.

Tempest's CONF and service-client registry are process-wide singletons
that load every installed plugin on first use; a fresh interpreter per
check keeps unit tests independent of each other and of the runner.
"""

import json
import os
import subprocess
import sys
import tempfile
import textwrap

MARKER = 'UNIT-RESULT:'

BASE_CONF = """
[DEFAULT]
log_dir = {tmp}
use_stderr = true
[oslo_concurrency]
lock_path = {tmp}/lock
[identity]
uri_v3 = http://127.0.0.1:5000/v3
auth_version = v3
region = RegionOne
[auth]
use_dynamic_credentials = true
admin_username = admin
admin_password = secret
admin_project_name = admin
admin_domain_name = Default
"""


# A tempest.conf section set on which the floating_ip_dns scenario could
# run (every service and extension it requires).
ENABLED = """
[service_available]
nova = true
neutron = true
designate = true
heat = true
[network-feature-enabled]
api_extensions = all
[network]
public_network_id = pub
[dns]
nameservers = 127.0.0.1:1053
"""


def write_conf(directory, extra='', enabled=False, console_log=False,
               identity_uri=None):
    """Write ``directory``/tempest.conf → its path.

    BASE_CONF (logs in ``directory``) [+ ENABLED] + ``extra``;
    ``console_log``: Tempest logs to the console (no log_dir/use_stderr);
    ``identity_uri``: Keystone's address instead of BASE_CONF's.
    """
    conf = BASE_CONF.format(tmp=directory) + (ENABLED if enabled else '')
    if console_log:
        conf = conf.replace('log_dir = %s\n' % directory, '').replace(
            'use_stderr = true\n', '')
    if identity_uri:
        conf = conf.replace('http://127.0.0.1:5000/v3', identity_uri)
    path = os.path.join(directory, 'tempest.conf')
    with open(path, 'w') as f:
        # No continuation lines in our confs: strip indentation.
        f.write(conf + '\n'.join(
            line.strip() for line in extra.splitlines()) + '\n')
    return path


def run(snippet, extra_conf='', timeout=120):
    """Exec ``snippet``; it calls ``result(obj)``; return that obj."""
    with tempfile.TemporaryDirectory() as tmp:
        write_conf(tmp, extra_conf)
        env = dict(os.environ, TEMPEST_CONFIG_DIR=tmp,
                   TEMPEST_CONFIG='tempest.conf')
        code = ('import json\n'
                'def result(obj):\n'
                '    print(%r + json.dumps(obj))\n' % MARKER +
                textwrap.dedent(snippet))
        proc = subprocess.run([sys.executable, '-c', code], cwd=tmp,
                              env=env, capture_output=True, text=True,
                              timeout=timeout)
    for line in proc.stdout.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    raise AssertionError('snippet failed (rc %s)\nstdout:\n%s\nstderr:\n%s'
                         % (proc.returncode, proc.stdout[-3000:],
                            proc.stderr[-3000:]))


def venv_command(name):
    """Path of a console script installed next to this interpreter."""
    path = os.path.join(os.path.dirname(sys.executable), name)
    if not os.path.exists(path):
        raise AssertionError('%s is not installed next to %s; install the '
                             'test requirements into this venv'
                             % (name, sys.executable))
    return path
