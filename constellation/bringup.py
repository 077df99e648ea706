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

"""`up` and `install`: from nothing (or a crashed run) to a ready cloud."""

from concurrent import futures
import json
import os
import shlex
import time

from constellation import bootstrap
from constellation import configs
from constellation import database
from constellation import errors
from constellation import facts as factsmod
from constellation import guest_image
from constellation import install as installmod
from constellation import lifecycle
from constellation import migrations
from constellation import pool
from constellation import ports as portmod
from constellation import privileges
from constellation import realprofile
from constellation import render
from constellation import render_ovn
from constellation import service_settings as settingsmod
from constellation import services
from constellation import state as statemod
from constellation import tempestconf

Failure = errors.Failure

# started together (after keystone's catalog exists); the rest of designate
# only after central consumes RPC: a cast/call sent before central's queue
# exists is dropped by RabbitMQ and the producer then stalls on a 60 s
# reply timeout
FIRST = ('glance', 'placement', 'designate-central', 'designate-api',
         'neutron', 'nova-api', 'nova-conductor', 'nova-scheduler',
         'nova-compute', 'heat-engine', 'heat-api')
# started with keystone, as soon as the schemas are there (they ask
# keystone nothing at start-up): others call them over RPC as they come
# up, and a call sent before their queue exists is dropped (nova-compute
# then waits 10 s for its conductor ping, designate for central)
EARLY = ('nova-conductor', 'designate-central')
LATER = ('designate-worker', 'designate-producer', 'designate-mdns')
PASTE_FILES = ('nova/api-paste.ini', 'neutron/api-paste.ini',
               'designate/api-paste.ini', 'glance/glance-api-paste.ini',
               'heat/api-paste.ini')
DATA_DIRS = ('mysql', 'rabbitmq/mnesia', 'bind', 'bind2', 'glance/images',
             'glance/staging', 'glance/tasks', 'nova/instances', 'neutron',
             'home', 'locks')
RUN_DIRS = ('mysql', 'bind', 'bind2', 'rabbitmq')


def install_steps(c, profile):
    c.step('Debian packages (%s)' % ', '.join(installmod.APT_PACKAGES),
           installmod.check_apt, service='apt')
    if profile == 'real':
        c.say(c.step('Debian packages of the real profile (%s)' % ', '.join(
            realprofile.APT_PACKAGES), installmod.check_apt,
            realprofile.APT_PACKAGES, realprofile.APT_BINARIES,
            service='apt'))
    c.say('venv %s: %s' % (c.st.venv, c.step(
        'services venv (pinned by constellation/lock.txt)',
        installmod.install_venv, c.st, service='install')))
    note = installmod.entry_point_note(c.st.venv)
    if note:
        c.say(note)
    if profile == 'real':
        c.say(c.step('libvirt binding in the venv',
                     realprofile.link_libvirt_python, c.st.venv,
                     service='install'))
        path, how = c.step('guest image (Debian kernel, busybox, dropbear)',
                           guest_image.build, os.path.join(
                               statemod.cache_root(), 'guest-image'),
                           service='guest-image')
        c.st.set_marker('guest_image', path)
        c.say('guest image %s: %s' % (path, how))


def install(c):
    """Debian packages + the services venv only (no process started)."""
    c.st.ensure_dirs()
    with c.st.locked():
        install_steps(c, c.check_profile())
    return 0


def write_configs(c, ctx):
    st = c.st
    for rel, text in configs.config_files(ctx).items():
        statemod.atomic_write(st.etc(rel), text)
    venv_etc = os.path.join(st.venv, 'etc')
    for rel in PASTE_FILES:
        with open(os.path.join(venv_etc, rel)) as f:
            statemod.atomic_write(st.etc(rel), f.read())
    for d in DATA_DIRS:
        os.makedirs(st.data(d), exist_ok=True)
    for d in RUN_DIRS:
        os.makedirs(st.run(d), exist_ok=True)
    for svc in ('keystone', 'glance', 'placement', 'nova', 'neutron',
                'designate', 'heat'):
        os.makedirs(render.lock_path(ctx, svc), exist_ok=True)
    cookie = st.data('rabbitmq', '.erlang.cookie')
    if not os.path.exists(cookie):
        statemod.atomic_write(cookie, ctx['secrets']['erlang_cookie'],
                              mode=0o400)
    statemod.atomic_write(
        c.sup.conf, services.supervisord_conf(ctx, services.programs(ctx)))


