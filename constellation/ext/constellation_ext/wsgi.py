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

"""WSGI application factories for gunicorn.

oslo.config parses ``sys.argv``; under gunicorn that is gunicorn's own
command line, so each factory replaces ``sys.argv`` before importing the
service's WSGI module.  Config locations come from the environment that
supervisord sets per program (``CONSTELLATION_CONF`` plus the services'
own ``OS_*_CONFIG_DIR`` variables).
"""

import importlib
import os
import sys

MODULES = {
    'keystone': 'keystone.wsgi.api',
    'glance': 'glance.wsgi.api',
    'placement': 'placement.wsgi.api',
    'nova-api': 'nova.wsgi.osapi_compute',
    'neutron': 'neutron.wsgi.api',
    'designate-api': 'designate.wsgi.api',
    'heat-api': 'heat.wsgi.api',
}


def make(name):
    if name not in MODULES:
        raise ValueError('unknown WSGI service %r (known: %s)'
                         % (name, ', '.join(sorted(MODULES))))
    argv = [name]
    for path in os.environ.get('CONSTELLATION_CONF', '').split(os.pathsep):
        if path:
            argv += ['--config-file', path]
    sys.argv = argv
    return importlib.import_module(MODULES[name]).application
