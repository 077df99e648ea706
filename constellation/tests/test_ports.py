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

"""Port plan of the constellation (pure logic, no services)."""

import pytest

from constellation import ports


def test_allocate_is_base_plus_offset_and_unique():
    p = ports.allocate(25000)
    assert p['mysql'] == 25000
    assert p['keystone'] == 25010
    assert len(set(p.values())) == len(p)
    assert all(25000 <= v < 25000 + ports.SPAN for v in p.values())


def test_two_bases_do_not_overlap():
    a = set(ports.allocate(25000).values())
    b = set(ports.allocate(25000 + ports.SPAN).values())
    assert not a & b


@pytest.mark.parametrize('bad', ['abc', None, 80, 1023, 32768 - 99, 60000])
def test_parse_base_rejects_bad_values_naming_option(bad):
    with pytest.raises(ports.PortError) as e:
        ports.parse_base(bad)
    assert '--port-base' in str(e.value)


def test_parse_base_accepts_string():
    assert ports.parse_base('25100') == 25100


def test_busy_ports_names_port_and_owning_service():
    plan = ports.allocate(25000)
    busy = ports.busy_ports(plan, probe=lambda port: port == 25014)
    assert busy == [('neutron', 25014, 'neutron')]


def test_port_in_use_detects_a_real_listener():
    import socket
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    s.listen(1)
    try:
        assert ports.port_in_use(s.getsockname()[1])
    finally:
        s.close()
