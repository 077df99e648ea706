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

"""Render the report: static SVG plots (matplotlib) inside one HTML page
(Jinja2). Needs the ``[report]`` extra; no script, style or font is loaded
from anywhere: the file opens offline.
"""

import datetime
import html
import io
import re

import jinja2
import matplotlib
from matplotlib import dates as mdates
from matplotlib import figure as mfigure
from matplotlib import patches as mpatches

from cross_service_tempest_plugin.report import propagation
from cross_service_tempest_plugin.report import stats

COLOURS = {'passed': ('#2e7d32', '#66bb6a'), 'failed': ('#c62828',) * 2,
           'interrupted': ('#ef6c00',) * 2, 'skipped': ('#9e9e9e',) * 2}
MAX_SESSIONS = 5     # timelines drawn (the newest sessions)
SERIES = ['#1565c0', '#6a1b9a', '#00838f', '#ef6c00', '#558b2f',
          '#ad1457', '#4e342e', '#283593', '#f9a825', '#37474f']

matplotlib.rcParams.update({
    'svg.fonttype': 'none',     # text stays text (small, searchable)
    'font.family': 'sans-serif',
    'font.size': 9,
    'axes.spines.top': False,
    'axes.spines.right': False,
    # names are data, never mathtext: a step named "$x$" (or with one $)
    # made matplotlib's parser raise (issue 22 #8)
    'text.parse_math': False,
})


def _svg(fig, salt, tips):
    """Figure → inline <svg> text, with <title> tooltips on tagged groups."""
    matplotlib.rcParams['svg.hashsalt'] = salt
    buf = io.StringIO()
    fig.savefig(buf, format='svg', metadata={'Date': None},
                bbox_inches='tight')
    text = buf.getvalue()
    text = text[text.index('<svg'):]
    # The RDF metadata only names matplotlib (with its web address).
    text = re.sub(r'\s*<metadata>.*?</metadata>', '', text, flags=re.S)

    def add_title(match):
        tip = tips.get(match.group(1))
        if tip is None:
            return match.group(0)
        return '%s<title>%s</title>' % (match.group(0), html.escape(tip))
    return re.sub(r'<g id="(tip-[^"]+)"[^>]*>', add_title, text)


def _step_colour(step, index):
    shades = COLOURS.get(step.status)
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
    return _svg(fig, salt, tips)


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
    return _svg(fig, 'sc-' + scenario, tips)


