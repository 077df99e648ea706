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

"""heat-engine with a shorter scheduler tick than Heat's fixed 1 s.

Heat drives every resource action with ``heat.engine.scheduler.TaskRunner``:
``__call__`` and ``run_to_completion`` sleep ``wait_time`` between two steps
of the task, and every caller takes the default, ``wait_time=1`` -- a
constant, with no configuration option.  A resource action always yields
once after its ``handle_*`` call (``Resource.action_handler_task``), so
each resource costs at least one tick even when its ``check_*_complete``
is true at once, and a stack pays a tick per resource along its
dependency chain and per nested stack level.  On the constellation, where
the work behind a resource takes milliseconds to a few seconds, those
ticks were ~6 s of a ~30 s scenario (zone stack create 2.9 -> 2.0 s,
delete 2.7 -> 1.6 s; servers_dns 25.8-29.8 -> 21.4-23.0 s with 0.2 s).

``python -m constellation_ext.heat_tick heat-engine --config-file ...``
sets that default to :data:`TICK` and runs heat-engine as
``constellation_ext.nofork`` does.  Heat then polls the other services'
APIs (a server's status, a zone's) up to five times as often while a
resource is in progress; nothing else changes.  When Heat's signature no
longer has ``wait_time=1``, heat-engine stops with a message naming it,
rather than run with a tick nobody chose.
"""

import sys

from constellation_ext import defaults
from constellation_ext import nofork

# Seconds between two steps of a Heat task (Heat's own: 1).
TICK = 0.2
HEAT_DEFAULT = 1
METHODS = ('__call__', 'run_to_completion')


# Heat's scheduler is not the one this module knows.
TickError = defaults.DefaultError


def with_wait_time(function, tick, expected=HEAT_DEFAULT):
    """``function``'s defaults with ``wait_time`` set to ``tick``."""
    return defaults.with_default(
        function, 'wait_time', tick, expected,
        "Heat's scheduler changed; see constellation_ext/heat_tick.py")


def apply(runner_class, tick=TICK):
    """Set ``wait_time``'s default of the TaskRunner methods to ``tick``."""
    new = {name: with_wait_time(getattr(runner_class, name), tick)
           for name in METHODS}     # check both before changing either
    for name, values in new.items():
        getattr(runner_class, name).__defaults__ = values


def _prepare():
    # after heat-engine's module is imported (nofork.main's order)
    from heat.engine import scheduler
    try:
        apply(scheduler.TaskRunner)
    except TickError as exc:
        sys.exit('constellation_ext.heat_tick: %s' % exc)


def main(argv=None):
    return nofork.main(argv, prepare=_prepare)


if __name__ == '__main__':
    main()
