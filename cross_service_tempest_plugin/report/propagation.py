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

What the engine records (``check_api``/``check_wire`` entries carry
``since_change``: seconds from the stack's CREATE/UPDATE_COMPLETE to the
moment that record's wait ended on that nameserver; ``check_removed``
entries carry ``since_delete``: from the stack's deletion to the moment
the record was seen gone). The waits run one after the other, so a value
is an upper bound of the record's propagation (it includes the waits for
the records checked before it) and a record published before Heat said
COMPLETE shows the time the checks took to get to it.
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
        for step in run.steps:
            if step.action == 'update' and step.status == 'passed':
                updated = True
            records = (step.details or {}).get('records') or []
            for rec in records:
                if not isinstance(rec, dict) or rec.get('absent'):
                    continue
                sample = _sample(index, run, step, rec, updated)
                if sample is not None:
                    out.append(sample)
    return out


def _sample(index, run, step, rec, updated):
    if step.action in ('check_api', 'check_wire'):
        seconds = rec.get('since_change')
        if 'withdrawn' in rec:
            kind = WITHDRAWN
        else:
            kind = UPDATE if updated else PUBLISH
        where = rec.get('nameserver') if step.action == 'check_wire' else API
    elif step.action == 'check_removed':
        seconds = rec.get('since_delete')
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
