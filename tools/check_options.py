#!/usr/bin/env python3
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

"""Every option the devstack job sets exists where it is set.

Collected from .zuul.yaml (devstack_local_conf post-config and
test-config), devstack/plugin.sh (its literal iniset calls) and
cross_service_settings/service-settings.ini (what the plugin applies):
(service, group, option, where it was set).  Then checked against what
that service registers with oslo.config, in that group (the
``oslo.config.opts`` entry points of the service and the libraries it
loads options from, in the running interpreter), or, for tempest.conf,
against Tempest's options and every installed Tempest plugin's.

  <services venv>/bin/python tools/check_options.py --part services
  .venv-unit/bin/python tools/check_options.py --part tempest
  ... [--zuul FILE] [--no-plugin]

An option registered in another group of that service is named ("set in
[DEFAULT]; registered in [designate]"): options in the wrong group are
silently ignored by oslo.config.  Last line: "N options checked, M
unknown"; exit 1 when one is unknown or a service is not installed.
"""

import argparse
import collections
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

import cross_service_settings as settings  # noqa: E402

Setting = collections.namedtuple('Setting', 'service group name origin')

# devstack's variables of the config files in local.conf -> service
ZUUL_FILES = {
    '$NEUTRON_CONF': 'neutron', '/$NEUTRON_CORE_PLUGIN_CONF': 'neutron',
    '$Q_PLUGIN_CONF_FILE': 'neutron', '/$Q_PLUGIN_CONF_FILE': 'neutron',
    '$DESIGNATE_CONF': 'designate', '$NOVA_CONF': 'nova',
    '$NOVA_CPU_CONF': 'nova', '$HEAT_CONF': 'heat',
    '$GLANCE_API_CONF': 'glance', '$KEYSTONE_CONF': 'keystone',
    '$PLACEMENT_CONF': 'placement', '$TEMPEST_CONFIG': 'tempest',
}
# settings file keys (cross_service_settings.FILES) -> service
SETTINGS_FILES = {'neutron': 'neutron', 'ml2': 'neutron',
                  'designate': 'designate', 'tempest': 'tempest'}
# the plugin's config file variables -> service
PLUGIN_VARS = {'NEUTRON_CONF': 'neutron',
               'NEUTRON_CORE_PLUGIN_CONF': 'neutron',
               'DESIGNATE_CONF': 'designate', 'TEMPEST_CONFIG': 'tempest'}
# distributions whose oslo.config.opts entry points a service's options
# come from: its own and the libraries it loads options from
LIBRARIES = ('oslo.', 'keystonemiddleware', 'osprofiler')
SERVICE_DISTS = {
    'neutron': ('neutron',), 'designate': ('designate',),
    'nova': ('nova', 'os_vif', 'os-brick', 'castellan'),
    'heat': ('openstack-heat',), 'glance': ('glance', 'glance_store',
                                            'castellan'),
    'keystone': ('keystone',), 'placement': ('openstack-placement',),
}
# modules that register every option of the service on import, the way
# the service itself does: some options are registered there but left out
# of the service's oslo.config.opts listers (Designate 23's
# [producer_task:increment_serial], designate/conf/producer.py list_opts)
RUNTIME_CONF = {'designate': 'designate.conf', 'nova': 'nova.conf'}


# option values that name a driver: (service, group, option) -> the entry
# point group the service loads it from
DRIVER_VALUES = {
    ('neutron', 'ml2', 'extension_drivers'): 'neutron.ml2.extension_drivers',
    ('neutron', 'DEFAULT', 'external_dns_driver'):
        'neutron.services.external_dns_drivers',
}


def _yaml():
    import yaml
    return yaml


def from_zuul(path):
    """Settings of every job's devstack_local_conf in ``path``."""
    with open(path) as f:
        docs = _yaml().safe_load(f) or []
    out = []
    for item in docs:
        job = item.get('job') if isinstance(item, dict) else None
        if not job:
            continue
        conf = (job.get('vars') or {}).get('devstack_local_conf') or {}
        for phase, files in conf.items():
            for fname, groups in (files or {}).items():
                service = ZUUL_FILES.get(fname)
                origin = '%s job %s devstack_local_conf %s %s' % (
                    os.path.basename(path), job['name'], phase, fname)
                if service is None:
                    out.append(Setting(None, fname, None, origin))
                    continue
                for group, opts in (groups or {}).items():
                    for name in opts or {}:
                        out.append(Setting(service, group, name, origin))
    return out


_FUNC = re.compile(r'^function (\w+)')
_LOCAL = re.compile(r'\b(\w+)=/?\$(\w+)')
_INISET = re.compile(r'^\s*iniset\s+"?\$(\w+)"?\s+([\w:.-]+)\s+([\w.-]+)\s')


