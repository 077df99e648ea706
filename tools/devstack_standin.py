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

"""devstack/plugin.sh's phases under a stand-in for devstack's functions.

Against a running constellation (its configs copied, never changed):

  python3 tools/devstack_standin.py [--state-dir DIR] [--workdir DIR]

The copies are first made to look like devstack's before this plugin
(neutron-dns's neutron.conf without the PTR options, ML2 drivers
port_security,qos,dns_domain_ports, designate.conf without our polling,
tempest.conf without [cross_service]); then the phases pre-install,
install, post-config, extra and test-config run as stack.sh runs them
(sourced, in one shell, errexit).  Checked: what the copies say is what
cross_service_settings/service-settings.ini says, Neutron's reverse zones
exist (ACTIVE, Neutron's project, its e-mail), a second run changes no
file and no zone, and a missing service stops the plugin with its name.
Zones made for the stand-in's own CIDRs are deleted at the end (also on
failure).  Last line: "N passed, N failed".  System python3, stdlib only.
"""

import argparse
import configparser
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

import cross_service_settings as settings  # noqa: E402
from cross_service_settings import ahead  # noqa: E402
from cross_service_settings import reverse  # noqa: E402

STANDIN = os.path.join(REPO, 'tools', 'devstack-standin', 'functions')
PLUGIN = os.path.join(REPO, 'devstack', 'plugin.sh')
SETTINGS_SH = os.path.join(REPO, 'devstack', 'settings')
PHASES = ('pre-install', 'install', 'post-config', 'extra', 'test-config')
SERVICES = ('designate', 'designate-api', 'designate-central',
            'designate-worker', 'designate-producer', 'designate-mdns',
            'h-api', 'h-eng', 'neutron-api', 'neutron-dns', 'tempest')
# devstack's ML2 drivers before the plugin: port_security (devstack),
# qos (another plugin's: must be kept), dns_domain_ports (an older DNS
# driver that dns_domain_keywords replaces)
DEVSTACK_DRIVERS = ['port_security', 'qos', 'dns_domain_ports']
# CIDRs of the stand-in only (documentation/private ranges no scenario
# uses): their reverse zones do not exist before, so the run creates them;
# deleted at the end
STANDIN_CIDRS = {'published_cidr': '10.249.250.0/24',
                 'provider_ipv6_cidr': '2001:db8:5e5e::/64'}
FILES = ('neutron.conf', 'ml2_conf.ini', 'designate.conf', 'tempest.conf')


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def __call__(self, name, ok, detail=''):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print('%s: %s%s' % ('ok' if ok else 'FAILED', name,
                            (' (%s)' % detail) if detail else ''))
        return ok


def read_ini(path):
    p = configparser.ConfigParser(interpolation=None, strict=False)
    p.optionxform = str
    p.read(path)
    return p


def strip_options(text, drop):
    """``text`` without the options ``drop`` {section: set(names)}."""
    out, section = [], None
    for line in text.splitlines(True):
        s = line.strip()
        if s.startswith('[') and s.endswith(']'):
            section = s[1:-1]
        elif section in drop and '=' in s and not s.startswith('#'):
            if s.split('=', 1)[0].strip() in drop[section]:
                continue
        out.append(line)
    return ''.join(out)


def strip_sections(text, names):
    out, skip = [], False
    for line in text.splitlines(True):
        s = line.strip()
        if s.startswith('[') and s.endswith(']'):
            skip = s[1:-1] in names
        if not skip:
            out.append(line)
    return ''.join(out)


def set_option(text, section, name, value):
    out, current, done = [], None, False
    for line in text.splitlines(True):
        s = line.strip()
        if s.startswith('[') and s.endswith(']'):
            current = s[1:-1]
        elif (current == section and '=' in s
              and s.split('=', 1)[0].strip() == name):
            line, done = '%s = %s\n' % (name, value), True
        out.append(line)
    if not done:
        raise ValueError('no [%s] %s to set' % (section, name))
    return ''.join(out)


def prepare(workdir, sources):
    """Copies of ``sources`` as devstack has them before the plugin.

    ``sources``: {file name: path}; returns {file name: copy path}.
    """
    opts = settings.options()
    drop = {}
    for o in opts:
        drop.setdefault((o.file, o.group), set()).add(o.name)
    paths = {}
    for name in FILES:
        with open(sources[name]) as f:
            text = f.read()
        if name == 'neutron.conf':
            text = strip_options(text, {
                'DEFAULT': drop.get(('neutron', 'DEFAULT'), set()),
                # ptr_zone_email kept: the zones that exist have it
                'designate': drop.get(('neutron', 'designate'), set())})
        elif name == 'ml2_conf.ini':
            text = set_option(text, 'ml2', 'extension_drivers',
                              ','.join(DEVSTACK_DRIVERS))
        elif name == 'designate.conf':
            text = strip_options(text, {g: n for (k, g), n in drop.items()
                                        if k == 'designate'})
        else:
            text = strip_sections(text, {'cross_service'})
        paths[name] = os.path.join(workdir, name)
        with open(paths[name], 'w') as f:
            f.write(text)
    return paths


