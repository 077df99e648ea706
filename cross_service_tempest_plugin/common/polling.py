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

"""The plugin's one polling helper: a check, a deadline, the last seen.

Tempest's ``call_until_true`` returns a bare bool (nothing seen, a wall
clock, a sleep past the deadline) and tenacity is not a requirement of a
plain Tempest venv; this is what the waits share instead. The record waits
of the engine (``record_waits``) and ``Stacks.wait`` keep their own loops.
"""

import time

from cross_service_tempest_plugin.common import transient


class Deadline(Exception):
    """The deadline passed: ``seen`` last, after ``waited`` seconds."""

    def __init__(self, seen, waited):
        super(Deadline, self).__init__('last seen %s after %.1f s'
                                       % (seen, waited))
        self.seen, self.waited = seen, waited


def until(check, timeout, interval, retry=transient.is_transient,
          clock=None, sleep=None):
    """Call ``check()`` until it returns ``(True, seen)``.

    → ``(seen, seconds waited)``. ``check`` returns ``(done, seen)`` and
    raises to stop at once (a failure state). An exception ``retry(exc)``
    accepts (default: a service busy or restarting) counts as not done,
    its description as seen; any other propagates. Never sleeps past the
    deadline: one last look right at it, then :class:`Deadline`.
    """
    clock = clock or time.monotonic
    sleep = sleep or time.sleep
    start = clock()
    while True:
        try:
            done, seen = check()
        except Exception as exc:
            if not retry(exc):
                raise
            done, seen = False, transient.describe(exc)
        waited = clock() - start
        if done:
            return seen, waited
        if waited >= timeout:
            raise Deadline(seen, waited)
        sleep(min(interval, timeout - waited))
