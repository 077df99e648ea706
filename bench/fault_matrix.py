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

"""Fault matrix benchmark (prints a matrix; asserts nothing).

Runs each scenario once per fault: one service restarted between the
scenario's ``deploy`` and its checks, one at a time. Per cell: passed or
the failed step, time to converge (fault → health check passes, SOA serials
equal on every nameserver, every record answered), the outage window the
DNS probe saw (queries every 0.5 s on every nameserver), the health check
before/after, and leaks (all-project counts before/after the cell).
Progress: "[n/total] scenario x fault (k left after this)" per cell, and a
line as each of its steps starts and ends.

It restarts services: run it on a cloud of your own (for the local
constellation: your own state dir, never a shared one), alone.

    eval "$(tools/constellation env)"
    bench/fault_matrix.py --scenarios floating_ip_dns --json matrix.json
    bench/fault_matrix.py --services named,rabbitmq --set record_timeout=300
    # a devstack node over SSH:
    bench/fault_matrix.py --cloud systemd --ssh stack@node1 \\
        --unit named=named.service --config /opt/stack/tempest/etc/...

The JSON shape is documented in cross_service_tempest_plugin/faults/matrix.py.
"""

import argparse
import importlib.util
import io
import logging
import os
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args(argv):
    from cross_service_tempest_plugin.faults import base
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--config', help='tempest.conf (default: TEMPEST_CONFIG_'
                   'DIR/TEMPEST_CONFIG, else `tools/constellation env`)')
    p.add_argument('--scenarios', help='comma-separated (default: all '
                   'shipped scenarios)')
    p.add_argument('--services', help='comma-separated, default: %s'
                   % ','.join(base.SERVICES))
    p.add_argument('--action', choices=base.ACTIONS, default='restart')
    p.add_argument('--set', action='append', default=[], metavar='KEY=VALUE',
                   help='scenario override for every run (e.g. '
                        'record_timeout=300)')
    p.add_argument('--json', metavar='FILE', help='also write the matrix '
                   'as JSON (shape: faults/matrix.py)')
    p.add_argument('--cloud', choices=('constellation', 'systemd'),
                   default='constellation')
    p.add_argument('--constellation', default=os.path.join(
        REPO, 'tools', 'constellation'), help='tools/constellation to run')
    p.add_argument('--state-dir', help='constellation state dir (default: '
                   "the constellation's own default)")
    p.add_argument('--ssh', metavar='[USER@]HOST', help='systemd: run '
                   'systemctl on HOST over SSH (Tempest\'s client; HOST may '
                   'be a Host alias of ~/.ssh/config; keys only)')
    p.add_argument('--ssh-port', type=int, help='systemd: SSH port '
                   '(default: ~/.ssh/config, else 22)')
    p.add_argument('--ssh-key', metavar='FILE', help='systemd: private key '
                   '(default: ~/.ssh/config, else the agent and ~/.ssh/id_*)')
    p.add_argument('--unit', action='append', default=[],
                   metavar='SERVICE=UNIT', help='systemd: unit of a service '
                   '(default devstack@... names, bind9, rabbitmq-server, '
                   'mysql)')
    p.add_argument('--no-sudo', action='store_true',
                   help='systemd: run systemctl without sudo -n')
    p.add_argument('--probe-interval', type=float, default=0.5)
    p.add_argument('--probe-max', type=float, default=600.0,
                   help='the probe stops by itself after this (s)')
    p.add_argument('--health-timeout', type=float, default=300.0,
                   help='wait at most this for health after a fault (s)')
    p.add_argument('--no-settle', action='store_true',
                   help='inject right after deploy, the updates still in '
                        'flight (default: once the health check passes)')
    p.add_argument('--no-leak-check', action='store_true')
    return p.parse_args(argv)


