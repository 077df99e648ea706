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
