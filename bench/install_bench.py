#!/usr/bin/env python3
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

"""Benchmark of the venv installers, uv against pip (prints; asserts none).

Installs the services venv (``constellation/requirements.txt`` with
``-c constellation/lock.txt``, as ``constellation up`` does) or the plugin
venv (``--plugin``: test-requirements and this plugin, ``-c
constraints/plugin.txt``) into fresh venvs, uv and pip in turn (uv, pip,
uv, pip ...), each with a fresh, empty download cache (``cold``, what a
fresh machine sees; ``UV_CACHE_DIR``/``PIP_CACHE_DIR``) or with one
cache kept across the runs of that installer (``--warm``: the first run
fills it and is not counted).  Prints each run's seconds and the ratio
uv/pip of each pair, so a busy machine slows both sides of a ratio alike.

    bench/install_bench.py [--runs 1] [--warm] [--plugin]

Its table is %-formatted, not PrettyTable: system python, a row per pair.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from constellation import installer  # noqa: E402


def _load():
    return '%.2f %.2f %.2f' % os.getloadavg()


def requirements(plugin):
    if plugin:
        return ['-c', os.path.join(REPO, 'constraints', 'plugin.txt'),
                '-r', os.path.join(REPO, 'test-requirements.txt'),
                '-e', REPO + '[report]']
    c = os.path.join(REPO, 'constellation')
    return ['-r', os.path.join(c, 'requirements.txt'),
            '-c', os.path.join(c, 'lock.txt')]


def one(kind, uv, args, cache, tmp):
    venv = tempfile.mkdtemp(prefix='venv-%s-' % kind, dir=tmp)
    subprocess.run([sys.executable, '-m', 'venv', venv], check=True)
    python = os.path.join(venv, 'bin', 'python')
    inst = installer.Installer(python, uv if kind == 'uv' else None)
    env = inst.env()
    env['UV_CACHE_DIR' if kind == 'uv' else 'PIP_CACHE_DIR'] = cache
    with open(os.path.join(tmp, '%s.log' % kind), 'a') as log:
        t = time.monotonic()
        r = subprocess.run(inst.argv(args), stdout=log, stderr=log, env=env)
        took = time.monotonic() - t
    shutil.rmtree(venv, ignore_errors=True)
    if r.returncode:
        sys.exit('%s install failed (exit %d); log %s' % (
            kind, r.returncode, os.path.join(tmp, '%s.log' % kind)))
    return took


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--runs', type=int, default=1, help='pairs counted')
    p.add_argument('--warm', action='store_true', help='keep each '
                   "installer's cache across its runs (one uncounted run "
                   'fills it)')
    p.add_argument('--plugin', action='store_true', help='the plugin venv '
                   'instead of the services venv')
    a = p.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix='install-bench-')
    with open(os.path.join(tmp, 'bootstrap.log'), 'w') as log:
        t = time.monotonic()
        uv, why = installer.uv_binary(sys.executable, log)
        boot = time.monotonic() - t
    if not uv:
        sys.exit('uv cannot be had: %s' % why)
    args = requirements(a.plugin)
    what = 'plugin venv' if a.plugin else 'services venv'
    print('install bench: %s, %s cache, %s; uv bootstrap (pip install '
          '--target, or the cached copy) %.1f s; load %s' % (
              what, 'warm' if a.warm else 'cold (fresh, empty)',
              installer.pin(), boot, _load()))
    caches = {k: os.path.join(tmp, 'cache-' + k) for k in ('uv', 'pip')}
    if a.warm:
        for kind in ('uv', 'pip'):
            one(kind, uv, args, caches[kind], tmp)
    print('%-4s %8s %8s %7s  %s' % ('pair', 'uv s', 'pip s', 'uv/pip',
                                    'load after'))
    ratios = []
    for i in range(a.runs):
        took = {}
        for kind in ('uv', 'pip'):
            cache = caches[kind] if a.warm else os.path.join(
                tmp, 'cache-%s-%d' % (kind, i))
            took[kind] = one(kind, uv, args, cache, tmp)
            if not a.warm:
                shutil.rmtree(cache, ignore_errors=True)
        ratios.append(took['uv'] / took['pip'])
        print('%-4d %8.1f %8.1f %7.2f  %s' % (i + 1, took['uv'], took['pip'],
                                              ratios[-1], _load()),
              flush=True)
    print('median uv/pip %.2f over %d pair(s); logs %s' % (
        statistics.median(ratios), len(ratios), tmp))
    return 0


if __name__ == '__main__':
    sys.exit(main())
