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

"""The programs of a constellation and how supervisord runs them."""

import collections
import os
import shutil

from constellation import dataplane
from constellation import privileges
from constellation import render
from constellation import render_dns
from constellation import render_infra
from constellation import render_ovn

Program = collections.namedtuple(
    'Program', 'name kind command env stopwait port check user cwd',
    defaults=(None,))
# kind: infra | api | rpc ; port: listener name in ports.OFFSETS or None;
# check: how `status` judges it (tcp | http | nova | designate | heat);
# user: whom supervisord runs it as (None: as itself; see privileges);
# cwd: where it starts (None: the state dir)

INFRA = ('epmd', 'mysql', 'rabbitmq', 'named', 'named2')
APIS = ('keystone', 'glance', 'placement', 'nova-api', 'neutron',
        'designate-api', 'heat-api')
RPC = ('nova-conductor', 'nova-scheduler', 'nova-compute',
       'designate-central', 'designate-worker', 'designate-producer',
       'designate-mdns', 'heat-engine')
ORDER = INFRA + ('keystone', 'glance', 'placement', 'designate-central',
                 'designate-api', 'designate-worker', 'designate-producer',
                 'designate-mdns', 'neutron', 'nova-api', 'nova-conductor',
                 'nova-scheduler', 'nova-compute', 'heat-engine', 'heat-api')
NAMES = tuple(ORDER)
# the real profile's data plane (constellation.dataplane) comes first
DATAPLANE = dataplane.PROGRAMS
ALL_NAMES = DATAPLANE + NAMES


def names(ctx):
    """The programs of this context's profile, in start order."""
    return ALL_NAMES if render_ovn.is_real(ctx) else NAMES


# Set by supervisord in its own environment and every program's, and by
# nothing else: `constellation env` exports CONSTELLATION_STATE_DIR to
# clients (Tempest runs, CI scripts), which must never be taken for ours.
MARK = 'CONSTELLATION_SUPERVISED_BY'
# Designate 23's serial fix (constellation_ext.designate_serial applies it)
DESIGNATE_SERIAL_PATCH = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), 'patches',
    'designate-23-increment-serial.patch')

API_PORT = {'keystone': 'keystone', 'glance': 'glance',
            'placement': 'placement', 'nova-api': 'nova',
            'neutron': 'neutron', 'designate-api': 'designate',
            'heat-api': 'heat'}


def which(name, extra=('/usr/sbin', '/usr/lib/rabbitmq/bin')):
    path = os.pathsep.join([os.environ.get('PATH', '')] + list(extra))
    return shutil.which(name, path=path)


def rabbitmq_server():
    # /usr/sbin/rabbitmq-server is Debian's wrapper that switches to the
    # system 'rabbitmq' user; the real script runs as whoever starts it.
    # Without the package the path is still rendered (`up` installs it
    # before supervisord reads the config).
    real = '/usr/lib/rabbitmq/bin/rabbitmq-server'
    if os.path.exists(real):
        return real
    return which('rabbitmq-server') or real


def _gunicorn(ctx, name):
    port = ctx['ports'][API_PORT[name]]
    return [os.path.join(ctx['venv'], 'bin', 'gunicorn'),
            '--bind', '127.0.0.1:%d' % port,
            '--workers', '1', '--threads', '4', '--timeout', '300',
            '--graceful-timeout', '5', '--no-control-socket',
            # no kept-alive connections: with gunicorn's 2 s keep-alive a
            # client reusing a pooled connection just as gunicorn closes it
            # gets RemoteDisconnected (a CI run: Neutron's Designate
            # driver's POST /v3/auth/tokens failed, a floating IP create
            # answered 500); POSTs are not retried. Loopback connects cost
            # nothing.
            '--keep-alive', '0',
            # the title keeps the state dir so leftovers can be found
            '--name', 'constellation-%s@%s' % (name, ctx['root']),
            'constellation_ext.wsgi:make("%s")' % name]