def environment(paths, services=SERVICES, extra=None):
    env = dict(os.environ)
    env.update({
        'ENABLED_SERVICES': ','.join(services),
        'DEST': os.path.dirname(paths['neutron.conf']),
        'CROSS_SERVICE_DIR': REPO,
        'Q_PLUGIN': 'ml2',
        'NEUTRON_CONF': paths['neutron.conf'],
        # devstack's is relative to / (the plugin writes /$...)
        'NEUTRON_CORE_PLUGIN_CONF': paths['ml2_conf.ini'].lstrip('/'),
        'DESIGNATE_CONF': paths['designate.conf'],
        'TEMPEST_CONFIG': paths['tempest.conf'],
        'DESIGNATE_SERVICE_HOST': '127.0.0.1',
        'DESIGNATE_SERVICE_PORT_DNS': '53',
    })
    env.update(extra or {})
    return env


def run_phases(env, phases, trace):
    """Source the plugin for each phase in one shell, as stack.sh does."""
    script = ('set -o errexit\nexec 9>>"$STANDIN_TRACE"\nBASH_XTRACEFD=9\n'
              'source "%s"\nsource "%s"\n' % (STANDIN, SETTINGS_SH))
    for phase in phases:
        script += 'source "%s" stack %s\n' % (PLUGIN, phase)
    env = dict(env, STANDIN_TRACE=trace)
    return subprocess.run(['bash', '-c', script], env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def config_checks(check, paths, before_drivers, cidrs):
    """What the copies say against the shared settings."""
    data = settings.load()
    neutron = read_ini(paths['neutron.conf'])
    for o in settings.options(data):
        if o.file == 'neutron':
            got = neutron.get(o.group, o.name, fallback=None)
            check('neutron.conf [%s] %s = %s' % (o.group, o.name, o.value),
                  got == o.value, 'found %r' % got)
    email = neutron.get('designate', 'ptr_zone_email', fallback='')
    check('neutron.conf [designate] ptr_zone_email set', bool(email), email)
    ml2 = read_ini(paths['ml2_conf.ini']).get('ml2', 'extension_drivers')
    want = settings.extension_drivers(before_drivers, data)
    check('ml2_conf.ini [ml2] extension_drivers = %s' % ','.join(want),
          ml2.split(',') == want, 'found %r, before %s' % (
              ml2, ','.join(before_drivers)))
    designate = read_ini(paths['designate.conf'])
    skipped = settings.not_applied_by_devstack(data)
    for o in settings.options(data):
        if o.file != 'designate':
            continue
        got = designate.get(o.group, o.name, fallback=None)
        if 'designate:' + o.group in skipped:
            check('designate.conf [%s] %s left at Designate\'s default'
                  % (o.group, o.name), got is None, 'found %r' % got)
        else:
            check('designate.conf [%s] %s = %s' % (o.group, o.name,
                                                   o.value),
                  got == o.value, 'found %r' % got)
    tempest = read_ini(paths['tempest.conf'])
    for o in settings.options(data):
        if o.file == 'tempest':
            want = cidrs.get(o.name, o.value)
            got = tempest.get(o.group, o.name, fallback=None)
            check('tempest.conf [%s] %s = %s' % (o.group, o.name, want),
                  got == want, 'found %r' % got)
    check('tempest.conf [cross_service] check_reverse = %s' % data.get(
        'neutron:designate', 'allow_reverse_dns_lookup'),
        tempest.get('cross_service', 'check_reverse', fallback=None) ==
        data.get('neutron:designate', 'allow_reverse_dns_lookup'))
    check('tempest.conf [dns] nameservers set',
          bool(tempest.get('dns', 'nameservers', fallback='')))


def digests(paths):
    out = {}
    for name, path in paths.items():
        with open(path, 'rb') as f:
            out[name] = hashlib.sha256(f.read()).hexdigest()
    return out


def zones_seen(client, names):
    url = client.conf['url'].rstrip('/') + '/zones'
    out = {}
    for name in names:
        found = client.get('%s?%s' % (url, urllib.parse.urlencode(
            {'name': name})))['zones']
        out[name] = found[0] if found else None
    return out


def delete_zones(client, names, timeout=60):
    url = client.conf['url'].rstrip('/') + '/zones'
    for name, zone in zones_seen(client, names).items():
        if zone:
            client.request('DELETE', '%s/%s' % (url, zone['id']))
    deadline = time.monotonic() + timeout
    while any(zones_seen(client, names).values()):
        if time.monotonic() > deadline:
            raise ahead.Error('zones %s still there %ds after delete'
                              % (', '.join(names), timeout))
        time.sleep(1)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--state-dir', default=os.environ.get(
        'CONSTELLATION_STATE_DIR', os.path.join(REPO, '.constellation')))
    p.add_argument('--workdir', help='kept (default: a temporary dir, '
                   'removed when every check passed)')
    args = p.parse_args(argv)
    st = args.state_dir
    sources = {
        'neutron.conf': os.path.join(st, 'etc', 'neutron', 'neutron.conf'),
        'ml2_conf.ini': os.path.join(st, 'etc', 'neutron', 'ml2_conf.ini'),
        'designate.conf': os.path.join(st, 'etc', 'designate',
                                       'designate.conf'),
        'tempest.conf': os.path.join(st, 'tempest', 'tempest.conf')}
    missing = [s for s in sources.values() if not os.path.exists(s)]
    if missing:
        print('no running constellation in %s (missing %s): run '
              '`tools/constellation up` first' % (st, ', '.join(missing)))
        print('0 passed, 1 failed')
        return 1
    workdir = args.workdir or tempfile.mkdtemp(prefix='devstack-standin.')
    os.makedirs(workdir, exist_ok=True)
    trace = os.path.join(workdir, 'xtrace.log')
    check = Checks()
    client = ahead.Client(ahead.neutron_designate(sources['neutron.conf']))
    data = settings.load()
    ours = reverse.zones(list(STANDIN_CIDRS.values()), client.conf,
                         settings.ipam_window(data))
    try:
        # leftovers of a killed run: the stand-in's own zones
        delete_zones(client, ours)
        paths = prepare(workdir, sources)
        env = environment(paths, extra={
            'CROSS_SERVICE_' + k.upper(): v
            for k, v in STANDIN_CIDRS.items()})
        print('standin: copies in %s, phases %s' % (workdir,
                                                    ', '.join(PHASES)))
        res = run_phases(env, PHASES, trace)
        print(res.stdout, end='')
        check('first run: every phase exit 0', res.returncode == 0,
              'exit %d, trace %s' % (res.returncode, trace))
        cidrs = dict((o.name, o.value) for o in settings.options(data)
                     if o.file == 'tempest')
        cidrs.update(STANDIN_CIDRS)
        config_checks(check, paths, DEVSTACK_DRIVERS, cidrs)
        conf = ahead.neutron_designate(paths['neutron.conf'])
        zc = ahead.Client(conf)
        want = reverse.zones(
            ahead.public_cidrs(zc, 'public') + settings.reverse_zone_cidrs(
                cidrs, data), conf, settings.ipam_window(data))
        seen = zones_seen(zc, want)
        zc.login()
        for name, zone in seen.items():
            z = zone or {}
            check('reverse zone %s ACTIVE, Neutron\'s project, e-mail %s'
                  % (name, conf['ptr_zone_email']),
                  z.get('status') == 'ACTIVE' and
                  z.get('project_id') == zc.project_id and
                  z.get('email') == conf['ptr_zone_email'],
                  'found %s' % ({k: z.get(k) for k in (
                      'status', 'project_id', 'email')} if zone
                      else 'no such zone'))
        check('first run created the stand-in\'s own zones %s'
              % ', '.join(ours), all(n in res.stdout for n in ours)
              and 'created %d' % len(ours) in res.stdout)
        before = digests(paths)
        res2 = run_phases(env, PHASES, trace)
        print(res2.stdout, end='')
        check('second run: every phase exit 0', res2.returncode == 0,
              'exit %d' % res2.returncode)
        after = digests(paths)
        check('second run changed no config file',
              before == after, 'changed: %s' % ', '.join(
                  n for n in FILES if before[n] != after[n]))
        seen2 = zones_seen(zc, want)
        key = lambda zs: {n: (z or {}).get('id') and (  # noqa: E731
            z['id'], z['serial']) for n, z in zs.items()}
        check('second run changed no zone (ids and serials)',
              key(seen) == key(seen2))
        check('second run says nothing changed',
              'nothing changed' in res2.stdout)
        # a service the plugin needs, not enabled: a clear error
        env3 = environment(paths, services=[s for s in SERVICES
                                            if s != 'neutron-dns'])
        res3 = run_phases(env3, ('pre-install',), trace)
        check('neutron-dns not enabled: pre-install stops, naming it',
              res3.returncode != 0 and 'neutron-dns' in res3.stdout,
              res3.stdout.strip().splitlines()[-1:] or 'no output')
    except ahead.Error as e:
        check('stand-in run', False, str(e))
    finally:
        try:
            delete_zones(client, ours)
            print('standin: deleted the stand-in\'s zones %s'
                  % ', '.join(ours))
        except ahead.Error as e:
            check('deleting the stand-in\'s zones', False, str(e))
    if not check.failed and not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    print('%d passed, %d failed' % (check.passed, check.failed))
    return 1 if check.failed else 0


if __name__ == '__main__':
    sys.exit(main())
