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

"""Expected DNS records of a scenario run and the one loop that checks them.

A definition's ``records`` entries plus the stack's outputs give the records
that must be published (present), those that must not exist (absent), and
after an update the values that must be gone (withdrawn).
:func:`wait_records` waits for any mix of them at one place: the Designate
API or one nameserver.
"""

from cross_service_tempest_plugin.common import dns_checks
from cross_service_tempest_plugin.scenarios import loader
from cross_service_tempest_plugin.scenarios.results import StepFailure

# ``gone`` value of an item of wait_records: the record must be present.
PRESENT = object()


def stack_output(outputs, key, where):
    if key not in outputs:
        raise StepFailure('%s: stack has no output %r (outputs: %s)'
                          % (where, key, ', '.join(sorted(outputs))))
    return outputs[key]


def compute_records(definition, outputs, values, scenario, check_reverse):
    """(present, absent) ExpectedRecord lists from the stack's outputs."""
    present, absent = [], []
    for i, spec in enumerate(definition['records']):
        where = 'records[%d]' % i
        prefix = 'scenarios.%s.%s' % (scenario, where)
        triples = []
        addresses = stack_output(outputs, spec['address_output'], where)
        labels = (stack_output(outputs, spec['label_output'], where)
                  if spec.get('label_output') else None)
        if not isinstance(addresses, list):
            addresses = [addresses]
        if isinstance(labels, list):
            if len(labels) != len(addresses):
                raise StepFailure(
                    '%s: outputs %s (%d) and %s (%d) differ in length'
                    % (where, spec['label_output'], len(labels),
                       spec['address_output'], len(addresses)))
            pairs = list(zip(labels, addresses))
        else:
            pairs = [(labels, a) for a in addresses]
        zone = (loader.render(spec['zone'], values, prefix + '.zone')
                if spec.get('zone') else None)
        for label, address in pairs:
            if not address:
                raise StepFailure('%s: output %s has an empty address: %r'
                                  % (where, spec['address_output'],
                                     addresses))
            rec_values = dict(values)
            if label is not None:
                rec_values['label'] = label
            name = loader.render(spec['name'], rec_values, prefix + '.name')
            triples.append((name, address, zone))
        with_ptr = check_reverse and spec.get('ptr', True)
        records = dns_checks.build_expected(triples, with_ptr)
        (absent if spec.get('absent') else present).extend(records)
    return present, absent


class Expectation(object):
    """Records expected now, withdrawn by the last update, ever expected."""

    def __init__(self):
        self.present = []
        self.absent = []        # expected absent (e.g. no zone)
        self.withdrawn = []     # (record, values) gone after an update
        self.ever = []          # all present ones, for check_removed

    def update(self, present, absent):
        """New expectation (after a deploy or an update)."""
        self.withdrawn = []
        new_by_key = {r.key: r for r in present}
        for rec in self.present:
            new = new_by_key.get(rec.key)
            gone = rec.values - (new.values if new else frozenset())
            if gone:
                self.withdrawn.append((rec, gone))
        self.present = present
        self.absent = absent
        for rec in present:
            if rec not in self.ever:
                self.ever.append(rec)

    def current(self, since_change):
        """Items for wait_records: present, withdrawn, absent records."""
        return ([(rec, PRESENT, since_change) for rec in self.present] +
                [(rec, values, lambda v=values: dict(since_change(),
                                                     withdrawn=sorted(v)))
                 for rec, values in self.withdrawn] +
                [(rec, None, lambda: {'absent': True})
                 for rec in self.absent])


def wait_records(checker, items, nameserver=None):
    """Wait for each item at the API (``nameserver`` None) or a nameserver.

    ``items``: ``(record, gone, extra)``; ``gone`` is :data:`PRESENT` (the
    record must be published with exactly its values), a set of values that
    must be gone, or None (the record must not exist); ``extra()`` returns
    keys added to the record's entry after its wait.
    :returns: one dict per item: the record, what was last seen, how long
        the wait took.
    """
    seen = []
    for rec, gone, extra in items:
        if nameserver is None:
            if gone is PRESENT:
                waited, last = checker.wait_api_present(rec)
            else:
                waited, last = checker.wait_api_absent(rec, gone)
            entry = dict(rec.to_dict(), seen=last)
        else:
            if gone is PRESENT:
                waited, last = checker.wait_wire_present(rec, nameserver)
            else:
                waited, last = checker.wait_wire_absent(rec, nameserver,
                                                        gone)
            entry = dict(rec.to_dict(), nameserver=nameserver,
                         seen=repr(last))
        entry['waited'] = round(waited, 3)
        entry.update(extra())
        seen.append(entry)
    return seen


def lingering_records(definition, present):
    """Records the scenario's known bug leaves behind after delete."""
    bug = definition.get('known_bug')
    if not bug:
        return [], None
    types = set(bug['lingering'])
    return [r for r in present if r.type in types], bug


def assert_known_bug(checker, bug, lingering, scenario):
    """The bug still reproduces: its records are still published.

    Checked after every other record was seen gone, so a fixed service has
    had the same time to remove these too.
    """
    still = []
    for rec in lingering:
        values, _statuses = checker.lookup.lookup(rec)
        if not values & rec.values:
            raise StepFailure(
                'known bug no longer reproduces: %s was removed with the '
                'stack (expected it to linger: %s). Remove known_bug from '
                'scenario %s.' % (rec, bug['summary'], scenario))
        still.append(dict(rec.to_dict(), seen=sorted(values)))
    return {'summary': bug['summary'], 'lingering': still}
