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

"""Benchmark of the scenario suite (prints numbers; asserts nothing).

Runs ``tempest run -r cross_service --concurrency N`` (``--repeat`` times)
with ``[cross_service] results_dir`` set (through oslo.config's environment
variable OS_CROSS_SERVICE__RESULTS_DIR), so every scenario run writes its
result document there (one JSON file per run, see
doc/source/user/python-api.rst), then
reads those files and prints:
  * wall time of each suite run;
  * per scenario: duration; per step: duration (median over the runs);
  * record propagation latency: stack CREATE/UPDATE_COMPLETE seen → record
    answered by every nameserver (median/max), and stack DELETE_COMPLETE →
    record gone from every nameserver (median/max), computed as the report
    does (first answer's wall time − stack complete; older result files:
    the time each record's wait ended).
While the suite runs, each finished test's stestr line is printed with
"[done/total, left]" in front, and the steps that start and end
("  running: <scenario> (<label>): step <name> started, 3 of 8", the
Tempest test's "progress:" log lines, followed in Tempest's log file when
the config names one: [DEFAULT] log_file).

Each run also prints what each stestr worker ran (tests, seconds): a
schedule is balanced when its workers end together.

``--schedule`` measures the first run's schedule instead: three runs,
(1) a fresh workspace as before (stestr deals unknown tests round-robin),
(2) a fresh workspace seeded with the shipped durations
(``tools/suite-durations.json``, as ``tools/run-scenario-job.sh`` does),
(3) run (2)'s workspace again (its own durations: balanced); each wall
time is printed beside (3)'s, as a ratio.  ``--durations-out FILE``
writes the durations of the last run's workspace to FILE (how the
shipped file is refreshed; never edit it by hand).

    eval "$(tools/constellation env)"     # TEMPEST_CONFIG_DIR/TEMPEST_CONFIG
    bench/scenario_bench.py                  # or --config FILE
    bench/scenario_bench.py --schedule --durations-out \
        tools/suite-durations.json
    bench/scenario_bench.py --results DIR    # only summarise result files
"""

import argparse
import collections
import configparser
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import prettytable

from cross_service_tempest_plugin.report import propagation
from cross_service_tempest_plugin.report import results as report_results

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, 'tools', 'lib'))
import suite_durations  # noqa: E402

SHIPPED = os.path.join(REPO, 'tools', 'suite-durations.json')


# A test id as `tempest run --list-tests` prints it; stestr's line for a
# finished test: "{worker} test.id [1.23s] ... ok".
TEST_ID = re.compile(r'^[A-Za-z_][\w.]*\.test\w*(\[.*\])?$')
FINISHED = re.compile(r'^\{\d+\} \S+ .*\.\.\. ')
WORKER = re.compile(r'^\{(\d+)\} .* \[([\d.]+)s\] \.\.\. ')


def workers(stdout):
    """{worker: (tests, seconds)} from stestr's lines of finished tests."""
    out = {}
    for line in stdout.splitlines():
        m = WORKER.match(line)
        if m:
            n, secs = out.get(int(m.group(1)), (0, 0.0))
            out[int(m.group(1))] = (n + 1, secs + float(m.group(2)))
    return out


def load():
    return '%.2f %.2f %.2f' % os.getloadavg()


def tempest_log(config, workspace):
    """Tempest's log file for ``config`` run in ``workspace``, or None."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read(config)
    except configparser.Error:
        return None
    log_file = parser.get('DEFAULT', 'log_file', fallback=None)
    if not log_file:
        return None
    return os.path.join(parser.get('DEFAULT', 'log_dir', fallback=None) or
                        workspace, log_file)


def follow_progress(path, stop, interval=1.0):
    """Print the scenarios' "progress:" lines appended to ``path``."""
    pos = os.path.getsize(path) if os.path.exists(path) else 0
    while not stop.wait(interval):
        try:
            with open(path, 'rb') as f:
                f.seek(pos)
                chunk = f.read()
        except OSError:
            continue
        # only whole lines; a partial last line is read again next time
        chunk = chunk[:chunk.rfind(b'\n') + 1]
        pos += len(chunk)
        for line in chunk.decode('utf-8', 'replace').splitlines():
            if ' progress: ' in line:
                print('    running: %s' % line.split(' progress: ', 1)[1],
                      flush=True)


