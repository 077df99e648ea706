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

"""Options of the ``[cross_service]`` group.

Values are checked when they are read: a bad value in tempest.conf fails
with oslo.config's message naming the option plus the reason given here.
Checks that involve several options live in :func:`validate`.
"""

import math
import os

from oslo_config import cfg
from oslo_config import types

from cross_service_tempest_plugin import config_types

# the option types (config_types), under the names this module had
ZoneSuffix = config_types.ZoneSuffix
EmailAddress = config_types.EmailAddress
IPNetwork = config_types.IPNetwork

cross_service_group = cfg.OptGroup(
    name='cross_service',
    title='Cross-service (Nova/Neutron/Designate/Heat) scenario options',
    help='Options of cross_service_tempest_plugin. Clients and timeouts of '
         'the services themselves come from [heat_plugin], [dns], '
         '[network] and [compute].')

PROVIDER_NETWORK_TYPES = (
    ('flat', 'untagged on provider_physical_network'),
    ('vlan', 'VLAN provider_segmentation_id on provider_physical_network'),
    ('vxlan', 'VXLAN tunnel, VNI provider_segmentation_id'),
    ('geneve', 'Geneve tunnel, VNI provider_segmentation_id'),
    ('gre', 'GRE tunnel, key provider_segmentation_id'),
)

CrossServiceGroup = [
    cfg.Opt('zone_email',
            type=EmailAddress(),
            default='hostmaster@cross-service.test',
            help='E-mail address given to the DNS zones the tests create.'),
    cfg.IntOpt('zone_ttl',
               default=300,
               min=1,
               max=2147483647,
               help='TTL in seconds of the zones the tests create. Must not '
                    'be below Designate\'s [service:central] min_ttl.'),
    cfg.Opt('zone_suffix',
            type=ZoneSuffix(),
            default='cross-service.test.',
            help='Parent domain of the test zones, ending with a dot. Each '
                 'scenario run creates its own zone, by default '
                 '<label>.<zone_suffix> '
                 '(label: cs- and 10 random hex digits), so parallel runs '
                 'do not clash. If Designate has TLDs '
                 'configured, the last label must be one of them.'),
    cfg.IntOpt('record_timeout',
               default=120,
               min=1,
               help='Seconds to wait for a DNS record to appear or disappear '
                    '(in the Designate API and on the nameservers).'),
    cfg.FloatOpt('record_interval',
                 default=1.0,
                 min=0.1,
                 help='Seconds between two checks while waiting for a DNS '
                      'record.'),
    cfg.FloatOpt('stack_interval',
                 min=0.1,
                 help='Seconds between two status checks while the '
                      'scenario engine waits for a stack create, update or '
                      'delete. Unset: [heat_plugin] build_interval, an '
                      'integer. Heat finishes a resource on its own 1 s '
                      'ticks, so a 1 s poll adds up to a second to every '
                      'stack operation; a short interval costs one stack '
                      'show per poll.'),
    cfg.BoolOpt('check_nameservers',
                default=True,
                help='Also query the nameservers listed in [dns] nameservers '
                     'for every expected record ("on the wire"), not only '
                     'the Designate API.'),
    cfg.BoolOpt('guest_http_hostname',
                default=False,
                help='The servers\' image ([compute] image_ref) answers '
                     'GET http://<address>/ with its hostname, as the local '
                     'constellation\'s guest image does. With it and '
                     '[validation] run_validation, check_reachable connects '
                     'to each published name and compares the hostname; '
                     'without it (e.g. cirros on devstack) that step is '
                     'skipped, naming this option.'),
    cfg.BoolOpt('check_reverse',
                default=True,
                help='Check PTR records of floating IPs and ports. Needs '
                     'Neutron\'s [designate] allow_reverse_dns_lookup '
                     '(its default) and the ptr_zone_prefix_size options '
                     'there.'),
    cfg.StrOpt('provider_network_type',
               choices=PROVIDER_NETWORK_TYPES,
               help='Network type of the provider network that the '
                    'provider-network scenario creates as admin. Unset: '
                    'that scenario is skipped.'),
    cfg.StrOpt('provider_physical_network',
               help='Physical network of the provider network (required for '
                    'flat and vlan, not allowed for tunnel types).'),
    cfg.IntOpt('provider_segmentation_id',
               min=1,
               max=16777215,
               help='Segmentation id (VLAN id 1-4094, or VNI) of the '
                    'provider network. Must lie outside the ranges Neutron '
                    'hands out to tenant networks. Not allowed for flat.'),
    cfg.Opt('provider_cidr',
            type=IPNetwork(4),
            default='203.0.113.0/24',
            help='IPv4 CIDR of the provider network\'s subnet. Use a range '
                 'no other test uses (its reverse zone is shared).'),
    cfg.Opt('provider_ipv6_cidr',
            type=IPNetwork(6),
            default='2001:db8:5e00::/64',
            help='IPv6 CIDR of the provider network\'s second subnet '
                 '(AAAA records).'),
    cfg.Opt('published_cidr',
            type=IPNetwork(4),
            default='10.249.0.0/24',
            help='IPv4 CIDR of the tenant subnet whose fixed IPs Neutron '
                 'publishes (dns_publish_fixed_ip, the dns_domain_keywords '
                 'scenario). Its reverse zone should exist before the run: '
                 'one Neutron creates with its first PTR can lose that PTR '
                 '(Designate\'s serial collision, see the constellation '
                 'docs).'),
    cfg.StrOpt('second_pool_id',
               help='ID of a non-default Designate pool (pools.yaml) with '
                    'nameservers of its own. The pool-routing scenarios '
                    'create a zone on it (zone attribute pool_id, which '
                    'needs the admin role and Designate\'s '
                    'pool_id_attribute scheduler filter) and check that '
                    'its records are served only by that pool\'s '
                    'nameservers, and a default zone\'s only by [dns] '
                    'nameservers. Unset: those scenarios are skipped.'),
    cfg.ListOpt('second_pool_nameservers',
                default=[],
                help='host:port of the nameservers of second_pool_id (as '
                     '[dns] nameservers is for the default pool).'),
    cfg.StrOpt('template_dir',
               help='Directory with HOT templates that override the packaged '
                    'ones of the same file name. Unset: packaged templates.'),
    cfg.IntOpt('cleanup_timeout',
               default=300,
               min=1,
               help='Seconds the cleanup of one scenario run may take in '
                    'all (stacks, zone), retrying while a service is '
                    'briefly away. What is left then is reported and the '
                    'run fails.'),
    cfg.StrOpt('results_dir',
               help='Directory where every scenario run (Tempest tests, the '
                    'Python API, cross-service-scenario) writes its result '
                    'document as JSON, one file per run named '
                    '<UTC time>-<scenario>-<run label>.json. Unset: no '
                    'files are written.'),
    cfg.ListOpt('scenario_files',
                default=[],
                help='Extra scenario definition YAML files to run in '
                     'addition to the packaged ones.'),
    cfg.ListOpt('fixed_known_bugs',
                default=[],
                help='Scenarios whose known_bug (a service bug the scenario '
                     'asserts as such) is fixed in the cloud under test: '
                     'their records must be removed as usual. Set it per '
                     'series once the upstream fix has landed there '
                     '(doc/source/install/devstack.rst, "known bugs").'),
]


