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
:func:`wait_records` waits for any mix of them at the Designate API and/or
the nameservers, every place polled by its own thread from the same moment.
"""

import dataclasses
import threading
import typing

from cross_service_tempest_plugin.common import dns_records
from cross_service_tempest_plugin.common import record_waits
from cross_service_tempest_plugin.scenarios import placeholders
from cross_service_tempest_plugin.scenarios.results import StepFailure

# What a RecordWait waits for (its ``state``):
PRESENT = 'present'         # published with exactly its values
WITHDRAWN = 'withdrawn'     # these values gone after an update
REMOVED = 'removed'         # these values gone after the delete
ABSENT = 'absent'           # the record does not exist at all


@dataclasses.dataclass(frozen=True)
class RecordWait(object):
    """One record :func:`wait_records` waits for, in one named state.

    ``values``: those that must be gone (WITHDRAWN, REMOVED).
    ``timing(at, place)``: keys the record's entry gets (``at``: clock time
    it was seen, ``place``: the nameserver or None for the API), e.g. the
    seconds since the last change; not part of what is waited for.
    """

    record: dns_records.ExpectedRecord
    state: str = PRESENT
    values: frozenset = frozenset()
    timing: typing.Optional[typing.Callable] = dataclasses.field(
        default=None, compare=False, repr=False)

    def __post_init__(self):
        if self.state not in (PRESENT, WITHDRAWN, REMOVED, ABSENT):
            raise ValueError('unknown record wait state %r' % self.state)
        object.__setattr__(self, 'values', frozenset(self.values))

    @property
    def gone(self):
        """The values that must be gone; None: the whole record."""
        return None if self.state == ABSENT else self.values

    def check(self, checker, place):
        """The check of this wait at ``place`` (None: the API)."""
        if self.state == PRESENT:
            return (checker.api_present(self.record) if place is None
                    else checker.wire_present(self.record, place))
        if place is None:
            return checker.api_absent(self.record, self.gone)
        return checker.wire_absent(self.record, place, self.gone)

    def entry(self, at, place):
        """The keys this wait adds to the record's entry."""
        keys = dict(self.timing(at, place)) if self.timing else {}
        if self.state == WITHDRAWN:
            keys['withdrawn'] = sorted(self.values)
        elif self.state == ABSENT:
            keys['absent'] = True
        return keys


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
        zone = (placeholders.render(spec['zone'], values, prefix + '.zone')
                if spec.get('zone') else None)
        for label, address in pairs:
            if not address:
                raise StepFailure('%s: output %s has an empty address: %r'
                                  % (where, spec['address_output'],
                                     addresses))
            rec_values = dict(values)
            if label is not None:
                rec_values['label'] = label
            name = placeholders.render(spec['name'], rec_values,
                                       prefix + '.name')
            triples.append((name, address, zone))
        with_ptr = check_reverse and spec.get('ptr', True)
        records = dns_records.build_expected(triples, with_ptr)
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
        """RecordWaits of the present, withdrawn and absent records.

        ``since_change``: their ``timing`` (absent records have none).
        """
        return ([RecordWait(rec, PRESENT, timing=since_change)
                 for rec in self.present] +
                [RecordWait(rec, WITHDRAWN, values, since_change)
                 for rec, values in self.withdrawn] +
                [RecordWait(rec, ABSENT) for rec in self.absent])


