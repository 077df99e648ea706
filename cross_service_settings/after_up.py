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

"""The plugin's own step after ``constellation up``.

What devstack's ``extra`` and ``test-config`` phases of the plugin do
(devstack/plugin.sh), on a constellation: Neutron's reverse zones created
ahead (``ahead``, the devstack plugin's code) and tempest.conf's
``[cross_service]`` group, from the facts the constellation prints
(``constellation facts``).  Run by ``tools/constellation up``.  Standard
library only.
"""

import configparser
import json
import os

import cross_service_settings as settings
from cross_service_settings import ahead

# The plugin's values for a constellation (a local cloud, loopback only)
ZONE_SUFFIX = 'cross-service.test.'
LOCAL = {
    'zone_email': 'hostmaster@%s' % ZONE_SUFFIX.rstrip('.'),
    'zone_ttl': 300,
    'zone_suffix': ZONE_SUFFIX,
    # Usually 1-3 s. Neutron's reverse zones exist from this step: one
    # created on the fly with its first PTR could keep that PTR off BIND
    # until the zone's next change (Designate's serial collision, ~50 s).
    'record_timeout': 30,
    # Polls of the local cloud: a record is ACTIVE ~1.2 s after its stack
    # completes and Heat completes a resource on its own 1 s ticks, so a
    # 1 s poll added up to a second to each of a scenario's ~9 waits;
    # 0.5 s halves that for one stack show or recordset list (and a DNS
    # query) per poll.
    'record_interval': 0.5,
    'stack_interval': 0.5,
    'check_nameservers': True,
}
# the constellation's facts this step reads (facts.json, schema 1)
FACTS_SCHEMA = 1


def read_facts(stream):
    try:
        facts = json.load(stream)
    except ValueError as e:
        raise ahead.Error('the constellation\'s facts (`constellation '
                          'facts`) are not JSON: %s' % e)
    if facts.get('schema') != FACTS_SCHEMA:
        raise ahead.Error('the constellation\'s facts have schema %r, this '
                          'step reads schema %d' % (facts.get('schema'),
                                                    FACTS_SCHEMA))
    return facts


def cross_service(facts, parser=None):
    """tempest.conf's [cross_service] options on that constellation."""
    parser = parser or settings.load()
    net = facts['networks']['provider']
    opts = dict(LOCAL)
    opts.update({
        'check_reverse': settings.value('neutron:designate',
                                        'allow_reverse_dns_lookup', parser),
        'provider_network_type': net['network_type'],
        'provider_physical_network': net['physical_network'],
        'provider_segmentation_id': net['segmentation_id'],
    })
    opts.update(settings.section('tempest', 'cross_service', parser))
    others = [p for p in facts['dns']['pools'] if not p['default']]
    if others:
        # the second Designate pool (its own BIND9); [dns] nameservers
        # stays the default pool's
        opts['second_pool_id'] = others[0]['id']
        opts['second_pool_nameservers'] = ','.join(others[0]['nameservers'])
    if (facts.get('guest') or {}).get('http_hostname'):
        # the guest image serves its hostname (check_reachable)
        opts['guest_http_hostname'] = True
    return {k: str(v) for k, v in opts.items()}


def write_tempest_conf(path, opts):
    """Set [cross_service] ``opts`` in tempest.conf ``path`` (kept private)."""
    # [DEFAULT] as a section like the others: its options are not
    # [cross_service]'s
    cp = configparser.RawConfigParser(default_section='\0')
    cp.optionxform = str
    if not cp.read(path):
        raise ahead.Error('%s: cannot read it (the constellation\'s '
                          'tempest.conf, facts "files")' % path)
    # ours first, in their order (the workshop shows the section's head),
    # then what the constellation wrote there from the service settings
    kept = []
    if cp.has_section('cross_service'):
        kept = [(k, v) for k, v in cp.items('cross_service')
                if k not in opts]
        cp.remove_section('cross_service')
    cp.add_section('cross_service')
    for key, value in list(opts.items()) + kept:
        cp.set('cross_service', key, value)
    tmp = '%s.tmp.%d' % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as f:
        cp.write(f)
    os.replace(tmp, path)


def run(facts, timeout=120, log=print, parser=None):
    parser = parser or settings.load()
    cidrs = settings.reverse_zone_cidrs(
        settings.section('tempest', 'cross_service', parser), parser)
    ahead.run(facts['files']['neutron'], cidrs,
              public_network=facts['networks']['public']['name'],
              window=settings.ipam_window(parser), timeout=timeout, log=log)
    opts = cross_service(facts, parser)
    write_tempest_conf(facts['files']['tempest'], opts)
    log('tempest.conf [cross_service]: %d options (%s)' % (
        len(opts), facts['files']['tempest']))
