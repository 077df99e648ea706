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

"""The fault matrix as a heat-map (report/fault_matrix.py data).
"""

from matplotlib import figure as mfigure
from matplotlib import patches as mpatches

from cross_service_tempest_plugin.report import svg_figure

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
    return svg_figure.to_svg(fig, salt, tips)
