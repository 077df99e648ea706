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

"""Box plots: the distribution of each step's duration over the runs.

Drawn only for the steps with :data:`.stats.TAIL_MIN` values or more
(fewer make a box that claims more than they know); each run is a dot on
its box. A log axis when the steps differ by more than 20 times (a deploy
of tens of seconds beside checks of a tenth).
"""

from matplotlib import figure as mfigure
from matplotlib import ticker

from cross_service_tempest_plugin.report import stats
from cross_service_tempest_plugin.report import svg_figure

LOG_RATIO = 20.0


def step_boxes(name, rows, wall=None):
    """One scenario's box plot (None: no step has enough values).

    ``rows``: its step rows of :func:`.stats.step_table`; ``wall``: its
    row of :func:`.stats.scenario_table` (the wall time).
    """
    drawn = [('wall time', wall)] if wall and wall['n'] >= stats.TAIL_MIN \
        else []
    drawn += [(r['name'], r) for r in rows if r['n'] >= stats.TAIL_MIN]
    if not drawn:
        return None
    values = [[float(v) for v in r['values']] for _label, r in drawn]
    fig = mfigure.Figure(figsize=(11, 0.8 + 0.42 * len(drawn)))
    ax = fig.add_subplot()
    boxes = ax.boxplot(values, orientation='horizontal', widths=0.55,
                       patch_artist=True, showfliers=False,
                       medianprops={'color': 'black', 'linewidth': 1.5})
    tips = {}
    for i, ((label, row), box) in enumerate(zip(drawn, boxes['boxes'])):
        colour = 'black' if label == 'wall time' else \
            svg_figure.SERIES[i % len(svg_figure.SERIES)]
        box.set_facecolor(colour)
        box.set_alpha(0.35)
        gid = 'tip-box-%d' % i
        box.set_gid(gid)
        q1, q3 = (stats.percentile(row['values'], p) for p in (25, 75))
        tips[gid] = ('%s: n=%d, median %.2f s, quartiles %.2f-%.2f s, '
                     'min %.2f s, max %.2f s' % (
                         label, row['n'], row['median'], q1, q3,
                         row['min'], row['max']))
        n = len(values[i])
        ax.scatter(values[i], [i + 1 + ((k % 5) - 2) * 0.05
                               for k in range(n)], s=9, color=colour,
                   alpha=0.8, linewidths=0, zorder=3)
    ax.set_yticks(range(1, len(drawn) + 1), [label for label, _ in drawn])
    ax.set_ylim(len(drawn) + 0.5, 0.5)
    low = min(min(v) for v in values)
    high = max(max(v) for v in values)
    if low > 0 and high / low > LOG_RATIO:
        ax.set_xscale('log')
        # plain numbers: 10^-1 would be mathtext, which the report
        # switches off (names are data)
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(
            lambda v, _pos: '%g' % v))
        ax.xaxis.set_minor_formatter(ticker.NullFormatter())
        ax.set_xlabel('seconds (log scale)')
    else:
        ax.set_xlabel('seconds')
    ax.grid(axis='x', color='#ddd', linewidth=0.5)
    ax.set_axisbelow(True)
    return svg_figure.to_svg(fig, 'box-' + name, tips)
