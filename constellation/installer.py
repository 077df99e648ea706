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

"""Which installer fills a venv: uv (pinned) or pip as the fallback.

uv installs the same pinned requirements and constraints as pip does
(``uv pip install -r ... -c ...``), several times faster on a cold
cache (it downloads and unpacks in parallel).  It comes from PyPI like
everything else, pinned in ``installer.txt``, bootstrapped once per user
with the venv's own pip (``pip install --target``) into
``<cache>/uv/<version>`` (``state.cache_root``), so the services venv
and the plugin venv (``tools/lib/plugin-venv.sh`` asks
``python -m constellation.installer uv PYTHON``) share one copy.

``CONSTELLATION_INSTALLER``: ``auto`` (default: uv, else pip), ``uv``
(uv or a clear error) or ``pip`` (pip only).  When the bootstrap fails
(no wheel for this platform, no index) ``auto`` says why and installs
with pip.
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile

from constellation import errors
from constellation import state as statemod

Failure = errors.Failure

HERE = os.path.dirname(os.path.abspath(__file__))
PIN_FILE = os.path.join(HERE, 'installer.txt')
CHOICES = ('auto', 'uv', 'pip')
ENV = 'CONSTELLATION_INSTALLER'
PIP = [
    '-m', 'pip', 'install', '-q', '--disable-pip-version-check']


def pin():
    """The uv requirement of ``installer.txt`` (``uv==X.Y.Z``)."""
    with open(PIN_FILE) as f:
        for line in f:
            line = line.split('#')[0].strip()
            if line:
                return line
    raise Failure('%s names no uv version' % PIN_FILE, service='install')


def choice(environ=None):
    value = (environ or os.environ).get(ENV, 'auto').strip().lower()
    if value not in CHOICES:
        raise Failure('%s=%r: expected one of %s' % (
            ENV, value, ', '.join(CHOICES)), service='install')
    return value


def home(requirement=None):
    version = (requirement or pin()).split('==')[-1]
    return os.path.join(statemod.cache_root(), 'uv', version)


def cached_uv(requirement=None):
    """The pinned uv when it was bootstrapped before, else None."""
    uv = os.path.join(home(requirement), 'bin', 'uv')
    return uv if os.access(uv, os.X_OK) else None


def uv_binary(python, log, requirement=None):
    """Path of the pinned uv, bootstrapped with ``python``'s pip if new.

    Returns ``(path, None)`` or ``(None, why)``; the pip output goes to
    ``log`` (a file object).
    """
    requirement = requirement or pin()
    target = home(requirement)
    uv = os.path.join(target, 'bin', 'uv')
    if os.access(uv, os.X_OK):
        return uv, None
    if not has_pip(python):
        return None, '%s has no pip to bootstrap %s with' % (
            python, requirement)
    parent = os.path.dirname(target)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix='.bootstrap-', dir=parent)
    try:
        r = subprocess.run([python] + PIP + ['--no-deps', '--target', tmp,
                                             requirement],
                           stdout=log, stderr=log)
        if r.returncode:
            return None, 'pip install %s failed (exit %d)' % (
                requirement, r.returncode)
        if not os.access(os.path.join(tmp, 'bin', 'uv'), os.X_OK):
            return None, '%s installed no bin/uv' % requirement
        try:
            os.rename(tmp, target)
        except OSError:
            if not os.access(uv, os.X_OK):  # not another run's copy
                raise
        return uv, None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def has_pip(python):
    venv = os.path.dirname(os.path.dirname(python))
    return bool(glob.glob(os.path.join(venv, 'lib', 'python*',
                                       'site-packages', 'pip')))


def ensure_pip(python, log):
    """pip into a venv made without it (``ensurepip``), for the fallback."""
    if not has_pip(python):
        subprocess.run([python, '-m', 'ensurepip', '--default-pip'],
                       stdout=log, stderr=log, check=True)


class Installer(object):
    """``install(args)`` with uv or pip into the venv of ``python``."""

    def __init__(self, python, uv=None, note=''):
        self.python, self.uv, self.note = python, uv, note
        self.name = 'uv' if uv else 'pip'

    def argv(self, args):
        if self.uv:
            # no --compile-bytecode: it compiles all 17,000 files, a third
            # of them tests (see compile_argv)
            return [self.uv, 'pip', 'install', '-q', '--python',
                    self.python] + list(args)
        return [self.python] + PIP + list(args)

    def compile_argv(self):
        """After uv: the venv's bytecode, tests left out; None for pip.

        pip compiles what it installs, uv does not.  Without bytecode
        every first start compiles what it imports, in each process that
        starts at the same time (importing Neutron's ML2 plugin took 8.5
        CPU-s without bytecode, 3.4 with it; compiling the venv without
        its tests takes 20 CPU-s once).  The tests (6,500 of 17,800
        files) are never imported by a service.
        """
        if not self.uv:
            return None
        site = glob.glob(os.path.join(os.path.dirname(os.path.dirname(
            self.python)), 'lib', 'python*', 'site-packages'))
        return [self.python, '-m', 'compileall', '-q', '-j', '0', '-x',
                '/tests?/'] + site

    def env(self, environ=None):
        env = dict(environ if environ is not None else os.environ)
        if self.uv:
            # the cache and the venvs may sit on different filesystems:
            # copy instead of warning about failed hard links
            env.setdefault('UV_LINK_MODE', 'copy')
        return env


def pick(python, log, environ=None, requirement=None):
    """The :class:`Installer` for the venv of ``python``.

    ``auto`` falls back to pip with a note saying why; ``uv`` without
    uv is a :class:`Failure`; ``pip`` never looks for uv.
    """
    how = choice(environ)
    if how == 'pip':
        ensure_pip(python, log)
        return Installer(python, note='pip (%s=pip)' % ENV)
    uv, why = uv_binary(python, log, requirement)
    if uv:
        return Installer(python, uv, note='uv (%s)' % (
            requirement or pin()))
    if how == 'uv':
        raise Failure('%s=uv but uv cannot be had: %s' % (ENV, why),
                      service='install')
    ensure_pip(python, log)
    return Installer(python, note='pip (uv not available: %s)' % why)


def main(argv=None):
    """``python -m constellation.installer uv PYTHON``: uv's path or ''.

    For shell callers (tools/lib/plugin-venv.sh): prints the pinned
    uv's path when it should be used, nothing when pip should; the
    reason for pip goes to stderr.  Exit 2 on bad arguments, 1 when
    CONSTELLATION_INSTALLER=uv and uv cannot be had.
    """
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] != 'uv':
        sys.stderr.write('usage: python -m constellation.installer uv '
                         'PYTHON\n')
        return 2
    try:
        inst = pick(argv[1], sys.stderr)
    except Failure as e:
        sys.stderr.write('installer: %s\n' % e)
        return 1
    if inst.uv:
        sys.stdout.write(inst.uv + '\n')
    else:
        sys.stderr.write('installer: %s\n' % inst.note)
    return 0


if __name__ == '__main__':
    sys.exit(main())
