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

"""The fake guest's console log (constellation_ext.compute, no Nova)."""

import os
import sys
import types

import pytest

from constellation import ports
from constellation import procs
from constellation import render
from constellation import services

EXT = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'ext')
sys.path.insert(0, EXT)
from constellation_ext import compute  # noqa: E402
from constellation_ext import defaults  # noqa: E402


class _Vif(dict):
    def __init__(self, ips, **kw):
        super().__init__(**kw)
        self._ips = ips

    def fixed_ips(self):
        return [{'address': a} for a in self._ips]


class _Instance:
    def __init__(self, hostname, vifs=None, broken=False):
        self.hostname = hostname
        self._vifs = vifs or []
        self._broken = broken

    def get_network_info(self):
        if self._broken:
            raise KeyError('info_cache')
        return self._vifs


def test_console_log_ends_with_login_prompt_of_the_hostname():
    inst = _Instance('web-1', [_Vif(['10.0.0.5', 'fd00::5'],
                                    devname='tap1', address='fa:16:3e:0:0:1')])
    text = compute.console_log(inst)
    assert text.endswith('web-1 login: ')
    assert text.splitlines()[-1] == 'web-1 login: '
    assert '10.0.0.5' in text and 'fd00::5' in text and 'tap1' in text
    # says what it is: no real VM behind it
    assert compute.BANNER in text


def test_console_log_without_network_info_still_shows_the_prompt():
    text = compute.console_log(_Instance(None, broken=True))
    assert text.endswith('localhost login: ')
    assert 'ci-info: | tap' not in text


def test_nova_is_configured_with_the_driver_and_command():
    ctx = {'root': '/st', 'venv': '/st/venv', 'user': 'u', 'group': 'g',
           'ports': ports.allocate(25100),
           'secrets': {'db': 'd', 'rabbit': 'r', 'service': 's'}}
    # what nova loads as nova.virt.<compute_driver>
    assert compute.ALIAS == 'nova.virt.' + compute.DRIVER.rsplit('.', 1)[0]
    assert 'compute_driver = %s' % compute.DRIVER in render.nova_conf(ctx)
    cmd = {p.name: p.command
           for p in services.programs(ctx)}['nova-compute']
    assert cmd[0] == '/st/venv/bin/constellation-nova-compute'
    # the command is recognised as ours by name too (procs)
    argv = ['/st/venv/bin/python'] + cmd
    assert procs.is_ours('/st', argv, [])


class _ConductorAPI(object):
    """Nova 34's nova.conductor.api.API signature."""

    def wait_until_ready(self, context, early_timeout=10, early_attempts=10):
        return early_timeout, early_attempts


def _fresh(cls):
    return type(cls.__name__, (object,), {
        'wait_until_ready': types.FunctionType(
            cls.wait_until_ready.__code__, globals(), 'wait_until_ready',
            cls.wait_until_ready.__defaults__)})


def test_conductor_ping_every_second_as_long_in_all():
    api = _fresh(_ConductorAPI)
    compute.quick_conductor_ping(api)
    assert api().wait_until_ready(None) == (1, 100)
    # an explicit value still wins
    assert api().wait_until_ready(None, early_timeout=5) == (5, 100)


def test_changed_conductor_api_is_refused_unchanged():
    api = _fresh(_ConductorAPI)
    api.wait_until_ready.__defaults__ = (10, 3)
    with pytest.raises(defaults.DefaultError,
                       match=r'early_attempts defaults to 3, not 10: '
                       "Nova's conductor API changed"):
        compute.quick_conductor_ping(api)
    assert api.wait_until_ready.__defaults__ == (10, 3)
