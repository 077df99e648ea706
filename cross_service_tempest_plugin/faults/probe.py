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


"""A DNS probe: while a fault is active, ask every nameserver for the
scenario's records every ``interval`` seconds and record when they were
not answered.

A sample is one round: every expected record asked on one nameserver; it
is a *hit* when every record is answered with exactly its expected values,
else a *miss*. :func:`window` turns samples into the figures the fault
matrix shows. The thread is bounded (``max_duration``) and stops by
itself; :meth:`DnsProbe.stop` stops it earlier.
"""

import threading
import time

from cross_service_tempest_plugin.common import dns_records
from cross_service_tempest_plugin.common import dns_wire


def window(samples, t0=0.0):
    """Samples ``[(t, hit), ...]`` (time order) → outage figures.

    Times in the result are seconds after ``t0`` (the fault's start):

    - ``first_hit``: first time everything was answered (None: never);
    - ``misses`` / ``samples``: counts over all samples;
    - ``outage_start``/``outage_end``: first and last miss *after* the
      first hit (the records had been published, then were not answered);
      ``outage_seconds`` = end - start; ``outage_misses`` their count;
    - ``pending_misses``: misses before the first hit (the records were not
      published yet: propagation or a lost update, not an outage);
    - ``converged``: time of the first hit after the last miss (None when
      the last sample missed); ``0.0``-based, may be negative when the
      records were answered all along before the fault.
    """
    result = {'samples': len(samples), 'misses': 0, 'first_hit': None,
              'pending_misses': 0, 'outage_start': None, 'outage_end': None,
              'outage_seconds': None, 'outage_misses': 0,
              'converged': None, 'last_miss': None}
    first_hit = None
    last_miss = None
    for t, hit in samples:
        if hit:
            if first_hit is None:
                first_hit = t
            continue
        result['misses'] += 1
        last_miss = t
        if first_hit is None:
            result['pending_misses'] += 1
        else:
            if result['outage_start'] is None:
                result['outage_start'] = t
            result['outage_end'] = t
            result['outage_misses'] += 1
    result['converged'] = next(
        (t for t, hit in samples
         if hit and (last_miss is None or t > last_miss)), None)
    result['first_hit'] = first_hit
    result['last_miss'] = last_miss
    if result['outage_start'] is not None:
        result['outage_seconds'] = (result['outage_end'] -
                                    result['outage_start'])
    for key in ('first_hit', 'outage_start', 'outage_end', 'converged',
                'last_miss'):
        if result[key] is not None:
            result[key] = round(result[key] - t0, 3)
    if result['outage_seconds'] is not None:
        result['outage_seconds'] = round(result['outage_seconds'], 3)
    return result


def records_from_dicts(dicts):
    """Expected records from the step details.

    As the engine's step details list them (``{'name', 'type', 'values',
    'zone'}``) → ExpectedRecord objects.
    """
    return [dns_records.ExpectedRecord(d['name'], d['type'], d['values'],
                                       d.get('zone')) for d in dicts or ()]


class DnsProbe(object):
    """Background prober of ``records`` on ``nameservers``.

    ``interval``: seconds between rounds (0.5); ``max_duration``: the
    thread stops by itself after that many seconds; ``query``: like
    :func:`~cross_service_tempest_plugin.common.dns_wire.query_nameserver`
    (tests pass a fake); ``query_timeout``: per query, capped to the
    interval so one dead nameserver does not stretch a round.
    """

    def __init__(self, records, nameservers, interval=0.5,
                 max_duration=600.0, query_timeout=0.5,
                 query=dns_wire.query_nameserver, clock=time.monotonic):
        self.records = list(records)
        self.nameservers = list(nameservers)
        self.interval = interval
        self.max_duration = max_duration
        self.query_timeout = min(query_timeout, interval) if interval else \
            query_timeout
        self._query = query
        self._clock = clock
        self._stop = threading.Event()
        self._thread = None
        self._lock = threading.Lock()
        self.samples = {ns: [] for ns in self.nameservers}
        self.last_seen = {}     # (ns, name, type) → repr of the last miss
        self.started = None
        self.stopped_by = None  # 'stop' | 'max_duration'

    def sample(self, nameserver):
        """One round on one nameserver → hit (bool); records the sample."""
        hit = True
        for rec in self.records:
            ans = self._query(nameserver, rec.name, rec.type,
                              self.query_timeout)
            if ans.rcode != 'NOERROR' or ans.values != rec.values:
                hit = False
                self.last_seen[(nameserver, rec.name, rec.type)] = repr(ans)
        with self._lock:
            self.samples[nameserver].append((self._clock(), hit))
        return hit

    def _loop(self):
        deadline = self.started + self.max_duration
        while not self._stop.is_set():
            begin = self._clock()
            if begin >= deadline:
                self.stopped_by = 'max_duration'
                return
            for ns in self.nameservers:
                self.sample(ns)
            rest = self.interval - (self._clock() - begin)
            if rest > 0:
                self._stop.wait(rest)
        self.stopped_by = self.stopped_by or 'stop'

    def start(self):
        if self._thread is not None:
            raise RuntimeError('DnsProbe already started')
        self.started = self._clock()
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name='dns-probe')
        self._thread.start()
        return self

    def stop(self, timeout=30):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def summary(self, t0=None):
        """Figures per nameserver and over all of them.

        A round is a hit only when every nameserver answered everything.
        """
        t0 = self.started if t0 is None else t0
        with self._lock:
            per_ns = {ns: list(s) for ns, s in self.samples.items()}
        merged = []
        for rows in zip(*per_ns.values()) if per_ns else ():
            merged.append((max(t for t, _ in rows),
                           all(hit for _, hit in rows)))
        return {'interval': self.interval,
                'records': [r.to_dict() for r in self.records],
                'nameservers': self.nameservers,
                'stopped_by': self.stopped_by,
                'all': window(merged, t0),
                'per_nameserver': {ns: window(s, t0)
                                   for ns, s in per_ns.items()},
                'last_miss_seen': {'%s %s %s' % k: v for k, v in
                                   sorted(self.last_seen.items())}}
