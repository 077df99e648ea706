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

"""Record propagation: dots per record check, median and p95.
"""

from matplotlib import figure as mfigure

from cross_service_tempest_plugin.report import propagation
from cross_service_tempest_plugin.report import svg_figure

SERIES = svg_figure.SERIES


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
    return svg_figure.to_svg(fig, 'prop-' + kind, tips)
