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

"""Count stacks, zones, floating IPs, ports, servers, networks, subnets,
routers, projects and users (all projects, with the admin account of
tempest.conf) before and after a run.

    tools/leak_check.py snapshot before.json     # before the run
    tools/leak_check.py compare before.json      # after: exit 1 on a leak
    tools/leak_check.py wrap -- tempest run ...  # both around a command
    tools/leak_check.py purge [--yes]            # what killed runs left:
                                                 # = cross-service-scenario
                                                 #   cleanup [--yes]

The logic lives in cross_service_tempest_plugin.leaks (and .sweeper for
purge). Reverse zones (``*.arpa.``) are created by Neutron on first use and
shared, never deleted by tests: they are reported apart and do not count as
leaks. Needs TEMPEST_CONFIG_DIR/TEMPEST_CONFIG (or --config) and the plugin
installed in the Tempest venv.
"""

import argparse
import json
import subprocess
import sys


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--config', help='tempest.conf')
    sub = p.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('snapshot')
    s.add_argument('file')
    c = sub.add_parser('compare')
    c.add_argument('file')
    pg = sub.add_parser('purge', help='cross-service-scenario cleanup')
    pg.add_argument('--yes', action='store_true')
    pg.add_argument('--older-than', metavar='SECONDS')
    w = sub.add_parser('wrap')
    w.add_argument('command', nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    if args.cmd == 'purge':
        from cross_service_tempest_plugin import cli
        argv = ['cleanup'] + (['--config', args.config] if args.config
                              else [])
        argv += ['--yes'] if args.yes else []
        argv += (['--older-than', args.older_than] if args.older_than
                 else [])
        return cli.main(argv)
    from cross_service_tempest_plugin import credentials
    from cross_service_tempest_plugin import leaks
    mgr = credentials.admin_manager(args.config)
    if args.cmd == 'snapshot':
        snap = leaks.snapshot(mgr)
        with open(args.file, 'w') as f:
            json.dump(snap, f, indent=1)
        return 0
    if args.cmd == 'compare':
        with open(args.file) as f:
            before = json.load(f)
        return 1 if leaks.compare(before, leaks.snapshot(mgr)) else 0
    command = args.command[1:] if args.command[:1] == ['--'] else \
        args.command
    before = leaks.snapshot(mgr)
    rc = subprocess.call(command)
    n = leaks.compare(before, leaks.snapshot(mgr))
    return rc or (1 if n else 0)


def _main():
    try:
        return main()
    except Exception as exc:
        # Tempest's logging setup would hide the traceback in tempest.log.
        sys.stderr.write('leak_check: error: %s: %s\n'
                         % (type(exc).__name__, exc))
        return 2


if __name__ == '__main__':
    sys.exit(_main())