# Options of other groups whose values a run may override, with the bounds
# this plugin needs ([heat_plugin] build_timeout/build_interval have none:
# 0 would make every stack wait a busy loop).
RUN_OPTS = [
    cfg.IntOpt('stack_timeout',
               min=1,
               help='Seconds one stack create/update/delete may take '
                    '(default: [heat_plugin] build_timeout).'),
]

# Keys of a run's overrides (--set, overrides=) that tune the engine
# instead of filling {placeholders}: each takes the type and range of the
# option of the same name (CrossServiceGroup or RUN_OPTS).
SETTING_OVERRIDES = ('record_timeout', 'record_interval', 'stack_timeout',
                     'stack_interval', 'cleanup_timeout',
                     'check_nameservers', 'check_reverse')


def _opt(name):
    for opt in CrossServiceGroup + RUN_OPTS:
        if opt.name == name:
            return opt
    raise KeyError(name)


def describe_type(name):
    """What the option ``name`` accepts, e.g. ``an integer >= 1``."""
    otype = _opt(name).type
    if isinstance(otype, types.Boolean):
        return 'true or false'
    if isinstance(otype, (types.Integer, types.Float)):
        what = ('an integer' if isinstance(otype, types.Integer)
                else 'a number')
        low, high = (None if b is None else '%s' % (
            int(b) if float(b).is_integer() else b)
            for b in (otype.min, otype.max))
        if low is not None and high is not None:
            return '%s from %s to %s' % (what, low, high)
        if low is not None:
            return '%s >= %s' % (what, low)
        if high is not None:
            return '%s <= %s' % (what, high)
        return what
    return 'a %s' % otype.type_name


