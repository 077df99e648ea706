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

"""A baseline for a scenario's wall time or one step's duration.

The values come from the scenario's passed runs in time order (a failed
run's time says how soon it failed, not how fast it is). The baseline is
the median of the previous N runs before the newest, or of a given set of
results (``report --baseline``); the change is in percent of it. Shared
by the trends and the ``performance_degradation`` threshold.
"""

from cross_service_tempest_plugin.report import stats

WALL = 'wall time'


def title(t, what, scenario):
    """'NAME: WHAT of SCENARIO step STEP duration' (or wall time)."""
    subject = 'step %s duration' % t['step'] if t.get('step') else WALL
    return '%s%s of %s %s' % (t['name'] + ': ' if t.get('name') else '',
                              what, scenario, subject)


def values(runs, scenario, step=None):
    """→ [(run, seconds)] of the passed runs of ``scenario``, oldest first.

    The wall time, or the duration of ``step`` where it ran to an end.
    """
    out = []
    for run in sorted((r for r in runs if r.scenario == scenario and
                       r.passed), key=lambda r: r.started_at or 0.0):
        if step in (None, WALL):
            value = run.duration
        else:
            s = run.step(step)
            value = s.duration if s and s.status in ('passed',
                                                     'failed') else None
        if value is not None:
            out.append((run, value))
    return out


def compare(runs, scenario, step=None, n=5, baseline_runs=None):
    """The newest value against its baseline → dict or None (no data).

    Without ``baseline_runs``: the newest passed run against the median
    of the ``n`` passed runs before it. With it (a list of runs): the
    median of the runs given against the median of the baseline set.
    Keys: current, baseline, change (percent; None when the baseline is
    0), n (values in the baseline), against (text), newest (the run).
    """
    mine = values(runs, scenario, step)
    if baseline_runs is not None:
        base = [v for _r, v in values(baseline_runs, scenario, step)]
        if not mine or not base:
            return None
        current = stats.percentile([v for _r, v in mine], 50)
        against = 'median of %d run(s) of the baseline set' % len(base)
        newest = mine[-1][0]
        what = 'median of %d run(s)' % len(mine)
    else:
        if len(mine) < 2:
            return None
        base = [v for _r, v in mine[-1 - n:-1]]
        newest, current = mine[-1]
        against = 'median of the previous %d run(s)' % len(base)
        what = 'newest run'
    baseline = stats.percentile(base, 50)
    return {'current': current, 'baseline': baseline, 'n': len(base),
            'change': change(current, baseline), 'against': against,
            'current_is': what, 'newest': newest}


def change(current, baseline):
    """Percent change (+: slower); None when the baseline is 0."""
    if not baseline:
        return None
    return 100.0 * (current - baseline) / baseline


def table(runs, scenario, steps, n=5, baseline_runs=None):
    """Wall time and each step: its newest value against the baseline.

    → [{'step', 'current', 'baseline', 'change', 'n', 'against',
    'current_is', 'newest'}] for those with a baseline.
    """
    rows = []
    for step in [WALL] + list(steps):
        got = compare(runs, scenario, step, n, baseline_runs)
        if got:
            rows.append(dict(got, step=step))
    return rows
