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

"""What a run is waiting for right now, and a ticker that shows it.

The waits (a stack's status, records in the API and on the wire) say what
they wait for with :func:`waiting`; the CLI's :class:`Ticker` shows the
newest one during a step that takes longer than a few seconds: in place on
a terminal, else a line every ``every`` seconds (a log stays line by
line).
"""

import contextlib
import threading
import time

_lock = threading.Lock()
_waits = []


class Wait(object):
    def __init__(self, what):
        self.what = what
        self.seen = None
        self.since = time.monotonic()

    def text(self):
        return self.what + ('; seen %s' % self.seen if self.seen else '')


@contextlib.contextmanager
def waiting(what):
    """Register a wait for the length of the block; yields it.

    The block may set the wait's ``seen`` to what it saw last.
    """
    wait = Wait(what)
    with _lock:
        _waits.append(wait)
    try:
        yield wait
    finally:
        with _lock:
            _waits.remove(wait)


def current():
    """The newest wait in progress, or None."""
    with _lock:
        return _waits[-1] if _waits else None


class Ticker(object):
    """Shows ``step: N s, waiting for ...`` while a step runs."""

    def __init__(self, stream, step, after=3.0, every=10.0, tick=1.0,
                 clock=time.monotonic):
        self.stream, self.step = stream, step
        self.after, self.every, self.tick = after, every, tick
        self.clock = clock
        self.tty = bool(getattr(stream, 'isatty', lambda: False)())
        self._stop = threading.Event()
        self._shown = False
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def line(self, elapsed):
        wait = current()
        return '  %s: %.0f s%s' % (self.step, elapsed,
                                   ', waiting for ' + wait.text()
                                   if wait else '')

    def _run(self):
        start = self.clock()
        last = None
        while not self._stop.wait(self.tick):
            elapsed = self.clock() - start
            if elapsed < self.after:
                continue
            if self.tty:
                self.stream.write('\r\x1b[K' + self.line(elapsed)[:200])
                self._shown = True
            elif last is None or self.clock() - last >= self.every:
                self.stream.write(self.line(elapsed) + '\n')
                last = self.clock()
            self.stream.flush()

    def stop(self):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        if self._shown:
            self.stream.write('\r\x1b[K')
            self.stream.flush()
