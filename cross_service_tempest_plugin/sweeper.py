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

"""Sweeper: find and delete what killed runs of this plugin left behind.

What is ours (nothing else is ever touched):

* projects Tempest's dynamic credentials created for this plugin:
  ``tempest-<root>-<digits>`` with the description ``<name>-desc``, where
  ``<root>`` is ``cross-service-<scenario>`` (the API and CLI) or the name of
  one of this plugin's Tempest test classes; their users
  ``<project name>-project[-<role>]``; and everything inside such a project;
* outside those projects, resources named by the engine's unique run label
  ``cs-<10 hex digits>``: stacks ``cs-<label>-zone`` / ``cs-<label>-stack``,
  zones ``cs-<label>.<[cross_service] zone_suffix>``, and the servers,
  networks, subnets, routers and ports Heat names after those stacks.

Reverse zones (``*.arpa.``) are Neutron's, shared by every project: never.

A run whose stack names its process (:mod:`.owner`) and was created on
this machine is in progress exactly while that process runs. Otherwise a
run is still in progress (skipped) while its last activity is younger
than ``older_than`` seconds: the newest creation/update time of its stacks,
zones, servers and Neutron resources, or for a project holding none of them
the time the sweeper first saw it empty (kept as the project tag
``cs-sweeper-first-seen-<epoch>``). A project without any user is not
usable by any run and counts as left over at once.

This module decides (pure functions over listed data) and orders;
:mod:`cross_service_tempest_plugin.sweeper_cloud` talks to the cloud.
"""

import dataclasses
import datetime
import re
import time

from cross_service_tempest_plugin import owner
# Deletion order (dependencies first). Stacks are deleted, and waited for,
# before everything else is listed again.
KIND_ORDER = ('stack', 'server', 'floating_ip', 'port', 'router_interface',
              'router', 'subnet', 'network', 'security_group', 'zone', 'user',
              'project')
# Kinds whose deletion is asynchronous: waited for before the next kind.
WAITED = ('stack', 'server', 'zone')

LABEL = r'cs-[0-9a-f]{10}'
LABEL_RE = re.compile(r'^(%s)(?:[-.]|$)' % LABEL)
ENGINE_STACK_RE = re.compile(r'^(%s)-(?:zone|stack)$' % LABEL)
SEEN_TAG = 'cs-sweeper-first-seen-'
TEMPEST_PREFIX = 'tempest'      # Tempest's dynamic credentials prefix
API_ROOT = r'cross-service-[A-Za-z0-9_.-]+'
# Ports another resource owns: deleted with it, never directly.
_OWNED_PORTS = ('network:router_interface', 'network:router_gateway',
                'network:dhcp', 'network:floatingip',
                'network:router_interface_distributed', 'network:ha_router_'
                'replicated_interface', 'network:router_ha_interface')


class Naming(object):
    """The name patterns that prove a resource is this plugin's."""

    def __init__(self, zone_suffix, class_names=()):
        roots = [API_ROOT] + [re.escape(c) for c in sorted(class_names)]
        project = r'%s-(?:%s)-\d+' % (TEMPEST_PREFIX, '|'.join(roots))
        self.project_re = re.compile('^%s$' % project)
        self.user_re = re.compile(r'^(%s)-project(?:-[A-Za-z0-9_]+)?$'
                                  % project)
        self.zone_re = re.compile(r'^%s\.%s$' % (LABEL,
                                                 re.escape(zone_suffix)))
        self.class_stack_re = re.compile(
            r'^%s-(?:%s)-' % (TEMPEST_PREFIX, '|'.join(roots)))

    def is_project(self, project):
        name = project.get('name') or ''
        return bool(self.project_re.match(name)) and (
            project.get('description') == name + '-desc')

    def user_project(self, user):
        """Name of the project a dynamic user was made for (else None)."""
        m = self.user_re.match(user.get('name') or '')
        return m.group(1) if m else None

    @staticmethod
    def label(name):
        m = LABEL_RE.match(name or '')
        return m.group(1) if m else None

    def is_zone(self, zone):
        return bool(self.zone_re.match(zone.get('name') or ''))

    def is_stack_name(self, name):
        return bool(ENGINE_STACK_RE.match(name or '') or
                    self.class_stack_re.match(name or ''))


def timestamp(value):
    """ISO 8601 time of the APIs (UTC, with or without Z) → epoch seconds."""
    if not value:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace('Z', '+00:00')
    try:
        when = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when.timestamp()