def config_path(args):
    if args.config:
        return os.path.abspath(args.config)
    if os.environ.get('TEMPEST_CONFIG_DIR'):
        return os.path.join(os.environ['TEMPEST_CONFIG_DIR'],
                            os.environ.get('TEMPEST_CONFIG', 'tempest.conf'))
    env = {}
    cmd = [args.constellation] + (
        ['--state-dir', args.state_dir] if args.state_dir else []) + ['env']
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith('export ') and '=' in line:
            key, _, value = line[len('export '):].partition('=')
            env[key] = value.strip('\'"')
    if 'TEMPEST_CONFIG_DIR' not in env:
        raise SystemExit('no tempest.conf: pass --config or set '
                         'TEMPEST_CONFIG_DIR (`%s env` printed none)'
                         % ' '.join(cmd))
    return os.path.join(env['TEMPEST_CONFIG_DIR'],
                        env.get('TEMPEST_CONFIG', 'tempest.conf'))


def controller(args):
    from cross_service_tempest_plugin.faults import constellation
    from cross_service_tempest_plugin.faults import runner
    from cross_service_tempest_plugin.faults import systemd
    if args.cloud == 'constellation':
        return constellation.ConstellationController(
            args.constellation, state_dir=args.state_dir)
    if args.ssh:
        # Tempest's client logs its retries with a traceback; without a
        # logging set-up Python would print them: the FaultError says it.
        logging.getLogger('tempest.lib.common.ssh').addHandler(
            logging.NullHandler())
        remote = runner.SSHRunner(args.ssh, port=args.ssh_port,
                                  key_filename=args.ssh_key)
        remote.check()      # an unreachable node fails before any cell
    else:
        remote = runner.CommandRunner()
    return systemd.SystemdController(
        units=systemd.parse_units(args.unit), sudo=not args.no_sudo,
        runner=remote)


class Leaks(object):
    """All-project snapshot/compare of leaks.

    The plugin's leaks module when there is one, else tools/leak_check.py.
    """

    def __init__(self, config):
        try:
            from cross_service_tempest_plugin import credentials
            from cross_service_tempest_plugin import leaks
            self.mod = leaks
            self.mgr = credentials.admin_manager(config)
        except ImportError:
            spec = importlib.util.spec_from_file_location(
                'leak_check', os.path.join(REPO, 'tools', 'leak_check.py'))
            self.mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(self.mod)
            self.mgr = self.mod._setup(config)

    def snapshot(self):
        return self.mod.snapshot(self.mgr)

    def compare(self, before):
        out = io.StringIO()
        n = self.mod.compare(before, self.mod.snapshot(self.mgr), out)
        return n, out.getvalue()


def split(text, known, what, default=None):
    if not text:
        return list(default or known)
    names = [n.strip() for n in text.split(',') if n.strip()]
    bad = [n for n in names if n not in known]
    if bad:
        raise SystemExit('--%s: unknown %s (known: %s)'
                         % (what, ', '.join(bad), ', '.join(known)))
    return names


def overrides(pairs):
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition('=')
        if not sep or not key:
            raise SystemExit('--set: expected KEY=VALUE, got %r' % pair)
        out[key] = value
    return out


