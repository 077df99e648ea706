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

"""``check_reachable``: a server answers at its published DNS name.

For each published A record (a floating IP's name, the port's
``dns_name`` in the zone): resolve the name at every nameserver of the
zone's pool, connect to the address each one answered and require the
guest to answer with its hostname, equal to the record's first label
(the port's ``dns_name``).  The guest answers over HTTP (``GET /`` returns
its hostname, as the constellation's guest image does).

How to reach a floating IP is Tempest's ``[validation]``: with
``run_validation`` False, or a ``connect_method`` other than ``floating``
(a published name resolves to the floating IP), the step is skipped and
says which option.  Deadline: ``[validation] ssh_timeout`` (the guest may
still be booting when its stack is complete); each try waits up to
``[validation] connect_timeout``.
"""

import time
import urllib.error
import urllib.request

from cross_service_tempest_plugin.common import dns_wire
from cross_service_tempest_plugin.common import polling
from cross_service_tempest_plugin.scenarios import actions
from cross_service_tempest_plugin.scenarios.results import SKIPPED
from cross_service_tempest_plugin.scenarios.results import StepFailure

# one try's timeout at most (a guest that is down does not answer at all)
TRY_TIMEOUT = 5.0
INTERVAL = 1.0
# never through a proxy of the environment: the guest is on our network
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def skip_reason(validation, guest_http_hostname=True):
    """Why no floating IP can be reached, naming the option (or None)."""
    if not guest_http_hostname:
        return ('[cross_service] guest_http_hostname is False: the image '
                'is not known to answer GET / with its hostname')
    if validation is None or not validation.get('run_validation'):
        return ('[validation] run_validation is False: the cloud gives no '
                'way to reach a floating IP')
    method = validation.get('connect_method', 'floating')
    if method != 'floating':
        return ('[validation] connect_method is %r: a published name '
                'resolves to a floating IP, which that method does not '
                'reach' % method)
    return None


def http_hostname(address, port, timeout, opener=_OPENER):
    """(hostname or None, what was seen) from ``GET http://address/``."""
    host = '[%s]' % address if ':' in address else address
    try:
        with opener.open('http://%s:%d/' % (host, port),
                         timeout=timeout) as resp:
            body = resp.read(256).decode(errors='replace').strip()
            return body, 'HTTP %d %r' % (resp.status, body)
    except urllib.error.HTTPError as e:
        return None, 'HTTP %d' % e.code
    except (OSError, ValueError) as e:
        return None, '%s: %s' % (type(e).__name__, getattr(e, 'reason', e))


def published_names(expected):
    """[(name, {address}, expected hostname)] of the present A records."""
    out = []
    for rec in expected:
        if rec.type != 'A':
            continue
        label = rec.name.split('.', 1)[0]
        out.append((rec.name, set(rec.values), label))
    return out


def wait_answers(name, hostname, nameservers, resolve, fetch, timeout,
                 clock=None, sleep=None):
    """Poll until every nameserver's address answers with ``hostname``.

    ``resolve(ns, name)`` -> set of addresses; ``fetch(address)`` ->
    (hostname or None, seen).  Returns {nameserver: {address, hostname,
    seconds}}; raises StepFailure with the last seen at the deadline.
    """
    clock = clock or time.monotonic
    start = clock()
    done, last = {}, {}

    def check():
        for ns in nameservers:
            if ns in done:
                continue
            addrs = resolve(ns, name)
            if not addrs:
                last[ns] = 'no A record for %s' % name
                continue
            for addr in sorted(addrs):
                got, seen = fetch(addr)
                last[ns] = '%s -> %s' % (addr, seen)
                if got == hostname:
                    done[ns] = {'address': addr, 'hostname': got,
                                'seconds': round(clock() - start, 1)}
                    break
        return len(done) == len(nameservers), last
    try:
        polling.until(check, timeout, INTERVAL, retry=lambda exc: False,
                      clock=clock, sleep=sleep)
    except polling.Deadline as late:
        raise StepFailure(
            '%s: expected the guest to answer with hostname %r at the '
            'address every nameserver gives; last seen: %s; waited '
            '%.1f s (timeout %s s, [validation] ssh_timeout)' % (
                name, hostname, '; '.join(
                    '%s: %s' % kv for kv in sorted(last.items())),
                late.waited, timeout))
    return done


@actions.action('check_reachable')
def check_reachable(run, step):
    validation = getattr(run.settings, 'validation', None)
    reason = skip_reason(validation, getattr(
        run.settings, 'guest_http_hostname', False))
    if reason:
        step.status = SKIPPED
        step.details['reason'] = reason
        return
    nameservers = actions._nameservers_or_skip(run, step)
    if not nameservers:
        return
    names = published_names(run.expected.present)
    if not names:
        raise StepFailure('no published A record to reach (the scenario '
                          'publishes none before this step)')
    per_try = min(float(validation.get('connect_timeout') or TRY_TIMEOUT),
                  TRY_TIMEOUT)
    timeout = float(validation.get('ssh_timeout') or 120)
    port = int(validation.get('http_port') or 80)
    timeout_dns = run.settings.query_timeout

    def resolve(ns, name):
        answer = dns_wire.query_nameserver(ns, name, 'A', timeout_dns)
        return set(answer.values)

    def fetch(address):
        return http_hostname(address, port, per_try)

    answered = []
    for name, addresses, hostname in names:
        done = wait_answers(name, hostname, nameservers, resolve, fetch,
                            timeout)
        for ns, seen in sorted(done.items()):
            if seen['address'] not in addresses:
                raise StepFailure('%s: %s answered %s, expected %s' % (
                    name, ns, seen['address'], sorted(addresses)))
            answered.append(dict(seen, name=name, nameserver=ns))
    step.details['answered'] = answered
    step.details['hostnames'] = sorted({a['hostname'] for a in answered})