def _activity(res, *fields):
    times = [timestamp(res.get(f)) for f in fields]
    times = [t for t in times if t is not None]
    return max(times) if times else None


@dataclasses.dataclass
class Item:
    """One resource to delete."""
    kind: str
    id: str
    name: str
    project_id: str = None
    activity: float = None      # epoch seconds of its last create/update
    parent: str = None          # router id of a router interface
    detail: str = ''
    owner: tuple = None         # a stack's creator (owner.parse)

    def describe(self, detail=True):
        text = '%-16s %s' % (self.kind, self.name or '-')
        if self.id and self.id != self.name:
            text += ' (%s)' % self.id
        return text + (' %s' % self.detail if detail and self.detail
                       else '')


@dataclasses.dataclass
class Run:
    """Everything one (possibly killed) run owns."""
    key: str                    # 'project <name>' or 'label cs-...'
    project: dict = None
    items: list = dataclasses.field(default_factory=list)
    last_activity: float = None
    in_progress: bool = False
    reason: str = ''
    tag_first_seen: bool = False    # empty project first seen now

    def ordered(self, kinds=KIND_ORDER):
        rank = {k: i for i, k in enumerate(KIND_ORDER)}
        return sorted((i for i in self.items if i.kind in kinds),
                      key=lambda i: (rank[i.kind], i.kind == 'stack' and
                                     i.name.endswith('-zone'), i.name))


@dataclasses.dataclass
class Inventory:
    """Raw listings (dicts as the APIs return them), all projects."""
    projects: list = dataclasses.field(default_factory=list)
    users: list = dataclasses.field(default_factory=list)
    stacks: list = dataclasses.field(default_factory=list)  # + project_id
    zones: list = dataclasses.field(default_factory=list)
    servers: list = dataclasses.field(default_factory=list)
    floating_ips: list = dataclasses.field(default_factory=list)
    ports: list = dataclasses.field(default_factory=list)
    routers: list = dataclasses.field(default_factory=list)
    subnets: list = dataclasses.field(default_factory=list)
    networks: list = dataclasses.field(default_factory=list)
    security_groups: list = dataclasses.field(default_factory=list)


def _project_of(res):
    return res.get('project_id') or res.get('tenant_id')


def _items(inv, naming, ours):
    """(run key → items) of every resource that is ours."""
    runs = {}

    def add(key, item):
        runs.setdefault(key, []).append(item)

    def key_of(project_id, name):
        if project_id in ours:
            return 'project %s' % ours[project_id]['name']
        label = naming.label(name)
        return 'label %s' % label if label else None

    for st in inv.stacks:
        pid = _project_of(st)
        if pid not in ours and not naming.is_stack_name(st['stack_name']):
            continue
        key = key_of(pid, st['stack_name']) or 'stack %s' % st['stack_name']
        add(key, Item('stack', st['id'], st['stack_name'], pid,
                      _activity(st, 'creation_time', 'updated_time'),
                      detail=st.get('stack_status', ''),
                      owner=owner.parse(st.get('tags'))))
    for z in inv.zones:
        if z['name'].endswith('.arpa.'):
            continue        # Neutron's reverse zones: shared, never ours
        pid = _project_of(z)
        if pid not in ours and not naming.is_zone(z):
            continue
        add(key_of(pid, z['name']), Item(
            'zone', z['id'], z['name'], pid,
            _activity(z, 'created_at', 'updated_at')))
    port_key = {}
    for kind, listing, fields in (
            ('server', inv.servers, ('created', 'updated')),
            ('port', inv.ports, ('created_at', 'updated_at')),
            ('router', inv.routers, ('created_at', 'updated_at')),
            ('subnet', inv.subnets, ('created_at', 'updated_at')),
            ('network', inv.networks, ('created_at', 'updated_at'))):
        for res in listing:
            pid = _project_of(res)
            key = key_of(pid, res.get('name'))
            if key is None:
                continue
            if kind == 'port':
                port_key[res['id']] = key
                if (res.get('device_owner') or '') in _OWNED_PORTS:
                    if res['device_owner'] == 'network:router_interface':
                        for ip in res.get('fixed_ips') or []:
                            add(key, Item(
                                'router_interface', ip['subnet_id'],
                                'subnet %s on router %s' % (
                                    ip['subnet_id'], res['device_id']),
                                pid, _activity(res, *fields),
                                parent=res['device_id']))
                    continue
            if kind == 'network' and res.get('router:external') and (
                    pid not in ours):
                continue    # never an external network outside our project
            add(key, Item(kind, res['id'], res.get('name') or '', pid,
                          _activity(res, *fields)))
    for fip in inv.floating_ips:
        pid = _project_of(fip)
        if pid in ours:
            key = key_of(pid, None)
        elif fip.get('port_id') in port_key:
            key = port_key[fip['port_id']]
        else:
            continue
        add(key, Item('floating_ip', fip['id'],
                      fip.get('floating_ip_address') or '', pid,
                      _activity(fip, 'created_at', 'updated_at')))
    for sg in inv.security_groups:
        pid = _project_of(sg)
        if pid in ours:
            add(key_of(pid, None), Item(
                'security_group', sg['id'], sg.get('name') or '', pid,
                _activity(sg, 'created_at', 'updated_at')))
    return runs


