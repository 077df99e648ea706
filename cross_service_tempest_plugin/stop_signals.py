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

"""Signals that would end the process: turned into a clean interrupt.

SIGINT, SIGTERM, SIGHUP (a closed terminal), SIGUSR1 and SIGUSR2 end a
Python process at once by default, skipping every ``finally``: a run's
cleanup, the sweeper's removal of the role it gave itself. While
:func:`handled` is active, the first such signal raises KeyboardInterrupt
where the process is (cleanup then runs); later ones are reported and
ignored, so that the cleanup is not interrupted in turn.
"""

import contextlib
import signal

NAMES = ('SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2')
SIGNALS = tuple(getattr(signal, n) for n in NAMES if hasattr(signal, n))


def handler(state, stream):
    def handle(signum, frame):
        name = signal.Signals(signum).name
        if state.get('interrupted'):
            stream.write('%s ignored: cleanup in progress\n' % name)
            stream.flush()
            return
        state['interrupted'] = name
        stream.write('interrupted: cleaning up... (%s)\n' % name)
        stream.flush()
        raise KeyboardInterrupt()
    return handle


@contextlib.contextmanager
def handled(state, stream):
    """Install :func:`handler` for :data:`SIGNALS`; restore on exit."""
    handle = handler(state, stream)
    old = {}
    try:
        for sig in SIGNALS:
            old[sig] = signal.signal(sig, handle)
        yield state
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)
