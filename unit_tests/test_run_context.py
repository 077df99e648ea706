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

"""One RunContext per run: the pre-check and the run see the same values."""

import types

import pytest

from cross_service_tempest_plugin.scenarios import context as run_context
from cross_service_tempest_plugin.scenarios import engine
from cross_service_tempest_plugin.scenarios import errors
from cross_service_tempest_plugin.scenarios import loader
from cross_service_tempest_plugin.scenarios import placeholders
from cross_service_tempest_plugin.scenarios import settings
from unit_tests import scenario_fakes

CATALOG = loader.load_catalog()


def _context(name='floating_ip_dns', overrides=None, **kwargs):
    return run_context.RunContext(name, CATALOG.get(name),
                                  scenario_fakes.FakeCloud().settings(),
                                  overrides, **kwargs)


def test_conf_placeholders_are_those_from_conf_fills():
    section = types.SimpleNamespace(public_network_id='pub', image_ref='i',
                                    flavor_ref='f')
    cs = types.SimpleNamespace(
        provider_network_type=None, provider_physical_network=None,
        provider_segmentation_id=7, provider_cidr=None,
        provider_ipv6_cidr=None, published_cidr=None,
        zone_email='h@x.test', zone_ttl=30)
    conf = types.SimpleNamespace(network=section, compute=section,
                                 cross_service=cs)
    context = {}
    for key, (group, option, convert) in settings.CONF_CONTEXT.items():
        value = getattr(getattr(conf, group), option)
        context[key] = convert(value) if convert else value
    # and the guests' key, which from_conf makes (test_scenario_peer_dns)
    assert set(context) | {'guest_ssh_public_key'} == set(
        settings.CONF_PLACEHOLDERS)
    assert context['provider_segmentation_id'] == '7'
    assert context['provider_cidr'] == ''
    assert context['zone_ttl'] == 30


def test_the_run_uses_the_context_the_pre_check_built():
    cloud = scenario_fakes.FakeCloud()
    ctx = _context(overrides={'dns_name': 'web', 'record_timeout': 7})
    checked = ctx.values(stand_ins=True)
    run = engine.ScenarioRun('floating_ip_dns', CATALOG.get(
        'floating_ip_dns'), cloud.clients(), context=ctx,
        checker=cloud.checker())
    assert run.label == ctx.label
    assert run.settings.record_timeout == 7
    assert run.values['dns_name'] == 'web'
    # what the pre-check saw is what the run fills in, but the owner
    assert {k: v for k, v in checked.items()
            if k not in run_context.OWNER_PLACEHOLDERS} == run.values
    assert checked['zone_name'] == '%s.%s' % (ctx.label,
                                              ctx.settings.zone_suffix)
    run.cleanup()


def test_owner_filled_when_known():
    ctx = _context('dns_domain_keywords')
    with pytest.raises(errors.ScenarioError, match='project_id'):
        ctx.values()        # the zone name names the owner's project
    assert ctx.values(stand_ins=True)['zone_name'].startswith('0' * 32)
    ctx.set_owner('c0ffee', 'demo')
    assert ctx.values()['zone_name'].startswith('c0ffee.')
    assert ctx.values(stand_ins=True)['project_name'] == 'demo'


def test_settable_keys_are_derived():
    ctx = _context()
    assert ctx.settable() == (set(CATALOG.get('floating_ip_dns')['vars']) |
                              set(run_context.PLACEHOLDERS) |
                              set(run_context.SETTINGS))
    # every placeholder has a value (and nothing else is filled in)
    assert set(ctx.values(stand_ins=True)) == (
        set(run_context.PLACEHOLDERS) |
        set(CATALOG.get('floating_ip_dns')['vars']))


def test_one_rule_for_unknown_keys_in_both_front_doors():
    over = placeholders.Overrides.parse(['colour=blue'])
    with pytest.raises(errors.ScenarioError) as exc:
        _context(overrides=over)
    assert str(exc.value).startswith(
        "--set colour=blue: unknown key 'colour' (settable: the scenario's "
        "vars ")
    # the engine alone (the Tempest classes) says the same
    cloud = scenario_fakes.FakeCloud()
    with pytest.raises(errors.ScenarioError) as exc2:
        cloud.run(CATALOG, 'floating_ip_dns', overrides={'colour': 1})
    assert "overrides['colour']: unknown key 'colour' (settable: the " \
        "scenario's vars" in str(exc2.value)


def test_engine_settings_are_checked_and_applied_by_the_engine_too():
    cloud = scenario_fakes.FakeCloud()
    with pytest.raises(errors.ScenarioError,
                       match=r"overrides\['record_interval'\]: "
                             "record_interval must be"):
        cloud.run(CATALOG, 'floating_ip_dns',
                  overrides={'record_interval': 0})
    with pytest.raises(errors.ScenarioError,
                       match='record_interval .* must be smaller than '
                             'record_timeout'):
        _context(overrides={'record_interval': 0.3})


def test_setting_values_checked_without_a_definition():
    assert run_context.tuned_settings({'check_reverse': 'false',
                                       'dns_name': 'x'}) == {
        'check_reverse': False}
