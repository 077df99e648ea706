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

"""``check_peer_dns``: inside a guest, its peer's name is its fixed IP.

Neutron's internal DNS (on ML2/OVN: OVN's DNS responder, with the
records Neutron writes for each port; on ML2/OVS: dnsmasq) answers a
guest's query for another port's ``dns_name`` with that port's fixed IP,
where Designate's zone has the floating IP under the same label.  This
step logs into the first server at its floating IP with the stack's
keypair (:mod:`.guest_key`, Tempest's SSH client) and runs ``nslookup``
for the second server's ``dns_name`` and for its ``dns_assignment``
FQDN (Neutron's ``dns_domain``); each must give the peer's fixed IP and
not its floating IP.  Skipped, naming the option, where Tempest's
``[validation]`` gives no way to log into a guest.  Deadline:
``[validation] ssh_timeout`` (login and each name).
"""

import re
import shlex
import time

from cross_service_tempest_plugin.scenarios import actions
from cross_service_tempest_plugin.scenarios import guest_key
from cross_service_tempest_plugin.scenarios.results import SKIPPED
from cross_service_tempest_plugin.scenarios.results import StepFailure

INTERVAL = 2.0
_IPV4 = re.compile(r'\b(\d{1,3}(?:\.\d{1,3}){3})\b')


def answer_addresses(output):
    """The addresses nslookup printed for the name (not its server's)."""
    _, sep, answer = output.partition('\nName:')
    return set(_IPV4.findall(answer)) if sep else set()


def _outputs(run, key, count):
    values = run.outputs.get(key)
    if not isinstance(values, list) or len(values) < count:
        raise StepFailure('stack output %s: expected %d values, got %r '
                          '(check_peer_dns needs server_count >= 2 and a '
                          'floating IP per server)' % (key, count, values))
    return values


def wait_resolved(name, want, not_want, lookup, timeout,
                  clock=time.monotonic, sleep=time.sleep):
    """Poll ``lookup(name)`` -> (addresses, seen) until ``want`` is in.

    Returns (addresses, seconds); StepFailure with the last seen at the
    deadline, or at once when ``not_want`` (the floating IP) is answered.
    """
    start = clock()
    while True:
        addresses, seen = lookup(name)
        if not_want in addresses:
            raise StepFailure(
                'inside the guest %s resolved to %s, which holds the '
                'floating IP %s: expected the fixed IP %s from Neutron\'s '
                'internal DNS' % (name, sorted(addresses), not_want, want))
        if want in addresses:
            return sorted(addresses), round(clock() - start, 1)
        waited = clock() - start
        if waited >= timeout:
            raise StepFailure(
                'inside the guest, expected %s to resolve to the peer\'s '
                'fixed IP %s through Neutron\'s internal DNS; last seen: '
                '%s; waited %.1f s (timeout %s s, [validation] '
                'ssh_timeout)' % (name, want, seen, waited, timeout))
        sleep(INTERVAL)


def _ssh_client(address, user, pkey, timeout, channel_timeout):
    from tempest.lib.common import ssh     # paramiko: only where it runs
    return ssh.Client(address, user, pkey=pkey, timeout=timeout,
                      channel_timeout=channel_timeout)


def _lookup_in(client):
    from tempest.lib import exceptions as lib_exc

    def lookup(name):
        try:
            out = client.exec_command('nslookup %s' % shlex.quote(name))
        except lib_exc.SSHExecCommandFailed as e:
            text = ' '.join(str(e).split())
            return set(), text[:300]
        return answer_addresses(out), ' '.join(out.split())[:300]
    return lookup


@actions.action('check_peer_dns')
def check_peer_dns(run, step, client_factory=_ssh_client):
    validation = run.settings.validation
    reason = guest_key.ssh_reason(validation)
    public = run.values.get('guest_ssh_public_key') or ''
    pkey = guest_key.private_key(public) if public else None
    if reason is None and pkey is None:
        reason = ('{guest_ssh_public_key} is %s: no key of this process '
                  'to log into the guest with' % (
                      'empty' if not public else 'not the key this '
                      'process made'))
    if reason:
        step.status = SKIPPED
        step.details['reason'] = reason
        return
    names = _outputs(run, 'dns_names', 2)
    fips = _outputs(run, 'floating_ips', 2)
    fixed = _outputs(run, 'fixed_ips', 2)
    port_ids = run.outputs.get('port_ids') or []
    peer_names = [names[1]]
    if len(port_ids) > 1:
        port = run.clients.ports.show_port(port_ids[1])['port']
        for assignment in port.get('dns_assignment') or ():
            if assignment.get('fqdn') and (
                    assignment.get('ip_address') == fixed[1]):
                peer_names.append(assignment['fqdn'])
                break
    timeout = float(validation.get('ssh_timeout') or 120)
    client = client_factory(fips[0], validation['image_ssh_user'], pkey,
                            timeout,
                            float(validation.get('connect_timeout') or 10))
    lookup = _lookup_in(client)
    resolved = []
    for name in peer_names:
        addresses, seconds = wait_resolved(name, fixed[1], fips[1], lookup,
                                           timeout)
        resolved.append({'name': name, 'addresses': addresses,
                         'seconds': seconds})
    step.details.update({'from': {'server': names[0], 'address': fips[0]},
                         'peer': {'server': names[1], 'fixed_ip': fixed[1],
                                  'floating_ip': fips[1]},
                         'resolved': resolved})
