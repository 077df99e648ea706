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

"""A fault matrix (``bench/fault_matrix.py --json``) as a heat-map's data.

The report recognises a matrix document by its ``format`` field
(:data:`..faults.matrix.FORMAT`; shape documented there) among the RESULTS
it is given. One heat-map per document: a row per faulted service, a
column per scenario; a cell's colour is its outcome (:data:`OUTCOMES`), its
text the verdict (the failed step), the time to converge and the outage
window the DNS probe saw; a cell that leaked is flagged.
"""

from cross_service_tempest_plugin.faults import matrix

FORMAT_PREFIX = matrix.FORMAT.rsplit('/', 1)[0] + '/'

# outcome → legend text (the order of the legend)
OUTCOMES = (
    ('passed', 'passed, no outage seen, converged'),
    ('degraded', 'passed, but the probe saw an outage or the cloud did '
                 'not converge / was unhealthy after'),
    ('failed', 'failed (at the step named)'),
    ('no_fault', 'fault not injected (run stopped before it, or the fault '
                 'command failed)'),
)


class MatrixError(ValueError):
    """A matrix document the report cannot read (message names why)."""


def is_matrix(doc):
    """Does the JSON document claim to be a fault matrix (any version)?"""
    return (isinstance(doc, dict) and isinstance(doc.get('format'), str)
            and doc['format'].startswith(FORMAT_PREFIX))


def check(doc, source):
    """Raise MatrixError unless ``doc`` is a matrix this report reads."""
    if doc.get('format') != matrix.FORMAT:
        raise MatrixError('%s: fault matrix format %r is not supported '
                          '(this report reads %s)'
                          % (source, doc.get('format'), matrix.FORMAT))
    cells = doc.get('cells')
    if not isinstance(cells, list) or not all(
            isinstance(c, dict) and c.get('scenario') and c.get('service')
            for c in cells):
        raise MatrixError('%s: "cells" must be a list of mappings with '
                          '"scenario" and "service"' % source)


def outcome(cell):
    """One of :data:`OUTCOMES` for a cell."""
    if cell.get('fault_error') or any(
            str(n).startswith('fault not injected')
            for n in cell.get('notes') or ()):
        return 'no_fault'
    if not cell.get('passed'):
        return 'failed'
    out = cell.get('outage') or {}
    if (out.get('misses') or cell.get('converge_seconds') is None or
            cell.get('health_after') is False):
        return 'degraded'
    return 'passed'


def _secs(value):
    return '-' if value is None else '%.1f s' % value


def cell_lines(cell):
    """The text inside a cell: verdict, converge, outage[, leaks]."""
    lines = [matrix.verdict(cell).replace('FAILED@', 'FAILED @ ')]
    if outcome(cell) == 'no_fault':
        lines[0] = 'no fault; %s' % lines[0]
    conv = cell.get('converge_seconds')
    lines.append('converge %s' % _secs(conv) if conv is not None
                 else 'never converged' if outcome(cell) != 'no_fault'
                 else 'converge -')
    lines.append('outage %s' % matrix.outage_text(cell.get('outage')))
    if cell.get('leaks'):
        lines.append('LEAKED %d' % cell['leaks'])
    return lines


def cell_tip(cell):
    """Tooltip: the whole story of a cell."""
    tip = ['%s / %s %s: %s, scenario %s' % (
        cell['scenario'], cell.get('action', 'restart'), cell['service'],
        matrix.verdict(cell), _secs(cell.get('duration')))]
    if cell.get('error'):
        tip.append(str(cell['error']).splitlines()[0][:300])
    tip += ['health %s' % p[:200] for p in cell.get('health_problems') or ()]
    tip += [str(e)[:200] for e in cell.get('undo_errors') or ()]
    tip += [str(n)[:200] for n in cell.get('notes') or ()]
    if cell.get('leaks'):
        tip.append('leaked: %s' % (cell.get('leak_report') or '')[:300])
    return '\n'.join(tip)


def heatmap(doc, source):
    """One matrix document → the heat-map's data (plain values).

    ``rows``: faulted services, ``columns``: scenarios (in run order, as the
    document lists them, plus any only the cells name); ``grid[r][c]``: the
    cell's ``outcome``, ``lines``, ``tip`` and ``leaks``, or None (not
    run).
    """
    check(doc, source)
    rows, columns = list(doc.get('services') or ()), list(
        doc.get('scenarios') or ())
    for c in doc['cells']:
        if c['service'] not in rows:
            rows.append(c['service'])
        if c['scenario'] not in columns:
            columns.append(c['scenario'])
    actions = {}
    for c in doc['cells']:
        actions.setdefault(c['service'], c.get('action') or 'restart')
    grid = [[None] * len(columns) for _ in rows]
    counts = {name: 0 for name, _text in OUTCOMES}
    leaking = 0
    for c in doc['cells']:
        view = {'outcome': outcome(c), 'lines': cell_lines(c),
                'tip': cell_tip(c), 'leaks': c.get('leaks') or 0,
                'converge_seconds': c.get('converge_seconds'),
                'outage_seconds': (c.get('outage') or {}).get('seconds')}
        grid[rows.index(c['service'])][columns.index(c['scenario'])] = view
        counts[view['outcome']] += 1
        leaking += 1 if view['leaks'] else 0
    return {'source': source, 'controller': doc.get('controller'),
            'started_at': doc.get('started_at'),
            'finished_at': doc.get('finished_at'),
            'rows': rows, 'columns': columns, 'grid': grid,
            'row_labels': ['%s %s' % (actions.get(r, 'restart'), r)
                           for r in rows],
            'counts': counts, 'leaking': leaking,
            'table': _table(doc)}


def _table(doc):
    try:
        return matrix.table(doc)
    except (KeyError, TypeError, ValueError):   # a cell lacks a column
        return None
