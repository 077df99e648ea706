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

"""Trends: wall time and step durations over the runs' start times.
"""

import datetime

from matplotlib import dates as mdates
from matplotlib import figure as mfigure

from cross_service_tempest_plugin.report import svg_figure

SERIES = svg_figure.SERIES


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
    wall = [b for b in series.get('baseline') or () if b['step'] ==
            'wall time']
    if wall:
        ax.axhline(wall[0]['baseline'], color='black', linestyle=':',
                   linewidth=1, label='wall time baseline')
    # minticks 3: with the default 5, four hours of runs found no interval
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_ylabel('seconds')
    ax.set_ylim(bottom=0)
    ax.grid(color='#eee', linewidth=0.5)
    ax.legend(loc='upper left', bbox_to_anchor=(1.0, 1.0), fontsize=7,
              frameon=False)
    return svg_figure.to_svg(fig, 'trend-' + name, tips)
