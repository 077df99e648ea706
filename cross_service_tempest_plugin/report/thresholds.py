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

Besides these timing metrics: ``failure_rate`` (:mod:`.failure_rate`),
``performance_degradation`` (:mod:`.degradation`) and ``outliers``
(:mod:`.outliers`); :mod:`.sla` evaluates them all. Each metric's keys
are in its JSON schema (``threshold_items.schema``).

A scenario definition may carry the same items under ``thresholds:``
(``scenario`` implied); so may a result (key ``thresholds``).
"""

from cross_service_tempest_plugin.report import propagation
from cross_service_tempest_plugin.report import results as results_mod
from cross_service_tempest_plugin.report import stats
from cross_service_tempest_plugin.scenarios import errors
from cross_service_tempest_plugin.scenarios import yaml_files
from cross_service_tempest_plugin import threshold_items

# the timing metrics (the others: failure_rate, degradation, outliers)
METRICS = dict(zip(threshold_items.TIMING, (
    propagation.PUBLISH, propagation.UPDATE, propagation.WITHDRAWN,
    propagation.REMOVAL, None, None)))
STATS = threshold_items.STATS
KEYS = threshold_items.KEYS
PASS, BREACH, NO_DATA = 'pass', 'breach', 'no data'


def validate(items, origin, scenario=None):
    """Check a list of threshold items → normalised dicts (with origin)."""
    try:
        return threshold_items.validate(items, origin, scenario)
    except threshold_items.ThresholdError as exc:
        raise results_mod.ReportError(str(exc))


def load_file(path):
    try:        # bounded as the scenario files are (size, depth, aliases)
        data = yaml_files.load_yaml_file(path, '--thresholds')
    except errors.ScenarioError as exc:
        raise results_mod.ReportError(str(exc))
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
    """The timing items → verdict dicts.

    A verdict is the threshold + measured, n, status, text, unit, message
    (:mod:`.sla` evaluates every metric).
    """
    samples_ = propagation.samples(runs)
    verdicts = []
    for t in items:
        if t['metric'] not in METRICS:
            continue
        values = measured_values(t, runs, samples_)
        measured = stats.summary(values)[t['stat']]
        if measured is None:
            status = NO_DATA
        else:
            status = PASS if measured <= t['max'] else BREACH
        text = describe(t)
        verdicts.append(dict(t, measured=measured, n=len(values),
                             status=status, text=text,
                             unit='s',
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
