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

"""``run A B --repeat N --concurrency M``: several runs of the CLI.

One run is :func:`cross_service_tempest_plugin.cli.cmd_run`. Several go
one after the other in this process, or with ``--concurrency`` > 1 each
in a child process ``cross-service-scenario run NAME --json`` of its own:
Tempest's configuration is one per process and only a process's main
thread gets Ctrl-C, so a process per run is what gives every run its own
signal handling and cleanup. The children run in their own session; the
first Ctrl-C (or SIGTERM) here is passed on to each of them once, and this
process waits until all of them have cleaned up.

Every scenario, override and ``--until`` is checked before the first run
starts (bad input: exit 2, nothing created).
"""

import copy
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

from cross_service_tempest_plugin import cli


def _check(args):
    """Build (not enter) a Scenario per name: bad input fails here."""
    from cross_service_tempest_plugin import api
    from cross_service_tempest_plugin.scenarios import placeholders
    overrides = placeholders.Overrides.parse(args.overrides, '--set')
    for name in dict.fromkeys(args.names):
        sc = api.Scenario(name, config_file=args.config, overrides=overrides,
                          scenario_files=args.scenario_file)
        sc.check_step(args.until, '--until')


def plan(names, repeat):
    """[(scenario, 'scenario#i'), ...]: each scenario, ``repeat`` times."""
    several = repeat > 1
    return [(name, '%s#%d' % (name, i + 1) if several else name)
            for i in range(repeat) for name in names]


def run_all(args, stdout, stderr, options=None):
    """Run every planned run → the worst exit code (130 interrupted)."""
    runs = plan(args.names, args.repeat)
    if len(runs) == 1:
        args.name = args.names[0]
        return cli.cmd_run(args, stdout, stderr)
    _check(args)
    lines = stderr if args.json else stdout
    if args.concurrency > 1:
        codes, docs = _in_processes(args, runs, lines, options)
    else:
        codes, docs = _in_turn(args, runs, stdout, stderr, lines)
    if args.json:
        stdout.write(json.dumps(docs, indent=2, default=str) + '\n')
    _summary(runs, codes, docs, lines)
    if cli.EXIT_INTERRUPTED in codes.values():
        return cli.EXIT_INTERRUPTED
    for code in (cli.EXIT_USAGE, cli.EXIT_FAILED):
        if code in codes.values():
            return code
    return cli.EXIT_FAILED if len(codes) < len(runs) else cli.EXIT_OK


def _in_turn(args, runs, stdout, stderr, lines):
    codes, docs = {}, []
    for name, title in runs:
        lines.write('== %s\n' % title)
        one = copy.copy(args)
        one.name, one.result = name, None
        # --json: the documents are printed together, as a list
        out = io.StringIO() if args.json else stdout
        codes[title] = cli.cmd_run(one, out, stderr)
        if one.result is not None:
            docs.append(dict(one.result.to_dict(), run=title))
        if codes[title] == cli.EXIT_INTERRUPTED:
            break
    return codes, docs


def child_argv(args, name, options=None):
    """The command line of one run in a child process."""
    argv = [sys.executable, '-m', 'cross_service_tempest_plugin.cli']
    if options is not None:
        if options.debug:
            argv.append('--debug')
        argv += ['-v'] * max(options.verbose_level - 1, 0)
    argv += ['run', name, '--json']
    if args.config:
        argv += ['--config', args.config]
    for path in args.scenario_file:
        argv += ['--scenario-file', path]
    for item in args.overrides:
        argv += ['--set', item]
    if args.until:
        argv += ['--until', args.until]
    if args.fail_on_breach:
        argv.append('--fail-on-breach')
    if args.results_dir:
        argv += ['--results-dir', args.results_dir]
    return argv


class _Child(object):
    """One run in a child process; its lines prefixed with its title."""

    def __init__(self, args, name, title, lines, lock, options, tmp):
        self.title = title
        self.out_path = os.path.join(tmp, '%d.json' % id(self))
        self.result_file = None
        self._lines, self._lock = lines, lock
        with open(self.out_path, 'w') as out:
            self.proc = subprocess.Popen(
                child_argv(args, name, options), stdout=out,
                stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            if line.startswith('result: '):
                self.result_file = line[len('result: '):].strip()
            with self._lock:
                self._lines.write('[%s] %s' % (self.title, line))
                self._lines.flush()

    def signal(self, signum):
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signum)
            except ProcessLookupError:
                pass

    def document(self):
        self.reader.join()
        try:
            with open(self.out_path) as f:
                return json.loads(f.read() or 'null')
        except ValueError:
            return None


def _in_processes(args, runs, lines, options):
    lock = threading.Lock()
    state = {'interrupted': False}
    pending, running, done = list(runs), [], []

    def handler(signum, frame):
        with lock:
            if state['interrupted']:
                lines.write('interrupt ignored: %d run(s) cleaning up\n'
                            % len(running))
                return
            state['interrupted'] = True
            lines.write('interrupted: %d run(s) cleaning up, %d not '
                        'started\n' % (len(running), len(pending)))
            lines.flush()
        for child in running:
            child.signal(signal.SIGINT)

    old = {s: signal.signal(s, handler)
           for s in (signal.SIGINT, signal.SIGTERM)}
    codes, docs = {}, []
    try:
        with tempfile.TemporaryDirectory(prefix='cs-runs-') as tmp:
            while pending or running:
                while (pending and len(running) < args.concurrency
                       and not state['interrupted']):
                    name, title = pending.pop(0)
                    running.append(_Child(args, name, title, lines, lock,
                                          options, tmp))
                if state['interrupted']:
                    pending = []
                for child in list(running):
                    if child.proc.poll() is not None:
                        running.remove(child)
                        done.append(child)
                time.sleep(0.2)
            for child in done:
                codes[child.title] = child.proc.returncode
                doc = child.document()
                if doc is not None:
                    docs.append(dict(doc, run=child.title))
    finally:
        for signum, previous in old.items():
            signal.signal(signum, previous)
    if state['interrupted']:
        codes['interrupted'] = cli.EXIT_INTERRUPTED
    return codes, docs


def _summary(runs, codes, docs, lines):
    """A table of the runs: run, label, outcome, time."""
    import prettytable
    by_run = {doc['run']: doc for doc in docs}
    table = prettytable.PrettyTable(['Run', 'Label', 'Result', 'Seconds'])
    table.align = 'l'
    for _name, title in runs:
        doc = by_run.get(title, {})
        if title not in codes:
            outcome = 'NOT STARTED'
        else:
            outcome = {cli.EXIT_OK: 'PASSED',
                       cli.EXIT_INTERRUPTED: 'INTERRUPTED',
                       cli.EXIT_USAGE: 'BAD INPUT'}.get(codes[title],
                                                        'FAILED')
        table.add_row([title,
                       (doc.get('values') or {}).get('name_prefix', '-'),
                       outcome, '%.1f' % (doc.get('duration') or 0.0)
                       if doc else '-'])
    lines.write('%s\n' % table)
    lines.flush()