def propagation_plot(rows, kind):
    """Dots per record check; median (black) and p95 (orange) ticks."""
    rows = [r for r in rows if r['values']]
    if not rows:
        return None
    fig = mfigure.Figure(figsize=(11, 0.7 + 0.36 * len(rows)))
    ax = fig.add_subplot()
    tips = {}
    for y, row in enumerate(rows):
        n = len(row['values'])
        offsets = [((i % 5) - 2) * 0.06 for i in range(n)]
        colour = SERIES[propagation.TYPE_ORDER.index(row['type'])] \
            if row['type'] in propagation.TYPE_ORDER else SERIES[4]
        pts = ax.scatter(row['values'], [y + o for o in offsets], s=12,
                         color=colour, alpha=0.7, linewidths=0)
        gid = 'tip-pr-%s-%d' % (kind, y)
        pts.set_gid(gid)
        tips[gid] = '%s %s: n=%d median %.3f s, p95 %.3f s, max %.3f s' % (
            row['type'], row['where'], n, row['median'], row['p95'],
            row['max'])
        ax.plot([row['median']] * 2, [y - 0.3, y + 0.3], color='black',
                linewidth=1.5)
        ax.plot([row['p95']] * 2, [y - 0.3, y + 0.3], color='#ef6c00',
                linewidth=1.5)
    ax.set_yticks(range(len(rows)), ['%s  %s' % (r['type'], r['label'])
                                     for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    # A record published before Heat said COMPLETE has a time <= 0.
    ax.set_xlim(left=min([0] + [v for r in rows for v in r['values']]))
    ax.set_xlabel('seconds (black: median, orange: p95)')
    ax.grid(axis='x', color='#ddd', linewidth=0.5)
    ax.set_axisbelow(True)
    return _svg(fig, 'prop-' + kind, tips)


def trend_plot(name, series):
    """Wall time and each step's duration over the runs' start times."""
    times = [datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
             for t in series['times']]
    fig = mfigure.Figure(figsize=(11, 3.2))
    ax = fig.add_subplot()
    tips = {}
    lines = [('wall time', series['total'])] + list(series['steps'].items())
    for i, (label, values) in enumerate(lines):
        if all(v is None for v in values):
            continue
        # NaN: a run where the step did not run breaks the line.
        ax.plot(times, [float('nan') if v is None else v for v in values],
                marker='o',
                markersize=3, linewidth=2 if i == 0 else 1,
                color='black' if i == 0 else SERIES[(i - 1) % len(SERIES)],
                label=label)
    failed = [(t, v) for t, v, s in zip(times, series['total'],
                                        series['status'])
              if s != 'passed' and v is not None]
    if failed:
        dots = ax.scatter([f[0] for f in failed], [f[1] for f in failed],
                          s=60, facecolors='none', edgecolors='#c62828',
                          linewidths=1.5, label='failed run', zorder=5)
        dots.set_gid('tip-tr-%s' % name)
        tips['tip-tr-%s' % name] = 'failed run(s)'
    for n, (index, changed) in enumerate(series.get('changes') or ()):
        # a setting changed from the run before: marked, named
        gid = 'tip-ch-%s-%d' % (name, index)
        ax.axvline(times[index], color='#6a1b9a', linestyle='--',
                   linewidth=1, gid=gid,
                   label='setting changed' if n == 0 else None)
        tips[gid] = 'settings changed: ' + '; '.join(changed)
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_ylabel('seconds')
    ax.set_ylim(bottom=0)
    ax.grid(color='#eee', linewidth=0.5)
    ax.legend(loc='upper left', bbox_to_anchor=(1.0, 1.0), fontsize=7,
              frameon=False)
    return _svg(fig, 'trend-' + name, tips)


# fault matrix outcome → cell colour (report/fault_matrix.OUTCOMES)
HEAT = {'passed': '#a5d6a7', 'degraded': '#ffcc80', 'failed': '#ef9a9a',
        'no_fault': '#e0e0e0'}


def heatmap(hm, salt='heat'):
    """A fault matrix: rows faulted services, columns scenarios.

    Cell colour: outcome; text: verdict, converge time, outage window; a
    leak: a red border and red text. Hover a cell for its whole story.
    """
    rows, cols = hm['rows'], hm['columns']
    if not rows or not cols:
        return None
    fig = mfigure.Figure(figsize=(2.4 + 2.2 * len(cols),
                                  0.9 + 0.62 * len(rows)))
    ax = fig.add_subplot()
    tips = {}
    for r in range(len(rows)):
        for c in range(len(cols)):
            cell = hm['grid'][r][c]
            colour = HEAT[cell['outcome']] if cell else '#ffffff'
            leak = bool(cell and cell['leaks'])
            patch = mpatches.Rectangle(
                (c - 0.5, r - 0.5), 1, 1, facecolor=colour,
                edgecolor='#c62828' if leak else 'white',
                linewidth=3 if leak else 1)
            ax.add_patch(patch)
            if cell is None:
                ax.text(c, r, 'not run', ha='center', va='center',
                        fontsize=7, color='#777')
                continue
            gid = 'tip-%s-%d-%d' % (salt, r, c)
            patch.set_gid(gid)
            tips[gid] = cell['tip']
            ax.text(c, r, '\n'.join(cell['lines']), ha='center',
                    va='center', fontsize=6.5, linespacing=1.15,
                    color='#b71c1c' if leak else '#212121',
                    fontweight='bold' if leak else 'normal')
    ax.set_xlim(-0.5, len(cols) - 0.5)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xticks(range(len(cols)), cols)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)), hm['row_labels'])
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    return _svg(fig, salt, tips)


def _fmt(value, digits=2):
    if value is None:
        return '-'
    return '%.*f' % (digits, value)


def html_page(runs, data):
    """The report's data (model.build) + runs → the HTML text."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader('cross_service_tempest_plugin.report',
                                    'templates'),
        autoescape=jinja2.select_autoescape(['html', 'j2']),
        undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    env.filters['s'] = _fmt
    figures = {
        'timelines': timelines(runs),
        'sessions': len(stats.sessions(runs)),
        'scenarios': {name: scenario_timeline(runs, name)
                      for name in data['steps']},
        'propagation': {kind: propagation_plot(rows, kind)
                        for kind, rows in data['propagation'].items()},
        'trends': {name: trend_plot(name, series)
                   for name, series in data['trends'].items()},
        'heat_colours': HEAT,
        'heatmaps': [heatmap(hm, 'heat-%d' % i)
                     for i, hm in enumerate(data['fault_matrices'])],
    }
    return env.get_template('report.html.j2').render(d=data, fig=figures)
