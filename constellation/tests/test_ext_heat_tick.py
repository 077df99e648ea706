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

"""heat-engine's scheduler tick (constellation_ext.heat_tick, no Heat)."""

import os
import sys

import pytest

EXT = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'ext')
sys.path.insert(0, EXT)
from constellation_ext import heat_tick  # noqa: E402


def _runner_class(wait_time=1):
    """A class with the signatures of Heat's TaskRunner methods."""

    class TaskRunner:
        def __call__(self, wait_time=wait_time, timeout=None,
                     progress_callback=None, post_func=None):
            return wait_time, timeout

        def run_to_completion(self, wait_time=wait_time,
                              progress_callback=None):
            return wait_time

    return TaskRunner


def test_default_wait_time_becomes_the_tick_and_nothing_else():
    runner = _runner_class()
    heat_tick.apply(runner, tick=0.2)
    assert runner()() == (0.2, None)
    assert runner().run_to_completion() == 0.2
    # an explicit wait_time (None: no sleep) still wins
    assert runner()(wait_time=None, timeout=5) == (None, 5)
    assert runner.__call__.__defaults__ == (0.2, None, None, None)


def test_unknown_default_stops_before_changing_anything():
    runner = _runner_class(wait_time=2)
    with pytest.raises(heat_tick.TickError, match=r'wait_time defaults to '
                       r'2, not 1: Heat\'s scheduler changed'):
        heat_tick.apply(runner, tick=0.2)
    assert runner.__call__.__defaults__[0] == 2


def test_missing_wait_time_is_named():
    class TaskRunner:
        def __call__(self, timeout=None):
            pass

        def run_to_completion(self, wait_time=1):
            pass

    with pytest.raises(heat_tick.TickError,
                       match='TaskRunner.__call__ has no wait_time default'):
        heat_tick.apply(TaskRunner)
    assert TaskRunner.run_to_completion.__defaults__ == (1,)