def init_workspace(workspace):
    """The stestr repository ``tempest run`` wants (``.stestr``)."""
    os.makedirs(workspace, exist_ok=True)
    if not os.path.isdir(os.path.join(workspace, '.stestr')):
        # tempest run writes .stestr.conf but wants the repository to exist
        subprocess.run([os.path.join(os.path.dirname(sys.executable),
                                     'stestr'), 'init'],
                       cwd=workspace, capture_output=True)
    return os.path.join(workspace, '.stestr')


def run_suite(config, concurrency, results_dir, workspace, regex):
    env = dict(os.environ, OS_CROSS_SERVICE__RESULTS_DIR=results_dir)
    env['TEMPEST_CONFIG_DIR'] = os.path.dirname(os.path.abspath(config))
    env['TEMPEST_CONFIG'] = os.path.basename(config)
    bindir = os.path.dirname(sys.executable)
    tempest = os.path.join(bindir, 'tempest')
    init_workspace(workspace)
    cmd = [tempest, 'run', '--config-file', os.path.abspath(config),
           '-r', regex, '--concurrency', str(concurrency)]
    listed = subprocess.run(cmd[:2] + ['--list-tests'] + cmd[2:-2],
                            cwd=workspace, env=env, capture_output=True,
                            text=True).stdout
    total = len([t for t in listed.splitlines() if TEST_ID.match(t)])
    print('suite: %d test(s) to run' % total, flush=True)
    start = time.monotonic()
    done, lines = 0, []
    stop = threading.Event()
    log = tempest_log(config, workspace)
    if log:
        threading.Thread(target=follow_progress, args=(log, stop),
                         daemon=True).start()
    with subprocess.Popen(cmd, cwd=workspace, env=env, text=True,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT) as proc:
        for line in proc.stdout:
            lines.append(line)
            if FINISHED.match(line):
                done += 1
                print('  [%d/%d, %d left, %.0f s] %s' % (
                    done, total, max(total - done, 0),
                    time.monotonic() - start, line.rstrip()), flush=True)
    stop.set()
    wall = time.monotonic() - start
    stdout = ''.join(lines)
    tail = [line for line in stdout.splitlines()
            if line.startswith((' - Passed', ' - Skipped', ' - Failed',
                                ' - Unexpected', 'Sum of execute',
                                'Totals', '======'))]
    return wall, proc.returncode, tail, stdout


def _med(values):
    values = [v for v in values if v is not None]
    if not values:
        return '-'
    return '%.2f' % statistics.median(values)


def _max(values):
    values = [v for v in values if v is not None]
    return '%.2f' % max(values) if values else '-'


def read_results(directory):
    """The result documents in ``directory`` (``*.json``, oldest first)."""
    results = []
    for path in sorted(glob.glob(os.path.join(directory, '*.json'))):
        with open(path) as f:
            results.append(json.load(f))
    return results


