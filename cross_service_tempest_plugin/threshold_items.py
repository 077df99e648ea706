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

"""Threshold (SLA) items: what a valid one is (a leaf module).

The scenario loader checks a definition's ``thresholds:`` with
:func:`validate` and :mod:`.report.thresholds` evaluates the items over
runs; neither imports the other. Each metric has its JSON schema (its
keys, their types and ranges, what is required); an error names the
item, the key, what it must be and what it is, and where it came from.
"""

import math

import jsonschema

# The timing metrics, in the order report.thresholds maps them to kinds.
TIMING = ('propagation', 'update_propagation', 'withdrawal', 'removal',
          'step_duration', 'scenario_duration')
PROPAGATION = TIMING[:4]
# Rally's SLA and more: the share of failed runs, the newest run against
# a baseline, runs far slower than the others.
FAILURE_RATE, DEGRADATION, OUTLIERS = ('failure_rate',
                                       'performance_degradation', 'outliers')
METRICS = TIMING + (FAILURE_RATE, DEGRADATION, OUTLIERS)
STATS = ('max', 'p95', 'p90', 'median')
DEFAULT_BASELINE_RUNS = 5
DEFAULT_SIGMAS = 3.5
DEFAULT_MIN_RUNS = 5
# A unit per metric: what "max" counts.
UNITS = dict([(m, 's') for m in TIMING] +
             [(FAILURE_RATE, '%'), (DEGRADATION, '%'), (OUTLIERS, 'runs')])


def _number(text, minimum=0, maximum=None):
    schema = {'type': 'number', 'minimum': minimum, 'description': text}
    if maximum is not None:
        schema['maximum'] = maximum
    return schema


_TEXT = {'type': 'string', 'minLength': 1,
         'description': 'a non-empty string'}
_COMMON = {'metric': {'enum': list(METRICS),
                      'description': 'one of %s' % ', '.join(METRICS)},
           'name': _TEXT, 'scenario': _TEXT}
_STEP = dict(_TEXT, description="a step's name")
_SECONDS = _number('a number of seconds >= 0')
_STAT = {'enum': list(STATS), 'description': 'one of %s' % ', '.join(STATS)}
_BY_METRIC = {
    'propagation': dict(max=_SECONDS, stat=_STAT, record_type=_TEXT,
                        nameserver=_TEXT),
    'step_duration': dict(max=_SECONDS, stat=_STAT, step=_STEP),
    'scenario_duration': dict(max=_SECONDS, stat=_STAT),
    FAILURE_RATE: dict(max=_number('a percentage from 0 to 100',
                                   maximum=100)),
    DEGRADATION: dict(
        max=_number('a percentage >= 0 (how much slower than the '
                    'baseline)'), step=_STEP,
        baseline_runs={'type': 'integer', 'minimum': 1,
                       'description': 'a whole number >= 1 (the previous '
                       'runs whose median is the baseline)'}),
    OUTLIERS: dict(
        max=dict(_number('a whole number of runs >= 0'), type='integer'),
        step=_STEP,
        sigmas=dict(_number('a number > 0 (robust standard deviations '
                            'from the median)'), exclusiveMinimum=0),
        min_runs={'type': 'integer', 'minimum': 3,
                  'description': 'a whole number >= 3 (fewer runs give no '
                  'verdict)'}),
}
for _m in PROPAGATION[1:]:
    _BY_METRIC[_m] = _BY_METRIC['propagation']
REQUIRED = {m: ['metric', 'max'] + (['step'] if m == 'step_duration'
                                    else []) for m in METRICS}


def schema(metric):
    """The JSON schema of one item of ``metric``."""
    props = dict(_COMMON, **_BY_METRIC[metric])
    return {'type': 'object', 'additionalProperties': False,
            'properties': props, 'required': REQUIRED[metric]}


_VALIDATORS = {m: jsonschema.Draft7Validator(schema(m)) for m in METRICS}
KEYS = sorted({k for m in METRICS for k in schema(m)['properties']})


class ThresholdError(ValueError):
    """A threshold item is wrong (the message names where it came from)."""


def _fail(origin, index, text):
    raise ThresholdError('%s: thresholds[%d]: %s' % (origin, index, text))


def _problem(error, metric):
    """A jsonschema error → 'KEY must be WHAT, got VALUE'."""
    props = schema(metric)['properties']
    if error.validator == 'additionalProperties':
        unknown = sorted(k for k in error.instance if k not in props)
        return ('unknown key(s) %s for metric %s (its keys: %s)'
                % (', '.join(map(str, unknown)), metric,
                   ', '.join(sorted(props))))
    if error.validator == 'required':
        key = error.message.split("'")[1]
        return '%s must be %s (missing)' % (
            key, props[key].get('description', 'given'))
    key = error.absolute_path[0] if error.absolute_path else None
    what = props.get(key, {}).get('description', error.message)
    return '%s must be %s, got %r' % (key, what, error.instance)


def validate(items, origin, scenario=None):
    """Check a list of threshold items → normalised dicts (with origin)."""
    if not isinstance(items, list):
        raise ThresholdError(
            '%s: thresholds must be a list of mappings, got %s'
            % (origin, type(items).__name__))
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            _fail(origin, i, 'must be a mapping, got %r' % (item,))
        metric = item.get('metric')
        if metric not in METRICS:
            _fail(origin, i, 'metric must be one of %s, got %r'
                  % (', '.join(METRICS), metric))
        errors = sorted(_VALIDATORS[metric].iter_errors(item),
                        key=lambda e: (e.validator != 'additionalProperties',
                                       [str(p) for p in e.absolute_path]))
        if errors:
            _fail(origin, i, _problem(errors[0], metric))
        if not math.isfinite(item['max']):
            _fail(origin, i, 'max must be a finite number, got %r'
                  % (item['max'],))
        norm = dict(item, max=float(item['max']), origin=origin)
        if metric in TIMING:
            norm['stat'] = item.get('stat', 'max')
        elif metric == DEGRADATION:
            norm.setdefault('baseline_runs', DEFAULT_BASELINE_RUNS)
        elif metric == OUTLIERS:
            norm.setdefault('sigmas', DEFAULT_SIGMAS)
            norm.setdefault('min_runs', DEFAULT_MIN_RUNS)
        if scenario is not None:
            if item.get('scenario') not in (None, scenario):
                _fail(origin, i, 'scenario %r in the definition of %s'
                      % (item['scenario'], scenario))
            norm['scenario'] = scenario
        out.append(norm)
    return out
