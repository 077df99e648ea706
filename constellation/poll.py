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

"""The one way the constellation waits: poll until done or a deadline.

Monotonic clock, a deadline, the last value seen; a timeout says what was
expected, what was seen last and after how long.

Stdlib, not tenacity: every CLI verb waits with it, with or without the venv.
"""

import time

from constellation import errors

Failure = errors.Failure


class Timeout(Failure):
    """A wait ran past its deadline."""


def until(check, what, timeout, interval=0.5, service=None, retry_on=(),
          clock=time.monotonic, sleep=time.sleep):
    """Call ``check()`` until it returns ``(True, seen)``.

    ``check`` returns ``(done, seen)``; ``seen`` is what a timeout reports
    as last seen.  Exceptions of the classes in ``retry_on`` count as not
    done (their text is what was seen); others propagate at once.
    Returns ``(seen, seconds waited)``; raises :class:`Timeout`.
    """
    start = clock()
    deadline = start + timeout
    seen = 'nothing yet'
    while True:
        try:
            done, seen = check()
        except retry_on as e:
            done, seen = False, '%s: %s' % (type(e).__name__, e)
        now = clock()
        if done:
            return seen, now - start
        if now >= deadline:
            raise Timeout('expected %s within %ss; last seen: %s (after '
                          '%.1fs)' % (what, timeout, seen, now - start),
                          service=service)
        sleep(max(0.0, min(interval, deadline - now)))
