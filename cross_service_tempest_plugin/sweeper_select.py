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

"""What the sweeper deletes and when: ours, and left over.

Pure functions over listed data. The rules (which names and projects are
ours, when a run is in progress: its lease, else its last activity) are
in doc/source/user/cleanup.rst, "What is ours" and "Runs in progress are
skipped". :mod:`.sweeper` orders and deletes, :mod:`.sweeper_cloud` talks
to the cloud.
"""

import dataclasses
import datetime

from cross_service_tempest_plugin import lease
from cross_service_tempest_plugin import sweeper_naming

# Deletion order (dependencies first). Stacks are deleted, and waited for,
# before everything else is listed again.
KIND_ORDER = ('stack', 'server', 'floating_ip', 'port', 'router_interface',
              'router', 'subnet', 'network', 'security_group', 'ptr', 'zone',
              'user', 'project')
# Kinds whose deletion is asynchronous: waited for before the next kind.
WAITED = ('stack', 'server', 'zone')
OWNED_PORTS = sweeper_naming.OWNED_PORTS
SEEN_TAG = sweeper_naming.SEEN_TAG


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
    lease: str = None           # the lease file that decided

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
    # PTR recordsets of the shared reverse zones (+ zone_id)
    ptr_records: list = dataclasses.field(default_factory=list)
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
                      detail=st.get('stack_status', '')))
    for z in inv.zones:
        if z['name'].endswith('.arpa.'):
            continue        # Neutron's reverse zones: shared, never ours
        pid = _project_of(z)
        if pid not in ours and not naming.is_zone(z):
            continue
        add(key_of(pid, z['name']), Item(
            'zone', z['id'], z['name'], pid,
            _activity(z, 'created_at', 'updated_at')))
    _ptr_items(inv, naming, runs, add)
    port_key = {}
    # a router's interface ports carry no name: they are its router's
    router_key = {r['id']: key_of(_project_of(r), r.get('name'))
                  for r in inv.routers}
    for kind, listing, fields in (
            ('server', inv.servers, ('created', 'updated')),
            ('port', inv.ports, ('created_at', 'updated_at')),
            ('router', inv.routers, ('created_at', 'updated_at')),
            ('subnet', inv.subnets, ('created_at', 'updated_at')),
            ('network', inv.networks, ('created_at', 'updated_at'))):
        for res in listing:
            pid = _project_of(res)
            key = key_of(pid, res.get('name'))
            if key is None and kind == 'port' and (
                    res.get('device_owner') == 'network:router_interface'):
                key = router_key.get(res.get('device_id'))
            if key is None:
                continue
            if kind == 'port':
                port_key[res['id']] = key
                if (res.get('device_owner') or '') in OWNED_PORTS:
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


def _ptr_items(inv, naming, runs, add):
    """PTRs in shared reverse zones pointing into a zone of a run."""
    zone_key = {i.name: key for key, items in runs.items() for i in items
                if i.kind == 'zone'}
    for rs in inv.ptr_records:
        key = None
        for value in rs.get('records') or []:
            value = value if value.endswith('.') else value + '.'
            for zname, zkey in zone_key.items():
                if value.endswith('.' + zname):
                    key = zkey
            label = sweeper_naming.PTR_LABEL_RE.search(value)
            if key is None and label and value.endswith(
                    naming.zone_suffix):
                key = 'label %s' % label.group(1)
        if key:
            add(key, Item('ptr', rs['id'], '%s PTR %s' % (
                rs['name'], ' '.join(rs.get('records') or [])),
                _project_of(rs), _activity(rs, 'created_at', 'updated_at'),
                parent=rs['zone_id']))


def select(inv, naming, now, older_than, leases=None):
    """The runs that are ours, each marked in progress or left over.

    Pure: decides from ``inv`` and ``leases`` (:func:`.lease.leases`;
    none by default) alone (see the module docstring for the rule). Runs
    come sorted by key; their items in deletion order.
    """
    leases = leases or {}
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
        _decide(run, now, older_than, leases, naming)
    return [runs[k] for k in sorted(runs)]


def unclassified(inv, naming):
    """Projects and users named like ours that no rule proves ours.

    Never deleted (a name is the only proof the sweeper has), but reported:
    a scenario name outside what the loader now accepts, or a project
    whose description Tempest did not set, would otherwise leak silently.
    """
    out = []
    for kind, listing in (('project', inv.projects), ('user', inv.users)):
        for res in listing:
            if naming.unclassified(kind, res):
                out.append(Item(kind, res['id'], res.get('name') or ''))
    return out


def _lease_names(run, naming):
    names = [run.project['name']] if run.project is not None else []
    for item in run.items:
        label = naming.label(item.name)
        if label and label not in names:
            names.append(label)
    return names


def _decide(run, now, older_than, leases, naming):
    states = [(name, lease.state(name, leases))
              for name in _lease_names(run, naming)]
    for name, (alive, why) in states:
        if alive:               # a live process holds it: never ours yet
            run.in_progress = True
            run.reason = 'in progress: %s (%s)' % (why, name)
            run.lease = leases[name][1]
            return
    for name, (alive, why) in states:
        if alive is False:      # its process is gone: left over at once
            run.reason = 'left over: %s (%s)' % (why, name)
            run.lease = leases[name][1]
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
