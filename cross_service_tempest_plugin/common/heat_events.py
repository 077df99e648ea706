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

"""Where a stack's seconds went: each resource's span from Heat's events.

Heat records an event when a resource enters ``<ACTION>_IN_PROGRESS`` and
another when it reaches ``<ACTION>_COMPLETE``; its API gives their times
in whole seconds.  :func:`resource_spans` turns the events of one stack
(``GET .../events?nested_depth=N``) into one row per resource: when it
started after the first resource did, and how long it took.  Stdlib only:
the scenario engine records the rows of each deploy, the report shows
them per scenario and ``bench/deploy_bench.py`` sets them beside the
direct API calls.
"""

import datetime
import re
import urllib.parse

# Heat names a nested stack <parent>-<resource>-<12 random characters>
_NESTED_SUFFIX = re.compile(r'-[a-z0-9]{12}(?=-|$)')


def event_time(stamp):
    """Epoch seconds of a Heat event time ('2026-12-02T13:29:06Z')."""
    stamp = str(stamp).rstrip('Z')[:19]
    return datetime.datetime.strptime(stamp, '%Y-%m-%dT%H:%M:%S').replace(
        tzinfo=datetime.timezone.utc).timestamp()


def stack_name(event):
    """The name of the stack an event is of (its ``stack`` link)."""
    if event.get('stack_name'):
        return event['stack_name']
    for link in event.get('links') or ():
        if link.get('rel') == 'stack' and '/stacks/' in link.get('href', ''):
            path = urllib.parse.urlsplit(link['href']).path
            return urllib.parse.unquote(
                path.split('/stacks/', 1)[1].split('/')[0])
    return ''


def resource_path(event, root=None):
    """'topology/network', 'servers-0/port': a resource under ``root``.

    ``root``: the name of the stack whose events these are; a nested
    stack's name loses that prefix and Heat's random suffixes.
    """
    name = event.get('resource_name') or '?'
    stack = stack_name(event)
    if not stack or stack == root:
        return name
    if root and stack.startswith(root + '-'):
        stack = stack[len(root) + 1:]
    return '%s/%s' % (_NESTED_SUFFIX.sub('', stack), name)


def resource_spans(events, root=None, action='CREATE'):
    """[{'resource', 'start', 'seconds'}] of the resources that did ``action``.

    ``start``: seconds after the first resource's ``<action>_IN_PROGRESS``;
    ``seconds``: from its own first ``<action>_IN_PROGRESS`` to its
    ``<action>_COMPLETE``.  Whole seconds, as Heat gives them; ordered by
    start, then name.  A resource with no complete event (still in
    progress, or failed) is left out; events of the stack itself too.
    """
    begun, done = {}, {}
    for event in events:
        status = event.get('resource_status')
        if event.get('resource_name') == stack_name(event) or \
                not event.get('event_time'):
            continue
        key = resource_path(event, root)
        when = event_time(event['event_time'])
        if status == action + '_IN_PROGRESS':
            begun[key] = min(when, begun.get(key, when))
        elif status == action + '_COMPLETE':
            done[key] = max(when, done.get(key, when))
    if not begun:
        return []
    first = min(begun.values())
    rows = [{'resource': key, 'start': int(begun[key] - first),
             'seconds': int(done[key] - begun[key])}
            for key in done if key in begun]
    return sorted(rows, key=lambda r: (r['start'], r['resource']))
