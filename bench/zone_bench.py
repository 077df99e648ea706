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

    constellation/checks/venv-python.sh bench.zone_bench [--state DIR] [-n 8]

In the services venv: keystoneauth1 (checks/cloud.py's Api) and the
constellation's one polling helper.
"""

import argparse
import os
import statistics
import time
import uuid

from constellation.checks import cloud
from constellation import core
from constellation import poll
from constellation import render


class ZoneError(Exception):
    pass


def one(api, zones, timeout=60, interval=0.05):
    """Seconds from the create request until the zone is ACTIVE."""
    name = 'zb-%s.example.org.' % uuid.uuid4().hex[:10]
    t0 = time.monotonic()
    zone = api.post(zones, {'name': name, 'email': 'bench@example.org'})
    url = '%s/%s' % (zones, zone['id'])

    def active():
        status = api.get(url)['status']
        if status == 'ERROR':
            raise ZoneError('zone %s: ERROR after %.1f s'
                            % (name, time.monotonic() - t0))
        return status == 'ACTIVE', status
    try:
        if zone['status'] != 'ACTIVE':
            poll.until(active, 'zone %s ACTIVE' % name, timeout, interval,
                       retry_on=(cloud.NotFound,))
        return time.monotonic() - t0
    finally:
        api.delete(url)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--state', default=os.environ.get(
        'CONSTELLATION_STATE_DIR'), help='state dir of the constellation')
    p.add_argument('-n', type=int, default=8, help='zones (default 8)')
    args = p.parse_args()
    if not args.state:
        p.error('--state or CONSTELLATION_STATE_DIR is required')
    ctx = core.Constellation(args.state).ctx()
    api = cloud.Api(ctx, 'admin', ctx['secrets']['admin'], 'admin')
    zones = render.url(ctx, 'designate', '/v2/zones')
    try:
        times = [one(api, zones) for _ in range(args.n)]
    except (ZoneError, poll.Timeout) as exc:
        raise SystemExit('zone_bench: %s' % exc)
    print('%-30s median %.2f s (min %.2f, max %.2f, n=%d)' % (
        'zone create -> ACTIVE', statistics.median(times), min(times),
        max(times), len(times)))


if __name__ == '__main__':
    main()