def programs(ctx):
    """Program definitions for the context (see render for ctx keys)."""
    e = lambda *p: render.etc(ctx, *p)  # noqa: E731
    venv_bin = lambda n: os.path.join(ctx['venv'], 'bin', n)  # noqa: E731
    root = ctx['root']
    progs = []

    def add(name, kind, command, env=None, stopwait=10, port=None,
            check='tcp', cwd=None):
        progs.append(Program(name, kind, command, env or {}, stopwait,
                             port, check, privileges.user_of(ctx, name),
                             cwd))

    add('epmd', 'infra',
        [which('epmd') or '/usr/bin/epmd', '-port', str(ctx['ports']['epmd']),
         '-address', '127.0.0.1'],
        env={'ERL_EPMD_ADDRESS': '127.0.0.1'}, port='epmd')
    # as root, supervisord switches to the mysql user (no --user=root)
    mysqld = [which('mariadbd') or which('mysqld') or '/usr/sbin/mariadbd',
              '--defaults-file=%s' % e('mysql', 'my.cnf')]
    add('mysql', 'infra', mysqld, stopwait=30, port='mysql')
    # in its own home: the rabbitmq user may not list the state dir, and
    # Erlang's code server then logs "File operation error: eacces.
    # Target: .." some twenty times a start
    rabbit_env = render_infra.rabbitmq_env(ctx)
    add('rabbitmq', 'infra', [rabbitmq_server()], env=rabbit_env,
        stopwait=30, port='amqp', cwd=rabbit_env['HOME'])
    # one BIND9 per Designate pool (render_dns.POOLS)
    for name, port in (('named', 'dns'), ('named2', 'dns2')):
        add(name, 'infra',
            [which('named') or '/usr/sbin/named', '-g', '-n', '1',
             '-c', e(render_dns.BIND_PROGRAMS[name], 'named.conf')],
            port=port)

    api_env = {
        'keystone': {'OS_KEYSTONE_CONFIG_DIR': e('keystone')},
        'glance': {'OS_GLANCE_CONFIG_DIR': e('glance')},
        'placement': {'OS_PLACEMENT_CONFIG_DIR': e('placement')},
        'nova-api': {'OS_NOVA_CONFIG_DIR': e('nova')},
        'neutron': {'OS_NEUTRON_CONFIG_DIR': e('neutron'),
                    'OS_NEUTRON_CONFIG_FILES': 'neutron.conf;ml2_conf.ini'},
        'designate-api': {'OS_DESIGNATE_CONFIG_DIR': e('designate')},
        'heat-api': {'CONSTELLATION_CONF': e('heat', 'heat.conf')},
    }
    for name in APIS:
        add(name, 'api', _gunicorn(ctx, name), env=api_env[name],
            port=API_PORT[name], check='http')

    def one_process(script):
        # without oslo.service's master process (see constellation_ext);
        # as nova-compute always runs
        return [venv_bin('python'), '-m', 'constellation_ext.nofork', script]

    nova = ['--config-file', e('nova', 'nova.conf')]
    add('nova-conductor', 'rpc', one_process('nova-conductor') + nova,
        check='nova')
    add('nova-scheduler', 'rpc', one_process('nova-scheduler') + nova + [
        '--config-file', e('nova', 'nova-scheduler.conf')], check='nova')
    # nova-compute with the constellation's fake driver (constellation_ext)
    add('nova-compute', 'rpc',
        [venv_bin('constellation-nova-compute')] + nova,
        stopwait=40, check='nova')
    des = ['--config-file', e('designate', 'designate.conf')]
    for svc in ('central', 'worker', 'producer', 'mdns'):
        command = one_process('designate-' + svc)
        if svc == 'central':
            # with the upstream fix of Designate 23's serial in whole
            # seconds, kept as a patch (constellation_ext.designate_serial)
            command = [venv_bin('python'), '-m',
                       'constellation_ext.designate_serial', '--patch',
                       DESIGNATE_SERIAL_PATCH, 'designate-central']
        add('designate-' + svc, 'rpc', command + des,
            check='designate', port='mdns' if svc == 'mdns' else None)
    # one process too, with a 0.2 s scheduler tick instead of Heat's fixed
    # 1 s (constellation_ext.heat_tick)
    add('heat-engine', 'rpc', [
        venv_bin('python'), '-m', 'constellation_ext.heat_tick',
        'heat-engine', '--config-file', e('heat', 'heat.conf')],
        stopwait=20, check='heat')
    if render_ovn.is_real(ctx):
        data_env = dataplane.env(ctx)
        for name, cmd in dataplane.commands(ctx).items():
            add(name, 'dataplane', cmd, env=dict(data_env),
                stopwait=30 if name == 'libvirtd' else 10, check='socket')
        for p in progs:
            if p.name == 'nova-compute':
                p.env.update(data_env)
            if p.name == 'neutron':
                # the OVN driver's hash ring waits for this many API
                # workers; Neutron reads the count from uWSGI, mod_wsgi or
                # $ASGI_WORKERS (neutron/common/wsgi_utils.py): gunicorn
                # runs one (_gunicorn)
                p.env['ASGI_WORKERS'] = '1'
    for p in progs:
        p.env.setdefault('PATH', '%s:/usr/local/sbin:/usr/local/bin:'
                         '/usr/sbin:/usr/bin:/sbin:/bin' %
                         os.path.join(ctx['venv'], 'bin'))
        p.env.setdefault('HOME', os.path.join(root, 'data', 'home'))
        # fewer glibc malloc arenas: threaded Python services otherwise
        # keep several mostly-empty 64 MiB arenas each
        p.env.setdefault('MALLOC_ARENA_MAX', '2')
    by_name = {p.name: p for p in progs}
    return [by_name[n] for n in names(ctx)]


