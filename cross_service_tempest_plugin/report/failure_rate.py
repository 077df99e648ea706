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
percent: by default 0 %, so that a failed run is a breach and
``report --fail-on-breach`` exits non-zero (timing thresholds alone said
"thresholds met" with 1 of 4 runs failed). Verdicts have the shape of
:func:`cross_service_tempest_plugin.report.thresholds.evaluate`'s.
"""

from cross_service_tempest_plugin.report import thresholds as thr

DEFAULT_MAX = 0.0   # percent


def verdicts(runs, limit=DEFAULT_MAX):
    out = []
    for scenario in sorted({r.scenario for r in runs}):
        mine = [r for r in runs if r.scenario == scenario]
        failed = sum(1 for r in mine if not r.passed)
        rate = 100.0 * failed / len(mine)
        text = 'failure rate of %s' % scenario
        out.append({
            'metric': 'failure_rate', 'max': limit, 'stat': 'rate',
            'scenario': scenario, 'origin': 'default', 'measured': rate,
            'n': len(mine), 'text': text,
            'status': thr.PASS if rate <= limit else thr.BREACH,
            'message': '%s: limit %.0f %%, measured %.0f %% (%d of %d '
                       'run(s) failed) [default]' % (
                           text, limit, rate, failed, len(mine))})
    return out
