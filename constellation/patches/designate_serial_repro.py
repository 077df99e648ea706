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

"""Reproducer of Designate 23's serial collision, on its storage alone.

Run with the services venv's python against a constellation (its
designate.conf holds the database URL; no secret on the command line)::

    <state>/venv/bin/python constellation/patches/designate_serial_repro.py \\
        --config-file <state>/etc/designate/designate.conf [--patched]

It creates a zone row in Designate's storage only (central and the
nameservers never hear of it), calls
``SQLAlchemyStorage.increment_serial`` twice within one second and purges
the zone.  Exit 0: the bug reproduces (both calls gave one serial);
exit 1: "no longer reproduces" (the serial moved on).  ``--patched`` first
applies designate-23-increment-serial.patch (next to this file) the way
the constellation's designate-central does
(``constellation_ext.designate_serial``), so with it the reproducer fails
and without it passes, while the method installed is Designate's own.
"""

import argparse
import os
import sys
import time
import uuid

PATCH = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                     'designate-23-increment-serial.patch')
TRIES = 5       # a pair of calls that straddles a second shows nothing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config-file', required=True)
    parser.add_argument('--patched', action='store_true')
    args = parser.parse_args(argv)

    import designate.conf
    from designate import context
    from designate import objects
    from designate import policy
    from designate import storage
    from designate.storage import sqlalchemy
    from designate import utils

    utils.read_config('designate', ['x', '--config-file', args.config_file])
    policy.init()
    if args.patched:
        sys.path.insert(0, os.path.join(os.path.dirname(
            os.path.dirname(os.path.abspath(__file__))), 'ext'))
        from constellation_ext import designate_serial
        with open(PATCH) as f:
            designate_serial.apply(sqlalchemy.SQLAlchemyStorage, f.read(),
                                   off=lambda: False)
    conf = designate.conf.CONF
    store = storage.get_storage()
    ctxt = context.DesignateContext.get_admin_context(all_tenants=True)
    zone = store.create_zone(ctxt, objects.Zone(
        name='serial-repro-%s.test.' % uuid.uuid4().hex[:10],
        email='hostmaster@serial-repro.test', ttl=300,
        tenant_id='serial-repro',
        pool_id=conf['service:central'].default_pool_id))
    try:
        for _ in range(TRIES):
            time.sleep(1.02 - time.time() % 1)     # just after a second
            t0 = time.time()
            first = store.increment_serial(ctxt, zone.id)
            second = store.increment_serial(ctxt, zone.id)
            if int(time.time()) == int(t0):
                break
        else:
            print('no pair of calls fitted in one second in %d tries'
                  % TRIES)
            return 2
    finally:
        store.purge_zone(ctxt, store.get_zone(ctxt, zone.id))
    if second == first:
        print('reproduces: two increments in one second gave serial %d '
              'twice (%s)' % (first, 'patched' if args.patched
                              else 'Designate\'s own increment_serial'))
        return 0
    print('no longer reproduces: increments in one second gave %d, then %d'
          ' (%s)' % (first, second, 'patched' if args.patched else
                     'Designate\'s own increment_serial: fixed upstream? '
                     'drop the patch'))
    return 1


if __name__ == '__main__':
    sys.exit(main())
