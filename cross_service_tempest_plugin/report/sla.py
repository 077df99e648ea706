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

"""Every threshold (SLA) item over the runs → verdicts, in one place.

Timing metrics (:mod:`.thresholds`), ``failure_rate`` (with its default
of 0 % per scenario, :mod:`.failure_rate`), ``performance_degradation``
(:mod:`.degradation`, against the previous runs or a baseline set) and
``outliers`` (:mod:`.outliers`).
"""

from cross_service_tempest_plugin.report import degradation
from cross_service_tempest_plugin.report import failure_rate
from cross_service_tempest_plugin.report import outliers
from cross_service_tempest_plugin.report import thresholds as thr


def evaluate(items, runs, baseline_runs=None, default_failure_rate=True):
    """→ verdict dicts (see :func:`.thresholds.evaluate`)."""
    items = list(items)
    return (failure_rate.verdicts(runs, items, default_failure_rate) +
            thr.evaluate(items, runs) +
            degradation.verdicts(items, runs, baseline_runs) +
            outliers.verdicts(items, runs))


def breaches(verdicts):
    return [v for v in verdicts if v['status'] == thr.BREACH]
