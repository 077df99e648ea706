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

"""Zone create -> ACTIVE in Designate's API (prints numbers; asserts none).

Creates N zones one after another in a running constellation (its admin
credentials), polls each every 50 ms until ACTIVE (the time Designate
itself takes: central, worker, BIND9 transfer from mdns, the worker's
poll), deletes it, and prints the median, min and max.

    bench/zone_bench.py [--state DIR] [-n 8]
"""

import argparse
import os
import statistics
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))

from constellation import bootstrap  # noqa: E402
from constellation import core  # noqa: E402
from constellation import render  # noqa: E402


def one(s, zones, timeout=60):
    name = 'zb-%s.example.org.' % uuid.uuid4().hex[:10]
    t0 = time.monotonic()
    zone = s.post(zones, {'name': name, 'email': 'bench@example.org'})
    status = zone['status']
    while status != 'ACTIVE':
        if status == 'ERROR' or time.monotonic() - t0 > timeout:
            raise SystemExit('zone %s: %s after %.1fs' % (
                name, status, time.monotonic() - t0))
        time.sleep(0.05)
        status = s.get('%s/%s' % (zones, zone['id']))['status']
    took = time.monotonic() - t0
    s.delete('%s/%s' % (zones, zone['id']))
    return took


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--state', default=os.environ.get(
        'CONSTELLATION_STATE_DIR'), help='state dir of the constellation')
    p.add_argument('-n', type=int, default=8, help='zones (default 8)')
    args = p.parse_args()
    if not args.state:
        p.error('--state or CONSTELLATION_STATE_DIR is required')
    ctx = core.Constellation(args.state).ctx()
    s = bootstrap.admin_session(ctx)
    zones = render.url(ctx, 'designate', '/v2/zones')
    times = [one(s, zones) for _ in range(args.n)]
    print('%-30s median %.2f s (min %.2f, max %.2f, n=%d)' % (
        'zone create -> ACTIVE', statistics.median(times), min(times),
        max(times), len(times)))


if __name__ == '__main__':
    main()
