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

"""tools/check_options.py: what the job sets, where, and the verdicts.

The services' registered options need the services venv: that half runs
in the main job (tools/check-devstack-job.sh).  Here: what is collected,
the verdict on a known registry, and Tempest's half (Tempest and the
plugins are in this venv).
"""

import importlib.util
import os

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OLD_ZUUL = os.path.join(REPO, 'unit_tests', 'data', 'zuul', 'old-zuul.yaml')
spec = importlib.util.spec_from_file_location(
    'check_options', os.path.join(REPO, 'tools', 'check_options.py'))
check_options = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_options)

# what Neutron registers, as far as these tests need it
NEUTRON = {'DEFAULT': {'dns_domain', 'external_dns_driver'},
           'designate': {'url', 'allow_reverse_dns_lookup',
                         'ipv4_ptr_zone_prefix_size',
                         'ipv6_ptr_zone_prefix_size', 'ptr_zone_email',
                         'username', 'password', 'auth_type'},
           'ml2': {'extension_drivers'}}


def test_old_zuul_names_defect_3():
    items = [s for s in check_options.from_zuul(OLD_ZUUL)
             if s.service == 'neutron']
    lines = []
    unknown = check_options.check(items, NEUTRON, out=lines.append)
    assert unknown == 3
    for opt in ('allow_reverse_dns_lookup', 'ipv4_ptr_zone_prefix_size',
                'ipv6_ptr_zone_prefix_size'):
        assert any(('neutron [DEFAULT] %s' % opt) in line and
                   'registered in [designate], not [DEFAULT]' in line
                   and 'old-zuul.yaml' in line for line in lines), lines


def test_new_files_set_neutron_options_in_their_groups():
    items = (check_options.from_zuul(os.path.join(REPO, '.zuul.yaml')) +
             check_options.from_plugin(os.path.join(REPO, 'devstack',
                                                    'plugin.sh')) +
             check_options.from_settings())
    neutron = [s for s in items if s.service == 'neutron']
    assert {(s.group, s.name) for s in neutron} >= {
        ('designate', 'allow_reverse_dns_lookup'),
        ('designate', 'ptr_zone_email'), ('ml2', 'extension_drivers')}
    assert check_options.check(neutron, NEUTRON, out=lambda m: None) == 0
    assert all(s.service for s in items), [s for s in items
                                           if not s.service]


def test_plugin_isets_are_attributed_to_their_files():
    items = check_options.from_plugin(os.path.join(REPO, 'devstack',
                                                   'plugin.sh'))
    by = {(s.group, s.name): s.service for s in items}
    assert by[('designate', 'ptr_zone_email')] == 'neutron'
    assert by[('ml2', 'extension_drivers')] == 'neutron'
    assert by[('cross_service', 'zone_suffix')] == 'tempest'
    assert by[('dns', 'nameservers')] == 'tempest'


def test_unknown_option_says_so():
    lines = []
    s = check_options.Setting('neutron', 'designate', 'no_such_opt', 'x')
    assert check_options.check([s], NEUTRON, out=lines.append) == 1
    assert 'no such option in any group of neutron' in lines[0]


def test_tempest_options_of_the_new_and_old_files_exist(capsys):
    for argv in (['--part', 'tempest'],
                 ['--part', 'tempest', '--zuul', OLD_ZUUL, '--no-plugin']):
        assert check_options.main(argv) == 0
        out = capsys.readouterr().out
        assert ', 0 unknown (tempest' in out.splitlines()[-1], out


def test_tempest_half_catches_a_wrong_group(tmp_path):
    z = tmp_path / 'z.yaml'
    z.write_text('- job:\n    name: j\n    vars:\n      devstack_local_conf:\n'
                 '        test-config:\n          $TEMPEST_CONFIG:\n'
                 '            cross_service:\n              nameservers: x\n')
    lines = []
    items = check_options.from_zuul(str(z))
    unknown = check_options.check(items, check_options.tempest_options(),
                                  out=lines.append)
    assert unknown == 1
    assert 'registered in [dns]' in lines[0], lines


def test_documented_tempest_conf_options_exist():
    # doc/source/install/existing-cloud-tempest.conf, shown in
    # doc/source/install/devstack.rst
    import configparser
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    path = os.path.join(REPO, 'doc', 'source', 'install',
                        'existing-cloud-tempest.conf')
    assert os.path.isfile(path), path
    parser.read(path)
    items = [check_options.Setting('tempest', group, name,
                                   'existing-cloud-tempest.conf')
             for group in parser.sections() for name in parser[group]]
    assert len(items) > 40
    lines = []
    assert check_options.check(items, check_options.tempest_options(),
                               out=lines.append) == 0, lines
