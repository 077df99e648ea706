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

"""What a scenario run reads from tempest.conf, and the clients it uses.

One place for both front doors: the Tempest test classes
(:mod:`cross_service_tempest_plugin.tests.base`) and the Python API build
:class:`Settings` with :meth:`Settings.from_conf` and :class:`ScenarioClients`
with :meth:`ScenarioClients.from_managers`. The defaults of the settings are
those of the ``[cross_service]`` options (:mod:`..config`).
"""

import dataclasses
import typing

from cross_service_tempest_plugin import config as cs_config
from cross_service_tempest_plugin.scenarios import guest_key

# Neutron API extensions the DNS scenarios need (``requires:
# dns_extensions`` in a definition).
DNS_EXTENSIONS = ('dns-integration', 'dns-domain-ports')
# ``requires: dns_domain_keywords``: dns_domain may name <project_id>,
# <project_name>, <user_id>, <user_name>.
KEYWORDS_EXTENSION = 'dns-integration-domain-keywords'

# ``requires:`` entry → [service_available] option.
SERVICES = {'heat': 'heat', 'designate': 'designate', 'neutron': 'neutron',
            'nova': 'nova'}
# [service_available] options a Tempest plugin registers: who, for the
# message when the option does not exist.
REGISTERED_BY = {'designate': 'designate-tempest-plugin',
                 'heat': 'heat-tempest-plugin'}


# What ``requires:`` may list: the SERVICES plus these checks.
# ``requires: second_pool``: a non-default Designate pool with its own
# nameservers ([cross_service] second_pool_id, second_pool_nameservers).
REQUIREMENTS = tuple(SERVICES) + (
    'dns_extensions', 'provider_network', 'dns_domain_keywords',
    'second_pool')


def _text(value):
    return '' if value is None else str(value)


# The {placeholders} filled from tempest.conf (Settings.context): name →
# (group, option, conversion). Those each run fills are in .context.
CONF_CONTEXT = {
    'public_network_id': ('network', 'public_network_id', _text),
    'image_ref': ('compute', 'image_ref', _text),
    'flavor_ref': ('compute', 'flavor_ref', _text),
    'provider_network_type': ('cross_service', 'provider_network_type',
                              _text),
    'provider_physical_network': ('cross_service',
                                  'provider_physical_network', _text),
    'provider_segmentation_id': ('cross_service', 'provider_segmentation_id',
                                 _text),
    'provider_cidr': ('cross_service', 'provider_cidr', _text),
    'provider_ipv6_cidr': ('cross_service', 'provider_ipv6_cidr', _text),
    'published_cidr': ('cross_service', 'published_cidr', _text),
    'zone_email': ('cross_service', 'zone_email', None),
    'zone_ttl': ('cross_service', 'zone_ttl', None),
}
# and the guests' SSH public key ('' where no guest can be logged into)
CONF_PLACEHOLDERS = tuple(CONF_CONTEXT) + ('guest_ssh_public_key',)

# heat-tempest-plugin's defaults of [heat_plugin] build_timeout and
# build_interval: they hold where that group is not registered.
HEAT_BUILD_TIMEOUT = 1200
HEAT_BUILD_INTERVAL = 4


def stack_wait(conf):
    """(timeout, interval) in seconds of a stack wait, from tempest.conf.

    The one place they are resolved: ``[heat_plugin] build_timeout``;
    ``[cross_service] stack_interval``, else ``[heat_plugin]
    build_interval``; heat-tempest-plugin's defaults where that group is
    missing. Everything else takes the values it is given.
    """
    heat = getattr(conf, 'heat_plugin', None)
    timeout = getattr(heat, 'build_timeout', None) or HEAT_BUILD_TIMEOUT
    interval = (getattr(conf.cross_service, 'stack_interval', None) or
                getattr(heat, 'build_interval', None) or HEAT_BUILD_INTERVAL)
    return timeout, interval


def _opt(name):
    return dataclasses.field(default=cs_config.default(name))


