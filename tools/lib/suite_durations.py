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

"""The suite's expected test durations, for stestr's first schedule.

stestr gives each worker test classes of about equal total duration when
its repository's ``times.dbm`` knows them, and deals unknown ones
round-robin (a fresh workspace ran one worker 153 s, the other 67 s).
``tools/suite-durations.json`` holds the durations of one bench run
(``bench/scenario_bench.py --durations-out``, never edited by hand);
``seed`` writes them into a fresh workspace's repository so its first
run is scheduled as a later one would be.  Only relative durations
matter to the scheduler, so a slower machine gets the same partition.

    suite_durations.py seed FILE STESTR_DIR   # ids not known there yet
    suite_durations.py write STESTR_DIR FILE [--match cross_service]

stdlib only; ``dbm.dumb`` is what stestr's file repository uses.
"""

import argparse
import datetime
from dbm import dumb
import json
import os
import re
import sys

ATTRS = re.compile(r'\[.*\]$')  # stestr keys ids without their [attrs]


def read_times(stestr_dir):
    path = os.path.join(stestr_dir, 'times.dbm')
    if not os.path.exists(path + '.dat'):
        return {}
    db = dumb.open(path, 'r')
    try:
        return {k.decode(): float(db[k]) for k in db.keys()}
    finally:
        db.close()


def seed(durations_file, stestr_dir):
    """Write the file's durations of ids the repository lacks; count."""
    with open(durations_file) as f:
        doc = json.load(f)
    have = read_times(stestr_dir)
    new = {ATTRS.sub('', k): v for k, v in doc['durations'].items()
           if ATTRS.sub('', k) not in have}
    if new:
        db = dumb.open(os.path.join(stestr_dir, 'times.dbm'), 'c')
        try:
            for k, v in new.items():
                db[k] = str(v)
        finally:
            db.close()
    return len(new), doc.get('measured', {})


def write(stestr_dir, out, match, note=None):
    """The repository's durations of ids matching ``match`` into ``out``."""
    times = {k: round(v, 1) for k, v in sorted(read_times(
        stestr_dir).items()) if re.search(match, k)}
    if not times:
        raise SystemExit('no durations of tests matching %r in %s' % (
            match, stestr_dir))
    doc = {'about': 'expected test durations (seconds) for stestr\'s '
                    'first schedule; written by bench/scenario_bench.py '
                    '--durations-out, do not edit (tools/lib/'
                    'suite_durations.py)',
           'measured': dict(note or {}, at=datetime.datetime.now(
               datetime.timezone.utc).strftime('%Y-%m-%dT%H:%MZ')),
           'durations': times}
    tmp = out + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write('\n')
    os.replace(tmp, out)
    return len(times)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('seed')
    s.add_argument('file')
    s.add_argument('stestr_dir')
    w = sub.add_parser('write')
    w.add_argument('stestr_dir')
    w.add_argument('file')
    w.add_argument('--match', default='cross_service')
    a = p.parse_args(argv)
    if a.cmd == 'seed':
        if not os.path.isdir(a.stestr_dir):
            p.error('stestr_dir: %s is not a directory' % a.stestr_dir)
        try:
            n, measured = seed(a.file, a.stestr_dir)
        except (OSError, ValueError, KeyError) as e:
            p.error('durations file %s unusable: %s' % (a.file, e))
        print('%d expected duration(s) from %s (measured %s)' % (
            n, a.file, ', '.join('%s %s' % kv for kv in sorted(
                measured.items())) or 'when unknown'))
    else:
        print('%d duration(s) written to %s' % (
            write(a.stestr_dir, a.file, a.match), a.file))
    return 0


if __name__ == '__main__':
    sys.exit(main())
