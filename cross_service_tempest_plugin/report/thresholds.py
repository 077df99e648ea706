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

"""Thresholds (SLA) as data, and their evaluation over runs.

A thresholds file (YAML or JSON) is a list, or a mapping with a
``thresholds`` list, of items::

    - metric: propagation       # see METRICS
      max: 30                   # seconds: the limit (required)
      stat: p95                 # max (default), p95, p90, median
      scenario: floating_ip_dns # optional: only this scenario's runs
      step: deploy              # step_duration only (required there)
      record_type: PTR          # propagation metrics: A, AAAA, PTR...
      nameserver: 127.0.0.1:53  # default: every nameserver (the slowest);
                                # "Designate API" for the API
      name: fip-ptr-p95         # optional label

A scenario definition may carry the same items under ``thresholds:``
(``scenario`` implied); so may a result (key ``thresholds``).
"""

import yaml

from cross_service_tempest_plugin.report import propagation
from cross_service_tempest_plugin.report import results as results_mod
from cross_service_tempest_plugin.report import stats

METRICS = {
    'propagation': propagation.PUBLISH,
    'update_propagation': propagation.UPDATE,
    'withdrawal': propagation.WITHDRAWN,
    'removal': propagation.REMOVAL,
    'step_duration': None,
    'scenario_duration': None,
}
STATS = ('max', 'p95', 'p90', 'median')
KEYS = {'metric', 'max', 'stat', 'scenario', 'step', 'record_type',
        'nameserver', 'name'}
PASS, BREACH, NO_DATA = 'pass', 'breach', 'no data'


def _fail(origin, index, text):
    raise results_mod.ReportError('%s: thresholds[%d]: %s'
                                  % (origin, index, text))


def validate(items, origin, scenario=None):
    """Check a list of threshold items → normalised dicts (with origin)."""
    if not isinstance(items, list):
        raise results_mod.ReportError(
            '%s: thresholds must be a list of mappings, got %s'
            % (origin, type(items).__name__))
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            _fail(origin, i, 'must be a mapping, got %r' % (item,))
        unknown = set(item) - KEYS
        if unknown:
            _fail(origin, i, 'unknown key(s) %s (known: %s)' % (
                ', '.join(sorted(unknown)), ', '.join(sorted(KEYS))))
        metric = item.get('metric')
        if metric not in METRICS:
            _fail(origin, i, 'metric must be one of %s, got %r'
                  % (', '.join(sorted(METRICS)), metric))
        limit = item.get('max')
        if isinstance(limit, bool) or not isinstance(limit, (int, float)) \
                or limit < 0:
            _fail(origin, i, 'max must be a number of seconds >= 0, got %r'
                  % (limit,))
        stat = item.get('stat', 'max')
        if stat not in STATS:
            _fail(origin, i, 'stat must be one of %s, got %r'
                  % (', '.join(STATS), stat))
        if metric == 'step_duration' and not item.get('step'):
            _fail(origin, i, 'metric step_duration needs a step')
        if metric in ('step_duration', 'scenario_duration') and (
                item.get('record_type') or item.get('nameserver')):
            _fail(origin, i, 'record_type/nameserver apply to the '
                  'propagation metrics only')
        norm = dict(item, stat=stat, max=float(limit), origin=origin)
        if scenario is not None:
            if item.get('scenario') not in (None, scenario):
                _fail(origin, i, 'scenario %r in the definition of %s'
                      % (item['scenario'], scenario))
            norm['scenario'] = scenario
        out.append(norm)
    return out


def load_file(path):
    try:
        with open(path, encoding='utf-8') as f:
            data = yaml.safe_load(f)
    except OSError as exc:
        raise results_mod.ReportError('--thresholds %s: cannot read: %s'
                                      % (path, exc.strerror))
    except yaml.YAMLError as exc:
        raise results_mod.ReportError('--thresholds %s: not YAML/JSON: %s'
                                      % (path, exc))
    if isinstance(data, dict):
        unknown = set(data) - {'thresholds'}
        if unknown or 'thresholds' not in data:
            raise results_mod.ReportError(
                '--thresholds %s: expected a list or a mapping with only a '
                '"thresholds" list (found keys: %s)'
                % (path, ', '.join(sorted(map(str, data))) or 'none'))
        data = data['thresholds']
    return validate(data, '--thresholds %s' % path)


def describe(t):
    """Human text of a threshold (without its limit)."""
    where = []
    if t.get('scenario'):
        where.append(t['scenario'])
    if t['metric'] == 'step_duration':
        text = 'step %s duration' % t['step']
    elif t['metric'] == 'scenario_duration':
        text = 'scenario wall time'
    else:
        text = '%s (%s)' % (propagation.KINDS[METRICS[t['metric']]],
                            t.get('nameserver') or propagation.EVERY)
        if t.get('record_type'):
            text = '%s %s' % (t['record_type'], text)
    return '%s%s of %s' % (t.get('name') + ': ' if t.get('name') else '',
                           t['stat'], ' '.join(where + [text]))


def measured_values(t, runs, samples_=None):
    mine = [r for r in runs
            if t.get('scenario') in (None, r.scenario)]
    if t['metric'] == 'scenario_duration':
        return [r.duration for r in mine if r.duration is not None]
    if t['metric'] == 'step_duration':
        values = []
        for r in mine:
            s = r.step(t['step'])
            if s and s.status in ('passed', 'failed') and s.duration \
                    is not None:
                values.append(s.duration)
        return values
    if samples_ is None:
        samples_ = propagation.samples(runs)
    names = {id(r) for r in mine}
    wanted = [s for s in samples_ if id(runs[s.run]) in names and
              s.kind == METRICS[t['metric']] and
              t.get('record_type') in (None, s.type)]
    where = t.get('nameserver') or propagation.EVERY
    if where == propagation.EVERY:
        wanted = propagation.every_nameserver(wanted)
    else:
        wanted = [s for s in wanted if s.where == where]
    return [s.seconds for s in wanted]


def evaluate(items, runs):
    """→ list of verdict dicts: threshold + measured, n, status, text."""
    samples_ = propagation.samples(runs)
    verdicts = []
    for t in items:
        values = measured_values(t, runs, samples_)
        measured = stats.summary(values)[t['stat']]
        if measured is None:
            status = NO_DATA
        else:
            status = PASS if measured <= t['max'] else BREACH
        text = describe(t)
        verdicts.append(dict(t, measured=measured, n=len(values),
                             status=status, text=text,
                             message='%s: limit %.3f s, measured %s (%d '
                             'value(s)) [%s]' % (
                                 text, t['max'],
                                 'n/a' if measured is None
                                 else '%.3f s' % measured, len(values),
                                 t['origin'])))
    return verdicts


def from_runs_and_definitions(runs, definitions):
    """Thresholds carried by results and scenario definitions."""
    items, seen = [], set()
    for run in runs:
        if run.thresholds and run.scenario not in seen:
            seen.add(run.scenario)
            items.extend(validate(run.thresholds, '%s (result)'
                                  % run.source, run.scenario))
    for name, definition in sorted((definitions or {}).items()):
        if name in seen or not definition.get('thresholds'):
            continue
        if not any(r.scenario == name for r in runs):
            continue
        items.extend(validate(definition['thresholds'],
                              'scenarios.%s' % name, name))
    return items
