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

"""``performance_degradation``: slower than the baseline by at most N %.

Rally's SLA of that name compares iterations within one task; here the
newest passed run of a scenario is compared with the median of its
previous ``baseline_runs`` passed runs (default 5), or, with ``report
--baseline RESULTS``, the median of the runs given with the median of
that set (:mod:`.baseline`). Wall time, or one ``step``'s duration.
"""

from cross_service_tempest_plugin.report import baseline as base_mod
from cross_service_tempest_plugin.report import thresholds as thr


def verdict(t, scenario, runs, baseline_runs=None):
    text = base_mod.title(t, 'performance degradation', scenario)
    got = base_mod.compare(runs, scenario, t.get('step'),
                           t['baseline_runs'], baseline_runs)
    v = dict(t, stat='change', scenario=scenario, unit='%', text=text,
             n=got['n'] + 1 if got else 0,
             measured=got['change'] if got else None)
    if got is None or got['change'] is None:
        v['status'] = thr.NO_DATA
        v['message'] = ('%s: limit +%.0f %%, no baseline (needs 2 passed '
                        'runs, or a baseline set with this scenario) [%s]'
                        % (text, t['max'], t['origin']))
        return v
    v['status'] = thr.PASS if got['change'] <= t['max'] else thr.BREACH
    v['message'] = ('%s: limit +%.0f %%, measured %+.0f %% (%s %.2f s '
                    'against the %s, %.2f s) [%s]' % (
                        text, t['max'], got['change'], got['current_is'],
                        got['current'], got['against'], got['baseline'],
                        t['origin']))
    return v
