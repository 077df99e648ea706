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

"""The service settings a caller asks for: read, checked, applied."""

import configparser

import pytest

from constellation import configs
from constellation import core
from constellation import service_settings
from constellation import tempestconf

RES = {'image_id': 'img', 'flavor_ref': '42', 'flavor_ref_alt': '84',
       'public_network_id': 'net', 'network_extensions': []}
SETTINGS = '''
# a caller's own facts: ignored
[reverse_zones]
window = 10

[neutron:designate]
allow_reverse_dns_lookup = False

[ml2:ml2]
extension_drivers = port_security,dns_domain_keywords

[designate:service:worker]
poll_delay = 1

[tempest:some_plugin]
zone_suffix = example.test.
'''


def parse(text):
    cp = configparser.RawConfigParser(strict=True)
    cp.optionxform = str
    cp.read_string(text)
    return cp


@pytest.fixture
def path(tmp_path):
    p = tmp_path / 'settings.ini'
    p.write_text(SETTINGS)
    return str(p)


def test_load_keeps_option_sections_only(path):
    loaded = service_settings.load(path)
    assert loaded == {
        'neutron': {'designate': {'allow_reverse_dns_lookup': 'False'}},
        'ml2': {'ml2': {'extension_drivers':
                        'port_security,dns_domain_keywords'}},
        'designate': {'service:worker': {'poll_delay': '1'}},
        'tempest': {'some_plugin': {'zone_suffix': 'example.test.'}}}


def test_asked_values_replace_the_constellations(ctx, path):
    ctx = dict(ctx, service_settings=service_settings.load(path))
    files = configs.config_files(ctx)
    neutron = parse(files['neutron/neutron.conf'])
    assert neutron['designate']['allow_reverse_dns_lookup'] == 'False'
    # the rest of the group stays
    assert neutron['designate']['username'] == 'neutron'
    ml2 = parse(files['neutron/ml2_conf.ini'])
    assert ml2['ml2']['extension_drivers'] == (
        'port_security,dns_domain_keywords')
    designate = parse(files['designate/designate.conf'])
    assert designate['service:worker']['poll_delay'] == '1'
    assert designate['service:worker']['workers'] == '1'
    tempest = parse(tempestconf.tempest_conf(ctx, RES))
    assert tempest['some_plugin']['zone_suffix'] == 'example.test.'


@pytest.mark.parametrize('text,message', [
    ('[neutorn:DEFAULT]\na = 1\n',
     "section [neutorn:DEFAULT]: unknown file 'neutorn'"),
    ('[neutron:]\na = 1\n', 'section [neutron:]: unknown file'),
    ('a = 1\n', 'not an INI file'),
])
def test_bad_file_names_section_and_problem(tmp_path, text, message):
    p = tmp_path / 's.ini'
    p.write_text(text)
    with pytest.raises(service_settings.SettingsError) as e:
        service_settings.load(str(p))
    assert str(p) in str(e.value) and message in str(e.value)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(service_settings.SettingsError,
                       match='cannot read it.*No such file'):
        service_settings.load(str(tmp_path / 'nope.ini'))


def test_state_dir_remembers_them_and_refuses_a_change_while_up(
        tmp_path, path):
    c = core.Constellation(str(tmp_path / 'st'), service_settings=path)
    c.st.ensure_dirs()
    asked = c.check_service_settings(running=False)
    c.st.set_marker('service_settings', asked)
    # a later verb without the file renders the same configs
    assert core.Constellation(str(tmp_path / 'st')).ctx()[
        'service_settings'] == asked
    other = tmp_path / 'other.ini'
    other.write_text('[neutron:DEFAULT]\ndebug = True\n')
    c2 = core.Constellation(str(tmp_path / 'st'),
                            service_settings=str(other))
    assert c2.check_service_settings(running=False)
    with pytest.raises(core.Failure) as e:
        c2.check_service_settings(running=True)
    assert 'changed: designate:service:worker' in str(e.value)
    assert '`constellation down`, then `up`' in str(e.value)