def select(inv, naming, now, older_than):
    """The runs that are ours, each marked in progress or left over.

    Pure: decides from ``inv`` alone (see the module docstring for the
    rule). Runs come sorted by key; their items in deletion order.
    """
    ours = {p['id']: p for p in inv.projects if naming.is_project(p)}
    by_name = {p['name']: p for p in ours.values()}
    runs = {}
    for key, items in _items(inv, naming, ours).items():
        runs[key] = Run(key, items=items)
    users_of = {}
    for user in inv.users:
        pname = naming.user_project(user)
        if pname is None:
            continue
        item = Item('user', user['id'], user['name'])
        if pname in by_name:
            users_of.setdefault(pname, []).append(item)
        else:       # its project is gone: no run can use it any more
            run = runs.setdefault('user %s' % user['name'],
                                  Run('user %s' % user['name']))
            run.items.append(item)
            run.reason = 'left over: its project %s is gone' % pname
    for pid, project in ours.items():
        key = 'project %s' % project['name']
        run = runs.setdefault(key, Run(key))
        run.project = project
        run.items.extend(users_of.get(project['name'], []))
        run.items.append(Item('project', pid, project['name'], pid))
    for run in runs.values():
        _decide(run, now, older_than)
    return [runs[k] for k in sorted(runs)]


def _decide(run, now, older_than, owner_state=owner.state):
    for item in run.items:
        alive, why = owner_state(item.owner)
        if alive is not None:   # its process, on this machine, decides
            run.in_progress = alive
            run.reason = '%s: %s (stack %s)' % (
                'in progress' if alive else 'left over', why, item.name)
            return
    times = [i.activity for i in run.items if i.activity is not None]
    seen = None
    if run.project is not None:
        for tag in run.project.get('tags') or []:
            if tag.startswith(SEEN_TAG) and tag[len(SEEN_TAG):].isdigit():
                seen = float(tag[len(SEEN_TAG):])
                times.append(seen)
    if times:
        run.last_activity = max(times)
        age = now - run.last_activity
        run.in_progress = age < older_than
        what = ('first seen empty' if seen == run.last_activity and
                not any(i.activity for i in run.items) else 'last activity')
        run.reason = '%s %d s ago %s %d s' % (
            what, age, '<' if run.in_progress else '>=', older_than)
        run.reason = ('in progress: ' if run.in_progress
                      else 'left over: ') + run.reason
        return
    if run.project is not None and not any(i.kind == 'user'
                                           for i in run.items):
        run.reason = 'left over: empty project without a user'
        return
    if run.project is not None:
        run.in_progress = True
        run.tag_first_seen = True
        run.reason = ('in progress: empty project seen for the first time '
                      '(tagged; left over once %d s have passed)' % older_than)
        return
    run.reason = run.reason or 'left over: no activity time'


def default_older_than(stack_timeout, record_timeout):
    """The longest a run's own deadlines let it go without a new resource.

    Four stack waits (zone, deploy, delete, zone delete) and four record
    waits (API, wire, removal API, removal wire), doubled; at least 1 hour.
    """
    return max(3600, int(2 * (4 * stack_timeout + 4 * record_timeout)))


def _add_stacks(inv, stacks):
    """Add a project's stacks (a global listing may have shown them)."""
    known = {st['id'] for st in inv.stacks}
    inv.stacks.extend(st for st in stacks if st['id'] not in known)


