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

What counts as ours and when a run is left over: :mod:`.sweeper_select`
(names: :mod:`.sweeper_naming`); this module prints, orders and deletes,
:mod:`.sweeper_cloud` talks to the cloud.
"""

import time

from cross_service_tempest_plugin.common import transient
from cross_service_tempest_plugin import lease
from cross_service_tempest_plugin import sweeper_select

# Kinds deleted only when nothing of their run failed to go: a zone would
# leave the records of what still publishes into it, a project or user
# the resources Heat can delete only with its owner's trust.
KEPT_AFTER_FAILURE = ('zone', 'user', 'project')
# kind -> (client manager attribute, delete method): Tempest's clients
DELETE_CALLS = {
    'server': ('servers_client', 'delete_server'),
    'floating_ip': ('floating_ips_client', 'delete_floatingip'),
    'port': ('ports_client', 'delete_port'),
    'router': ('routers_client', 'delete_router'),
    'subnet': ('subnets_client', 'delete_subnet'),
    'network': ('networks_client', 'delete_network'),
    'security_group': ('security_groups_client', 'delete_security_group'),
    'user': ('users_v3_client', 'delete_user'),
    'project': ('projects_client', 'delete_project'),
}


class TempestErrors(object):
    """How a cloud over Tempest's clients judges an error (a mixin)."""

    def is_not_found(self, exc):
        from tempest.lib import exceptions as lib_exc
        return isinstance(exc, lib_exc.NotFound)

    def can_pass(self, exc):
        """A service busy or away, a lost connection: try again later."""
        return transient.is_transient(exc)

    def is_service_answer(self, exc):
        return transient.is_service_answer(exc)


def list_neutron(inv, mgr):
    """Fill ``inv``'s Neutron listings with what ``mgr`` may see."""
    inv.floating_ips = mgr.floating_ips_client.list_floatingips()[
        'floatingips']
    inv.ports = mgr.ports_client.list_ports()['ports']
    inv.routers = mgr.routers_client.list_routers()['routers']
    inv.subnets = mgr.subnets_client.list_subnets()['subnets']
    inv.networks = mgr.networks_client.list_networks()['networks']
    return inv


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
                 clock=time.time, sleep=time.sleep, leases=lease.leases):
        self.cloud = cloud
        self.naming = naming
        self.older_than = older_than
        self.out = out
        self.delete = delete
        self.clock = clock
        self.sleep = sleep
        self.failures = []
        self._failed_ids = set()
        self.deleted = 0
        self.leases = leases

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
        known = self.leases()
        inv = self.cloud.inventory()
        runs = sweeper_select.select(inv, self.naming, self.clock(),
                                     self.older_than, known)
        left = [r for r in runs if not r.in_progress]
        # Stacks of left-over projects can only be listed inside them.
        for run in left:
            if run.project is not None:
                _add_stacks(inv,
                            self.cloud.project_stacks(run.project['id']))
        runs = sweeper_select.select(inv, self.naming, self.clock(),
                                     self.older_than, known)
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
        strays = sweeper_select.unclassified(inv, self.naming)
        for item in strays:
            self.say('UNCLASSIFIED (named like ours, not provably ours; '
                     'left alone: delete it by hand if it is): %s'
                     % item.describe())
        if not self.delete:
            self.say('DRY RUN: would delete %d resource(s) of %d run(s); '
                     '%d run(s) in progress skipped. Add --yes to delete.'
                     % (sum(len(r.items) for r in todo), len(todo), skipped))
            return 1 if strays else 0
        if todo:
            self._delete_runs(todo, known)
        self.say('deleted %d resource(s) of %d run(s); %d run(s) in progress '
                 'skipped; %d failure(s); %d unclassified' % (
                     self.deleted, len(todo), skipped, len(self.failures),
                     len(strays)))
        for failure in self.failures:
            self.say('FAILED: %s' % failure)
        return 1 if self.failures or strays else 0

    def sweep_now(self, key):
        """Delete now what the run ``key`` owns (its caller owns the run).

        For a live run (see :mod:`.lost_resources`): no age, lease or
        project rule applies, and users and projects are left to the
        caller. Returns the failures (empty: all gone).
        """
        inv = self.cloud.inventory()
        todo = [r for r in sweeper_select.select(inv, self.naming,
                                                 self.clock(), 0, {})
                if r.key == key]
        for run in todo:
            run.items = [i for i in run.items
                         if i.kind not in ('user', 'project')]
            for item in run.ordered():
                self.say('    %s' % item.describe())
        if todo and todo[0].items:
            self._delete_runs(todo, {}, keep=('user', 'project'))
        return self.failures

    def _delete_runs(self, todo, known, keep=()):
        """Delete the runs' items in order: stacks, zone stacks, the rest."""
        self._delete_kind([i for r in todo for i in r.ordered(('stack',))
                           if not i.name.endswith('-zone')])
        # a zone goes only once what publishes into it is gone (else
        # its records, the PTRs in shared reverse zones, would stay)
        zone_stack = (lambda i: i.kind == 'stack' and
                      i.name.endswith('-zone'))
        self._delete_kind([i for r in self._intact(todo, 'zone stack',
                                                   zone_stack)
                           for i in r.ordered(('stack',))
                           if zone_stack(i)])
        # Stack deletion removed most resources: list again; the runs
        # stay those chosen above (deleting updates their times).
        inv = self.cloud.inventory()
        for run in todo:
            if run.project is not None:
                _add_stacks(inv, self.cloud.project_stacks(
                    run.project['id']))
        now_runs = {r.key: r for r in sweeper_select.select(
            inv, self.naming, self.clock(), self.older_than, known)}
        rest = [now_runs[r.key] for r in todo if r.key in now_runs]
        for kind in sweeper_select.KIND_ORDER[1:]:
            if kind in keep:
                continue
            runs_of_kind = rest
            if kind in KEPT_AFTER_FAILURE:
                runs_of_kind = self._intact(rest, kind)
            self._delete_kind([i for r in runs_of_kind
                               for i in r.ordered((kind,))])
        if not self.failures:
            # what their runs left is gone: the released leases too
            lease.forget(path for held, path in known.values()
                         if not held)

    def _intact(self, runs, what, has=None):
        """The runs none of whose deletions failed; says who is kept."""
        has = has or (lambda item: item.kind == what)
        out = []
        for run in runs:
            failed = [i for i in run.items if i.id in self._failed_ids]
            if not failed:
                out.append(run)
            elif any(has(i) for i in run.items):
                self.say('%s: keeping its %s(s): %s not deleted' % (
                    run.key, what, ', '.join(i.describe(False)
                                             for i in failed)))
        return out

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
                self._failed_ids.add(item.id)
                self.failures.append('delete %s: %s: %s' % (
                    item.describe(), type(exc).__name__, exc))
        kind = items[0].kind
        if kind not in sweeper_select.WAITED:
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
                    # a service busy or away: not yet; its refusal: failed;
                    # a bug of ours is raised, not retried
                    if self.cloud.can_pass(exc):
                        done = False
                    elif self.cloud.is_service_answer(exc):
                        done = None
                    else:
                        raise
                    last[item.id] = '%s: %s' % (type(exc).__name__, exc)
                if done is None:
                    pending.remove(item)
                    self._failed_ids.add(item.id)
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
                    self._failed_ids.add(item.id)
                    self.failures.append(
                        '%s not deleted within %s s (expected: gone; last '
                        'seen: %s)' % (item.describe(), timeout,
                                       last.get(item.id)))
                break
            self.sleep(interval)
