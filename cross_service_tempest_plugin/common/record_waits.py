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

"""Waiting for records: checks polled together against one deadline.

A :class:`Check` says what is expected where; :func:`poll_all` polls every
pending one each round (transient errors are "not yet") and, at the
deadline, raises :class:`RecordWaitTimeout` naming each check still
pending with what was seen last.
"""

import time

from cross_service_tempest_plugin.common import progress
from cross_service_tempest_plugin.common import transient


class RecordWaitTimeout(AssertionError):
    """A record did not reach the expected state before the deadline."""


def poll_one(check, describe, timeout, interval, clock=time.monotonic,
             sleep=time.sleep, explain=None):
    """Call check() until it returns (True, seen) or the deadline passes.

    ``explain()``, if given, adds its text to a timeout's message.
    """
    start = clock()
    seen = None
    while True:
        try:
            ok, seen = check()
        except Exception as exc:
            if not transient.is_transient(exc):
                raise
            ok, seen = False, 'error: %s' % transient.describe(exc)
        elapsed = clock() - start
        if ok:
            return elapsed, seen
        if elapsed >= timeout:
            raise RecordWaitTimeout('%s; last seen: %s; waited %.1f s '
                                    '(timeout %s s)%s' % (
                                        describe, seen, elapsed, timeout,
                                        '; ' + explain() if explain else ''))
        sleep(interval)


class Check(object):
    """One wait: ``check()`` → (ok, seen).

    ``describe`` says what is expected where; ``explain()`` (optional) adds
    to a timeout's message.
    """

    def __init__(self, check, describe, explain=None):
        self.check = check
        self.describe = describe
        self.explain = explain


class Found(object):
    """A check that succeeded.

    After ``waited`` s, at clock time ``at`` and wall time ``wall_at``
    (epoch seconds), with what was ``seen``.
    """

    def __init__(self, waited, seen, at, wall_at):
        self.waited = waited
        self.seen = seen
        self.at = at
        self.wall_at = wall_at


class WaitCancelled(Exception):
    """A wait's ``stop`` event was set (its run stopped; nobody waits)."""


def poll_all(checks, timeout, interval, clock=time.monotonic,
             sleep=time.sleep, wall=time.time, start=None, stop=None):
    """Poll every pending check each round until all succeed → [Found].

    One deadline (``timeout`` s from ``start``, a clock time, default now)
    for all of them, so a check's time is not inflated by the checks
    before it; waits started together in several threads pass the same
    ``start`` and share the deadline. A round stops at the deadline once
    every check was tried at least once. On timeout raises
    :class:`RecordWaitTimeout` naming each pending check (what was
    expected, last seen, how long); its ``found`` attribute holds the
    :class:`Found` (or None, pending) of every check, in order.
    ``stop`` (a :class:`threading.Event`): once set, the wait ends with
    :class:`WaitCancelled` at the next round.
    """
    start = clock() if start is None else start
    with progress.waiting('%d check(s)' % len(checks)) as wait:
        return _poll_all(checks, timeout, interval, clock, sleep, wall,
                         start, stop, wait)


def _poll_all(checks, timeout, interval, clock, sleep, wall, start, stop,
              wait):
    deadline = start + timeout
    found = [None] * len(checks)
    last = [None] * len(checks)
    tried = [False] * len(checks)
    while True:
        if stop is not None and stop.is_set():
            raise WaitCancelled('wait cancelled')
        for i, chk in enumerate(checks):
            if found[i] is not None or (tried[i] and clock() > deadline):
                continue
            try:
                ok, last[i] = chk.check()
            except Exception as exc:
                # Designate busy or restarting: not yet, within the deadline
                if not transient.is_transient(exc):
                    raise
                ok, last[i] = False, 'error: %s' % transient.describe(exc)
            tried[i] = True
            if ok:
                now = clock()
                found[i] = Found(now - start, last[i], now, wall())
        pending = [i for i, f in enumerate(found) if f is None]
        if not pending:
            return found
        wait.what = '%d of %d check(s): %s' % (len(pending), len(checks),
                                               checks[pending[0]].describe)
        wait.seen = last[pending[0]]
        elapsed = clock() - start
        if elapsed >= timeout:
            lines = []
            for i in pending:
                chk = checks[i]
                lines.append('%s; last seen: %s; waited %.1f s (timeout %s '
                             's)%s' % (chk.describe, last[i], elapsed,
                                       timeout, '; ' + chk.explain()
                                       if chk.explain else ''))
            if len(pending) > 1:
                lines.insert(1, '(%d of %d checks not met in time; the '
                             'others:)' % (len(pending), len(checks)))
            exc = RecordWaitTimeout('\n'.join(lines))
            exc.found = found
            raise exc
        sleep(max(0.0, min(interval, deadline - clock())))
