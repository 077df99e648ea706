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

"""Command line: constellation VERB (up, down, status, restart, stop, start,
env, facts, logs, destroy, install)."""

import argparse
import os
import sys

from constellation import core
from constellation import facts as factsmod
from constellation import ports
from constellation import service_settings
from constellation import services
from constellation import state


def parser():
    p = argparse.ArgumentParser(
        prog='constellation',
        description='Real Nova + Neutron + Designate + Heat (plus Keystone, '
                    'Glance, Placement) on this machine, loopback only.')
    p.add_argument('--state-dir', default=None,
                   help='state directory (default: $CONSTELLATION_STATE_DIR '
                        'or <repo>/.constellation)')
    p.add_argument('--port-base', default=None,
                   help='first of %d loopback ports (default: '
                        '$CONSTELLATION_PORT_BASE or %d)'
                        % (ports.SPAN, ports.DEFAULT_BASE))
    p.add_argument('--debug', action='store_true',
                   help='debug logging in the services')
    sub = p.add_subparsers(dest='verb', required=True)
    up = sub.add_parser('up', help='install if needed and start everything')
    up.add_argument('--clean', action='store_true',
                    help='destroy the state dir first')
    up.add_argument('--profile', choices=('fast', 'real'), default=None,
                    help='fast (default): fake guests, agentless Neutron; '
                         'real: QEMU guests on Neutron ML2/OVN in a network '
                         'namespace of its own (remembered in the state '
                         'dir; also $CONSTELLATION_PROFILE)')
    up.add_argument('--no-snapshot', action='store_true',
                    help='run the schema migrations even when a snapshot '
                         'of migrated schemas for this install is cached '
                         '(also CONSTELLATION_DB_SNAPSHOT=0)')
    up.add_argument('--service-settings', metavar='FILE',
                    default=os.environ.get(service_settings.ENV) or None,
                    help='INI file of [<file>:<group>] sections whose '
                         'options replace the constellation\'s in that '
                         'config (file: %s; default: $%s, else none)'
                         % (', '.join(service_settings.FILES),
                            service_settings.ENV))
    ins = sub.add_parser('install', help='only install: Debian packages and '
                         'the services venv (and the guest image: real)')
    ins.add_argument('--profile', choices=('fast', 'real'), default=None)
    sub.add_parser('down', help='stop every process; keep the state')
    sub.add_parser('status', help='health and RSS per service')
    for verb, text in (
            ('restart', 'restart one service and wait until it answers'),
            ('stop', 'stop one service and wait until it is stopped'),
            ('start', 'start one service and wait until it answers')):
        r = sub.add_parser(verb, help=text)
        r.add_argument('service', help=', '.join(services.NAMES))
    sub.add_parser('env', help='print export lines for Tempest/clients')
    sub.add_parser('facts', help='print what the running constellation is '
                   '(ports, files, DNS pools, networks) as JSON')
    lg = sub.add_parser('logs', help='list logs, or tail one')
    lg.add_argument('service', nargs='?')
    lg.add_argument('-n', type=int, default=50, help='lines')
    sub.add_parser('destroy', help='stop and delete the state dir')
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    root = args.state_dir or state.default_root(core.REPO)
    try:
        c = core.Constellation(root, port_base=args.port_base,
                               debug=args.debug,
                               profile=getattr(args, 'profile', None),
                               service_settings=getattr(
                                   args, 'service_settings', None))
        if args.verb == 'up':
            return c.up(clean=args.clean, snapshot=not args.no_snapshot)
        if args.verb == 'install':
            return c.install()
        if args.verb == 'down':
            return c.down()
        if args.verb == 'status':
            return c.status()
        if args.verb == 'restart':
            return c.restart(args.service)
        if args.verb == 'stop':
            return c.stop_service(args.service)
        if args.verb == 'start':
            return c.start_service(args.service)
        if args.verb == 'env':
            for line in c.env_lines():
                print(line)
            if not os.path.exists(c.st.path('tempest', 'tempest.conf')):
                print('# note: no tempest.conf yet; run `constellation up`',
                      file=sys.stderr)
            return 0
        if args.verb == 'facts':
            sys.stdout.write(factsmod.dumps(c.facts()))
            return 0
        if args.verb == 'logs':
            return c.logs(args.service, args.n)
        if args.verb == 'destroy':
            return c.destroy()
    except (core.Failure, state.StateError, ports.PortError) as e:
        print('ERROR: %s' % e, file=sys.stderr)
        svc = getattr(e, 'service', None)
        if svc:
            print('failing service: %s' % svc, file=sys.stderr)
            print(c.log_tail(svc), file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `constellation logs | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print('interrupted; `constellation down` stops what was started',
              file=sys.stderr)
        return 130
    return 2
