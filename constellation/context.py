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

"""What every verb works with: the state dir, its ports and secrets, its
supervisord, output with timings, and starting/waiting for programs."""

import getpass
import grp
import os
import signal
import sys
import time

from constellation import errors
from constellation import health
from constellation import poll
from constellation import ports as portmod
from constellation import procs
from constellation import render_ovn
from constellation import service_settings as settingsmod
from constellation import services
from constellation import state as statemod
from constellation import supervisor

Failure = errors.Failure


class Context:
    def __init__(self, root, port_base=None, out=None, debug=False,
                 profile=None, service_settings=None):
        self.st = statemod.State(root)
        self.sup = supervisor.Supervisor(self.st)
        self.out = out or sys.stdout
        self.t0 = time.time()  # wall clock: compared with heartbeats
        self._m0 = time.monotonic()
        self._port_base_arg = port_base
        self._profile_arg = profile
        self._settings_path = service_settings or None
        self._settings = None
        self.debug = debug

    # --- output ----------------------------------------------------------
    def say(self, msg):
        self.out.write('[%6.1fs] %s\n' % (time.monotonic() - self._m0, msg))
        self.out.flush()

    def step(self, msg, fn, *args, service=None, **kw):
        t = time.monotonic()
        self.say(msg + ' ...')
        try:
            result = fn(*args, **kw)
        except Failure:
            raise
        except Exception as e:
            raise Failure('%s: %s' % (msg, e), service=service)
        self.say('%s: done in %.1fs' % (msg, time.monotonic() - t))
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

    # --- ports and context -------------------------------------------------
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

    def wanted_profile(self):
        """The profile asked for (--profile, $CONSTELLATION_PROFILE)."""
        wanted = self._profile_arg or os.environ.get('CONSTELLATION_PROFILE')
        if wanted and wanted not in render_ovn.PROFILES:
            raise Failure('--profile must be one of %s, got %r' % (
                ', '.join(render_ovn.PROFILES), wanted))
        return wanted

    def profile(self):
        """fast (default) or real: chosen at the first `up`, remembered.

        A state dir keeps the profile it was set up with (`up` refuses
        another one, see :meth:`check_profile`).
        """
        return (self.st.marker('profile') or self.wanted_profile() or
                render_ovn.DEFAULT_PROFILE)

    def check_profile(self):
        stored, wanted = self.st.marker('profile'), self.wanted_profile()
        if stored and wanted and stored != wanted:
            raise Failure('state dir %s was set up with --profile %s, not '
                          '%s (its Neutron and Nova databases belong to that '
                          'profile); use `up --clean --profile %s` to start '
                          'over' % (self.st.root, stored, wanted, wanted))
        return stored or wanted or render_ovn.DEFAULT_PROFILE

    def pick_default_base(self, probe=portmod.port_in_use, tries=20):
        """Choose the port base on the first `up` without an explicit one.

        Takes the first free block of ports from the default on (another
        constellation may hold the default) that no other state dir has
        claimed (two `up` at once), and remembers it.
        """
        claims = os.path.join(statemod.cache_root(), 'port-blocks')
        stored = self.st.marker('port_base')
        if stored:      # registers blocks chosen before claims existed
            portmod.claim_block(stored, self.st.root, claims,
                                statemod.uses_port_base)
        if stored or self._port_base_arg or \
                os.environ.get('CONSTELLATION_PORT_BASE'):
            return None
        for k in range(tries):
            base = portmod.DEFAULT_BASE + k * portmod.SPAN
            if not portmod.busy_ports(portmod.allocate(base), probe=probe) \
                    and portmod.claim_block(base, self.st.root, claims,
                                            statemod.uses_port_base):
                if k:
                    self.say('ports %d-%d are taken (another constellation?)'
                             '; using --port-base %d for this state dir'
                             % (portmod.DEFAULT_BASE,
                                portmod.DEFAULT_BASE + portmod.SPAN - 1,
                                base))
                self.st.set_marker('port_base', base)
                return base
        return None  # all taken: the busy-port error names them

    def service_settings(self):
        """{file: {group: {option: value}}}: asked for, else remembered.

        Asked for by `up` (--service-settings, $CONSTELLATION_SERVICE_
        SETTINGS); a state dir keeps the ones it was brought up with, so
        every later verb renders the same configs.
        """
        if self._settings is None:
            self._settings = (settingsmod.load(self._settings_path)
                              if self._settings_path else
                              self.st.marker('service_settings') or {})
        return self._settings

    def check_service_settings(self, running):
        """The settings for `up`; refused when they change a running one."""
        asked = self.service_settings()
        stored = self.st.marker('service_settings')
        if running and stored is not None and stored != asked:
            raise Failure('the constellation in %s runs with other service '
                          'settings than %s asks for (changed: %s): '
                          '`constellation down`, then `up` applies them'
                          % (self.st.root, self._settings_path,
                             ', '.join(settingsmod.changed(stored, asked))))
        return asked

    def ctx(self):
        base = self.port_base()
        return {
            'root': self.st.root, 'venv': self.st.venv,
            'ports': portmod.allocate(base), 'port_base': base,
            'secrets': self.st.secrets(), 'debug': self.debug,
            'profile': self.profile(),
            'service_settings': self.service_settings(),
            'user': getpass.getuser(),
            'group': grp.getgrgid(os.getgid()).gr_name,
        }

    @staticmethod
    def program(ctx, name):
        return {p.name: p for p in services.programs(ctx)}[name]

    # --- programs ------------------------------------------------------------
    def start(self, ctx, name, wait=True):
        self.sup.start(name)
        if wait:
            self.wait_ready(ctx, name)

    def wait_ready(self, ctx, name, timeout=180):
        prog = self.program(ctx, name)

        def ready():
            st = self.sup.statename(name)
            if st in ('FATAL', 'EXITED', 'STOPPED'):
                raise Failure('%s is %s' % (name, st), service=name)
            return health.health(ctx, prog, lambda: st, quick=True)

        poll.until(ready, '%s ready' % name, timeout, service=name)

    def wait_listed(self, ctx, prog, since, timeout=90):
        """Wait for a heartbeat newer than ``since`` in its service list."""
        text, _t = poll.until(
            lambda: health.reported_since(ctx, prog, since),
            '%s reported up in its service list' % prog.name, timeout,
            interval=1, service=prog.name)
        return text

    # --- leftovers of a crashed run ------------------------------------------
    def recover_stale(self):
        kind, pid = self.sup.state()
        if kind == 'running':
            return None
        leftovers = procs.our_processes(self.st.root)
        msgs = []
        if kind == 'stale':
            msgs.append('stale supervisord pid file (pid %s not running): '
                        'an earlier run crashed or was killed' % pid)
        if leftovers:
            msgs.append('stopping %d leftover processes of that run: %s' % (
                len(leftovers), ' '.join(map(str, leftovers))))
            self.kill_pids(leftovers)
        for f in ('supervisord.pid', 'supervisor.sock', 'mysql/mysqld.pid',
                  'bind/named.pid', 'bind2/named.pid',
                  'rabbitmq/rabbitmq.pid',
                  # where versions before run/<user>/ kept them
                  'mysqld.pid', 'named.pid', 'rabbitmq.pid'):
            p = self.st.run(f)
            if os.path.exists(p):
                os.unlink(p)
        return '; '.join(msgs) or None

    @staticmethod
    def kill_pids(pids, grace=15):
        """SIGTERM, wait up to ``grace`` s, then SIGKILL what is left."""
        def signal_all(sig):
            for p in pids:
                try:
                    os.kill(p, sig)
                except ProcessLookupError:
                    pass

        def gone():
            alive = [p for p in pids if procs.pid_alive(p)]
            return not alive, 'alive: %s' % alive

        signal_all(signal.SIGTERM)
        try:
            poll.until(gone, 'pids %s gone after SIGTERM' % pids, grace,
                       interval=0.3)
        except poll.Timeout:
            signal_all(signal.SIGKILL)
            try:
                poll.until(gone, 'pids %s gone after SIGKILL' % pids, 10,
                           interval=0.2)
            except poll.Timeout:
                pass  # zombies or D state: `down` checks the listeners
