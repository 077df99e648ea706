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

"""The stack timeout and interval are resolved in one place (stack_wait)."""

import time
import types

import pytest

from cross_service_tempest_plugin.common import waiters
from cross_service_tempest_plugin.faults import health
from cross_service_tempest_plugin import plugin
from cross_service_tempest_plugin.scenarios import settings
from cross_service_tempest_plugin.scenarios import stacks
from cross_service_tempest_plugin import sweeper_cloud


def _conf(heat=None, stack_interval=None):
    conf = types.SimpleNamespace(
        cross_service=types.SimpleNamespace(stack_interval=stack_interval))
    if heat is not None:
        conf.heat_plugin = types.SimpleNamespace(**heat)
    return conf


def test_heat_group_gives_timeout_and_interval():
    assert settings.stack_wait(_conf({'build_timeout': 77,
                                      'build_interval': 3})) == (77, 3)


def test_own_interval_wins_over_heat_build_interval():
    assert settings.stack_wait(_conf({'build_timeout': 77,
                                      'build_interval': 3},
                                     stack_interval=0.5)) == (77, 0.5)


def test_without_heat_group_heat_plugin_defaults_hold():
    assert settings.stack_wait(_conf()) == (1200, 4)
    assert plugin.HEAT_GROUP_DEFAULTS['build_timeout'] == \
        settings.HEAT_BUILD_TIMEOUT
    assert plugin.HEAT_GROUP_DEFAULTS['build_interval'] == \
        settings.HEAT_BUILD_INTERVAL


def test_settings_default_is_the_resolved_default():
    # no None left for a caller to fill in with a number of its own
    s = settings.Settings()
    assert (s.stack_timeout, s.stack_interval) == settings.stack_wait(
        _conf())


def test_sweeper_waits_for_a_stack_as_long_as_a_run():
    cloud = sweeper_cloud.TempestCloud.__new__(sweeper_cloud.TempestCloud)
    cloud.conf = _conf({'build_timeout': 77, 'build_interval': 3},
                       stack_interval=0.5)
    assert cloud.deadline('stack') == (77, 0.5)


class _NeverDeleted(object):
    # a client default that must not be used instead of the settings'
    build_timeout, build_interval = 1000, 1000

    def delete_stack(self, name, sid):
        pass

    def show_stack(self, ident):
        return {'stack': {'stack_status': 'DELETE_IN_PROGRESS'}}


def test_stack_delete_waits_the_settings_timeout():
    clients = types.SimpleNamespace(stacks=_NeverDeleted(), events=None,
                                    resources=None)
    s = settings.Settings(stack_timeout=0.05, stack_interval=0.01)
    st = stacks.Stacks(clients, s, stacks.Resources([]))
    start = time.monotonic()
    with pytest.raises(waiters.StackTimeout) as exc:
        st.delete(('s', 'id'))
    assert time.monotonic() - start < 5
    assert 'last status DELETE_IN_PROGRESS' in str(exc.value)


def test_health_wait_takes_its_timeout_explicitly():
    h = health.HealthCheck(lambda: 't', lambda: {}, lambda: [], [])
    with pytest.raises(TypeError):
        h.wait(())
    assert h.wait((), timeout=1)['ok']