def write_outputs(c, ctx, res):
    st = c.st
    # PYTHONWARNINGS: eventlet's deprecation warning (raised importing
    # futurist) is blank-line separated text on stderr, which
    # designate-tempest-plugin's pool_config parses with stdout and then
    # finds no pool
    statemod.atomic_write(st.path('bin', 'designate-manage'), (
        '#!/bin/sh\n# designate-manage of this constellation (its config)'
        '\nPYTHONWARNINGS=ignore::Warning:futurist._utils; '
        'export PYTHONWARNINGS'
        '\nexec %s --config-file %s "$@"\n' % (
            shlex.quote(st.bin('designate-manage')),
            shlex.quote(st.etc('designate', 'designate.conf')))), mode=0o700)
    statemod.atomic_write(st.path('tempest', 'tempest.conf'),
                          tempestconf.tempest_conf(ctx, res))
    # Tempest appends to it and keeps its mode: private from the start
    fd = os.open(tempestconf.log_file(ctx), os.O_WRONLY | os.O_CREAT |
                 os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)
    os.close(fd)
    statemod.atomic_write(st.path('tempest', 'clouds.yaml'),
                          tempestconf.clouds_yaml(ctx))
    statemod.atomic_write(st.path('tempest', 'resources.json'),
                          json.dumps(res, indent=1))
    # no secrets in it: readable by whoever reads the state dir
    statemod.atomic_write(factsmod.path(st.root),
                          factsmod.dumps(factsmod.facts(ctx, res)),
                          mode=0o644)


def facts(c):
    """The facts of this state dir's constellation (after an `up`)."""
    try:
        with open(c.st.path('tempest', 'resources.json')) as f:
            res = json.load(f)
    except FileNotFoundError:
        raise Failure('no constellation was brought up in %s yet: run '
                      '`constellation up` first' % c.st.root)
    except ValueError as e:
        raise Failure('%s: not JSON (%s): run `constellation up` again'
                      % (c.st.path('tempest', 'resources.json'), e))
    return factsmod.facts(c.ctx(), res)


def env_lines(st):
    """`export` lines for a POSIX shell (paths quoted: spaces work)."""
    d = st.path('tempest')
    q = shlex.quote
    return ['export TEMPEST_CONFIG_DIR=%s' % q(d),
            'export TEMPEST_CONFIG=tempest.conf',
            'export OS_CLIENT_CONFIG_FILE=%s' % q(os.path.join(
                d, 'clouds.yaml')),
            'export OS_CLOUD=constellation-admin',
            'export CONSTELLATION_STATE_DIR=%s' % q(st.root),
            # the openstack client of the services venv, unless the
            # shell has one (a function: the venv's python stays off PATH)
            'command -v openstack >/dev/null 2>&1 || '
            'openstack() { %s "$@"; }' % q(st.bin('openstack'))]


def _all_running(c):
    info = c.sup.info()
    return info and all(info.get(n, {}).get('statename') == 'RUNNING'
                        for n in services.names(c.ctx()))


def up(c, clean=False, snapshot=True):
    # a bad settings file fails before anything starts
    c.service_settings()
    if os.path.exists(c.st.root) and os.listdir(c.st.root):
        if clean:
            lifecycle.check_ours(c.st)  # before the lock creates .lock
        c.st.claim()
    with c.st.locked():
        if clean and c.st.is_ours():
            lifecycle.destroy_locked(c)
        c.st.ensure_dirs()
        return _up(c, snapshot)


def _check_ports(c, ctx):
    if c.sup.state()[0] == 'running':
        return
    busy = portmod.busy_ports(ctx['ports'])
    if busy:
        raise Failure('ports already in use: ' + '; '.join(
            '%d (needed by %s for %s)' % (port, svc, name)
            for name, port, svc in busy) +
            '. Stop whatever listens there or choose another '
            '--port-base / CONSTELLATION_PORT_BASE.')


def _supervisord(c):
    kind, pid = c.sup.state()
    if kind == 'running' and c.sup.reachable():
        return 'running (pid %d); %s' % (pid, c.sup.apply_config())
    return c.sup.launch()


def _start_first(c, ctx):
    names = [n for n in FIRST if n not in EARLY]
    c.say('start %s' % ', '.join(names))
    for name in names:
        c.start(ctx, name, wait=False)


