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

"""``outliers``: at most N runs far slower than the scenario's others.

Rally's SLA counts the iterations above mean + sigmas x std. Over the
handful of runs a report has, the mean and standard deviation include
the outlier itself: among n values one can never lie more than
(n - 1) / sqrt(n) deviations above the mean, so with 10 runs or fewer no
run is ever beyond 3 sigmas. The median and the median absolute
deviation (MAD, scaled by 1.4826 to estimate a standard deviation) are
robust to it: a run is an outlier when it is more than ``sigmas`` (default
3.5, Iglewicz and Hoaglin) such deviations slower than the median. Needs
``min_runs`` passed runs (default 5); wall time or one ``step``.
"""

from cross_service_tempest_plugin.report import baseline as base_mod
from cross_service_tempest_plugin.report import stats
from cross_service_tempest_plugin.report import thresholds as thr

MAD_SCALE = 1.4826      # MAD → standard deviation (normal data)
MEAN_AD_SCALE = 1.2533  # mean absolute deviation → standard deviation


def spread(values):
    """A robust standard deviation.

    The scaled MAD, else (more than half the values are equal) the scaled
    mean absolute deviation.
    """
    median = stats.percentile(values, 50)
    deviations = [abs(v - median) for v in values]
    mad = stats.percentile(deviations, 50) * MAD_SCALE
    if mad:
        return mad
    return MEAN_AD_SCALE * sum(deviations) / len(deviations)


def find(values, sigmas):
    """Indexes of the values more than ``sigmas`` spreads above the median.

    None when every value is the same.
    """
    median = stats.percentile(values, 50)
    width = spread(values)
    if not width:
        return []
    return [i for i, v in enumerate(values) if (v - median) / width >
            sigmas]


def verdict(t, scenario, runs):
    text = base_mod.title(t, 'outliers', scenario)
    pairs = base_mod.values(runs, scenario, t.get('step'))
    v = dict(t, stat='count', scenario=scenario, unit='runs', text=text,
             n=len(pairs), measured=None, outliers=[])
    if len(pairs) < t['min_runs']:
        v['status'] = thr.NO_DATA
        v['message'] = ('%s: limit %d, %d passed run(s), needs %d [%s]' % (
            text, t['max'], len(pairs), t['min_runs'], t['origin']))
        return v
    values = [value for _run, value in pairs]
    found = find(values, t['sigmas'])
    median = stats.percentile(values, 50)
    v['outliers'] = [{'source': pairs[i][0].source,
                      'started_at': pairs[i][0].started_at,
                      'seconds': values[i]} for i in found]
    v['measured'] = float(len(found))
    v['status'] = thr.PASS if len(found) <= t['max'] else thr.BREACH
    v['message'] = ('%s: limit %d, measured %d of %d run(s) more than %g '
                    'robust sigmas above the median %.2f s%s [%s]' % (
                        text, t['max'], len(found), len(values),
                        t['sigmas'], median, ''.join(
                            '; %.2f s (%s)' % (values[i], pairs[i][0].source)
                            for i in found), t['origin']))
    return v
