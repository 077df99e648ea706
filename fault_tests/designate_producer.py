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

"""Designate's producer ``increment_serial`` task, one pass on demand.

Run with the services venv's python (Designate importable), never by the
plugin's: ``<state>/venv/bin/python fault_tests/designate_producer.py
--config-file <state>/etc/designate/designate.conf`` (the secrets stay in
that file). It initialises Designate's RPC as designate-producer does, then
reads one zone id per line on stdin and runs one pass of the real
``designate.producer.tasks.PeriodicIncrementSerialTask`` over that zone
alone (its own ``__call__``: central's ``increment_zone_serial``, then the
worker's ``update_zone``; the query is only narrowed to the zone's id),
and prints one JSON line::

    {"zone": ID, "incremented": [SERIAL], "call": [T0, T1],
     "serial": SERIAL, "increment_serial": false, "action": "UPDATE",
     "status": "PENDING"}

``incremented``: what central's ``increment_zone_serial`` returned (empty
when the zone had no pending change); ``call``: the wall clock just before
and after that call (central stamps the serial in between); the rest is
the zone as central has it after the pass. An error is ``{"error": TEXT}``
on that line; the driver goes on. End of input ends it.

The reproducer of the serial collision
(``fault_tests/test_designate_serial.py``) stops designate-producer and
drives the task with this at chosen moments.
"""

import json
import sys
import time

import designate.cmd  # noqa: F401 (threading backend, the RPC exchange)
import designate.conf
from designate import context
from designate import policy
from designate.producer import tasks
from designate import rpc
from designate import utils

CONF = designate.conf.CONF
PARTITIONS = list(range(0, 4096))     # producer/service.py's Partitioner


class _Recorder(object):
    """Central's RPC API; notes increment_zone_serial's result and time."""

    def __init__(self, api, calls):
        self._api = api
        self._calls = calls

    def __getattr__(self, name):
        return getattr(self._api, name)

    def increment_zone_serial(self, ctxt, zone):
        t0 = time.time()
        serial = self._api.increment_zone_serial(ctxt, zone)
        self._calls.append((serial, t0, time.time()))
        return serial


class OneZonePass(tasks.PeriodicIncrementSerialTask):
    """The producer's task, its zone query narrowed to one zone id."""

    def __init__(self, zone_id):
        super().__init__()
        self.my_partitions = PARTITIONS
        self.zone_id = zone_id
        self.calls = []

    def _filter_between(self, col):
        criterion = super()._filter_between(col)
        criterion['id'] = self.zone_id
        return criterion

    @property
    def central_api(self):
        return _Recorder(super().central_api, self.calls)


def one_pass(zone_id):
    task = OneZonePass(zone_id)
    task()
    ctxt = context.DesignateContext.get_admin_context()
    ctxt.all_tenants = True
    zone = task.central_api.get_zone(ctxt, zone_id)
    return {
        'zone': zone_id,
        'incremented': [c[0] for c in task.calls],
        'call': list(task.calls[-1][1:]) if task.calls else None,
        'serial': zone.serial, 'increment_serial': zone.increment_serial,
        'action': zone.action, 'status': zone.status}


def main(argv=None):
    argv = sys.argv if argv is None else argv
    utils.read_config('designate', argv)
    # what designate.service.Service does for designate-producer
    policy.init()
    rpc.init(CONF)
    print(json.dumps({'ready': True}), flush=True)
    for line in sys.stdin:
        zone_id = line.strip()
        if not zone_id:
            continue
        try:
            out = one_pass(zone_id)
        except Exception as exc:    # reported on the line; the test decides
            # a remote error's text carries central's traceback: 1st line
            out = {'error': '%s: %s' % (type(exc).__name__, (
                str(exc).strip().splitlines() or [''])[0])}
        print(json.dumps(out), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
