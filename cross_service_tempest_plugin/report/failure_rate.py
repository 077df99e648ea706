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

"""The failure rate threshold (Rally's SLA ``failure_rate``).

Per scenario, the share of its runs that failed, against a limit in
percent. A threshold item (``{metric: failure_rate, max: 25}``, from a
file, a definition or a result; with ``scenario`` or for every scenario)
sets the limit; a scenario no item covers has the default, 0 %: a failed
run is a breach and ``report --fail-on-breach`` exits non-zero (timing
thresholds alone said "thresholds met" with 1 of 4 runs failed).
"""

from cross_service_tempest_plugin.report import thresholds as thr
from cross_service_tempest_plugin import threshold_items

DEFAULT_MAX = 0.0   # percent
DEFAULT = {'metric': threshold_items.FAILURE_RATE, 'max': DEFAULT_MAX,
           'origin': 'default'}


def verdicts(runs, items=(), default=True):
    """Verdicts of the failure_rate ``items`` (+ the default's)."""
    items = [t for t in items if t['metric'] == threshold_items.FAILURE_RATE]
    names = sorted({r.scenario for r in runs})
    out = []
    for scenario in names:
        mine = [t for t in items if t.get('scenario') in (None, scenario)]
        if not mine and default:
            mine = [DEFAULT]
        for t in mine:
            out.append(verdict(t, scenario, runs))
    return out


def verdict(t, scenario, runs):
    mine = [r for r in runs if r.scenario == scenario]
    failed = sum(1 for r in mine if not r.passed)
    rate = 100.0 * failed / len(mine)
    text = '%sfailure rate of %s' % (
        t['name'] + ': ' if t.get('name') else '', scenario)
    return dict(
        t, stat='rate', scenario=scenario, measured=rate, n=len(mine),
        unit='%', text=text,
        status=thr.PASS if rate <= t['max'] else thr.BREACH,
        message='%s: limit %.0f %%, measured %.0f %% (%d of %d run(s) '
        'failed) [%s]' % (text, t['max'], rate, failed, len(mine),
                          t['origin']))