def summarise(results, out=sys.stdout):
    by_scenario = collections.defaultdict(list)
    for r in results:
        by_scenario[r['scenario']].append(r)
    out.write('\nPer scenario (median over %d result(s) each):\n'
              % min((len(v) for v in by_scenario.values()), default=0))
    table = prettytable.PrettyTable(['scenario', 'passed', 'duration s'])
    table.align = 'r'
    table.align['scenario'] = 'l'
    for name, rs in sorted(by_scenario.items()):
        table.add_row([name, '%d/%d' % (sum(1 for r in rs if r['passed']),
                                        len(rs)),
                       _med(r['duration'] for r in rs)])
    out.write(table.get_string() + '\n')
    out.write('\nPer step, seconds (median per scenario):\n')
    for name, rs in sorted(by_scenario.items()):
        steps = collections.OrderedDict()
        for r in rs:
            for s in r['steps']:
                steps.setdefault(s['name'], []).append(s['duration'])
        out.write('  %s: %s\n' % (name, ', '.join(
            '%s %s' % (k, _med(v)) for k, v in steps.items())))
    runs = [report_results.run_from_dict(r) for r in results]
    create, delete, api = [], [], []
    for smp in propagation.samples(runs):
        if smp.kind == propagation.PUBLISH:
            (api if smp.where == propagation.API else create).append(
                smp.seconds)
        elif smp.kind == propagation.REMOVAL and \
                smp.where != propagation.API:
            delete.append(smp.seconds)
    out.write('\nRecord propagation (per record and nameserver):\n')
    out.write('  stack COMPLETE -> ACTIVE in Designate API: n=%d median %ss '
              'max %ss\n' % (len(api), _med(api), _max(api)))
    out.write('  stack COMPLETE -> answered by nameserver:  n=%d median %ss '
              'max %ss\n' % (len(create), _med(create), _max(create)))
    out.write('  stack DELETE_COMPLETE -> gone from nameserver: n=%d median '
              '%ss max %ss\n' % (len(delete), _med(delete), _max(delete)))
    return results


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--config', help='tempest.conf of the cloud (default: '
                   'TEMPEST_CONFIG_DIR/TEMPEST_CONFIG)')
    p.add_argument('--concurrency', type=int, default=2)
    p.add_argument('--repeat', type=int, default=1)
    p.add_argument('--regex', default='cross_service')
    p.add_argument('--workspace', help='directory to run tempest in '
                   '(default: a temporary one)')
    p.add_argument('--results', metavar='DIR', help='summarise the result '
                   'files in DIR instead of running')
    p.add_argument('--keep', metavar='DIR', help='write the result files to '
                   'DIR (default: a temporary directory)')
    p.add_argument('--schedule', action='store_true', help="the first "
                   "run's schedule: fresh, fresh seeded with the shipped "
                   'durations, balanced (three runs; --repeat ignored)')
    p.add_argument('--durations-out', metavar='FILE', help="write the last "
                   "run's test durations to FILE (e.g. "
                   'tools/suite-durations.json)')
    args = p.parse_args(argv)
    if args.results:
        summarise(read_results(args.results))
        return 0
    config = args.config
    if not config and os.environ.get('TEMPEST_CONFIG_DIR'):
        config = os.path.join(os.environ['TEMPEST_CONFIG_DIR'],
                              os.environ.get('TEMPEST_CONFIG',
                                             'tempest.conf'))
    if not config:
        p.error('--config is required to run the suite (or eval "$(tools/'
                'constellation env)" for TEMPEST_CONFIG_DIR/TEMPEST_CONFIG)')
    if not os.path.isfile(config):
        p.error('--config: %s is not a file' % config)
    if args.schedule and not os.path.isfile(SHIPPED):
        p.error('--schedule: no shipped durations at %s' % SHIPPED)
    with tempfile.TemporaryDirectory() as tmp:
        results_dir = args.keep or os.path.join(tmp, 'results')
        if args.schedule:
            runs = [('fresh workspace (round-robin)', 'a', False),
                    ('fresh workspace, shipped durations', 'b', True),
                    ('balanced (its own durations)', 'b', False)]
        else:
            runs = [('run %d' % (i + 1), args.workspace or 'a', False)
                    for i in range(args.repeat)]
        walls, rc_all, ws = [], 0, None
        for label, where, seed in runs:
            ws = os.path.join(tmp, where) if not os.path.isabs(where) \
                else where
            repo = init_workspace(ws)
            if seed:
                n, _m = suite_durations.seed(SHIPPED, repo)
                print('seeded %d expected duration(s) from %s' % (
                    n, SHIPPED))
            wall, rc, tail, out = run_suite(config, args.concurrency,
                                            results_dir, ws, args.regex)
            walls.append(wall)
            rc_all = rc_all or rc
            print('%s: tempest run -r %s --concurrency %d: wall %.1f s, rc '
                  '%d, load %s' % (label, args.regex, args.concurrency, wall,
                                   rc, load()))
            for w, (n, secs) in sorted(workers(out).items()):
                print('    worker %d: %d test(s), %.1f s' % (w, n, secs))
            for line in tail:
                print('   ', line)
        if args.schedule:
            print('\nFirst-run schedule (same constellation, same run of '
                  'this bench):')
            for (label, _w, _s), wall in zip(runs, walls):
                print('  %-38s %7.1f s  %.2f x balanced' % (
                    label, wall, wall / walls[-1]))
        else:
            print('wall time median %.1f s over %d run(s)'
                  % (statistics.median(walls), len(walls)))
        if args.durations_out and not rc_all:
            n = suite_durations.write(
                os.path.join(ws, '.stestr'), args.durations_out, args.regex,
                {'concurrency': args.concurrency, 'load': load(),
                 'by': 'bench/scenario_bench.py'})
            print('%d duration(s) written to %s' % (n, args.durations_out))
        summarise(read_results(results_dir))
    return rc_all


if __name__ == '__main__':
    sys.exit(main())
