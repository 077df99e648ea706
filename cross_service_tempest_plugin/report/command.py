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

"""``cross-service-scenario report``: results → one offline HTML file.

Exit codes: 0 written (and, with --fail-on-breach, no threshold
breached), 1 a threshold breached with --fail-on-breach, 2 bad input or
the ``[report]`` extra missing.
"""

import json
import os

from cross_service_tempest_plugin import report
from cross_service_tempest_plugin.report import fault_matrix
from cross_service_tempest_plugin.report import results as results_mod
from cross_service_tempest_plugin.scenarios import errors
from cross_service_tempest_plugin import threshold_items

EXIT_OK, EXIT_BREACH, EXIT_USAGE = 0, 1, 2


def add_arguments(sp):
    sp.add_argument('results', nargs='+', metavar='RESULTS',
                    help='result JSON files ("run --json" output) or '
                         'directories of them ([cross_service] '
                         'results_dir); a fault matrix JSON '
                         '(bench/fault_matrix.py --json, recognised by '
                         'its "format") is drawn as a heat-map')
    sp.add_argument('-o', '--output', metavar='FILE', required=True,
                    help='the HTML file to write ("-": stdout; the '
                         'summary then goes to stderr)')
    sp.add_argument('--subunit', metavar='FILE',
                    help='subunit v2 stream of a tempest run (stestr last '
                         '--subunit > FILE): its tests are listed too')
    sp.add_argument('--thresholds', metavar='FILE', action='append',
                    default=[], help='thresholds (SLA) YAML/JSON file '
                    '(repeatable); scenario definitions may carry '
                    'thresholds too')
    sp.add_argument('--baseline', metavar='RESULTS', action='append',
                    default=[], help='result files or directories to '
                    'compare with (repeatable): the baseline of the trends '
                    'and of performance_degradation thresholds is their '
                    'median (default: the median of the previous runs)')
    sp.add_argument('--baseline-runs', metavar='N', type=int,
                    default=threshold_items.DEFAULT_BASELINE_RUNS,
                    help='the trends\' baseline: the median of the N '
                    'passed runs before the newest (default %(default)s)')
    sp.add_argument('--fail-on-breach', action='store_true',
                    help='exit 1 when a threshold is breached')
    sp.add_argument('--data', metavar='FILE',
                    help='also write the report\'s data (statistics, '
                         'threshold verdicts) as JSON')
    sp.add_argument('--scenario-file', metavar='FILE', action='append',
                    default=[], help='extra scenario YAML (for the '
                    'thresholds its definitions carry)')


def _definitions(scenario_files):
    """Scenario definitions (for their thresholds); {} when unreadable."""
    from cross_service_tempest_plugin.scenarios import loader
    catalog = loader.load_catalog(scenario_files)
    return {name: catalog.get(name) for name in catalog.names()}


def _matrices_text(heatmaps):
    """', fault matrix: 10 cell(s) (8 passed, 2 failed, 1 leaking)'."""
    if not heatmaps:
        return ''
    totals = {}
    for m in heatmaps:
        for name, n in m['counts'].items():
            totals[name] = totals.get(name, 0) + n
    parts = ['%d %s' % (totals[name], name) for name, _text in
             fault_matrix.OUTCOMES if totals.get(name)]
    leaking = sum(m['leaking'] for m in heatmaps)
    if leaking:
        parts.append('%d leaking' % leaking)
    return ', fault matrix: %d cell(s) (%s)' % (
        sum(totals.values()), ', '.join(parts))


def run(args, stdout, stderr):
    from cross_service_tempest_plugin.report import model
    from cross_service_tempest_plugin.report import subunit_stream
    from cross_service_tempest_plugin.report import thresholds as thr
    missing = report.missing_modules()
    if missing:
        stderr.write('error: report needs the [%s] extra (missing: %s): %s\n'
                     % (report.EXTRA, ', '.join(missing),
                        report.INSTALL_HINT))
        return EXIT_USAGE
    from cross_service_tempest_plugin.report import render
    try:
        matrices = []
        runs, skipped = results_mod.load(args.results, matrices)
        baseline_runs = None
        if args.baseline_runs < 1:
            raise results_mod.ReportError('--baseline-runs %d: give 1 or '
                                          'more' % args.baseline_runs)
        if args.baseline:
            try:
                baseline_runs, more = results_mod.load(args.baseline)
            except results_mod.ReportError as exc:
                raise results_mod.ReportError('--baseline %s' % exc)
            skipped.extend(more)
        items = []
        for path in args.thresholds:
            items.extend(thr.load_file(path))
        items.extend(thr.from_runs_and_definitions(
            runs, _definitions(args.scenario_file)))
        tests = subunit_stream.read(args.subunit) if args.subunit else None
        out_dir = os.path.dirname(os.path.abspath(args.output))
        if args.output != '-' and not os.path.isdir(out_dir):
            raise results_mod.ReportError('-o %s: directory %s does not '
                                          'exist' % (args.output, out_dir))
        if os.path.isdir(args.output):
            raise results_mod.ReportError('-o %s: is a directory; give the '
                                          'HTML file to write, e.g. -o '
                                          '%s' % (args.output, os.path.join(
                                              args.output, 'report.html')))
    except (results_mod.ReportError, errors.ScenarioError) as exc:
        stderr.write('error: %s\n' % exc)
        return EXIT_USAGE
    for path, why in skipped:
        stderr.write('skipped: %s\n' % why)
    data = model.build(runs, skipped, items, tests, matrices, baseline_runs,
                       args.baseline_runs)
    page = render.html_page(runs, data)
    try:
        if args.output == '-':
            stdout.write(page)
            stdout, where = stderr, 'stdout'
        else:
            with open(args.output, 'w', encoding='utf-8') as f:
                f.write(page)
            where = args.output
        if args.data:
            with open(args.data, 'w', encoding='utf-8') as f:
                json.dump(data, f, indent=1, default=str)
    except OSError as exc:      # a full disk, a read-only place
        stderr.write('error: cannot write %s: %s\n'
                     % (exc.filename or args.output, exc.strerror or exc))
        return 1
    stdout.write('report: %d run(s) of %d scenario(s), %d passed, %d failed'
                 '%s -> %s\n' % (len(runs), len(data['scenarios']),
                                 data['passed'], data['failed'],
                                 _matrices_text(data['fault_matrices']),
                                 where))
    for v in data['verdicts']:
        stdout.write('threshold %s: %s\n' % (v['status'].upper(),
                                             v['message']))
    if data['breaches'] and args.fail_on_breach:
        stderr.write('error: %d threshold(s) breached (--fail-on-breach):\n'
                     % len(data['breaches']))
        for v in data['breaches']:
            stderr.write('  %s\n' % v['message'])
        return EXIT_BREACH
    return EXIT_OK