def main(argv=None):
    args = parse_args(argv)
    from cross_service_tempest_plugin import api
    from cross_service_tempest_plugin.faults import base
    from cross_service_tempest_plugin.faults import health as healthmod
    from cross_service_tempest_plugin.faults import hook as hookmod
    from cross_service_tempest_plugin.faults import matrix
    config = config_path(args)
    try:
        api.load_config(config)
        scenarios = split(args.scenarios, api.list_scenarios(config),
                          'scenarios')
        ctl = controller(args)
        services = split(args.services, ctl.services(), 'services',
                         default=base.SERVICES)
        values = overrides(args.set)
        for name in scenarios:     # bad overrides fail before any fault
            api.Scenario(name, config_file=config, overrides=values)
    except (api.ScenarioError, base.FaultError) as exc:
        raise SystemExit('fault_matrix: %s' % exc)
    health = healthmod.HealthCheck.from_config(config)
    leaks = None if args.no_leak_check else Leaks(config)
    cells = []
    started = matrix.utcnow()
    total = len(scenarios) * len(services)
    print('fault matrix: %d cell(s) (%d scenario(s) x %d fault(s)), '
          'cloud %s, config %s, fault injected %s' % (
              total, len(scenarios), len(services), ctl.kind, config,
              'right after deploy' if args.no_settle else
              'after deploy once healthy'), flush=True)
    first = health.wait((), timeout=args.health_timeout)
    print('health before the matrix: %s (%.1f s)%s' % (
        'ok' if first['ok'] else 'NOT OK', first['waited'],
        ''.join('\n  ' + p for p in first['problems'])), flush=True)
    n = 0
    for scenario in scenarios:
        for service in services:
            n += 1
            print('[%d/%d] %s x %s %s (%d left after this) ...' % (
                n, total, scenario, args.action, service, total - n),
                flush=True)
            cells.append(run_cell(api, hookmod, matrix, health, leaks, ctl,
                                  scenario, service, config, values, args))
            c = cells[-1]
            print('[%d/%d] %s x %s %s: %s in %s s, converge %s s, outage '
                  '%s, leaks %s' % (n, total, scenario, args.action,
                                    service, matrix.verdict(c),
                                    _secs(c['duration']),
                                    _secs(c['converge_seconds']),
                                    matrix.outage_text(c['outage']),
                                    c['leaks']), flush=True)
            # the next cell starts from a healthy cloud
            h = health.wait((), timeout=args.health_timeout)
            if not h['ok']:
                print('health NOT OK after %.1f s, the next cells may fail '
                      'for it:%s' % (h['waited'], ''.join(
                          '\n  ' + p for p in h['problems'])), flush=True)
    doc = matrix.document(cells, ctl.kind, started)
    print()
    print(matrix.table(doc))
    if args.json:
        with open(args.json, 'w') as f:
            f.write(matrix.dumps(doc) + '\n')
        print('\nwritten: %s' % args.json)
    return 0


def _secs(value):
    return '-' if value is None else '%.1f' % value


def step_lines(scenario):
    """Hook printing each step as it starts/ends (steps left in the run)."""
    def before_step(run, name):
        print('      %s: %s ... (step %d of %d)' % (
            scenario, name, run.step_names.index(name) + 1,
            len(run.step_names)), flush=True)

    def after_step(run, step):
        print('      %s: %s %s in %.1f s' % (
            scenario, step.name, step.status, step.duration or 0.0),
            flush=True)
    return {'before_step': before_step, 'after_step': after_step}


def run_cell(api, hookmod, matrix, health, leaks, ctl, scenario, service,
             config, values, args):
    before = leaks.snapshot() if leaks else None
    hook = hookmod.FaultHook(ctl, service, action=args.action,
                             health=health,
                             probe_interval=args.probe_interval,
                             probe_max=args.probe_max,
                             health_timeout=args.health_timeout,
                             settle=not args.no_settle)
    notes = []
    start = time.monotonic()
    try:
        result = api.run_scenario(scenario, config_file=config,
                                  overrides=values,
                                  hooks=[hook, step_lines(scenario)]
                                  ).to_dict()
    except Exception as exc:     # a benchmark goes on with the next cell
        result = {'passed': False, 'failed_step': None,
                  'error': '%s: %s' % (type(exc).__name__, exc),
                  'duration': time.monotonic() - start}
    finally:
        record = hook.finish()
    n, report = (None, '')
    if leaks:
        try:
            n, report = leaks.compare(before)
        except Exception as exc:
            notes.append('leak check failed: %s: %s'
                         % (type(exc).__name__, exc))
    return matrix.make_cell(scenario, result, record, leaks=n,
                            leak_report=report if n else '', notes=notes)


if __name__ == '__main__':
    sys.path.insert(0, REPO)
    sys.exit(main())