def _up(c, snapshot=True):
    profile = c.check_profile()
    kind, pid = c.sup.state()
    asked = c.check_service_settings(kind == 'running')
    if c.st.marker('service_settings') != asked:
        c.st.set_marker('service_settings', asked)
    if asked:
        c.say('service settings: [%s]' % '], ['.join(
            settingsmod.sections(asked)))
    if kind == 'running' and _all_running(c) and c.st.marker('ready'):
        c.say('constellation in %s is already up (supervisord pid %d, %d '
              'programs RUNNING): nothing to do'
              % (c.st.root, pid, len(services.names(c.ctx()))))
        return 0
    msg = c.recover_stale()
    if msg:
        c.say('recovering: ' + msg)
    if c.sup.state()[0] != 'running':
        c.pick_default_base()
    ctx = c.ctx()
    _check_ports(c, ctx)
    c.st.set_marker('port_base', ctx['port_base'])
    c.st.set_marker('profile', profile)
    ctx = c.ctx()
    real = render_ovn.is_real(ctx)
    if real:
        if c.sup.state()[0] != 'running':
            # what a killed run left in its namespace (guests) goes first
            realprofile.teardown(c, ctx)
        # before anything starts: a range overlapping the host's is refused
        realprofile.prepare(c, ctx)
    install_steps(c, profile)
    c.step('render configs (ports %d-%d)' % (
        ctx['port_base'], ctx['port_base'] + portmod.SPAN - 1),
        write_configs, c, ctx, service='config')
    fixed = database.redact_old_logs(c.st)
    if fixed:
        c.say('secrets written by an older version starred in logs/%s'
              % ', logs/'.join(fixed))
    c.say(c.step('daemon users', privileges.hand_over, ctx, c.st,
                 service='config'))
    c.step('MariaDB datadir', database.init_mysql, c.st,
           service='mysql-install')
    c.step('supervisord', _supervisord, c, service='supervisord')
    if real:
        c.step('data plane (OVS, OVN, libvirt in namespace %s)'
               % realprofile.netns.plan(ctx)['netns'], realprofile.start, c,
               ctx, service='ovs-vswitchd')
    c.step('start epmd', c.start, ctx, 'epmd', service='epmd')
    for name in ('mysql', 'rabbitmq', 'named', 'named2'):
        c.start(ctx, name, wait=False)
    c.step('start mysql', c.wait_ready, ctx, 'mysql', service='mysql')
    c.step('databases and DB user', database.create_databases, c.st, ctx,
           service='mysql')
    c.step('schema migrations', migrations.db_syncs, c.st, ctx, c.say,
           snapshot, service='dbsync')
    # keystone needs only MariaDB; RabbitMQ comes up meanwhile
    since = time.time()
    for name in ('keystone',) + EARLY:
        c.start(ctx, name, wait=False)
    for name in ('rabbitmq', 'named', 'named2'):
        c.step('start %s' % name, c.wait_ready, ctx, name, service=name)
    catalog = (c.st.marker('keystone_catalog') ==
               bootstrap.keystone_key(ctx))
    if catalog:
        # users and catalog exist (up after down): the services start
        # while keystone does; none of them asks it anything at start-up
        _start_first(c, ctx)
    c.step('start keystone', c.wait_ready, ctx, 'keystone',
           service='keystone')
    if not catalog:
        c.step('keystone users, roles, catalog', bootstrap.keystone, ctx,
               c.say, service='keystone')
        c.st.set_marker('keystone_catalog', bootstrap.keystone_key(ctx))
        _start_first(c, ctx)
    c.step('designate-central consumes RPC', pool.wait_central_rpc, c.st,
           since, service='designate-central')
    c.step('designate pools (BIND9 on :%d and :%d)' % (
        ctx['ports']['dns'], ctx['ports']['dns2']),
           pool.designate_pool, c.st, c.sup, service='designate-central')
    c.say('start %s' % ', '.join(LATER))
    for name in LATER:
        c.start(ctx, name, wait=False)
    names = services.names(ctx)
    c.step('all %d services answering' % len(names),
           lambda: [c.wait_ready(ctx, n) for n in names])
    if real:
        ctx['guest_image'] = c.st.marker('guest_image')

    def api_resources():
        c.say(c.step('TSIG key of the second pool', pool.pool_tsigkeys, ctx,
                     service='designate-api'))
        return c.step('image, flavors, public network', bootstrap.resources,
                      ctx, c.say, service='neutron')

    # the API's resources do not wait for nova-compute's start and host
    # mapping: they share the tail, where one core would otherwise idle
    with futures.ThreadPoolExecutor(1) as beside:
        resources = beside.submit(api_resources)
        c.step('nova-compute reports up', c.wait_listed, ctx,
               c.program(ctx, 'nova-compute'), c.t0, service='nova-compute')
        c.step('nova cell host discovery', pool.discover_hosts, ctx,
               service='nova-compute')
        res = resources.result()
    c.step('tempest.conf, clouds.yaml, facts.json', write_outputs, c, ctx,
           res, service='config')
    c.st.set_marker('ready', True)
    c.say('constellation is UP (%d programs, profile %s) - state %s' % (
        len(names), profile, c.st.root))
    for line in env_lines(c.st):
        c.out.write(line + '\n')
    return 0