class Sweeper(object):
    """Lists, selects, prints and (with ``delete=True``) deletes.

    ``cloud``: see sweeper_cloud.TempestCloud (a fake in the unit tests).
    Returns the exit code from :meth:`sweep`: 0 done (or dry run), 1 some
    deletion failed or timed out.
    """

    def __init__(self, cloud, naming, older_than, out, delete=False,
                 clock=time.time, sleep=time.sleep):
        self.cloud = cloud
        self.naming = naming
        self.older_than = older_than
        self.out = out
        self.delete = delete
        self.clock = clock
        self.sleep = sleep
        self.failures = []
        self.deleted = 0

    def say(self, text):
        self.out.write(text + '\n')
        self.out.flush()

    def sweep(self):
        try:
            return self._sweep()
        finally:
            # Role assignments made to list stacks (see sweeper_cloud).
            self.cloud.release_all()

    def _sweep(self):
        inv = self.cloud.inventory()
        runs = select(inv, self.naming, self.clock(), self.older_than)
        left = [r for r in runs if not r.in_progress]
        # Stacks of left-over projects can only be listed inside them.
        for run in left:
            if run.project is not None:
                _add_stacks(inv, self.cloud.project_stacks(run.project['id']))
        runs = select(inv, self.naming, self.clock(), self.older_than)
        left_keys = {r.key for r in left}
        for run in runs:
            if run.key in left_keys and run.in_progress:
                left_keys.discard(run.key)      # a stack says: still active
        verb = 'deleting' if self.delete else 'would delete'
        for run in runs:
            state = ('SKIPPED' if run.key not in left_keys else verb)
            self.say('%s: %s (%s)' % (run.key, state, run.reason))
            if run.key in left_keys:
                for item in run.ordered():
                    self.say('    %s' % item.describe())
            if run.tag_first_seen:
                self.cloud.tag_first_seen(run.project['id'],
                                          int(self.clock()))
        todo = [r for r in runs if r.key in left_keys]
        skipped = len(runs) - len(todo)
        if not self.delete:
            self.say('DRY RUN: would delete %d resource(s) of %d run(s); '
                     '%d run(s) in progress skipped. Add --yes to delete.'
                     % (sum(len(r.items) for r in todo), len(todo), skipped))
            return 0
        if todo:
            self._delete_kind([i for r in todo for i in r.ordered(('stack',))
                               if not i.name.endswith('-zone')])
            self._delete_kind([i for r in todo for i in r.ordered(('stack',))
                               if i.name.endswith('-zone')])
            # Stack deletion removed most resources: list again; the runs
            # stay those chosen above (deleting updates their times).
            inv = self.cloud.inventory()
            for run in todo:
                if run.project is not None:
                    _add_stacks(inv, self.cloud.project_stacks(
                        run.project['id']))
            now_runs = {r.key: r for r in select(inv, self.naming,
                                                 self.clock(),
                                                 self.older_than)}
            rest = [now_runs[r.key] for r in todo if r.key in now_runs]
            for kind in KIND_ORDER[1:]:
                self._delete_kind([i for r in rest
                                   for i in r.ordered((kind,))])
        self.say('deleted %d resource(s) of %d run(s); %d run(s) in progress '
                 'skipped; %d failure(s)' % (self.deleted, len(todo),
                                             skipped, len(self.failures)))
        for failure in self.failures:
            self.say('FAILED: %s' % failure)
        return 1 if self.failures else 0

    def _delete_kind(self, items):
        if not items:
            return
        started = []
        for item in items:
            try:
                self.cloud.delete(item)
                started.append(item)
            except Exception as exc:
                if self.cloud.is_not_found(exc):
                    self.say('gone already: %s' % item.describe())
                    continue
                self.failures.append('delete %s: %s: %s' % (
                    item.describe(), type(exc).__name__, exc))
        kind = items[0].kind
        if kind not in WAITED:
            for item in started:
                self.deleted += 1
                self.say('deleted %s' % item.describe(False))
            return
        timeout, interval = self.cloud.deadline(kind)
        start = self.clock()
        pending = list(started)
        last = {}
        while pending:
            for item in list(pending):
                try:
                    done, last[item.id] = self.cloud.gone(item)
                except Exception as exc:
                    done, last[item.id] = False, '%s: %s' % (
                        type(exc).__name__, exc)
                if done is None:
                    pending.remove(item)
                    self.failures.append('%s: deletion failed: %s' % (
                        item.describe(), last[item.id]))
                elif done:
                    pending.remove(item)
                    self.deleted += 1
                    self.say('deleted %s in %.0f s' % (
                        item.describe(False), self.clock() - start))
            if not pending:
                break
            if self.clock() - start >= timeout:
                for item in pending:
                    self.failures.append(
                        '%s not deleted within %s s (expected: gone; last '
                        'seen: %s)' % (item.describe(), timeout,
                                       last.get(item.id)))
                break
            self.sleep(interval)
