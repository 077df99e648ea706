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

import jinja2

from cross_service_tempest_plugin.report import plot_distribution
from cross_service_tempest_plugin.report import plot_heatmap
from cross_service_tempest_plugin.report import plot_propagation
from cross_service_tempest_plugin.report import plot_timeline
from cross_service_tempest_plugin.report import plot_trend
from cross_service_tempest_plugin.report import stats


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
    wall = {row['name']: row for row in data['scenarios']}
    figures = {
        'timelines': plot_timeline.timelines(runs),
        'sessions': len(stats.sessions(runs)),
        'scenarios': {name: plot_timeline.scenario_timeline(runs, name)
                      for name in data['steps']},
        'boxes': {name: plot_distribution.step_boxes(name, rows, wall.get(
            name)) for name, rows in data['steps'].items()},
        'propagation': {kind: plot_propagation.propagation_plot(rows, kind)
                        for kind, rows in data['propagation'].items()},
        'trends': {name: plot_trend.trend_plot(name, series)
                   for name, series in data['trends'].items()},
        'heat_colours': plot_heatmap.HEAT,
        'heatmaps': [plot_heatmap.heatmap(hm, 'heat-%d' % i)
                     for i, hm in enumerate(data['fault_matrices'])],
    }
    return env.get_template('report.html.j2').render(d=data, fig=figures)