def check_setting(name, value):
    """``value`` converted like the option ``name`` would be.

    Raises ValueError saying what the option accepts and what was given:
    a run's override gets the same checks as tempest.conf.
    """
    otype = _opt(name).type
    wrong = ValueError('%s must be %s%s; got %r' % (
        name, describe_type(name), _like(name), value))
    if isinstance(value, bool) and not isinstance(otype, types.Boolean):
        raise wrong
    if (isinstance(otype, types.Integer) and isinstance(value, float) and
            not value.is_integer()):
        raise wrong
    if isinstance(otype, types.Boolean) and not isinstance(value,
                                                           (bool, str)):
        raise wrong
    try:
        converted = otype(value)
    except (TypeError, ValueError):
        raise wrong
    if converted is None:       # oslo.config: '' means unset
        raise wrong
    if isinstance(converted, float) and not math.isfinite(converted):
        # nan passes every range check (comparisons are false); inf waits
        # forever or polls never
        raise ValueError('%s must be %s%s and finite; got %r' % (
            name, describe_type(name), _like(name), value))
    return converted


def _like(name):
    if any(opt.name == name for opt in CrossServiceGroup):
        return ' (like [cross_service] %s)' % name
    return ''


def interval_problem(interval, timeout, names=('record_interval',
                                               'record_timeout')):
    """The message if a poll interval is not below its timeout, else None."""
    if interval >= timeout:
        return ('%s (%s s) must be smaller than %s (%s s)'
                % (names[0], interval, names[1], timeout))
    return None


def default(name):
    """The default of the ``[cross_service]`` option ``name``."""
    for opt in CrossServiceGroup:
        if opt.name == name:
            return opt.default
    raise KeyError(name)


def list_opts():
    """Options for oslo-config-generator (namespace of this package)."""
    return [(cross_service_group, CrossServiceGroup)]


def validate(conf):
    """Check the rules that involve several ``[cross_service]`` options.

    :param conf: the Tempest CONF object (or any ConfigOpts with the group)
    :returns: list of problems, each naming the options involved; empty if
        the configuration is consistent.
    """
    opts = conf.cross_service
    problems = []
    from cross_service_tempest_plugin.common import dns_wire
    for option, entries in (
            ('[dns] nameservers', getattr(getattr(conf, 'dns', None),
                                          'nameservers', None) or []),
            ('[cross_service] second_pool_nameservers',
             opts.second_pool_nameservers or [])):
        for entry in entries:
            try:
                dns_wire.parse_nameserver(entry, option)
            except ValueError as exc:
                problems.append(str(exc))
    for opt in CrossServiceGroup:
        value = getattr(opts, opt.name, None)
        if isinstance(value, float) and not math.isfinite(value):
            problems.append('[cross_service] %s must be a finite number, '
                            'got %s' % (opt.name, value))
    net_type = opts.provider_network_type
    physnet = opts.provider_physical_network
    seg_id = opts.provider_segmentation_id
    if net_type in ('flat', 'vlan') and not physnet:
        problems.append(
            '[cross_service] provider_physical_network is required when '
            'provider_network_type = %s' % net_type)
    if net_type in ('vxlan', 'geneve', 'gre') and physnet:
        problems.append(
            '[cross_service] provider_physical_network must be unset when '
            'provider_network_type = %s (got %r)' % (net_type, physnet))
    if net_type == 'flat' and seg_id is not None:
        problems.append(
            '[cross_service] provider_segmentation_id must be unset when '
            'provider_network_type = flat (got %s)' % seg_id)
    if net_type == 'vlan' and seg_id is not None and seg_id > 4094:
        problems.append(
            '[cross_service] provider_segmentation_id must be a VLAN id '
            '1-4094 when provider_network_type = vlan (got %s)' % seg_id)
    interval = interval_problem(opts.record_interval, opts.record_timeout)
    if interval:
        problems.append('[cross_service] %s' % interval)
    build_timeout = getattr(getattr(conf, 'heat_plugin', None),
                            'build_timeout', None)
    if opts.stack_interval and build_timeout:
        interval = interval_problem(
            opts.stack_interval, build_timeout,
            names=('stack_interval', '[heat_plugin] build_timeout'))
        if interval:
            problems.append('[cross_service] %s' % interval)
    if (opts.second_pool_id and opts.check_nameservers and
            not opts.second_pool_nameservers):
        problems.append(
            '[cross_service] second_pool_nameservers is required when '
            'second_pool_id is set (%s) and check_nameservers is True: '
            'the pool-routing scenarios query that pool\'s nameservers'
            % opts.second_pool_id)
    if opts.template_dir and not os.path.isdir(opts.template_dir):
        problems.append(
            '[cross_service] template_dir %r is not a directory'
            % opts.template_dir)
    if opts.results_dir and os.path.exists(opts.results_dir) and not (
            os.path.isdir(opts.results_dir) and
            os.access(opts.results_dir, os.W_OK | os.X_OK)):
        problems.append(
            '[cross_service] results_dir %r is not a writable directory'
            % opts.results_dir)
    for path in opts.scenario_files:
        if not os.path.isfile(path):
            problems.append(
                '[cross_service] scenario_files: %r is not a file' % path)
    return problems
