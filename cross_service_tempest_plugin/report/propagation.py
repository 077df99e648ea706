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

"""Record propagation times out of the engine's check step details.

What the engine records: the deploy/update steps' ``stack_complete_at``
and the delete step's ``deleted_at`` (wall time Heat was seen COMPLETE /
the stack gone), and on every ``check_api``/``check_wire``/
``check_removed`` entry ``first_seen_at`` (or ``gone_at``): the wall time
of the first matching answer at that place, the API and every nameserver
polled at the same time (a thread each, from the same moment; check_api
starts the nameservers' polls that check_wire collects). A sample is the
difference; it may be <= 0 when the record was
published before Heat said COMPLETE (the check's first answer already
matched).

Results written before those fields existed carry only ``since_change``
(``check_removed``: ``since_delete``): seconds from the change to the end
of that record's wait, the waits running one after the other -- an upper
bound that includes the waits for the records checked before it. They are
used when the new fields are missing.
"""

import collections

from cross_service_tempest_plugin.report import stats

PUBLISH, UPDATE, WITHDRAWN, REMOVAL = 'publish', 'update', 'withdrawn', \
    'removal'
KINDS = collections.OrderedDict([
    (PUBLISH, 'stack complete \u2192 answered'),
    (UPDATE, 'stack update complete \u2192 new value answered'),
    (WITHDRAWN, 'stack update complete \u2192 old value gone'),
    (REMOVAL, 'stack deleted \u2192 gone'),
])
API = 'Designate API'
EVERY = 'every nameserver'
TYPE_ORDER = ('A', 'AAAA', 'PTR')


class Sample(object):
    __slots__ = ('run', 'scenario', 'kind', 'name', 'type', 'where',
                 'seconds', 'values')

    def __init__(self, run, scenario, kind, name, rtype, where, seconds,
                 values=()):
        self.values = tuple(values or ())
        self.run = run
        self.scenario = scenario
        self.kind = kind
        self.name = name
        self.type = rtype
        self.where = where
        self.seconds = seconds

    def __repr__(self):
        return 'Sample(%s %s %s %s @%s %.3f)' % (
            self.scenario, self.kind, self.name, self.type, self.where,
            self.seconds)


def samples(runs):
    """Every timed record check of every run → list of :class:`Sample`."""
    out = []
    for index, run in enumerate(runs):
        updated = False
        marks = {}      # 'change'/'delete' → wall time of the last one
        for step in run.steps:
            details = step.details or {}
            if step.action == 'update' and step.status == 'passed':
                updated = True
            if step.action in ('deploy', 'update'):
                marks['change'] = details.get('stack_complete_at')
            elif step.action == 'delete':
                marks['delete'] = details.get('deleted_at')
            records = details.get('records') or []
            for rec in records:
                if not isinstance(rec, dict) or rec.get('absent'):
                    continue
                sample = _sample(index, run, step, rec, updated, marks)
                if sample is not None:
                    out.append(sample)
    return out


def _seconds(rec, mark, old_key):
    """first_seen_at/gone_at − the mark; else the old field (or None)."""
    at = rec.get('first_seen_at', rec.get('gone_at'))
    if at is not None and mark is not None:
        return round(float(at) - float(mark), 3)
    return rec.get(old_key)


def _sample(index, run, step, rec, updated, marks=None):
    marks = marks or {}
    if step.action in ('check_api', 'check_wire'):
        seconds = _seconds(rec, marks.get('change'), 'since_change')
        if 'withdrawn' in rec:
            kind = WITHDRAWN
        else:
            kind = UPDATE if updated else PUBLISH
        where = rec.get('nameserver') if step.action == 'check_wire' else API
    elif step.action == 'check_removed':
        seconds = _seconds(rec, marks.get('delete'), 'since_delete')
        kind = REMOVAL
        where = rec.get('where')
        where = API if where in (None, 'api') else where
    else:
        return None
    if seconds is None or where is None:
        return None
    return Sample(index, run.scenario, kind, rec.get('name'),
                  rec.get('type') or '?', where, float(seconds),
                  rec.get('values'))


def _type_key(rtype):
    return (TYPE_ORDER.index(rtype) if rtype in TYPE_ORDER
            else len(TYPE_ORDER), rtype)


def every_nameserver(samples_):
    """Per rrset and run, the slowest nameserver: when *every* one answered.

    → list of Sample with where=EVERY (API samples left out).
    """
    worst = {}
    for s in samples_:
        if s.where == API:
            continue
        key = (s.run, s.kind, s.name, s.type, s.values)
        if key not in worst or s.seconds > worst[key].seconds:
            worst[key] = s
    return [Sample(s.run, s.scenario, s.kind, s.name, s.type, EVERY,
                   s.seconds, s.values) for s in worst.values()]


def table(samples_):
    """→ {kind: [row]} with row = summary + type, where, values.

    Rows per kind: per record type "every nameserver", then per type and
    nameserver (left out when there is only one), then the Designate API.
    """
    groups = collections.OrderedDict()
    everywhere = every_nameserver(samples_)
    for s in everywhere + list(samples_):
        groups.setdefault((s.kind, s.type, s.where), []).append(s.seconds)

    def order(key):
        kind, rtype, where = key
        rank = 0 if where == EVERY else 2 if where == API else 1
        return (list(KINDS).index(kind), rank, _type_key(rtype), where)
    servers = {}
    for s in samples_:
        if s.where != API:
            servers.setdefault(s.kind, set()).add(s.where)
    result = collections.OrderedDict()
    for key in sorted(groups, key=order):
        kind, rtype, where = key
        alone = len(servers.get(kind, ())) == 1
        if alone and where not in (EVERY, API):
            continue    # the same numbers as "every nameserver"
        row = stats.summary(groups[key])
        row.update(type=rtype, where=where, values=sorted(groups[key]),
                   label=('%s (%s)' % (where, sorted(servers[kind])[0])
                          if alone and where == EVERY else where))
        result.setdefault(kind, []).append(row)
    return result


def lookup(table_, kind, rtype=None, where=EVERY):
    """Rows of ``table_`` matching kind/type/where (None: any type)."""
    return [row for row in table_.get(kind, [])
            if row['where'] == where and rtype in (None, row['type'])]
