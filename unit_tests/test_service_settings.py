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

"""The shared service settings: the constellation (asked for them, as
tools/constellation does) and the devstack plugin say what
cross_service_settings/service-settings.ini says.

The plugin's phases that need no cloud (pre-install, post-config,
test-config) run under tools/devstack-standin on copies of the
constellation's rendered configs; the extra phase (reverse zones) runs
against a constellation in the main job (tools/devstack_standin.py).
"""

import configparser
import importlib.util
import os
import subprocess

import pytest

from constellation import configs
from constellation import service_settings
from constellation import tempestconf
import cross_service_settings as settings
from cross_service_settings import reverse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _tool(name):
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(REPO, 'tools', name + '.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


standin = _tool('devstack_standin')


def parse(text):
    cp = configparser.RawConfigParser(strict=True)
    cp.optionxform = str
    cp.read_string(text)
    return cp


def asked(ctx):
    """``ctx`` of a constellation asked for the plugin's settings."""
    return dict(ctx, service_settings=service_settings.load(settings.PATH))


def rendered(ctx):
    res = {'image_id': 'img', 'flavor_ref': '42', 'flavor_ref_alt': '84',
           'public_network_id': 'net', 'network_extensions': ['router']}
    ctx = asked(ctx)
    files = configs.config_files(ctx)
    return {'neutron': parse(files['neutron/neutron.conf']),
            'ml2': parse(files['neutron/ml2_conf.ini']),
            'designate': parse(files['designate/designate.conf']),
            'tempest': parse(tempestconf.tempest_conf(ctx, res))}


def test_constellation_configs_say_what_the_settings_say(ctx):
    confs = rendered(ctx)
    opts = settings.options()
    assert {o.file for o in opts} == set(settings.FILES)
    for o in opts:
        got = confs[o.file].get(o.group, o.name, fallback=None)
        if (o.file, o.name) == ('ml2', 'extension_drivers'):
            assert got.split(',') == settings.csv('ml2:ml2', o.name), o
        else:
            assert got == o.value, (o, got)


def test_constellation_reads_the_option_sections_as_the_plugin_does():
    # the constellation's own reader (it knows nothing of the plugin)
    # sees every option section cross_service_settings sees
    loaded = service_settings.load(settings.PATH)
    assert sorted(service_settings.sections(loaded)) == sorted(
        {'%s:%s' % (o.file, o.group) for o in settings.options()})
    for o in settings.options():
        assert loaded[o.file][o.group][o.name] == o.value
    assert set(settings.FILES) <= set(service_settings.FILES)


def test_iniget_reads_what_configparser_reads(tmp_path):
    # devstack's own iniget (the stand-in's verbatim copy) on the file
    script = 'source "%s"\n' % os.path.join(
        REPO, 'tools', 'devstack-standin', 'ini-config')
    opts = settings.options()
    for o in opts:
        script += 'echo "$(iniget "%s" "%s:%s" "%s")"\n' % (
            settings.PATH, o.file, o.group, o.name)
    out = subprocess.run(['bash', '-c', script], capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out == [o.value for o in opts]


@pytest.mark.parametrize('loaded,expected', [
    ([], ['port_security', 'dns_domain_keywords']),
    (['port_security'], ['port_security', 'dns_domain_keywords']),
    (['port_security', 'qos', 'dns_domain_ports'],
     ['port_security', 'qos', 'dns_domain_keywords']),
    (['qos', 'dns', 'subnet_dns_publish_fixed_ip', 'dns_domain_keywords'],
     ['qos', 'dns_domain_keywords', 'port_security']),
])
def test_extension_drivers_added_others_kept(loaded, expected):
    assert settings.extension_drivers(loaded) == expected


def test_neutron_defaults_when_unset():
    # Neutron's own defaults (24, 120) when [designate] does not say
    assert reverse.zone('172.24.5.7', {}) == '5.24.172.in-addr.arpa.'
    assert reverse.zone('2001:db8::1', {}).startswith('0.0.0.0.0.0.0.0.0')
    assert len(reverse.zone('2001:db8::1', {}).split('.')) == 32 - 2 + 3


def _copies(ctx, tmp_path):
    src = {}
    files = configs.config_files(asked(ctx))
    texts = {'neutron.conf': files['neutron/neutron.conf'],
             'ml2_conf.ini': files['neutron/ml2_conf.ini'],
             'designate.conf': files['designate/designate.conf'],
             'tempest.conf': tempestconf.tempest_conf(ctx, {
                 'image_id': 'i', 'flavor_ref': '1', 'flavor_ref_alt': '2',
                 'public_network_id': 'n', 'network_extensions': []})}
    for name, text in texts.items():
        src[name] = str(tmp_path / ('src-' + name))
        with open(src[name], 'w') as f:
            f.write(text)
    work = tmp_path / 'work'
    work.mkdir()
    return standin.prepare(str(work), src)


class Recorder:
    def __init__(self):
        self.failures = []
        self.passed = 0

    def __call__(self, name, ok, detail=''):
        if ok:
            self.passed += 1
        else:
            self.failures.append('%s (%s)' % (name, detail))
        return ok


def test_plugin_phases_write_what_the_settings_say(ctx, tmp_path):
    paths = _copies(ctx, tmp_path)
    # before: as devstack has them (the option sections stripped)
    neutron = parse(open(paths['neutron.conf']).read())
    assert not neutron.has_option('designate', 'allow_reverse_dns_lookup')
    phases = ('pre-install', 'install', 'post-config', 'test-config')
    env = standin.environment(paths)
    res = standin.run_phases(env, phases, str(tmp_path / 'trace'))
    assert res.returncode == 0, res.stdout
    check = Recorder()
    standin.config_checks(check, paths, standin.DEVSTACK_DRIVERS,
                          settings.section('tempest', 'cross_service'))
    assert not check.failures
    assert check.passed >= 12
    before = standin.digests(paths)
    res = standin.run_phases(env, phases, str(tmp_path / 'trace'))
    assert res.returncode == 0, res.stdout
    assert standin.digests(paths) == before      # idempotent


def test_plugin_sets_ptr_zone_email_only_when_unset(ctx, tmp_path):
    paths = _copies(ctx, tmp_path)
    text = open(paths['neutron.conf']).read()
    open(paths['neutron.conf'], 'w').write(standin.strip_options(
        text, {'designate': {'ptr_zone_email'}}))
    env = standin.environment(paths)
    res = standin.run_phases(env, ('post-config',), str(tmp_path / 't'))
    assert res.returncode == 0, res.stdout
    neutron = parse(open(paths['neutron.conf']).read())
    assert neutron.get('designate', 'ptr_zone_email') == (
        'hostmaster@cross-service.test')
    # an operator's own is kept
    text = standin.set_option(open(paths['neutron.conf']).read(),
                              'designate', 'ptr_zone_email',
                              'dns@example.org')
    open(paths['neutron.conf'], 'w').write(text)
    res = standin.run_phases(env, ('post-config',), str(tmp_path / 't'))
    neutron = parse(open(paths['neutron.conf']).read())
    assert neutron.get('designate', 'ptr_zone_email') == 'dns@example.org'


@pytest.mark.parametrize('service', ['neutron-dns', 'designate-worker',
                                     'h-eng'])
def test_plugin_names_a_missing_service(ctx, tmp_path, service):
    paths = _copies(ctx, tmp_path)
    env = standin.environment(paths, services=[
        s for s in standin.SERVICES if s != service])
    res = standin.run_phases(env, ('pre-install',), str(tmp_path / 't'))
    assert res.returncode == 1
    assert 'not enabled: %s (' % service in res.stdout
    assert 'Traceback' not in res.stdout
