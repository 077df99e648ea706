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

"""check_peer_dns: skips naming the option; from one guest, its peer.

The SSH client is a fake that answers ``nslookup`` as busybox prints it;
the guest key is paramiko's, made by :mod:`guest_key`.
"""

import types

import pytest

from cross_service_tempest_plugin.scenarios import actions
from cross_service_tempest_plugin.scenarios import context as run_context
from cross_service_tempest_plugin.scenarios import guest_key
from cross_service_tempest_plugin.scenarios import peer_dns
from cross_service_tempest_plugin.scenarios.results import SKIPPED
from cross_service_tempest_plugin.scenarios.results import StepFailure
from cross_service_tempest_plugin.scenarios import settings as settings_mod

VALIDATION = {'run_validation': True, 'connect_method': 'floating',
              'auth_method': 'keypair', 'image_ssh_user': 'root',
              'ssh_timeout': 30, 'connect_timeout': 5}
BUSYBOX = ('Server:\t\t198.18.243.9\nAddress:\t198.18.243.9:53\n\n'
           'Name:\tcs-x-1\nAddress: %s\n')


def test_registered_as_an_action():
    assert actions.ACTIONS['check_peer_dns'] is peer_dns.check_peer_dns


@pytest.mark.parametrize('change,option', [
    ({'run_validation': False}, 'run_validation'),
    ({'connect_method': 'fixed'}, 'connect_method'),
    ({'auth_method': 'password'}, 'auth_method'),
    ({'image_ssh_user': ''}, 'image_ssh_user'),
])
def test_no_way_to_log_in_names_the_option(change, option):
    assert ('[validation] %s' % option in
            guest_key.ssh_reason(dict(VALIDATION, **change)))


def test_a_keypair_login_at_the_floating_ip_is_possible():
    assert guest_key.ssh_reason(VALIDATION) is None
    assert 'run_validation' in guest_key.ssh_reason(None)


def test_the_key_is_made_once_and_only_its_public_half_is_a_setting():
    public = guest_key.public_key()
    assert public.startswith('ecdsa-sha2-nistp256 ')
    assert guest_key.public_key() == public
    key = guest_key.private_key(public)
    assert '%s %s' % (key.get_name(), key.get_base64()) == public
    assert guest_key.private_key('ssh-rsa AAAA other') is None


def test_settings_carry_a_key_only_where_a_guest_can_be_logged_into():
    assert settings_mod.Settings().context['guest_ssh_public_key'] == ''
    assert 'guest_ssh_public_key' in run_context.PLACEHOLDERS


def test_answer_addresses_are_the_names_not_the_servers():
    assert peer_dns.answer_addresses(BUSYBOX % '10.0.0.7') == {'10.0.0.7'}
    assert peer_dns.answer_addresses(
        'Server:\t\t198.18.243.9\nAddress:\t198.18.243.9:53\n') == set()


class Clock(object):
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t

    def sleep(self, s):
        self.t += s


def test_waits_until_the_peer_name_gives_its_fixed_ip():
    clock = Clock()
    seen = iter([(set(), 'NXDOMAIN')] * 2 + [({'10.0.0.7'}, 'ok')])
    addresses, seconds = peer_dns.wait_resolved(
        'cs-x-1', '10.0.0.7', '198.18.243.20', lambda n: next(seen), 30,
        clock=clock, sleep=clock.sleep)
    assert addresses == ['10.0.0.7'] and seconds == 4.0


def test_the_floating_ip_inside_the_guest_fails_at_once():
    with pytest.raises(StepFailure, match='holds the floating IP'):
        peer_dns.wait_resolved('cs-x-1', '10.0.0.7', '198.18.243.20',
                               lambda n: ({'198.18.243.20'}, 'x'), 30,
                               clock=Clock(), sleep=lambda s: None)


def test_the_deadline_says_what_was_seen_last():
    clock = Clock()
    with pytest.raises(StepFailure) as exc:
        peer_dns.wait_resolved('cs-x-1', '10.0.0.7', '198.18.243.20',
                               lambda n: (set(), "can't resolve 'cs-x-1'"),
                               10, clock=clock, sleep=clock.sleep)
    text = str(exc.value)
    assert "can't resolve 'cs-x-1'" in text and '10.0.0.7' in text
    assert 'ssh_timeout' in text


class FakeSSH(object):
    def __init__(self, answers):
        self.answers, self.commands = answers, []

    def exec_command(self, cmd):
        self.commands.append(cmd)
        return BUSYBOX % self.answers[cmd.split()[-1]]


def _run(validation=VALIDATION, public=None):
    public = guest_key.public_key() if public is None else public
    port = {'port': {'dns_assignment': [
        {'fqdn': 'cs-x-1.constellation.test.', 'ip_address': '10.0.0.7'}]}}
    return types.SimpleNamespace(
        settings=types.SimpleNamespace(validation=validation),
        values={'guest_ssh_public_key': public},
        outputs={'dns_names': ['cs-x-0', 'cs-x-1'],
                 'floating_ips': ['198.18.243.10', '198.18.243.20'],
                 'fixed_ips': ['10.0.0.6', '10.0.0.7'],
                 'port_ids': ['p0', 'p1']},
        clients=types.SimpleNamespace(ports=types.SimpleNamespace(
            show_port=lambda port_id: port)))


def test_logs_into_the_first_and_resolves_the_second():
    ssh = FakeSSH({'cs-x-1': '10.0.0.7',
                   'cs-x-1.constellation.test.': '10.0.0.7'})
    made = []

    def factory(address, user, pkey, timeout, channel_timeout):
        made.append((address, user, pkey))
        return ssh
    step = types.SimpleNamespace(details={}, status=None)
    run = _run()
    peer_dns.check_peer_dns(run, step, client_factory=factory)
    assert made == [('198.18.243.10', 'root', guest_key.private_key(
        run.values['guest_ssh_public_key']))]
    assert ssh.commands == ['nslookup cs-x-1',
                            'nslookup cs-x-1.constellation.test.']
    assert [r['name'] for r in step.details['resolved']] == [
        'cs-x-1', 'cs-x-1.constellation.test.']


@pytest.mark.parametrize('validation,public,why', [
    (dict(VALIDATION, run_validation=False), None, 'run_validation'),
    (VALIDATION, '', '{guest_ssh_public_key} is empty'),
    (VALIDATION, 'ssh-rsa AAAA x', 'not the key this process made'),
])
def test_skips_with_the_reason(validation, public, why):
    step = types.SimpleNamespace(details={}, status=None)

    def factory(*args):
        raise AssertionError('no login expected')
    peer_dns.check_peer_dns(_run(validation, public), step,
                            client_factory=factory)
    assert step.status == SKIPPED and why in step.details['reason']


def test_one_server_is_a_clear_failure():
    run = _run()
    run.outputs['dns_names'] = ['cs-x-0']
    with pytest.raises(StepFailure, match='server_count >= 2'):
        peer_dns.check_peer_dns(run, types.SimpleNamespace(
            details={}, status=None), client_factory=None)