class Wait(object):
    """The same items checked at several places, all started together.

    One thread per place (None: the Designate API; else a nameserver), all
    with the same start and the same deadline, so each place's entries carry
    the time that place itself answered -- a slow API (or nameserver) does
    not delay, and so inflate, the others' times. :meth:`start` launches the
    threads; :meth:`finish` waits for them and reports; :meth:`cancel` stops
    them (the run stopped before anyone asked for the result).
    """

    def __init__(self, checker, items, places):
        self.checker = checker
        self.items = list(items)
        self.places = list(places)
        self._stop = threading.Event()
        self._outcome = {}      # place → (found per item, exception)
        self._threads = []

    def waits_for(self, items, places):
        """Whether this wait expects exactly ``items`` at ``places``."""
        return self.items == list(items) and self.places == list(places)

    def _poll(self, place, start):
        checks = [item.check(self.checker, place) for item in self.items]
        try:
            found, exc = self.checker.wait_all(checks, start, self._stop), None
        except record_waits.RecordWaitTimeout as timeout:
            found = getattr(timeout, 'found', None)
            exc = timeout
        except BaseException as error:  # re-raised by finish() in its thread
            found, exc = None, error
        self._outcome[place] = (found or [None] * len(checks), exc)

    def start(self):
        start = self.checker.now()
        for place in self.places:
            thread = threading.Thread(
                target=self._poll, args=(place, start), daemon=True,
                name='records-%s' % (place or 'api'))
            thread.start()
            self._threads.append(thread)
        return self

    def _join(self):
        try:
            for thread in self._threads:
                thread.join()
        except BaseException:   # Ctrl-C while waiting: stop the pollers
            self.cancel()
            raise

    def cancel(self):
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def finish(self, details=None):
        """Wait for every place → one entry per item and place.

        Entries as :func:`wait_records` describes them; raises the timeout
        naming what is missing at each place.
        """
        self._join()
        seen = (details.setdefault('records', []) if details is not None
                else [])
        new, timeouts, errors, first_missing = [], [], [], None
        for place in self.places:
            found, exc = self._outcome[place]
            if isinstance(exc, record_waits.RecordWaitTimeout):
                timeouts.append(exc)
            elif exc is not None:
                errors.append(exc)
            for item, done in zip(self.items, found):
                if done is None:
                    first_missing = first_missing or item.record
                    continue
                entry = item.record.to_dict()
                if place is None:
                    entry['seen'] = done.seen
                else:
                    entry.update(nameserver=place, seen=repr(done.seen))
                entry['waited'] = round(done.waited, 3)
                entry['first_seen_at' if item.state == PRESENT
                      else 'gone_at'] = round(done.wall_at, 3)
                entry.update(item.entry(done.at, place))
                new.append(entry)
        seen.extend(new)
        if errors:
            raise errors[0]
        if timeouts:
            if details is not None and first_missing is not None:
                details['serials'] = self.checker.zone_serials(first_missing)
            if len(timeouts) == 1:
                raise timeouts[0]
            raise record_waits.RecordWaitTimeout('\n'.join(
                str(t) for t in timeouts))
        return new


def wait_records(checker, items, nameservers=(None,), details=None):
    """Wait for all items at once, at the API (None) and/or nameservers.

    ``items``: :class:`RecordWait` objects.
    Every item is checked at every place in ``nameservers`` (None: the
    Designate API), each place in its own thread, all started at the same
    moment with one deadline (:class:`Wait`).
    :returns: one dict per item and place: the record, what was seen, how
        long the wait took, ``first_seen_at`` (present) or ``gone_at``: the
        wall time of the first matching answer at that place.
    ``details`` (a step's details) gets ``records`` as they are confirmed
    -- also when the wait times out -- and then ``serials``: the SOA
    serials of the first missing record's zone (Designate's, each
    nameserver's).
    """
    return Wait(checker, items, nameservers).start().finish(details)


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
                'known bug no longer reproduces in scenario %s: %s was '
                'removed with the stack (expected it to linger: %s). Look '
                'for the upstream fix: %s. Add %s to [cross_service] '
                'fixed_known_bugs where the cloud has it (.zuul.yaml: the '
                'jobs of those series); once all have it, delete the '
                'known_bug of scenario %s.' % (
                    scenario, rec, bug['summary'],
                    bug.get('upstream', 'a change to the code named above'),
                    scenario, scenario))
        still.append(dict(rec.to_dict(), seen=sorted(values)))
    return {'summary': bug['summary'], 'lingering': still}
