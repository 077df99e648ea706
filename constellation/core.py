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

"""Life cycle of a constellation: install, up, down, status, restart."""

import concurrent.futures
import getpass
import grp
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

from constellation import bootstrap
from constellation import ports as portmod
from constellation import render
from constellation import rest
from constellation import services
from constellation import state as statemod
from constellation import supervisor
from constellation import tempestconf

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
APT_PACKAGES = ('mariadb-server', 'rabbitmq-server', 'bind9', 'bind9-utils',
                'bind9-dnsutils')
# a binary that tells whether the package is there
APT_BINARIES = {'mariadb-server': 'mariadbd', 'rabbitmq-server':
                'rabbitmq-server', 'bind9': 'named', 'bind9-utils': 'rndc',
                'bind9-dnsutils': 'dig'}


class Failure(RuntimeError):
    """A step failed; ``service`` names the culprit (its log is shown)."""

    def __init__(self, msg, service=None):
        super().__init__(msg)
        self.service = service


class Constellation:
    def __init__(self, root, port_base=None, out=None, debug=False):
        self.st = statemod.State(root)
        self.out = out or sys.stdout
        self.t0 = time.time()
        self._port_base_arg = port_base
        self.debug = debug

    # --- output ----------------------------------------------------------
    def say(self, msg):
        self.out.write('[%6.1fs] %s\n' % (time.time() - self.t0, msg))
        self.out.flush()

    def step(self, msg, fn, *args, service=None, **kw):
        t = time.time()
        self.say(msg + ' ...')
        try:
            result = fn(*args, **kw)
        except Failure:
            raise
        except Exception as e:
            raise Failure('%s: %s' % (msg, e), service=service)
        self.say('%s: done in %.1fs' % (msg, time.time() - t))
        return result

    def log_tail(self, service, lines=30):
        path = self.st.log(service)
        if not os.path.exists(path):
            return '(no log at %s)' % path
        with open(path, 'rb') as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 64 * 1024))
            text = f.read().decode(errors='replace').splitlines()
        return '\n'.join(['--- last %d lines of %s ---' % (lines, path)] +
                         text[-lines:])

    # --- context ---------------------------------------------------------
    def port_base(self):
        stored = self.st.marker('port_base')
        wanted = self._port_base_arg or os.environ.get(
            'CONSTELLATION_PORT_BASE')
        if wanted is not None:
            wanted = portmod.parse_base(wanted)
        if stored and wanted and stored != wanted:
            raise Failure('state dir %s was set up with --port-base %d, not '
                          '%d (endpoints in its databases use those ports); '
                          'use `up --clean` to start over with the new base'
                          % (self.st.root, stored, wanted))
        return stored or wanted or portmod.DEFAULT_BASE

    def pick_default_base(self, probe=portmod.port_in_use, tries=20):
        """Choose the port base on the first `up` without an explicit one.

        Takes the first free block of ports from the default on (another
        constellation may hold the default) and remembers it.
        """
        if self.st.marker('port_base') or self._port_base_arg or \
                os.environ.get('CONSTELLATION_PORT_BASE'):
            return None
        for k in range(tries):
            base = portmod.DEFAULT_BASE + k * portmod.SPAN
            if not portmod.busy_ports(portmod.allocate(base), probe=probe):
                if k:
                    self.say('ports %d-%d are taken (another constellation?)'
                             '; using --port-base %d for this state dir'
                             % (portmod.DEFAULT_BASE,
                                portmod.DEFAULT_BASE + portmod.SPAN - 1,
                                base))
                self.st.set_marker('port_base', base)
                return base
        return None  # all taken: the busy-port error below names them

    def ctx(self):
        base = self.port_base()
        return {
            'root': self.st.root, 'venv': self.st.venv,
            'ports': portmod.allocate(base), 'port_base': base,
            'secrets': self.st.secrets(), 'debug': self.debug,
            'user': getpass.getuser(),
            'group': grp.getgrgid(os.getgid()).gr_name,
        }

    @property
    def sock(self):
        return self.st.run('supervisor.sock')

    @property
    def conf(self):
        return self.st.etc('supervisord.conf')

    def supervisor_state(self):
        return statemod.supervisord_status(self.st.run('supervisord.pid'),
                                           self.conf)

    def rpc(self, timeout=120):
        return supervisor.client(self.sock, timeout)

    # --- install -----------------------------------------------------------
    def check_apt(self):
        missing = [p for p in APT_PACKAGES
                   if not services.which(APT_BINARIES[p])]
        if not missing:
            return 'present'
        cmd = 'apt-get install -y --no-install-recommends ' + ' '.join(
            missing)
        if os.geteuid() != 0:
            raise Failure('missing Debian packages %s; as root run:\n  '
                          'apt-get update && %s' % (', '.join(missing), cmd))
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        subprocess.run(['apt-get', 'update'], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        subprocess.run(cmd.split(), check=True, env=env,
                       stdout=subprocess.DEVNULL)
        # Debian starts the system instances on install: we never use them
        # and leave them as the admin's business; we only say so.
        return 'installed ' + ' '.join(missing)

    def install_hash(self):
        h = hashlib.sha256()
        for rel in ('requirements.txt', 'lock.txt'):
            with open(os.path.join(HERE, rel), 'rb') as f:
                h.update(f.read())
        for dirpath, _dirs, files in sorted(os.walk(os.path.join(HERE,
                                                                 'ext'))):
            for name in sorted(files):
                if name.endswith(('.py', '.toml')):
                    with open(os.path.join(dirpath, name), 'rb') as f:
                        h.update(name.encode() + f.read())
        return h.hexdigest()[:16]

    def install_venv(self):
        want = self.install_hash()
        if self.st.marker('installed') == want and os.path.exists(
                self.st.bin('gunicorn')):
            return 'up to date'
        self.st.clear_marker('installed')
        if not os.path.exists(self.st.bin('python')):
            subprocess.run([sys.executable, '-m', 'venv', self.st.venv],
                           check=True)
        pip = [self.st.bin('python'), '-m', 'pip', 'install', '-q',
               '--disable-pip-version-check']
        logf = self.st.log('install')
        with open(logf, 'a') as log:
            for args in (['-r', os.path.join(HERE, 'requirements.txt'),
                          '-c', os.path.join(HERE, 'lock.txt')],
                         ['--no-deps', '--force-reinstall',
                          os.path.join(HERE, 'ext')]):
                r = subprocess.run(pip + args, stdout=log, stderr=log)
                if r.returncode:
                    raise Failure('pip install %s failed (exit %d)' % (
                        ' '.join(args), r.returncode), service='install')
        self.st.set_marker('installed', want)
        return 'installed'

    # --- files ---------------------------------------------------------------
    def write_configs(self, ctx):
        for rel, text in render.config_files(ctx).items():
            statemod.atomic_write(self.st.etc(rel), text)
        venv_etc = os.path.join(self.st.venv, 'etc')
        for src, dst in (('nova/api-paste.ini', 'nova/api-paste.ini'),
                         ('neutron/api-paste.ini', 'neutron/api-paste.ini'),
                         ('designate/api-paste.ini',
                          'designate/api-paste.ini'),
                         ('glance/glance-api-paste.ini',
                          'glance/glance-api-paste.ini'),
                         ('heat/api-paste.ini', 'heat/api-paste.ini')):
            with open(os.path.join(venv_etc, src)) as f:
                statemod.atomic_write(self.st.etc(dst), f.read())
        for d in ('mysql', 'rabbitmq/mnesia', 'bind', 'glance/images',
                  'glance/staging', 'glance/tasks', 'nova/instances',
                  'neutron', 'home', 'locks'):
            os.makedirs(self.st.data(d), exist_ok=True)
        for svc in ('keystone', 'glance', 'placement', 'nova', 'neutron',
                    'designate', 'heat'):
            os.makedirs(render.lock_path(ctx, svc), exist_ok=True)
        cookie = self.st.data('rabbitmq', '.erlang.cookie')
        if not os.path.exists(cookie):
            statemod.atomic_write(cookie, ctx['secrets']['erlang_cookie'],
                                  mode=0o400)
        statemod.atomic_write(
            self.conf, services.supervisord_conf(ctx, services.programs(ctx)))

    def init_mysql(self):
        if os.path.exists(self.st.data('mysql', 'mysql')):
            return 'exists'
        shutil.rmtree(self.st.data('mysql'), ignore_errors=True)
        installer = services.which('mariadb-install-db') or services.which(
            'mysql_install_db')
        cmd = [installer, '--defaults-file=%s' % self.st.etc('mysql',
                                                             'my.cnf'),
               '--datadir=%s' % self.st.data('mysql'), '--skip-test-db',
               '--auth-root-authentication-method=socket']
        if os.geteuid() == 0:
            cmd.append('--user=root')
        with open(self.st.log('mysql-install'), 'w') as log:
            r = subprocess.run(cmd, stdout=log, stderr=log)
        if r.returncode:
            shutil.rmtree(self.st.data('mysql'), ignore_errors=True)
            raise Failure('mariadb-install-db failed', service='mysql-install')
        return 'initialised'

    def mysql(self, sql):
        cli = services.which('mariadb') or services.which('mysql')
        user = 'root' if os.geteuid() == 0 else getpass.getuser()
        r = subprocess.run([cli, '--defaults-file=%s' % self.st.etc(
            'mysql', 'my.cnf'), '-u', user, '-e', sql],
            capture_output=True, text=True)
        if r.returncode:
            raise Failure('mysql: %s' % r.stderr.strip(), service='mysql')
        return r.stdout

    def create_databases(self, ctx):
        pw = ctx['secrets']['db']
        sql = ["CREATE USER IF NOT EXISTS 'constellation'@'127.0.0.1' "
               "IDENTIFIED BY '%s'" % pw,
               "ALTER USER 'constellation'@'127.0.0.1' IDENTIFIED BY '%s'"
               % pw]
        for db in render.DATABASES:
            sql.append('CREATE DATABASE IF NOT EXISTS %s CHARACTER SET utf8'
                       % db)
            sql.append("GRANT ALL PRIVILEGES ON %s.* TO "
                       "'constellation'@'127.0.0.1'" % db)
        self.mysql('; '.join(sql))

    # --- supervisord -----------------------------------------------------
    def start_supervisord(self):
        kind, pid = self.supervisor_state()
        if kind == 'running' and supervisor.reachable(self.sock):
            return 'running (pid %d); %s' % (pid, self.apply_config())
        for f in ('supervisord.pid', 'supervisor.sock'):
            if os.path.exists(self.st.run(f)):
                os.unlink(self.st.run(f))
        env = dict(os.environ, CONSTELLATION_STATE_DIR=self.st.root)
        r = subprocess.run([self.st.bin('supervisord'), '-c', self.conf],
                           env=env, capture_output=True, text=True)
        if r.returncode:
            raise Failure('supervisord did not start: %s' % r.stderr,
                          service='supervisord')
        deadline = time.time() + 20
        while time.time() < deadline:
            if supervisor.reachable(self.sock):
                return 'started'
            time.sleep(0.2)
        raise Failure('supervisord socket %s did not answer in 20s'
                      % self.sock, service='supervisord')

    def apply_config(self):
        """Like `supervisorctl update`: apply a changed supervisord.conf."""
        rpc = self.rpc()
        added, changed, removed = rpc.reloadConfig()[0]
        for name in changed + removed:
            try:
                rpc.stopProcessGroup(name, True)
            except Exception:
                pass
            rpc.removeProcessGroup(name)
        for name in added + changed:
            rpc.addProcessGroup(name)
        return 'config: %d added, %d changed, %d removed' % (
            len(added), len(changed), len(removed))

    def proc_info(self):
        try:
            return {p['name']: p for p in self.rpc(10).getAllProcessInfo()}
        except (OSError, Exception):
            return {}

    def start(self, ctx, name, wait=True):
        info = self.proc_info().get(name, {})
        if info.get('statename') not in ('RUNNING', 'STARTING'):
            try:
                self.rpc().startProcess(name, False)
            except Exception as e:
                raise Failure('%s did not start: %s' % (name, e),
                              service=name)
        if wait:
            self.wait_ready(ctx, name)

    def wait_ready(self, ctx, name, timeout=180):
        prog = {p.name: p for p in services.programs(ctx)}[name]
        deadline = time.time() + timeout
        last = 'nothing yet'
        while time.time() < deadline:
            st = self.proc_info().get(name, {}).get('statename')
            if st in ('FATAL', 'EXITED', 'STOPPED'):
                raise Failure('%s is %s' % (name, st), service=name)
            ok, last = self.health(ctx, prog, quick=True)
            if ok:
                return
            time.sleep(0.5)
        raise Failure('%s not ready after %ds (last check: %s)' % (
            name, timeout, last), service=name)

    # --- health ------------------------------------------------------------
    def health(self, ctx, prog, quick=False, lists=None):
        """(ok, text) for one program."""
        if prog.check in ('tcp', 'http') or quick and prog.port:
            port = ctx['ports'][prog.port] if prog.port else None
            if prog.check == 'http':
                try:
                    st, _h, _b = rest.request(
                        'GET', 'http://127.0.0.1:%d/' % port, timeout=10)
                    return True, 'HTTP %d on :%d' % (st, port)
                except rest.HTTPError as e:
                    if e.status < 500:
                        return True, 'HTTP %d on :%d' % (e.status, port)
                    return False, 'HTTP %d on :%d' % (e.status, port)
                except OSError as e:
                    return False, 'no answer on :%d (%s)' % (port, e)
            if portmod.tcp_open(port):
                return True, 'listening on :%d' % port
            return False, 'nothing listening on :%d' % port
        if quick:
            # RPC services: running under supervisor is all we can see
            # cheaply; `status` asks the service lists.
            st = self.proc_info().get(prog.name, {}).get('statename')
            return st == 'RUNNING', 'supervisor: %s' % st
        lists = lists if lists is not None else self.service_lists(ctx)
        entry = lists.get(prog.check, {}).get(prog.name)
        if entry is None:
            return False, 'not in %s service list' % prog.check
        return entry[0], entry[1]

    def reported_since(self, ctx, prog, since):
        """True when prog's service-list heartbeat is newer than since."""
        entry = self.service_lists(ctx).get(prog.check, {}).get(prog.name)
        if not entry or not entry[0] or not entry[2]:
            return False, entry[1] if entry else 'not listed'
        stamp = entry[2].replace('T', ' ').split('.')[0].rstrip('Z')
        limit = time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(since))
        return stamp >= limit, '%s (heartbeat %s, restarted %s)' % (
            entry[1], stamp, limit)

    def service_lists(self, ctx):
        out = {'nova': {}, 'designate': {}, 'heat': {}}
        try:
            s = bootstrap.admin_session(ctx)
            s.token()
        except Exception as e:
            return {'error': str(e)}
        try:
            for x in s.get(render.url(ctx, 'nova', '/v2.1/os-services'),
                           timeout=10)['services']:
                out['nova'][x['binary']] = (
                    x['state'] == 'up' and x['status'] == 'enabled',
                    'nova service list: %s/%s' % (x['state'], x['status']),
                    x.get('updated_at'))
        except Exception as e:
            out['nova']['error'] = str(e)
        try:
            for x in s.get(render.url(ctx, 'designate',
                                      '/v2/service_statuses'),
                           timeout=10)['service_statuses']:
                name = 'designate-' + x['service_name']
                out['designate'][name] = (
                    x['status'] == 'UP',
                    'designate service list: %s (heartbeat %s)' % (
                        x['status'], x.get('heartbeated_at')),
                    x.get('heartbeated_at'))
        except Exception as e:
            out['designate']['error'] = str(e)
        try:
            for x in s.get(render.url(ctx, 'heat', '/v1/%s/services'
                                      % s.project_id),
                           timeout=10)['services']:
                if x['status'] == 'up':
                    prev = out['heat'].get('heat-engine')
                    if not prev or not prev[0] or (prev[2] or '') < (
                            x.get('updated_at') or ''):
                        out['heat']['heat-engine'] = (
                            True, 'heat service list: up',
                            x.get('updated_at'))
                else:
                    out['heat'].setdefault('heat-engine', (
                        False, 'heat service list: %s' % x['status'], None))
        except Exception as e:
            out['heat']['error'] = str(e)
        return out

    # --- stale state -----------------------------------------------------
    def recover_stale(self):
        kind, pid = self.supervisor_state()
        if kind == 'running':
            return None
        leftovers = statemod.our_processes(self.st.root)
        msgs = []
        if kind == 'stale':
            msgs.append('stale supervisord pid file (pid %s not running): '
                        'an earlier run crashed or was killed' % pid)
        if leftovers:
            msgs.append('stopping %d leftover processes of that run: %s' % (
                len(leftovers), ' '.join(map(str, leftovers))))
            self.kill_pids(leftovers)
        for f in ('supervisord.pid', 'supervisor.sock', 'mysqld.pid',
                  'named.pid', 'rabbitmq.pid'):
            p = self.st.run(f)
            if os.path.exists(p) and kind != 'running':
                os.unlink(p)
        return '; '.join(msgs) or None

    def kill_pids(self, pids, grace=15):
        for p in pids:
            try:
                os.kill(p, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.time() + grace
        while time.time() < deadline and any(statemod.pid_alive(p)
                                             for p in pids):
            time.sleep(0.3)
        for p in pids:
            if statemod.pid_alive(p):
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        deadline = time.time() + 10
        while time.time() < deadline and any(statemod.pid_alive(p)
                                             for p in pids):
            time.sleep(0.2)

    # --- verbs -------------------------------------------------------------
    def up(self, clean=False):
        if clean:
            self.destroy()
        self.st.ensure_dirs()
        lock = self.st.lock()
        try:
            return self._up()
        finally:
            os.close(lock)

    def install(self):
        """Debian packages + the services venv only (no process started)."""
        self.st.ensure_dirs()
        lock = self.st.lock()
        try:
            self.step('Debian packages (%s)' % ', '.join(APT_PACKAGES),
                      self.check_apt, service='apt')
            self.say('venv %s: %s' % (self.st.venv, self.step(
                'services venv (pinned by constellation/lock.txt)',
                self.install_venv, service='install')))
        finally:
            os.close(lock)
        return 0

    def _all_running(self):
        info = self.proc_info()
        return info and all(info.get(n, {}).get('statename') == 'RUNNING'
                            for n in services.NAMES)

    def _up(self):
        kind, pid = self.supervisor_state()
        if kind == 'running' and self._all_running() and \
                self.st.marker('ready'):
            self.say('constellation in %s is already up (supervisord pid %d,'
                     ' %d programs RUNNING): nothing to do'
                     % (self.st.root, pid, len(services.NAMES)))
            return 0
        msg = self.recover_stale()
        if msg:
            self.say('recovering: ' + msg)
        if self.supervisor_state()[0] != 'running':
            self.pick_default_base()
        ctx = self.ctx()
        if self.supervisor_state()[0] != 'running':
            busy = portmod.busy_ports(ctx['ports'])
            if busy:
                raise Failure('ports already in use: ' + '; '.join(
                    '%d (needed by %s for %s)' % (port, svc, name)
                    for name, port, svc in busy) +
                    '. Stop whatever listens there or choose another '
                    '--port-base / CONSTELLATION_PORT_BASE.')
        self.st.set_marker('port_base', ctx['port_base'])
        self.step('Debian packages (%s)' % ', '.join(APT_PACKAGES),
                  self.check_apt, service='apt')
        self.say('venv %s: %s' % (self.st.venv, self.step(
            'services venv (pinned by constellation/lock.txt)',
            self.install_venv, service='install')))
        self.step('render configs (ports %d-%d)' % (
            ctx['port_base'], ctx['port_base'] + portmod.SPAN - 1),
            self.write_configs, ctx, service='config')
        self.step('MariaDB datadir', self.init_mysql, service='mysql-install')
        self.step('supervisord', self.start_supervisord,
                  service='supervisord')
        self.step('start epmd', self.start, ctx, 'epmd', service='epmd')
        for name in ('mysql', 'rabbitmq', 'named'):
            self.start(ctx, name, wait=False)
        self.step('start mysql', self.wait_ready, ctx, 'mysql',
                  service='mysql')
        self.step('databases and DB user', self.create_databases, ctx,
                  service='mysql')
        self.step('schema migrations', self.db_syncs, ctx, service='dbsync')
        for name in ('rabbitmq', 'named'):
            self.step('start %s' % name, self.wait_ready, ctx, name,
                      service=name)
        self.step('start keystone', self.start, ctx, 'keystone',
                  service='keystone')
        if self.st.marker('keystone_catalog') != ctx['port_base']:
            self.step('keystone users, roles, catalog', bootstrap.keystone,
                      ctx, self.say, service='keystone')
            self.st.set_marker('keystone_catalog', ctx['port_base'])
        first = ['glance', 'placement', 'designate-central',
                 'designate-api', 'neutron', 'nova-api', 'nova-conductor',
                 'nova-scheduler', 'nova-compute', 'heat-engine', 'heat-api']
        later = ['designate-worker', 'designate-producer', 'designate-mdns']
        # designate's worker/producer/mdns only after central consumes RPC:
        # a cast/call sent before central's queue exists is dropped by
        # RabbitMQ and the producer then stalls on a 60 s reply timeout
        self.say('start %s' % ', '.join(first))
        for name in first:
            self.start(ctx, name, wait=False)
        for name in ('designate-central', 'designate-api'):
            self.step('wait %s' % name, self.wait_ready, ctx, name,
                      service=name)
        self.step('designate-central answers RPC', self.wait_central_rpc, ctx,
                  service='designate-central')
        self.step('designate pool (BIND9 on :%d)' % ctx['ports']['dns'],
                  self.designate_pool, ctx, service='designate-central')
        self.say('start %s' % ', '.join(later))
        for name in later:
            self.start(ctx, name, wait=False)
        self.step('all %d services answering' % len(services.NAMES),
                  self.wait_all, ctx, service=None)
        compute = {p.name: p for p in services.programs(ctx)}['nova-compute']
        self.step('nova-compute reports up', self._wait_listed, ctx, compute,
                  self.t0, service='nova-compute')
        self.step('nova cell host discovery', self.discover_hosts, ctx,
                  service='nova-compute')
        res = self.step('image, flavors, public network',
                        bootstrap.resources, ctx, self.say,
                        service='neutron')
        self.step('tempest.conf + clouds.yaml', self.write_outputs, ctx, res,
                  service='config')
        self.st.set_marker('ready', True)
        self.say('constellation is UP (%d programs) - state %s' % (
            len(services.NAMES), self.st.root))
        for line in self.env_lines():
            self.out.write(line + '\n')
        return 0

    def manage(self, name, args, timeout=600):
        """Run a *-manage command, its output into logs/<name>.log."""
        with open(self.st.log(name), 'a') as log:
            log.write('\n$ %s\n' % ' '.join(args))
            log.flush()
            try:
                r = subprocess.run(args, stdout=log, stderr=log,
                                   timeout=timeout,
                                   env=dict(os.environ,
                                            CONSTELLATION_STATE_DIR=self.st
                                            .root,
                                            PATH=self.st.bin('') + ':' +
                                            os.environ.get('PATH', '')))
            except subprocess.TimeoutExpired:
                raise Failure('%s timed out after %ds' % (' '.join(args),
                                                          timeout),
                              service=name)
        if r.returncode:
            raise Failure('%s failed (exit %d)' % (' '.join(args),
                                                   r.returncode),
                          service=name)

    def db_syncs(self, ctx):
        b = self.st.bin
        e = self.st.etc
        want = self.st.marker('installed')
        u, g = ctx['user'], ctx['group']
        jobs = {
            'keystone': [
                [b('keystone-manage'), '--config-file',
                 e('keystone', 'keystone.conf'), 'db_sync'],
                [b('keystone-manage'), '--config-file',
                 e('keystone', 'keystone.conf'), 'fernet_setup',
                 '--keystone-user', u, '--keystone-group', g],
                [b('keystone-manage'), '--config-file',
                 e('keystone', 'keystone.conf'), 'credential_setup',
                 '--keystone-user', u, '--keystone-group', g],
                [b('keystone-manage'), '--config-file',
                 e('keystone', 'keystone.conf'), 'bootstrap',
                 '--bootstrap-password', ctx['secrets']['admin'],
                 '--bootstrap-admin-url', render.url(ctx, 'keystone', '/v3'),
                 '--bootstrap-internal-url', render.url(ctx, 'keystone',
                                                        '/v3'),
                 '--bootstrap-public-url', render.url(ctx, 'keystone', '/v3'),
                 '--bootstrap-region-id', render.REGION]],
            'glance': [[b('glance-manage'), '--config-file',
                        e('glance', 'glance-api.conf'), 'db_sync']],
            'placement': [[b('placement-manage'), '--config-file',
                           e('placement', 'placement.conf'), 'db', 'sync']],
            'nova': [
                [b('nova-manage'), '--config-file', e('nova', 'nova.conf'),
                 'api_db', 'sync'],
                [b('nova-manage'), '--config-file', e('nova', 'nova.conf'),
                 'cell_v2', 'map_cell0', '--database_connection',
                 render.db_url(ctx, 'nova_cell0')],
                ['sh', '-c', '%s --config-file %s cell_v2 list_cells | '
                 'grep -q " cell1 " || %s --config-file %s cell_v2 '
                 'create_cell --name cell1' % (
                     b('nova-manage'), e('nova', 'nova.conf'),
                     b('nova-manage'), e('nova', 'nova.conf'))],
                [b('nova-manage'), '--config-file', e('nova', 'nova.conf'),
                 'db', 'sync']],
            'neutron': [[b('neutron-db-manage'), '--config-file',
                         e('neutron', 'neutron.conf'), '--config-file',
                         e('neutron', 'ml2_conf.ini'), 'upgrade', 'heads']],
            'designate': [[b('designate-manage'), '--config-file',
                           e('designate', 'designate.conf'), 'database',
                           'sync']],
            'heat': [[b('heat-manage'), '--config-file',
                      e('heat', 'heat.conf'), 'db_sync']],
        }
        todo = [s for s in jobs if self.st.marker('dbsync_' + s) != want]
        if not todo:
            self.say('  schemas current for this install; skipped')
            return

        def run(svc):
            t = time.time()
            for cmd in jobs[svc]:
                self.manage('dbsync-' + svc, cmd)
            self.st_marker_lock_set('dbsync_' + svc, want)
            self.say('  %s schema: %.1fs' % (svc, time.time() - t))

        with concurrent.futures.ThreadPoolExecutor(3) as ex:
            futs = {ex.submit(run, s): s for s in todo}
            errors = []
            for f in concurrent.futures.as_completed(futs):
                try:
                    f.result()
                except Failure as e:
                    errors.append(e)
            if errors:
                raise errors[0]

    def st_marker_lock_set(self, key, value):
        import threading
        if not hasattr(self, '_mlock'):
            self._mlock = threading.Lock()
        with self._mlock:
            self.st.set_marker(key, value)

    def wait_all(self, ctx):
        t = time.time()
        for name in services.NAMES:
            self.wait_ready(ctx, name)
        return '%.1fs' % (time.time() - t)

    def pool_hash(self):
        try:
            with open(self.st.etc('designate', 'pools.yaml'), 'rb') as f:
                return hashlib.sha256(f.read()).hexdigest()[:16]
        except FileNotFoundError:
            return None

    def wait_central_rpc(self, ctx, timeout=90):
        """Central answers RPC once designate-api can list pools via it."""
        s = bootstrap.admin_session(ctx)
        deadline = time.time() + timeout
        while True:
            try:
                s.get(render.url(ctx, 'designate', '/v2/pools'), timeout=30)
                return
            except Exception as e:
                if time.time() > deadline:
                    raise Failure('designate-central not answering RPC '
                                  'after %ds: %s' % (timeout, e),
                                  service='designate-central')
                time.sleep(1)

    def designate_pool(self, ctx):
        h = self.pool_hash()
        if self.st.marker('designate_pool') == h:
            return 'unchanged'
        self.manage('designate-manage', [
            self.st.bin('designate-manage'), '--config-file',
            self.st.etc('designate', 'designate.conf'), 'pool', 'update',
            '--file', self.st.etc('designate', 'pools.yaml')], timeout=120)
        # the worker caches the pool: restart it if it already runs
        if self.proc_info().get('designate-worker', {}).get(
                'statename') == 'RUNNING':
            self.rpc().stopProcess('designate-worker', True)
            self.rpc().startProcess('designate-worker', True)
        self.st.set_marker('designate_pool', h)
        return 'updated'

    def discover_hosts(self, ctx):
        if self.st.marker('cell_hosts') and bootstrap.hypervisor_mapped(ctx):
            return
        deadline = time.time() + 120
        while True:
            self.manage('nova-manage', [
                self.st.bin('nova-manage'), '--config-file',
                self.st.etc('nova', 'nova.conf'), 'cell_v2',
                'discover_hosts'])
            if bootstrap.hypervisor_mapped(ctx):
                break
            if time.time() > deadline:
                raise Failure('compute host not mapped to cell1 after 120s',
                              service='nova-compute')
            time.sleep(2)
        self.st.set_marker('cell_hosts', True)

    def write_outputs(self, ctx, res):
        statemod.atomic_write(self.st.path('bin', 'designate-manage'), (
            '#!/bin/sh\n# designate-manage of this constellation (its config)'
            '\nexec %s --config-file %s "$@"\n' % (
                self.st.bin('designate-manage'),
                self.st.etc('designate', 'designate.conf'))), mode=0o700)
        statemod.atomic_write(self.st.path('tempest', 'tempest.conf'),
                              tempestconf.tempest_conf(ctx, res))
        statemod.atomic_write(self.st.path('tempest', 'clouds.yaml'),
                              tempestconf.clouds_yaml(ctx))
        statemod.atomic_write(self.st.path('tempest', 'resources.json'),
                              json.dumps(res, indent=1))

    def env_lines(self):
        d = self.st.path('tempest')
        return ['export TEMPEST_CONFIG_DIR=%s' % d,
                'export TEMPEST_CONFIG=tempest.conf',
                'export OS_CLIENT_CONFIG_FILE=%s' % os.path.join(
                    d, 'clouds.yaml'),
                'export OS_CLOUD=constellation-admin',
                'export CONSTELLATION_STATE_DIR=%s' % self.st.root]

    def down(self):
        if not os.path.isdir(self.st.root):
            self.say('nothing to stop: no state dir %s' % self.st.root)
            return 0
        lock = self.st.lock()
        try:
            return self._down()
        finally:
            os.close(lock)

    def _down(self):
        kind, pid = self.supervisor_state()
        if kind == 'running' and supervisor.reachable(self.sock):
            info = self.proc_info()
            live = [n for n in reversed(services.NAMES)
                    if info.get(n, {}).get('statename') in (
                        'RUNNING', 'STARTING', 'BACKOFF')]
            # OpenStack services in parallel (each may take seconds to
            # drain), then the infrastructure in reverse start order.
            osk = [n for n in live if n not in services.INFRA]
            if osk:
                self.step('stop %d OpenStack services' % len(osk),
                          self._stop_parallel, osk, service='supervisord')
            for name in [n for n in live if n in services.INFRA]:
                self.step('stop %s' % name, self.rpc().stopProcess,
                          name, True, service=name)
            self.step('stop supervisord (pid %d)' % pid, self._shutdown, pid,
                      service='supervisord')
        elif kind == 'stale':
            self.say('supervisord pid file is stale (pid %s gone)' % pid)
        leftovers = statemod.our_processes(self.st.root)
        if leftovers:
            self.say('stopping %d leftover processes: %s' % (
                len(leftovers), ' '.join(map(str, leftovers))))
            self.kill_pids(leftovers)
        self.recover_stale()
        self.st.clear_marker('ready')
        try:
            ctx = self.ctx()
        except statemod.StateError:
            ctx = None
        if ctx:
            busy = [b for b in portmod.busy_ports(ctx['ports'])]
            if busy:
                raise Failure('still listening after down: ' + ', '.join(
                    '%d (%s)' % (p, s) for _n, p, s in busy))
        self.say('constellation is DOWN; no process or listener left')
        return 0

    def _stop_parallel(self, names):
        def stop(name):
            t = time.time()
            self.rpc().stopProcess(name, True)
            return name, time.time() - t
        with concurrent.futures.ThreadPoolExecutor(len(names)) as ex:
            done = list(ex.map(stop, names))
        slow = sorted(done, key=lambda x: -x[1])[:3]
        return 'slowest: ' + ', '.join('%s %.1fs' % x for x in slow)

    def _shutdown(self, pid):
        self.rpc().shutdown()
        deadline = time.time() + 60
        while statemod.pid_alive(pid) and time.time() < deadline:
            time.sleep(0.2)
        if statemod.pid_alive(pid):
            raise Failure('supervisord pid %d still alive after 60s' % pid)

    def destroy(self):
        root = self.st.root
        if not os.path.exists(root):
            self.say('nothing to destroy at %s' % root)
            return 0
        known = {'venv', 'etc', 'data', 'logs', 'run', 'tempest',
                 'state.json', 'secrets.json', '.lock'}
        extra = set(os.listdir(root)) - known
        if extra and not os.path.exists(os.path.join(root, 'state.json')):
            raise Failure('%s does not look like a constellation state dir '
                          '(contains %s); refusing to delete it'
                          % (root, ', '.join(sorted(extra))[:200]))
        self.down()
        self.step('remove %s' % root, shutil.rmtree, root)
        return 0

    def status(self):
        kind, pid = self.supervisor_state()
        if kind != 'running':
            self.out.write('constellation in %s is DOWN (supervisord %s)\n'
                           % (self.st.root, kind))
            leftovers = statemod.our_processes(self.st.root)
            if leftovers:
                self.out.write('  but %d processes of a crashed run remain: '
                               '%s (run `down` to stop them)\n'
                               % (len(leftovers), leftovers))
            return 3
        ctx = self.ctx()
        info = self.proc_info()
        lists = self.service_lists(ctx)
        bad = 0
        total = statemod.rss_kib(pid)
        self.out.write('%-20s %-9s %8s %9s  %s\n' % (
            'SERVICE', 'STATE', 'PID', 'RSS(MiB)', 'HEALTH'))
        for prog in services.programs(ctx):
            i = info.get(prog.name, {})
            ppid = i.get('pid') or 0
            rss = 0
            if ppid:
                rss = sum(statemod.rss_kib(p) for p in
                          [ppid] + statemod.children(ppid))
            total += rss
            if i.get('statename') == 'RUNNING':
                ok, text = self.health(ctx, prog, lists=lists)
            else:
                ok, text = False, 'not running'
            bad += not ok
            self.out.write('%-20s %-9s %8s %9.0f  %s %s\n' % (
                prog.name, i.get('statename', '?'), ppid or '-',
                rss / 1024.0, 'OK ' if ok else 'BAD', text))
        self.out.write(
            'total RSS %.0f MiB, PSS %.0f MiB (incl. supervisord); %d of %d '
            'healthy\n' % (total / 1024.0, self.total_pss_mib(),
                           len(services.NAMES) - bad, len(services.NAMES)))
        return 0 if not bad else 1

    def total_rss_mib(self, measure=statemod.rss_kib):
        """Sum over supervisord and all its descendants (MiB)."""
        kind, pid = self.supervisor_state()
        if kind != 'running':
            return 0.0
        return sum(measure(p) for p in
                   [pid] + statemod.children(pid)) / 1024.0

    def total_pss_mib(self):
        return self.total_rss_mib(statemod.pss_kib)

    def restart(self, name):
        if name not in services.NAMES:
            raise Failure('unknown service %r; valid names: %s' % (
                name, ', '.join(services.NAMES)))
        if self.supervisor_state()[0] != 'running':
            raise Failure('constellation is not up; run `up` first')
        ctx = self.ctx()
        # pick up edited/rendered service configs (supervisord's own program
        # table is left alone: changing it would restart everything)
        for rel, text in render.config_files(ctx).items():
            statemod.atomic_write(self.st.etc(rel), text)
        since = time.time()
        self.step('stop %s' % name, self.rpc().stopProcess, name, True,
                  service=name)
        self.step('start %s' % name, self.start, ctx, name, service=name)
        prog = {p.name: p for p in services.programs(ctx)}[name]
        if prog.check in ('nova', 'designate', 'heat'):
            text = self.step('%s reports a fresh heartbeat' % name,
                             self._wait_listed, ctx, prog, since,
                             service=name)
            self.say('  ' + text)
        return 0

    def _wait_listed(self, ctx, prog, since, timeout=90):
        deadline = time.time() + timeout
        text = ''
        while time.time() < deadline:
            ok, text = self.reported_since(ctx, prog, since)
            if ok:
                return text
            time.sleep(1)
        raise Failure('%s not reported up after %ds (last: %s)' % (
            prog.name, timeout, text), service=prog.name)

    def logs(self, name=None, lines=50):
        if name is None:
            d = self.st.path('logs')
            for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
                self.out.write('%10d  %s\n' % (
                    os.path.getsize(os.path.join(d, f)),
                    os.path.join(d, f)))
            return 0
        if name not in services.NAMES and not os.path.exists(
                self.st.log(name)):
            raise Failure('unknown service %r; valid names: %s' % (
                name, ', '.join(services.NAMES)))
        self.out.write(self.log_tail(name, lines) + '\n')
        return 0
