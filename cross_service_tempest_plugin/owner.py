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

"""Which process created a stack, as Heat stack tags.

The engine tags every stack it creates with its owner:
``cs-owner=<boot id>/<pid>/<process start>`` (Linux: the kernel's boot id
and the process start time in clock ticks since boot, so a reused pid or
another machine with the same host name is never mistaken for the owner)
and ``cs-owner-host=<host name>`` for people reading ``stack list``.

The sweeper asks :func:`state`: on the machine that ran it, a run whose
process is gone is left over at once (no need to wait for its deadlines to
pass); a run whose process still runs is in progress, however old. For
another machine's run, or an untagged stack, it does not know (None) and
the sweeper falls back to its idle-time rule.
"""

import os
import socket

TAG = 'cs-owner='
HOST_TAG = 'cs-owner-host='
_BOOT_ID = '/proc/sys/kernel/random/boot_id'


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def boot_id():
    """This boot of this machine (None where the kernel does not say)."""
    text = _read(_BOOT_ID)
    return text.strip() if text else None


def start_time(pid):
    """Start of process ``pid`` in clock ticks since boot (None: gone)."""
    stat = _read('/proc/%d/stat' % pid)
    if not stat:
        return None
    # the command name (field 2) may hold spaces and ')': split after it
    fields = stat.rpartition(')')[2].split()
    return fields[19] if len(fields) > 19 else None


def tags(pid=None):
    """Tags naming the calling process (empty where it cannot be named)."""
    pid = pid or os.getpid()
    boot, started = boot_id(), start_time(pid)
    if not boot or not started:
        return []
    return ['%s%s/%d/%s' % (TAG, boot, pid, started),
            '%s%s' % (HOST_TAG, socket.gethostname()[:60])]


def parse(stack_tags):
    """``(boot id, pid, start)`` from a stack's tags, or None."""
    for tag in stack_tags or []:
        if tag.startswith(TAG):
            parts = tag[len(TAG):].split('/')
            if len(parts) == 3 and parts[1].isdigit():
                return parts[0], int(parts[1]), parts[2]
    return None


def state(owner, this_boot=None, start_of=start_time):
    """→ (True running / False gone / None unknown, why) of an owner."""
    if not owner:
        return None, 'no owner tag'
    boot, pid, started = owner
    this_boot = this_boot or boot_id()
    if boot != this_boot:
        return None, 'created on another machine (or before a reboot)'
    now = start_of(pid)
    if now == started:
        return True, 'its process %d is running' % pid
    return False, 'its process %d is gone' % pid