def _env_str(env):
    def q(v):
        return '"%s"' % str(v).replace('%', '%%').replace('"', '\\"')
    return ','.join('%s=%s' % (k, q(v)) for k, v in sorted(env.items()))


def _cmd_str(cmd):
    out = []
    for a in cmd:
        a = a.replace('%', '%%')
        if any(c in a for c in ' "\'(),'):
            a = "'%s'" % a
        out.append(a)
    return ' '.join(out)


def supervisord_conf(ctx, progs):
    root = ctx['root']
    run = os.path.join(root, 'run')
    logs = os.path.join(root, 'logs')
    lines = [
        '[unix_http_server]',
        'file = %s' % os.path.join(run, 'supervisor.sock'),
        'chmod = 0700',
        '',
        '[supervisord]',
        'logfile = %s' % os.path.join(logs, 'supervisord.log'),
        'logfile_maxbytes = 10MB',
        'pidfile = %s' % os.path.join(run, 'supervisord.pid'),
        'childlogdir = %s' % logs,
        'directory = %s' % root,
        'identifier = constellation',
        'nodaemon = false',
        'minfds = 4096',
        'environment = %s' % _env_str(
            {'CONSTELLATION_STATE_DIR': root, MARK: root}),
        '',
        '[rpcinterface:supervisor]',
        'supervisor.rpcinterface_factory = '
        'supervisor.rpcinterface:make_main_rpcinterface',
        '',
        '[supervisorctl]',
        'serverurl = unix://%s' % os.path.join(run, 'supervisor.sock'),
        '',
    ]
    for p in progs:
        env = dict(p.env)
        env['CONSTELLATION_STATE_DIR'] = root
        env[MARK] = root
        lines += [
            '[program:%s]' % p.name,
            'command = %s' % _cmd_str(p.command),
        ] + (['user = %s' % p.user] if p.user else []) + [
            'environment = %s' % _env_str(env),
            'directory = %s' % (p.cwd or root),
            'autostart = false',
            'autorestart = unexpected',
            'startsecs = 2',
            'startretries = 2',
            'stopsignal = TERM',
            'stopwaitsecs = %d' % p.stopwait,
            'stopasgroup = true',
            'killasgroup = true',
            'redirect_stderr = true',
            'stdout_logfile = %s' % os.path.join(logs, p.name + '.log'),
            'stdout_logfile_maxbytes = 50MB',
            'stdout_logfile_backups = 1',
            '',
        ]
    return '\n'.join(lines)
