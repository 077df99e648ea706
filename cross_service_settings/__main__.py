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

"""python3 -m cross_service_settings: the devstack plugin's helpers.

  reverse-zones --neutron-conf F [--public-network N] [--cidr C]...
      create Neutron's reverse zones ahead (as Neutron's Designate user)
  zone-names --neutron-conf F --cidr C...
      print the names only
  extension-drivers LOADED
      print ML2 extension_drivers with ours added, the others kept
  reverse-zone-cidrs --tempest-conf F
      print the CIDRs of the [cross_service] options made ahead
  constellation-up --facts F
      after `constellation up`: the reverse zones ahead and tempest.conf
      [cross_service] (F: `constellation facts` output, - for stdin)
"""

import argparse
import configparser
import sys

import cross_service_settings as settings
from cross_service_settings import after_up
from cross_service_settings import ahead
from cross_service_settings import reverse


def main(argv=None):
    p = argparse.ArgumentParser(prog='python3 -m cross_service_settings')
    sub = p.add_subparsers(dest='cmd', required=True)
    rz = sub.add_parser('reverse-zones')
    zn = sub.add_parser('zone-names')
    for s in (rz, zn):
        s.add_argument('--neutron-conf', required=True)
        s.add_argument('--cidr', action='append', default=[])
    rz.add_argument('--public-network')
    rz.add_argument('--timeout', type=int, default=120)
    ed = sub.add_parser('extension-drivers')
    ed.add_argument('loaded', help='comma-separated, may be empty')
    rc = sub.add_parser('reverse-zone-cidrs')
    rc.add_argument('--tempest-conf', required=True)
    cu = sub.add_parser('constellation-up')
    cu.add_argument('--facts', required=True, type=argparse.FileType('r'))
    cu.add_argument('--timeout', type=int, default=120)
    args = p.parse_args(argv)
    try:
        if args.cmd == 'reverse-zones':
            ahead.run(args.neutron_conf, args.cidr, args.public_network,
                      settings.ipam_window(), args.timeout)
        elif args.cmd == 'zone-names':
            conf = ahead.neutron_designate(args.neutron_conf)
            print('\n'.join(reverse.zones(args.cidr, conf,
                                          settings.ipam_window())))
        elif args.cmd == 'constellation-up':
            after_up.run(after_up.read_facts(args.facts), args.timeout)
        elif args.cmd == 'extension-drivers':
            loaded = [d.strip() for d in args.loaded.split(',')
                      if d.strip()]
            print(','.join(settings.extension_drivers(loaded)))
        else:
            parser = configparser.ConfigParser(interpolation=None)
            parser.read(args.tempest_conf)
            cs = (dict(parser['cross_service'])
                  if parser.has_section('cross_service') else {})
            print(' '.join(settings.reverse_zone_cidrs(cs)))
    except ahead.Error as e:
        print('cross-service-tempest-plugin: %s' % e, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