def from_plugin(path):
    """The plugin's iniset calls with a literal group and option."""
    out, local = [], {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if _FUNC.match(line):
                local = {}
            for var, target in _LOCAL.findall(line):
                local[var] = target
            m = _INISET.match(line)
            if not m:
                continue
            var, group, name = m.groups()
            service = PLUGIN_VARS.get(local.get(var, var))
            out.append(Setting(service, group, name, '%s:%d' % (
                os.path.relpath(path, REPO), n)))
    return out


def from_settings():
    return [Setting(SETTINGS_FILES[o.file], o.group, o.name,
                    os.path.relpath(settings.PATH, REPO) + ' [%s:%s]' % (
                        o.file, o.group))
            for o in settings.options()]


def check_driver_values(out=print):
    """The shared settings' driver names: each one the service can load.

    Returns (checked, unknown).
    """
    from importlib import metadata
    checked = unknown = 0
    # the drivers that ours replace are ML2 drivers too
    replaced = settings.Option('ml2', 'ml2', 'extension_drivers', ','.join(
        settings.csv('extension_drivers', 'replaced')))
    for o in settings.options() + [replaced]:
        group = DRIVER_VALUES.get((SETTINGS_FILES[o.file], o.group, o.name))
        if not group:
            continue
        names = {ep.name for ep in metadata.entry_points(group=group)}
        for value in [v.strip() for v in o.value.split(',') if v.strip()]:
            checked += 1
            if value not in names:
                unknown += 1
                out('UNKNOWN: %s [%s] %s = %s: no %s entry point of that '
                    'name (known: %s)' % (o.file, o.group, o.name, value,
                                          group, ', '.join(sorted(names))))
    return checked, unknown


def _add(known, group, opts):
    name = getattr(group, 'name', group) or 'DEFAULT'
    known.setdefault(name, set()).update(o.dest if hasattr(o, 'dest')
                                         else o.name for o in opts)
    known[name].update(o.name for o in opts)


def service_options(service):
    """{group: option names} that ``service`` registers (None: absent)."""
    from importlib import metadata
    own = SERVICE_DISTS[service]
    eps = [ep for ep in metadata.entry_points(group='oslo.config.opts')
           if ep.dist and (ep.dist.name in own or
                           ep.dist.name.startswith(LIBRARIES))]
    if not any(ep.dist.name == own[0] for ep in eps):
        return None
    known = {}
    for ep in eps:
        try:
            lister = ep.load()
            for group, opts in lister():
                _add(known, group, opts)
        except Exception as e:  # a library's lister failing: say so
            print('note: %s (%s): %s' % (ep.name, ep.dist.name, e))
    runtime = RUNTIME_CONF.get(service)
    if runtime:
        import importlib
        conf = importlib.import_module(runtime).CONF
        listed = {g: set(o) for g, o in known.items()}
        _add(known, None, [o['opt'] for o in conf._opts.values()])
        for name, group in conf._groups.items():
            _add(known, name, [o['opt'] for o in group._opts.values()])
        extra = sorted('[%s] %s' % (g, o) for g, opts in known.items()
                       for o in opts - listed.get(g, set()))
        if extra:
            print('note: %s registers %d option(s) that its '
                  'oslo.config.opts listers leave out (not in '
                  'oslo-config-generator\'s sample), e.g. %s' % (
                      service, len(extra), ', '.join(e for e in extra
                                                     if 'increment_serial'
                                                     in e)[:200] or
                      ', '.join(extra[:3])))
    # groups with keystoneauth's auth_type also take the options of the
    # auth plugin they name; devstack's services use "password"
    try:
        from keystoneauth1 import loading
        auth = {o.dest for o in loading.get_auth_plugin_conf_options(
            'password')} | {o.name for o in
                            loading.get_auth_plugin_conf_options('password')}
        for opts in known.values():
            if 'auth_type' in opts:
                opts.update(auth)
    except ImportError:
        pass
    return known


def tempest_options():
    from tempest import config
    from tempest.test_discover import plugins
    known = {}
    for group, opts in config._opts:
        _add(known, group, opts)
    for group, opts in plugins.TempestTestPluginManager(
            ).get_plugin_options_list():
        _add(known, group, opts)
    return known


def check(items, known, out=print):
    """Print every unknown setting; return the number unknown."""
    unknown = 0
    for s in items:
        opts = known.get(s.group, set())
        if s.name in opts or s.name.replace('-', '_') in opts:
            continue
        unknown += 1
        elsewhere = sorted(g for g, o in known.items() if s.name in o)
        out('UNKNOWN: %s [%s] %s (set in %s): %s' % (
            s.service, s.group, s.name, s.origin,
            'registered in %s, not [%s]: oslo.config ignores it there'
            % (', '.join('[%s]' % g for g in elsewhere), s.group)
            if elsewhere else 'no such option in any group of %s'
            % s.service))
    return unknown


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--part', choices=('services', 'tempest'),
                   required=True)
    p.add_argument('--zuul', default=os.path.join(REPO, '.zuul.yaml'))
    p.add_argument('--no-plugin', action='store_true',
                   help='only --zuul (e.g. an old .zuul.yaml)')
    args = p.parse_args(argv)
    items = from_zuul(args.zuul)
    if not args.no_plugin:
        items += from_plugin(os.path.join(REPO, 'devstack', 'plugin.sh'))
        items += from_settings()
    bad = [s for s in items if s.service is None]
    for s in bad:
        print('UNKNOWN: config file %s (set in %s): not a file of a '
              'service this check knows (%s)' % (
                  s.group, s.origin, ', '.join(sorted(ZUUL_FILES))))
    items = [s for s in items if s.service is not None]
    if args.part == 'tempest':
        items = [s for s in items if s.service == 'tempest']
        unknown = check(items, tempest_options())
    else:
        items = [s for s in items if s.service != 'tempest']
        unknown = 0
        for service in sorted({s.service for s in items}):
            known = service_options(service)
            mine = [s for s in items if s.service == service]
            if known is None:
                print('UNKNOWN: %s is not installed in %s: its %d option(s) '
                      'cannot be checked' % (service, sys.prefix, len(mine)))
                unknown += len(mine)
                continue
            unknown += check(mine, known)
        if not args.no_plugin:
            n, bad_values = check_driver_values()
            print('%d driver names of the service settings checked, %d '
                  'unknown' % (n, bad_values))
            unknown += bad_values
    unknown += len(bad)
    print('%d options checked, %d unknown (%s, %s)' % (
        len(items) + len(bad), unknown, args.part,
        os.path.relpath(args.zuul, REPO) +
        ('' if args.no_plugin else ' + devstack plugin + service settings')))
    return 1 if unknown else 0


if __name__ == '__main__':
    sys.exit(main())