@dataclasses.dataclass
class Settings:
    """What the engine reads from tempest.conf (kept in one place)."""

    zone_suffix: str = _opt('zone_suffix')
    zone_email: str = _opt('zone_email')
    zone_ttl: int = _opt('zone_ttl')
    record_timeout: float = _opt('record_timeout')
    record_interval: float = _opt('record_interval')
    nameservers: list = dataclasses.field(default_factory=list)  # [dns]
    # a non-default pool and its nameservers ([cross_service] second_pool_*)
    second_pool_id: typing.Optional[str] = None
    second_pool_nameservers: list = dataclasses.field(default_factory=list)
    check_nameservers: bool = _opt('check_nameservers')
    check_reverse: bool = _opt('check_reverse')
    query_timeout: float = 2.0      # [dns] query_timeout
    # seconds of one stack wait and its poll interval (stack_wait)
    stack_timeout: float = HEAT_BUILD_TIMEOUT
    stack_interval: float = HEAT_BUILD_INTERVAL
    template_dir: typing.Optional[str] = _opt('template_dir')
    # Values for {placeholders} that come from the config.
    context: dict = dataclasses.field(default_factory=dict)
    cleanup_timeout: float = _opt('cleanup_timeout')
    cleanup_interval: float = 5
    # Seconds cleanup keeps looking (by name) for a stack whose create
    # request was interrupted: Heat may still be storing it.
    create_settle: float = 15
    results_dir: typing.Optional[str] = _opt('results_dir')
    fixed_known_bugs: list = dataclasses.field(default_factory=list)
    # Tempest's [validation]: whether and how a guest can be reached
    # (check_reachable); None: not read, the step is skipped
    validation: typing.Optional[dict] = None
    # the image answers GET / with its hostname (check_reachable)
    guest_http_hostname: bool = _opt('guest_http_hostname')

    def __post_init__(self):
        self.nameservers = list(self.nameservers or [])
        self.second_pool_nameservers = list(self.second_pool_nameservers
                                            or [])
        self.context = dict(self.context or {})
        # the guests' SSH key ('' where no guest can be logged into)
        self.context.setdefault('guest_ssh_public_key', '')

    @classmethod
    def from_conf(cls, conf):
        cs = conf.cross_service
        context = {}
        for key, (group, option, convert) in CONF_CONTEXT.items():
            value = getattr(getattr(conf, group), option)
            context[key] = convert(value) if convert else value
        validation = _validation(conf)
        if guest_key.ssh_reason(validation) is None:
            context['guest_ssh_public_key'] = guest_key.public_key()
        stack_timeout, stack_interval = stack_wait(conf)
        return cls(zone_suffix=cs.zone_suffix, zone_email=cs.zone_email,
                   zone_ttl=cs.zone_ttl, record_timeout=cs.record_timeout,
                   record_interval=cs.record_interval,
                   nameservers=conf.dns.nameservers,
                   second_pool_id=cs.second_pool_id,
                   second_pool_nameservers=cs.second_pool_nameservers,
                   check_nameservers=cs.check_nameservers,
                   check_reverse=cs.check_reverse,
                   query_timeout=conf.dns.query_timeout,
                   stack_timeout=stack_timeout,
                   stack_interval=stack_interval,
                   template_dir=cs.template_dir, context=context,
                   cleanup_timeout=cs.cleanup_timeout,
                   results_dir=cs.results_dir,
                   fixed_known_bugs=list(cs.fixed_known_bugs or []),
                   guest_http_hostname=cs.guest_http_hostname,
                   validation=validation)


# [validation] options check_reachable and check_peer_dns read
VALIDATION_OPTIONS = ('run_validation', 'connect_method', 'connect_timeout',
                      'ssh_timeout', 'auth_method', 'image_ssh_user')


def _validation(conf):
    section = getattr(conf, 'validation', None)
    if section is None:
        return None
    return {name: getattr(section, name, None)
            for name in VALIDATION_OPTIONS}


@dataclasses.dataclass
class ScenarioClients:
    """The clients one run uses: the owner's plus admin ones for PTRs."""

    stacks: typing.Any
    resources: typing.Any
    events: typing.Any
    recordsets: typing.Any
    zones: typing.Any
    ports: typing.Any
    floating_ips: typing.Any
    admin_recordsets: typing.Any = None
    admin_zones: typing.Any = None
    # who owns the stacks: {project_id}/{project_name} of a definition
    project_id: typing.Optional[str] = None
    project_name: typing.Optional[str] = None

    @classmethod
    def from_managers(cls, owner, admin=None):
        """Build from ``tempest.clients.Manager`` objects."""
        orch = owner.orchestration
        creds = getattr(owner, 'credentials', None)
        return cls(stacks=orch.StacksClient(),
                   resources=orch.ResourcesClient(),
                   events=orch.EventsClient(),
                   recordsets=owner.dns_v2.RecordsetClient(),
                   zones=owner.dns_v2.ZonesClient(),
                   ports=owner.ports_client,
                   floating_ips=owner.floating_ips_client,
                   admin_recordsets=(admin.dns_v2.RecordsetClient()
                                     if admin else None),
                   admin_zones=admin.dns_v2.ZonesClient() if admin else None,
                   project_id=getattr(creds, 'project_id', None),
                   project_name=getattr(creds, 'project_name', None))


def missing_requirements(definition, conf, extension_enabled=None):
    """Names of what ``definition['requires']`` needs and conf lacks."""
    missing = []
    for req in definition.get('requires') or []:
        if req in SERVICES:
            option = SERVICES[req]
            try:
                available = getattr(conf.service_available, option)
            except AttributeError:      # oslo.config's NoSuchOptError
                missing.append('[service_available] %s (no such option: '
                               'install %s)' % (
                                   option, REGISTERED_BY.get(option,
                                                             'tempest')))
                continue
            if not available:
                missing.append('[service_available] %s' % option)
        elif req == 'dns_extensions':
            for ext in DNS_EXTENSIONS:
                if extension_enabled and not extension_enabled(ext,
                                                               'network'):
                    missing.append('Neutron extension %s ([network-feature-'
                                   'enabled] api_extensions)' % ext)
        elif req == 'dns_domain_keywords':
            if extension_enabled and not extension_enabled(
                    KEYWORDS_EXTENSION, 'network'):
                missing.append('Neutron extension %s ([network-feature-'
                               'enabled] api_extensions)'
                               % KEYWORDS_EXTENSION)
        elif req == 'second_pool':
            if not conf.cross_service.second_pool_id:
                missing.append('[cross_service] second_pool_id (a '
                               'non-default Designate pool)')
        elif req == 'provider_network':
            if not conf.cross_service.provider_network_type:
                missing.append('[cross_service] provider_network_type')
        else:
            missing.append('unknown requirement %r' % req)
    return missing
