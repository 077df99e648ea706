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

"""Durations: percentiles, per step/scenario statistics, lanes, trends.

Trends and statistics are keyed by scenario name + step name only (never
by the values a run was given), so a changed tunable keeps its trend.
"""

import collections
import math

from cross_service_tempest_plugin.report import changes

STATS = ('median', 'p90', 'p95', 'max')
# What a number of values can tell: one value is a value (not median =
# p90 = p95 = max); from 2 a median and the range; tails (p90, p95) and a
# distribution (box plot) from TAIL_MIN.
TAIL_MIN = 5


def percentile(values, pct):
    """Linear interpolation between closest ranks (numpy's default)."""
    data = sorted(float(v) for v in values)
    if not data:
        return None
    if not 0 <= pct <= 100:
        raise ValueError('percentile must be within 0..100, got %r' % pct)
    pos = (len(data) - 1) * pct / 100.0
    low = math.floor(pos)
    high = math.ceil(pos)
    return data[low] + (data[high] - data[low]) * (pos - low)


def shown(n):
    """The statistics worth showing for ``n`` values (see TAIL_MIN)."""
    if n == 0:
        return []
    if n == 1:
        return ['value']
    if n < TAIL_MIN:
        return ['median', 'min', 'max']
    return ['median', 'p90', 'p95', 'min', 'max']


def summary(values):
    """→ {'n', 'min', 'median', 'p90', 'p95', 'max', 'shown'}.

    The numbers are None when there is no value; ``shown`` names those
    that mean something for n (:func:`shown`).
    """
    values = [float(v) for v in values if v is not None]
    if not values:
        return {'n': 0, 'min': None, 'median': None, 'p90': None,
                'p95': None, 'max': None, 'shown': []}
    return {'n': len(values), 'min': min(values),
            'median': percentile(values, 50), 'p90': percentile(values, 90),
            'p95': percentile(values, 95), 'max': max(values),
            'shown': shown(len(values))}


def scenario_names(runs):
    """Scenario names in the order they first ran."""
    seen = []
    for run in runs:
        if run.scenario not in seen:
            seen.append(run.scenario)
    return seen


def step_names(runs, scenario):
    """Step names of a scenario, in run order (union over its runs)."""
    names = []
    for run in runs:
        if run.scenario != scenario:
            continue
        for step in run.steps:
            if step.name not in names:
                names.append(step.name)
    return names


def step_table(runs):
    """Per scenario, per step: duration statistics over the runs.

    Only steps that ran to an end count toward the durations (passed or
    failed; a failed step's time is a time too) — skipped and not-run
    steps are counted apart. → {scenario: [row, ...]} with row = summary
    + name, runs, passed, failed, skipped.
    """
    table = collections.OrderedDict()
    for scenario in scenario_names(runs):
        rows = []
        mine = [r for r in runs if r.scenario == scenario]
        for name in step_names(runs, scenario):
            steps = [s for s in (r.step(name) for r in mine) if s]
            counts = collections.Counter(s.status for s in steps)
            timed = [s.duration for s in steps
                     if s.status in ('passed', 'failed')]
            row = summary(timed)
            row.update(name=name, values=timed, passed=counts['passed'],
                       failed=counts['failed'] + counts['interrupted'],
                       skipped=counts['skipped'],
                       not_run=counts['not_run'])
            rows.append(row)
        table[scenario] = rows
    return table


def scenario_table(runs):
    """Per scenario: wall time statistics and pass count."""
    rows = []
    for scenario in scenario_names(runs):
        mine = [r for r in runs if r.scenario == scenario]
        row = summary(r.duration for r in mine)
        row.update(name=scenario, runs=len(mine),
                   values=[r.duration for r in mine
                           if r.duration is not None],
                   passed=sum(1 for r in mine if r.passed))
        rows.append(row)
    return rows


def lanes(runs):
    """Assign parallel lanes by wall clock: overlapping runs never share.

    → list of (run, lane) in start order; lane 0 is the first.
    Runs without timestamps go last, each on its own lane.
    """
    placed, lane_end = [], []
    timed = [r for r in runs if r.started_at is not None]
    for run in sorted(timed, key=lambda r: (r.started_at, r.ended_at)):
        for lane, end in enumerate(lane_end):
            if end <= run.started_at:
                lane_end[lane] = run.ended_at
                break
        else:
            lane = len(lane_end)
            lane_end.append(run.ended_at)
        placed.append((run, lane))
    for run in runs:
        if run.started_at is None:
            placed.append((run, len(lane_end)))
            lane_end.append(None)
    return placed


def sessions(runs, gap=600.0):
    """Split runs into sessions: a pause over ``gap`` s starts a new one.

    Results of several jobs (e.g. a periodic job's last N) would make one
    timeline days wide; each session gets its own. → list of run lists,
    oldest first; runs without timestamps are left out.
    """
    out, end = [], None
    for run in sorted((r for r in runs if r.started_at is not None),
                      key=lambda r: r.started_at):
        if end is None or run.started_at - end > gap:
            out.append([])
            end = run.ended_at
        out[-1].append(run)
        end = max(end, run.ended_at)
    return out


def trends(runs):
    """Per scenario: the series over runs (by start time) per step.

    → {scenario: {'times': [...], 'total': [...], 'steps': {name: [...]},
    'status': [...]}} where each series has one value per run of the
    scenario (None when that step did not run to an end).
    """
    result = collections.OrderedDict()
    position = {id(r): i for i, r in enumerate(runs)}
    for scenario in scenario_names(runs):
        mine = sorted((r for r in runs if r.scenario == scenario),
                      key=lambda r: r.started_at or 0.0)
        series = {'times': [r.started_at for r in mine],
                  # each run's place in ``runs`` (the page's run-<i>)
                  'positions': [position[id(r)] for r in mine],
                  'total': [r.duration for r in mine],
                  'status': [r.outcome for r in mine],
                  'sources': [r.source for r in mine],
                  'changes': changes.setting_changes(mine),
                  'steps': collections.OrderedDict()}
        for name in step_names(mine, scenario):
            values = []
            for r in mine:
                s = r.step(name)
                values.append(s.duration if s and s.status in (
                    'passed', 'failed') else None)
            series['steps'][name] = values
        result[scenario] = series
    return result
