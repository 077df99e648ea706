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

"""Everything the page shows, as plain data (no plotting, no HTML)."""

import datetime
import re

from cross_service_tempest_plugin.report import baseline
from cross_service_tempest_plugin.report import failures
from cross_service_tempest_plugin.report import fault_matrix
from cross_service_tempest_plugin.report import heat_resources
from cross_service_tempest_plugin.report import propagation
from cross_service_tempest_plugin.report import sla
from cross_service_tempest_plugin.report import stats
from cross_service_tempest_plugin.report import subunit_stream
from cross_service_tempest_plugin import threshold_items as items_mod


def clock(epoch):
    if epoch is None:
        return '-'
    return datetime.datetime.fromtimestamp(
        epoch, datetime.timezone.utc).strftime('%Y-%m-%d %H:%M:%S UTC')


def slugs(names):
    """Names → {name: slug} for HTML ids (``sc-<slug>``, ``tr-<slug>``).

    Readable, unique, only [A-Za-z0-9_-].
    """
    out, used = {}, set()
    for name in names:
        base = re.sub(r'[^A-Za-z0-9_-]+', '-', name) or '-'
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = '%s-%d' % (base, n)
        used.add(anchor)
        out[name] = anchor
    return out


def _trend(series, runs, scenario, n, baseline_runs):
    """A scenario's trend series + its baseline table and setting changes.

    Each row names its run by the run's anchor (run-<i>).
    """
    anchor = {id(r): 'run-%d' % i for i, r in enumerate(runs)}
    rows = baseline.table(runs, scenario, series['steps'], n, baseline_runs)
    for row in rows:
        row['anchor'] = anchor[id(row.pop('newest'))]
    changed = [{'started': clock(series['times'][i]),
                'anchor': 'run-%d' % series['positions'][i],
                'changed': what} for i, what in series['changes']]
    return dict(series, baseline=rows, setting_changes=changed,
                baseline_runs=n)


def build(runs, skipped=(), threshold_items=(), tests=None, matrices=(),
          baseline_runs=None, trend_runs=items_mod.DEFAULT_BASELINE_RUNS):
    """→ the report's data (a dict of plain values, JSON-serialisable).

    ``matrices``: ``(path, document)`` of fault matrices (heat-maps);
    ``baseline_runs``: the runs of ``report --baseline`` (or None);
    ``trend_runs``: how many previous runs the trends' baseline is the
    median of.
    """
    placed = stats.lanes(runs)
    lane_of = {id(r): lane for r, lane in placed}
    samples = propagation.samples(runs)
    verdicts = sla.evaluate(threshold_items, runs, baseline_runs)
    trends = {name: _trend(series, runs, name, trend_runs, baseline_runs)
              for name, series in stats.trends(runs).items()
              if len(series['times']) >= 2}
    starts = [r.started_at for r in runs if r.started_at]
    ends = [r.ended_at for r in runs if r.ended_at]
    return {
        'generated_at': clock(datetime.datetime.now(
            datetime.timezone.utc).timestamp()),
        'first_start': clock(min(starts)) if starts else '-',
        'wall_seconds': (max(ends) - min(starts)) if starts and ends
        else None,
        # a run's row is run-<i>, its failure box fail-<i> (one file may
        # hold several runs: the file name alone is no anchor)
        'runs': [{'scenario': r.scenario, 'outcome': r.outcome,
                  'anchor': 'run-%d' % i,
                  'failure_anchor': None if r.passed else 'fail-%d' % i,
                  'started': clock(r.started_at), 'duration': r.duration,
                  'failed_step': r.failed_step, 'source': r.source,
                  'lane': lane_of.get(id(r)),
                  'known_bugs': [b.get('summary') for b in r.known_bugs],
                  'cleanup_errors': r.cleanup_errors}
                 for i, r in enumerate(runs)],
        'passed': sum(1 for r in runs if r.passed),
        'failed': sum(1 for r in runs if not r.passed),
        'lanes': max([lane for _r, lane in placed] + [-1]) + 1,
        'scenarios': stats.scenario_table(runs),
        'steps': stats.step_table(runs),
        'heat_resources': heat_resources.table(runs),
        'propagation': propagation.table(samples),
        'propagation_kinds': dict(propagation.KINDS),
        'failures': [dict(failures.failure(r), anchor='fail-%d' % i,
                          run_anchor='run-%d' % i)
                     for i, r in enumerate(runs) if not r.passed],
        'slugs': slugs(stats.scenario_names(runs)),
        'trends': trends,
        'trend_runs': trend_runs,
        'baseline_given': baseline_runs is not None,
        'verdicts': verdicts,
        'breaches': sla.breaches(verdicts),
        'tests': tests or [],
        'test_counts': subunit_stream.counts(tests or []),
        'skipped': [{'path': p, 'reason': why} for p, why in skipped],
        'fault_matrices': [fault_matrix.heatmap(doc, path)
                           for path, doc in matrices],
        'fault_outcomes': list(fault_matrix.OUTCOMES),
    }
