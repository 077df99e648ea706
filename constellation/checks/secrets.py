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

"""No secret of a state dir on any command line or in its logs.

``python -m constellation.checks.secrets [--state-dir D]`` scans now;
the ``--lifecycle`` smoke check samples every command line while ``up``
re-runs the steps that handle secrets (see smoke.check_up_again).
"""

import argparse
import os
import sys
import threading

import psutil

from constellation import core
from constellation import state as statemod


def _named(secrets):
    return [(n, v.encode()) for n, v in sorted(secrets.items()) if v]


def cmdline_hits(secrets, processes=psutil.process_iter):
    """[(pid, secret name)] over every process's command line (psutil)."""
    named = [(n, v) for n, v in sorted(secrets.items()) if v]
    hits = []
    for p in processes(['pid', 'cmdline']):
        # a process we may not read, or a zombie: cmdline None or []
        cmd = '\0'.join(p.info['cmdline'] or ())
        hits += [(p.info['pid'], n) for n, v in named if v in cmd]
    return hits


def log_hits(root, secrets):
    """[(log file, secret name)] over <state>/logs."""
    hits = []
    named = _named(secrets)
    d = os.path.join(root, 'logs')
    for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        with open(os.path.join(d, name), 'rb') as f:
            text = f.read()
        hits += [(os.path.join(d, name), n) for n, v in named if v in text]
    return hits


class Sampler(threading.Thread):
    """Scan all command lines every ``interval`` s until stopped."""

    def __init__(self, secrets, interval=0.02):
        super().__init__(daemon=True)
        self.secrets, self.interval = secrets, interval
        self.hits, self.samples = set(), 0
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(self.interval):
            self.hits.update(cmdline_hits(self.secrets))
            self.samples += 1

    def stop(self):
        self.done.set()
        self.join()
        return self.hits


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--state-dir', default=statemod.default_root(core.REPO))
    args = p.parse_args(argv)
    secrets = statemod.State(args.state_dir).secrets()
    cmd = cmdline_hits(secrets)
    logs = log_hits(args.state_dir, secrets)
    for pid, name in cmd:
        print('FAIL secret %r on the command line of pid %d' % (name, pid))
    for path, name in logs:
        print('FAIL secret %r in %s' % (name, path))
    print('%d secrets, %d hits on command lines, %d in logs' % (
        len(secrets), len(cmd), len(logs)))
    return 1 if cmd or logs else 0


if __name__ == '__main__':
    sys.exit(main())
