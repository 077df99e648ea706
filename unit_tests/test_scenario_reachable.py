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

"""check_reachable: skips naming the option; polls every nameserver.

Resolution and the guest's answer are fakes; an HTTP server on the
loopback stands in for a guest in one test.
"""

import http.server
import threading

import pytest

from cross_service_tempest_plugin.common import dns_records
from cross_service_tempest_plugin.scenarios import actions
from cross_service_tempest_plugin.scenarios import reachable
from cross_service_tempest_plugin.scenarios.results import StepFailure


def test_registered_as_an_action():
    assert actions.ACTIONS['check_reachable'] is reachable.check_reachable


@pytest.mark.parametrize('validation,option', [
    (None, 'run_validation'),
    ({'run_validation': False}, 'run_validation'),
    ({'run_validation': True, 'connect_method': 'fixed'}, 'connect_method'),
])
def test_no_way_to_reach_a_floating_ip_skips_naming_the_option(validation,
                                                               option):
    assert '[validation] %s' % option in reachable.skip_reason(validation)


def test_a_floating_connect_method_does_not_skip():
    assert reachable.skip_reason({'run_validation': True,
                                  'connect_method': 'floating'}) is None


def test_an_image_not_known_to_serve_its_hostname_skips_naming_the_option():
    # devstack: run_validation is True but cirros serves no hostname
    reason = reachable.skip_reason({'run_validation': True,
                                    'connect_method': 'floating'},
                                   guest_http_hostname=False)
    assert '[cross_service] guest_http_hostname is False' in reason


def test_published_names_are_the_a_records_with_their_first_label():
    recs = [dns_records.ExpectedRecord('srv-0.z.test.', 'A', ['198.18.0.5']),
            dns_records.ExpectedRecord('5.0.18.198.in-addr.arpa.', 'PTR',
                                       ['srv-0.z.test.'])]
    assert reachable.published_names(recs) == [
        ('srv-0.z.test.', {'198.18.0.5'}, 'srv-0')]


class Clock(object):
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t

    def sleep(self, s):
        self.t += s


def test_waits_until_the_guest_answers_at_every_nameserver():
    clock = Clock()
    answers = iter([(None, 'ConnectionRefusedError')] * 3 +
                   [('srv-0', "HTTP 200 'srv-0'")] * 2)
    done = reachable.wait_answers(
        'srv-0.z.test.', 'srv-0', ['ns1', 'ns2'],
        lambda ns, name: {'198.18.0.5'}, lambda addr: next(answers), 30,
        clock=clock, sleep=clock.sleep)
    assert set(done) == {'ns1', 'ns2'}
    assert done['ns1']['hostname'] == 'srv-0'
    assert done['ns2']['address'] == '198.18.0.5'


def test_a_wrong_hostname_fails_with_what_was_seen_and_for_how_long():
    clock = Clock()
    with pytest.raises(StepFailure) as e:
        reachable.wait_answers(
            'srv-0.z.test.', 'srv-0', ['ns1'],
            lambda ns, name: {'198.18.0.5'},
            lambda addr: ('localhost', "HTTP 200 'localhost'"), 5,
            clock=clock, sleep=clock.sleep)
    text = str(e.value)
    assert "hostname 'srv-0'" in text and "'localhost'" in text
    assert 'timeout 5 s' in text and 'ssh_timeout' in text


def test_http_hostname_reads_the_body_from_a_real_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'srv-0\n')

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(('127.0.0.1', 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        got, seen = reachable.http_hostname('127.0.0.1',
                                            srv.server_address[1], 5)
    finally:
        srv.shutdown()
    assert got == 'srv-0' and 'HTTP 200' in seen
    got, seen = reachable.http_hostname('127.0.0.1', 9, 1)  # discard port
    assert got is None and 'Error' in seen


def test_the_wait_ends_at_its_deadline_not_a_poll_later():
    clock = Clock()
    with pytest.raises(StepFailure) as e:
        reachable.wait_answers(
            'srv-0.z.test.', 'srv-0', ['ns1'], lambda ns, name: set(),
            lambda addr: (None, 'unused'), 2.5, clock=clock,
            sleep=clock.sleep)
    assert 'last seen: ns1: no A record for srv-0.z.test.; waited 2.5 s ' \
        '(timeout 2.5 s' in str(e.value)
    assert clock.t == 2.5
