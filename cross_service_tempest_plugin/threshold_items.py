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
runs (see there for the item keys); neither imports the other.
"""

import math

# The metrics, in the order report.thresholds maps them to its kinds.
METRICS = ('propagation', 'update_propagation', 'withdrawal', 'removal',
           'step_duration', 'scenario_duration')
STATS = ('max', 'p95', 'p90', 'median')
KEYS = {'metric', 'max', 'stat', 'scenario', 'step', 'record_type',
        'nameserver', 'name'}


class ThresholdError(ValueError):
    """A threshold item is wrong (the message names where it came from)."""


def _fail(origin, index, text):
    raise ThresholdError('%s: thresholds[%d]: %s' % (origin, index, text))


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
                or not math.isfinite(limit) or limit < 0:
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
