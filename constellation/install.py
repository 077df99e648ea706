"""Install: the Debian packages and the services venv (pinned, hashed)."""

import hashlib
import os
import subprocess
import sys

from constellation import errors
from constellation import services

Failure = errors.Failure

HERE = os.path.dirname(os.path.abspath(__file__))
APT_PACKAGES = ('mariadb-server', 'rabbitmq-server', 'bind9', 'bind9-utils',
                'bind9-dnsutils')
# a binary that tells whether the package is there
APT_BINARIES = {'mariadb-server': 'mariadbd', 'rabbitmq-server':
                'rabbitmq-server', 'bind9': 'named', 'bind9-utils': 'rndc',
                'bind9-dnsutils': 'dig'}


def check_apt():
    missing = [p for p in APT_PACKAGES if not services.which(APT_BINARIES[p])]
    if not missing:
        return 'present'
    cmd = 'apt-get install -y --no-install-recommends ' + ' '.join(missing)
    if os.geteuid() != 0:
        raise Failure('missing Debian packages %s; as root run:\n  '
                      'apt-get update && %s' % (', '.join(missing), cmd))
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    subprocess.run(['apt-get', 'update'], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    subprocess.run(cmd.split(), check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return 'installed ' + ' '.join(missing)


def install_hash():
    """Hash of what the venv is built from: requirements, lock, ext.

    Only ext's sources count: pip leaves build/ and *.egg-info in ext on
    install, and hashing those made the second `up` reinstall everything.
    """
    h = hashlib.sha256()
    for rel in ('requirements.txt', 'lock.txt', 'ext/pyproject.toml'):
        with open(os.path.join(HERE, rel), 'rb') as f:
            h.update(f.read())
    pkg = os.path.join(HERE, 'ext', 'constellation_ext')
    for name in sorted(os.listdir(pkg)):
        if name.endswith('.py'):
            with open(os.path.join(pkg, name), 'rb') as f:
                h.update(name.encode() + f.read())
    return h.hexdigest()[:16]


def install_venv(st):
    """Build (or keep) the services venv of state ``st``."""
    want = install_hash()
    if st.marker('installed') == want and os.path.exists(
            st.bin('gunicorn')):
        return 'up to date'
    st.clear_marker('installed')
    if not os.path.exists(st.bin('python')):
        subprocess.run([sys.executable, '-m', 'venv', st.venv], check=True)
    pip = [st.bin('python'), '-m', 'pip', 'install', '-q',
           '--disable-pip-version-check']
    with open(st.log('install'), 'a') as log:
        for args in (['-r', os.path.join(HERE, 'requirements.txt'),
                      '-c', os.path.join(HERE, 'lock.txt')],
                     ['--no-deps', '--force-reinstall',
                      os.path.join(HERE, 'ext')]):
            r = subprocess.run(pip + args, stdout=log, stderr=log)
            if r.returncode:
                raise Failure('pip install %s failed (exit %d)' % (
                    ' '.join(args), r.returncode), service='install')
    st.set_marker('installed', want)
    return 'installed'
