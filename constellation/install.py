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

"""Install: the Debian packages and the services venv (pinned, hashed).

The venv is filled by uv, or by pip when uv cannot be had
(``installer``), from the same requirements and constraints.
"""

import hashlib
import os
import subprocess
import sys
import time

from constellation import errors
from constellation import installer
from constellation import services

Failure = errors.Failure

HERE = os.path.dirname(os.path.abspath(__file__))
APT_PACKAGES = ('mariadb-server', 'rabbitmq-server', 'bind9', 'bind9-utils',
                'bind9-dnsutils')
# a binary that tells whether the package is there
APT_BINARIES = {'mariadb-server': 'mariadbd', 'rabbitmq-server':
                'rabbitmq-server', 'bind9': 'named', 'bind9-utils': 'rndc',
                'bind9-dnsutils': 'dig'}


# the system instances Debian would start on install (we run our own)
SYSTEM_UNITS = {'mariadb-server': 'mariadb', 'rabbitmq-server':
                'rabbitmq-server', 'bind9': 'named'}
POLICY_RC_D = '/usr/sbin/policy-rc.d'
SYSTEMD = '/run/systemd/system'


def _no_daemon_starts():
    """Install a policy-rc.d that forbids starting services (exit 101).

    Returns whether we created it (an admin's own one is left alone).
    """
    if os.path.exists(POLICY_RC_D):
        return False
    with open(POLICY_RC_D, 'w') as f:
        f.write('#!/bin/sh\n# constellation: apt-get install of its '
                'packages must not start system daemons\nexit 101\n')
    os.chmod(POLICY_RC_D, 0o755)
    return True


def _present(binary):
    if os.path.isabs(binary):
        return os.path.exists(binary)
    return services.which(binary)


def check_apt(packages=APT_PACKAGES, binaries=APT_BINARIES):
    missing = [p for p in packages if not _present(binaries[p])]
    if not missing:
        return 'present'
    cmd = 'apt-get install -y --no-install-recommends ' + ' '.join(missing)
    if os.geteuid() != 0:
        raise Failure('missing Debian packages %s; as root run:\n  '
                      'apt-get update && %s' % (', '.join(missing), cmd))
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    subprocess.run(['apt-get', 'update'], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    ours = _no_daemon_starts()
    try:
        subprocess.run(cmd.split(), check=True, env=env,
                       stdout=subprocess.DEVNULL)
    finally:
        if ours:
            os.unlink(POLICY_RC_D)
    units = [SYSTEM_UNITS[p] for p in missing if p in SYSTEM_UNITS]
    note = ('; the system %s services were not started (policy-rc.d)'
            % ', '.join(units)) if units and ours else ''
    if units and os.path.isdir(SYSTEMD):
        # not at the next boot either: the constellation runs its own
        subprocess.run(['systemctl', 'disable', '--now'] + units,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        note += ' and are disabled (systemctl disable --now %s)' % ' '.join(
            units)
    return 'installed %s%s' % (' '.join(missing), note)


def _hash(h, rel):
    with open(os.path.join(HERE, rel), 'rb') as f:
        h.update(rel.encode() + b'\0' + f.read())


def lock_hash():
    """Hash of the pinned services: requirements and lock.

    What the services' code (and so their schemas) depends on; our glue
    in ext is not part of it.
    """
    h = hashlib.sha256()
    for rel in ('requirements.txt', 'lock.txt'):
        _hash(h, rel)
    return h.hexdigest()[:16]


def ext_hash():
    """Hash of our glue package (ext): its pyproject and sources.

    Only ext's sources count: pip leaves build/ and *.egg-info in ext on
    install, and hashing those made the second `up` reinstall everything.
    """
    h = hashlib.sha256()
    _hash(h, os.path.join('ext', 'pyproject.toml'))
    pkg = os.path.join('ext', 'constellation_ext')
    for name in sorted(os.listdir(os.path.join(HERE, pkg))):
        if name.endswith('.py'):
            _hash(h, os.path.join(pkg, name))
    return h.hexdigest()[:16]


def install_hash():
    """Hash of what the venv is built from: requirements, lock, ext."""
    return hashlib.sha256(('%s %s' % (lock_hash(), ext_hash())).encode(
    )).hexdigest()[:16]


def entry_point_note(venv):
    """A warning when stevedore will keep no entry-point cache, else None.

    stevedore (``stevedore/_cache.py``, ``Cache.__init__``) writes no
    cache when ``sys.executable`` starts with ``/tmp`` ("the case when
    executed from ansible"), so every OpenStack process of a venv there
    scans all entry points again: about 1 s of CPU per process start on
    a 2-core machine.
    """
    if not venv.startswith('/tmp'):
        return None
    return ('note: the venv is under /tmp, where stevedore keeps no '
            'entry-point cache: each OpenStack process start costs about '
            '1 s more CPU. A state dir elsewhere (CONSTELLATION_STATE_DIR) '
            'starts faster')


def install_venv(st, environ=None):
    """Build (or keep) the services venv of state ``st``.

    Up to date is a comparison of hashes (no installer run).  When only
    our glue (ext) changed, only ext is reinstalled.  Returns what was
    done, with the installer and the seconds it took.
    """
    want, lock = install_hash(), lock_hash()
    have = os.path.exists(st.bin('gunicorn'))
    if st.marker('installed') == want and have:
        return 'up to date'
    glue_only = st.marker('venv_lock') == lock and have
    st.clear_marker('installed')
    if not os.path.exists(st.bin('python')):
        # pip in the venv only to bootstrap uv or to install without it
        # (ensurepip took 8.5 s); installer.ensure_pip adds it if needed
        lean = installer.choice(environ) != 'pip' and installer.cached_uv()
        subprocess.run([sys.executable, '-m', 'venv'] + (
            ['--without-pip'] if lean else []) + [st.venv], check=True)
    steps = [['--no-deps', '--force-reinstall', os.path.join(HERE, 'ext')]]
    if not glue_only:
        st.clear_marker('venv_lock')
        steps.insert(0, ['-r', os.path.join(HERE, 'requirements.txt'),
                         '-c', os.path.join(HERE, 'lock.txt')])
    t = time.monotonic()
    with open(st.log('install'), 'a') as log:
        inst = installer.pick(st.bin('python'), log, environ)
        log.write('\n# installer: %s\n' % inst.note)
        log.flush()
        for args in steps:
            r = subprocess.run(inst.argv(args), stdout=log, stderr=log,
                               env=inst.env(environ))
            if r.returncode:
                raise Failure('%s install %s failed (exit %d)' % (
                    inst.name, ' '.join(args), r.returncode),
                    service='install')
            if args[0] == '-r':
                st.set_marker('venv_lock', lock)
        if inst.compile_argv() and not glue_only:
            r = subprocess.run(inst.compile_argv(), stdout=log, stderr=log)
            if r.returncode:
                raise Failure('compiling the venv\'s bytecode failed (exit '
                              '%d)' % r.returncode, service='install')
    st.set_marker('installed', want)
    return '%s with %s in %.1fs' % (
        'installed our glue (ext) only' if glue_only else 'installed',
        inst.note, time.monotonic() - t)
