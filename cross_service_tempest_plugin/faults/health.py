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


"""Health check run before and after a fault: every service answers.

- Keystone issues a token (admin account of tempest.conf);
- every API of the catalog answers HTTP (any status below 500);
- Designate lists zones;
- for each zone given: its SOA serial on every nameserver equals the
  serial Designate's API shows, and the zone is ACTIVE.

:class:`HealthCheck` takes the probes as callables (unit tests pass
fakes); :meth:`HealthCheck.from_config` builds the real ones with
Tempest's clients.
"""

import time
import urllib.error
import urllib.request

from cross_service_tempest_plugin.common import dns_records
from cross_service_tempest_plugin.common import dns_wire
from cross_service_tempest_plugin.common import polling


def soa_serial(nameserver, zone, timeout=2.0,
               query=dns_wire.query_nameserver):
    """SOA serial of ``zone`` on ``nameserver`` → (serial or None, seen)."""
    ans = query(nameserver, zone, 'SOA', timeout)
    if ans.rcode != 'NOERROR' or not ans.values:
        return None, repr(ans)
    try:
        return int(sorted(ans.values)[0].split()[2]), repr(ans)
    except (IndexError, ValueError):
        return None, repr(ans)


def http_status(url, timeout=10.0):
    """Status of a GET on ``url`` (an HTTP error status is an answer)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


class HealthCheck(object):
    """The health check, its probes given as callables.

    ``token()`` → a token; ``endpoints()`` → {service type: URL};
    ``http_status(url)`` → int; ``list_zones()`` → Designate zone dicts
    (all projects); ``serial(nameserver, zone)`` → (int or None, seen).
    """

    def __init__(self, token, endpoints, list_zones, nameservers,
                 http_status=http_status, serial=soa_serial,
                 clock=time.monotonic, sleep=time.sleep):
        self._token = token
        self._endpoints = endpoints
        self._list_zones = list_zones
        self.nameservers = list(nameservers)
        self._http = http_status
        self._serial = serial
        self._clock = clock
        self._sleep = sleep

    def check(self, zones=()):
        """One pass of every check.

        → {'ok', 'problems': [...], 'apis': {...},
        'zones': {zone: {'api': serial, 'status', nameserver: serial}}}
        """
        problems = []
        report = {'apis': {}, 'zones': {}}
        try:
            self._token()
        except Exception as exc:
            problems.append('keystone: no token: %s: %s'
                            % (type(exc).__name__, exc))
        try:
            endpoints = self._endpoints() if not problems else {}
        except Exception as exc:
            endpoints = {}
            problems.append('catalog: %s: %s' % (type(exc).__name__, exc))
        for service, url in sorted(endpoints.items()):
            try:
                status = self._http(url)
            except Exception as exc:
                status = '%s: %s' % (type(exc).__name__, exc)
            report['apis'][service] = status
            if not isinstance(status, int) or status >= 500:
                problems.append('%s API %s: %s' % (service, url, status))
        listed = None
        try:
            listed = {z['name']: z for z in self._list_zones()}
        except Exception as exc:
            problems.append('designate: listing zones failed: %s: %s'
                            % (type(exc).__name__, exc))
        for zone in zones:
            zone = dns_records.fqdn(zone)
            entry = report['zones'][zone] = {}
            if listed is None:
                continue
            z = listed.get(zone)
            if z is None:
                problems.append('designate: zone %s not listed' % zone)
                continue
            entry.update({'api': z.get('serial'), 'status': z.get('status')})
            if z.get('status') != 'ACTIVE':
                problems.append('zone %s is %s in Designate'
                                % (zone, z.get('status')))
            for ns in self.nameservers:
                serial, seen = self._serial(ns, zone)
                entry[ns] = serial
                if serial != z.get('serial'):
                    problems.append(
                        'zone %s: SOA serial on %s is %s, Designate says %s'
                        ' (%s)' % (zone, ns, serial, z.get('serial'), seen))
        report['ok'] = not problems
        report['problems'] = problems
        return report

    def wait(self, zones, timeout, interval=2.0):
        """Poll :meth:`check` until healthy or ``timeout`` seconds passed.

        → its last report plus ``waited`` seconds (``ok`` False at the
        deadline; the problems say what was seen last).
        """
        def check():
            report = self.check(zones)
            return report['ok'], report
        try:
            report, waited = polling.until(
                check, timeout, interval, retry=lambda exc: False,
                clock=self._clock, sleep=self._sleep)
        except polling.Deadline as late:
            report, waited = late.seen, late.waited
        report['waited'] = round(waited, 3)
        return report

    @classmethod
    def from_config(cls, config_file=None, http_timeout=10.0):
        """Real probes from tempest.conf.

        The admin account and [dns] nameservers of tempest.conf (loaded
        through the public API).
        """
        from cross_service_tempest_plugin import credentials
        from cross_service_tempest_plugin import tempest_conf
        conf = tempest_conf.load_config(config_file)
        mgr = credentials.admin_manager(config_file)
        zones_client = mgr.dns_v2.ZonesClient()
        region = conf.identity.region
        interface = conf.identity.v3_endpoint_type or 'public'
        interface = interface.replace('URL', '')

        def token():
            mgr.auth_provider.clear_auth()
            return mgr.auth_provider.get_token()

        def endpoints():
            catalog = mgr.auth_provider.get_auth()[1].get('catalog', [])
            found = {}
            for service in catalog:
                for ep in service.get('endpoints', []):
                    if ep.get('interface') == interface and (
                            not region or ep.get('region') in (region,
                                                               None)):
                        found[service['type']] = ep['url']
            return found

        def list_zones():
            return zones_client.list_zones(
                params={'limit': 1000},
                headers={'x-auth-all-projects': True})[1]['zones']

        timeout = conf.dns.query_timeout or 2.0
        return cls(token, endpoints, list_zones, conf.dns.nameservers,
                   http_status=lambda url: http_status(url, http_timeout),
                   serial=lambda ns, zone: soa_serial(ns, zone, timeout))
