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

"""Timelines: one bar per step, runs on wall-clock lanes.
"""

import datetime

from matplotlib import figure as mfigure

from cross_service_tempest_plugin.report import stats
from cross_service_tempest_plugin.report import svg_figure

MAX_SESSIONS = 5     # timelines drawn (the newest sessions)


def _step_colour(step, index):
    shades = svg_figure.COLOURS.get(step.status)
    return shades[index % 2] if shades else None


def _draw_run(ax, run, y, t0, tips, prefix, label_steps=True, total=None):
    for i, step in enumerate(run.steps):
        colour = _step_colour(step, i)
        if colour is None or step.started_at is None:
            continue
        left = step.started_at - t0
        width = max(step.duration or 0.0, 0.05)
        bar = ax.barh(y, width, left=left, height=0.6, color=colour,
                      edgecolor='white', linewidth=0.5)[0]
        gid = 'tip-%s-%d' % (prefix, i)
        bar.set_gid(gid)
        tips[gid] = '%s / %s: %s, %.2f s%s' % (
            run.scenario, step.name, step.status, step.duration or 0.0,
            ('\n' + step.error.splitlines()[0][:300]) if step.error else '')
        if label_steps and total and width > total * 0.07:
            ax.text(left + width / 2, y, step.name, ha='center',
                    va='center', fontsize=7, color='white', clip_on=True)


def timelines(runs, newest=MAX_SESSIONS):
    """→ [(session title, svg)], newest session first."""
    out = []
    groups = stats.sessions(runs)
    for i, group in enumerate(reversed(groups[-newest:])):
        title = '%s, %d run(s)' % (datetime.datetime.fromtimestamp(
            group[0].started_at, datetime.timezone.utc).strftime(
                '%Y-%m-%d %H:%M:%S UTC'), len(group))
        out.append((title, timeline(group, 'timeline-%d' % i)))
    return out


def timeline(runs, salt='timeline'):
    """All runs on their wall-clock lanes; one bar per step."""
    placed = stats.lanes(runs)
    timed = [(r, lane) for r, lane in placed if r.started_at is not None]
    if not timed:
        return None
    t0 = min(r.started_at for r, _ in timed)
    total = max(r.ended_at for r, _ in timed) - t0 or 1.0
    n_lanes = max(lane for _, lane in timed) + 1
    fig = mfigure.Figure(figsize=(11, 0.9 + 0.75 * n_lanes))
    ax = fig.add_subplot()
    tips = {}
    # About how many seconds one label character takes on this axis.
    per_char = total / (fig.get_figwidth() * 0.85) * 0.065
    next_start = {}     # a label may run up to the next run on its lane
    for run, lane in reversed(timed):
        next_start[id(run)] = next_start.get(lane)
        next_start[lane] = run.started_at
    for k, (run, lane) in enumerate(timed):
        _draw_run(ax, run, lane, t0, tips, '%s-%d' % (salt, k),
                  total=total)
        label = '%s%s' % (run.scenario, '' if run.passed else ' FAILED')
        room = int(((next_start[id(run)] or t0 + total * 2) -
                    run.started_at) / per_char) - 1
        if len(label) > room:
            label = label[:max(room - 1, 1)] + '\u2026'
        text = ax.text(run.started_at - t0, lane - 0.36, label,
                       fontsize=7.5, va='bottom',
                       color='#222' if run.passed else '#c62828')
        gid = 'tip-%s-r%d' % (salt, k)
        text.set_gid(gid)
        tips[gid] = '%s %s, %.1f s (%s)' % (
            run.scenario, run.outcome, run.duration or 0.0, run.source)
    ax.set_yticks(range(n_lanes), ['lane %d' % (i + 1)
                                   for i in range(n_lanes)])
    ax.set_ylim(n_lanes - 0.5, -0.75)
    ax.set_xlim(0, total * 1.01)
    ax.set_xlabel('seconds since %s' % datetime.datetime.fromtimestamp(
        t0, datetime.timezone.utc).strftime('%H:%M:%S UTC'))
    ax.grid(axis='x', color='#ddd', linewidth=0.5)
    ax.set_axisbelow(True)
    return svg_figure.to_svg(fig, salt, tips)


def scenario_timeline(runs, scenario):
    """One row per run of ``scenario`` (time since its start)."""
    mine = [r for r in runs if r.scenario == scenario and r.started_at]
    if not mine:
        return None
    total = max(r.ended_at - r.started_at for r in mine) or 1.0
    fig = mfigure.Figure(figsize=(11, 0.6 + 0.42 * len(mine)))
    ax = fig.add_subplot()
    tips = {}
    for y, run in enumerate(mine):
        _draw_run(ax, run, y, run.started_at, tips, '%s-%d' % (
            scenario, y), total=total)
    ax.set_yticks(range(len(mine)), [datetime.datetime.fromtimestamp(
        r.started_at, datetime.timezone.utc).strftime('%m-%d %H:%M:%S')
        for r in mine])
    ax.set_ylim(len(mine) - 0.5, -0.5)
    ax.set_xlim(0, total * 1.01)
    ax.set_xlabel('seconds since the run started')
    ax.grid(axis='x', color='#ddd', linewidth=0.5)
    ax.set_axisbelow(True)
    return svg_figure.to_svg(fig, 'sc-' + scenario, tips)
