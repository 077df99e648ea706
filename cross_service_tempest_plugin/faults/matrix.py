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


"""The fault matrix: one cell per (scenario, fault), as JSON and a table.

The JSON document (``FORMAT``) that ``bench/fault_matrix.py --json``
writes and a report's heat-map reads is described, field by field, in
doc/source/user/faults.rst, "The fault matrix".
"""

import datetime
import json

FORMAT = 'cross-service-fault-matrix/1'


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).strftime(
        '%Y-%m-%dT%H:%M:%SZ')


def _round(value, digits=3):
    return None if value is None else round(value, digits)


def make_cell(scenario, result, record, leaks=None, leak_report='',
              notes=()):
    """One cell of the matrix.

    From a ScenarioResult-like dict (``to_dict()``), the
    :class:`~.hook.FaultHook` record and the leak count.
    """
    probe = record.get('probe')
    outage = None
    if probe:
        w = probe['all']
        outage = {'seconds': w['outage_seconds'],
                  'misses': w['outage_misses'],
                  'start': w['outage_start'], 'end': w['outage_end'],
                  'pending_misses': w['pending_misses'],
                  'samples': w['samples'], 'first_hit': w['first_hit']}
    before, after = record.get('health_before'), record.get('health_after')
    problems = []
    for label, report in (('before', before), ('after', after)):
        for p in (report or {}).get('problems', []):
            problems.append('%s: %s' % (label, p))
    notes = list(notes)
    if record.get('fault_error'):
        notes.append('fault not injected: %s' % record['fault_error'])
    elif not record.get('injected'):
        notes.append('fault not injected: the run stopped before it')
    return {
        'scenario': scenario, 'service': record['service'],
        'action': record.get('action', 'restart'),
        'settle': record.get('settle'),
        'passed': bool(result.get('passed')),
        'failed_step': result.get('failed_step'),
        'error': result.get('error'),
        'duration': _round(result.get('duration')),
        'inject_seconds': record.get('inject_seconds'),
        'converge_seconds': record.get('converge_seconds'),
        'outage': outage,
        'health_before': None if before is None else bool(before['ok']),
        'health_after': None if after is None else bool(after['ok']),
        'health_problems': problems,
        'leaks': leaks, 'leak_report': leak_report,
        'undo_errors': list(record.get('undo_errors') or []),
        'fault_error': record.get('fault_error'),
        'notes': notes,
    }


def document(cells, controller, started_at, finished_at=None):
    scenarios, services = [], []
    for c in cells:
        if c['scenario'] not in scenarios:
            scenarios.append(c['scenario'])
        if c['service'] not in services:
            services.append(c['service'])
    return {'format': FORMAT, 'started_at': started_at,
            'finished_at': finished_at or utcnow(),
            'controller': controller, 'scenarios': scenarios,
            'services': services, 'cells': list(cells)}


def dumps(doc):
    return json.dumps(doc, indent=1, sort_keys=True, default=str)


def _secs(value):
    return '-' if value is None else '%.1f' % value


def verdict(cell):
    if cell['passed']:
        return 'passed'
    if cell['failed_step']:
        return 'FAILED@%s' % cell['failed_step']
    return 'FAILED'


def outage_text(outage):
    """The outage column.

    '1.5s (4 miss)', 'none', 'none (first answer +3.0s)' when the records
    were not published yet at the fault, 'never answered'.
    """
    if outage is None:
        return 'no probe'
    if outage['first_hit'] is None:
        return 'never answered (%d samples)' % outage['samples']
    if outage['misses']:
        return '%ss (%d miss)' % (_secs(outage['seconds']),
                                  outage['misses'])
    if outage['pending_misses']:
        return 'none (first answer +%ss)' % _secs(outage['first_hit'])
    return 'none'


def table(doc):
    """The matrix as text: one line per cell, then the notes."""
    head = ('scenario', 'fault', 'result', 'inject s', 'converge s',
            'outage (probe)', 'health b/a', 'leaks')
    rows = []
    for c in doc['cells']:
        health = '%s/%s' % tuple(
            '-' if v is None else ('ok' if v else 'BAD')
            for v in (c['health_before'], c['health_after']))
        rows.append((c['scenario'], '%s %s' % (c['action'], c['service']),
                     verdict(c), _secs(c['inject_seconds']),
                     _secs(c['converge_seconds']),
                     outage_text(c['outage']), health,
                     '-' if c['leaks'] is None else str(c['leaks'])))
    widths = [max(len(r[i]) for r in rows + [head])
              for i in range(len(head))]
    line = '  '.join('%%-%ds' % w for w in widths)
    out = [line % head, line % tuple('-' * w for w in widths)]
    out += [(line % r).rstrip() for r in rows]
    notes = []
    for c in doc['cells']:
        label = '%s / %s %s' % (c['scenario'], c['action'], c['service'])
        if not c['passed'] and c['error']:
            notes.append('%s: %s' % (label, c['error'][:300]))
        for p in c['health_problems']:
            notes.append('%s: health %s' % (label, p[:300]))
        if c['leaks']:
            notes.append('%s: leaked: %s' % (label, c['leak_report'][:300]))
        for e in c['undo_errors']:
            notes.append('%s: %s' % (label, e))
        for n in c['notes']:
            notes.append('%s: %s' % (label, n))
    if notes:
        out += ['', 'notes:'] + ['  ' + n for n in notes]
    return '\n'.join(out)
