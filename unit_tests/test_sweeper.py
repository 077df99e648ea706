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

"""The sweeper's rules (what is ours, what is in progress) and its order,
with a fake cloud. No cloud, no Tempest configuration needed.
"""

import copy
import io
import unittest

from cross_service_tempest_plugin import sweeper
from cross_service_tempest_plugin import sweeper_naming
from cross_service_tempest_plugin import sweeper_select

NOW = 1_800_000_000.0
SUFFIX = 'cross-service.test.'
OLD = '2027-01-15T07:00:00Z'        # NOW - 3600 s (NOW = 08:00:00Z)
YOUNG = '2027-01-15T07:59:30Z'      # NOW - 30 s
assert sweeper_select.timestamp(OLD) == NOW - 3600
assert sweeper_select.timestamp(YOUNG) == NOW - 30

NAMING = sweeper_naming.Naming(SUFFIX, class_names={'ServersDnsTest'})


def project(pid, name, desc=None, tags=()):
    return {'id': pid, 'name': name, 'tags': list(tags),
            'description': name + '-desc' if desc is None else desc}


def run_project(pid, name, when, label, user=True):
    """Listings of one scenario run in its dynamic project."""
    inv = sweeper_select.Inventory()
    inv.projects.append(project(pid, name))
    if user:
        inv.users.append({'id': 'u-' + pid, 'name': name + '-project-member'})
    t = {'created_at': when, 'updated_at': when, 'project_id': pid}
    inv.stacks += [
        {'id': 's-' + pid, 'stack_name': label + '-stack',
         'creation_time': when, 'updated_time': None, 'project_id': pid,
         'stack_status': 'CREATE_COMPLETE'},
        {'id': 'z-' + pid, 'stack_name': label + '-zone',
         'creation_time': when, 'updated_time': None, 'project_id': pid,
         'stack_status': 'CREATE_COMPLETE'}]
    zone = '%s.%s' % (label, SUFFIX)
    inv.zones.append(dict(t, id='zone-' + pid, name=zone))
    inv.servers.append({'id': 'srv-' + pid, 'name': label + '-0',
                        'tenant_id': pid, 'created': when, 'updated': when})
    inv.networks.append(dict(t, id='net-' + pid, name=label))
    inv.subnets.append(dict(t, id='sub-' + pid, name=label + '-stack-sub'))
    inv.routers.append(dict(t, id='r-' + pid, name=label + '-stack-router'))
    inv.ports += [
        dict(t, id='p-' + pid, name=label + '-stack-port',
             device_owner='compute:nova', device_id='srv-' + pid),
        dict(t, id='ri-' + pid, name='', device_owner='network:'
             'router_interface', device_id='r-' + pid,
             fixed_ips=[{'subnet_id': 'sub-' + pid}]),
        dict(t, id='gw-' + pid, name='', device_owner='network:'
             'router_gateway', device_id='r-' + pid),
        dict(t, id='dhcp-' + pid, name='', device_owner='network:dhcp')]
    inv.floating_ips.append(dict(t, id='fip-' + pid, port_id='p-' + pid,
                                 floating_ip_address='203.0.113.9'))
    inv.security_groups.append(dict(t, id='sg-' + pid, name='default'))
    return inv


def merge(*invs):
    out = sweeper_select.Inventory()
    for inv in invs:
        for field in out.__dataclass_fields__:
            getattr(out, field).extend(copy.deepcopy(getattr(inv, field)))
    return out


def foreign():
    """The constellation's own things, and another plugin's project."""
    inv = sweeper_select.Inventory()
    t = {'created_at': OLD, 'updated_at': OLD, 'project_id': 'admin'}
    inv.projects += [project('admin', 'admin', desc='Bootstrap project'),
                     project('other', 'tempest-ZonesTest-123'),
                     project('fake', 'tempest-cross-service-x-1',
                             desc='not tempest')]
    inv.users += [{'id': 'uadmin', 'name': 'admin'},
                  {'id': 'uo', 'name': 'tempest-ZonesTest-123-project'}]
    inv.networks += [dict(t, id='public', name='public',
                          **{'router:external': True}),
                     dict(t, id='private', name='private')]
    inv.routers.append(dict(t, id='router1', name='router1'))
    inv.zones += [dict(t, id='rev', name='113.0.203.in-addr.arpa.'),
                  dict(t, id='ex', name='example.test.'),
                  dict(t, id='cs-other', name='cs-0123456789.other.test.')]
    inv.stacks.append({'id': 'st-admin', 'stack_name': 'my-stack',
                       'creation_time': OLD, 'project_id': 'admin'})
    inv.security_groups.append(dict(t, id='sg-admin', name='default'))
    return inv


def kinds(run):
    return [(i.kind, i.id) for i in run.ordered()]


class TestNaming(unittest.TestCase):

    def test_projects(self):
        self.assertTrue(NAMING.is_project(project(
            'a', 'tempest-cross-service-servers_dns-123')))
        self.assertTrue(NAMING.is_project(project(
            'a', 'tempest-ServersDnsTest-9')))
        for p in (project('a', 'tempest-ServersDnsTest-9', desc='x'),
                  project('a', 'tempest-ZonesTest-9'),
                  project('a', 'tempest-ServersDnsTest-'),
                  project('a', 'demo'),
                  project('a', 'xtempest-ServersDnsTest-9')):
            self.assertFalse(NAMING.is_project(p), p)

    def test_users_zones_stacks(self):
        self.assertEqual('tempest-ServersDnsTest-9', NAMING.user_project(
            {'name': 'tempest-ServersDnsTest-9-project-admin'}))
        self.assertIsNone(NAMING.user_project({'name': 'admin'}))
        self.assertTrue(NAMING.is_zone({'name': 'cs-0123456789.' + SUFFIX}))
        self.assertFalse(NAMING.is_zone({'name': 'cs-0123456789.x.test.'}))
        self.assertFalse(NAMING.is_zone({'name': 'cs-012345678.' + SUFFIX}))
        self.assertTrue(NAMING.is_stack_name('cs-0123456789abc'[:13] +
                                             '-zone'))
        self.assertFalse(NAMING.is_stack_name('cs-0123456789-other'))
        self.assertEqual('cs-0123456789', NAMING.label(
            'cs-0123456789-stack-topology-x-router-y'))
        self.assertIsNone(NAMING.label('cs-0123456789x'))


class TestSelect(unittest.TestCase):

    def select(self, inv, older_than=600):
        return {r.key: r for r in sweeper_select.select(inv, NAMING, NOW,
                                                        older_than)}

    def test_foreign_resources_are_never_selected(self):
        self.assertEqual({}, self.select(foreign()))

    def test_left_over_run_and_its_deletion_order(self):
        runs = self.select(merge(foreign(), run_project(
            'p1', 'tempest-cross-service-servers_dns-1', OLD,
            'cs-aaaaaaaaaa')))
        self.assertEqual(['project tempest-cross-service-servers_dns-1'],
                         list(runs))
        run = runs['project tempest-cross-service-servers_dns-1']
        self.assertFalse(run.in_progress)
        self.assertIn('left over: last activity 3600 s ago', run.reason)
        self.assertEqual([
            ('stack', 's-p1'), ('stack', 'z-p1'), ('server', 'srv-p1'),
            ('floating_ip', 'fip-p1'), ('port', 'p-p1'),
            ('router_interface', 'sub-p1'), ('router', 'r-p1'),
            ('subnet', 'sub-p1'), ('network', 'net-p1'),
            ('security_group', 'sg-p1'), ('zone', 'zone-p1'),
            ('user', 'u-p1'), ('project', 'p1')], kinds(run))

    def test_young_run_is_in_progress(self):
        run = self.select(run_project('p1', 'tempest-ServersDnsTest-5',
                                      YOUNG, 'cs-bbbbbbbbbb'))[
            'project tempest-ServersDnsTest-5']
        self.assertTrue(run.in_progress)
        self.assertIn('in progress: last activity 30 s ago < 600 s',
                      run.reason)

    def test_one_young_resource_keeps_the_run(self):
        inv = run_project('p1', 'tempest-ServersDnsTest-5', OLD,
                          'cs-bbbbbbbbbb')
        inv.stacks[0]['updated_time'] = YOUNG   # e.g. an update step
        run = self.select(inv)['project tempest-ServersDnsTest-5']
        self.assertTrue(run.in_progress)

    def test_empty_project_is_tagged_then_left_over(self):
        inv = sweeper_select.Inventory(
            projects=[project('p2', 'tempest-ServersDnsTest-7')],
            users=[{'id': 'u2',
                    'name': 'tempest-ServersDnsTest-7-project-admin'}])
        run = self.select(inv)['project tempest-ServersDnsTest-7']
        self.assertTrue(run.in_progress)
        self.assertTrue(run.tag_first_seen)
        inv.projects[0]['tags'] = ['%s%d' % (sweeper_naming.SEEN_TAG,
                                             NOW - 601)]
        run = self.select(inv)['project tempest-ServersDnsTest-7']
        self.assertFalse(run.in_progress)
        self.assertFalse(run.tag_first_seen)
        self.assertIn('first seen empty 601 s ago', run.reason)
        self.assertEqual([('user', 'u2'), ('project', 'p2')], kinds(run))

    def test_project_without_user_and_orphan_user_are_left_over(self):
        inv = sweeper_select.Inventory(
            projects=[project('p3', 'tempest-ServersDnsTest-8')],
            users=[{'id': 'u9',
                    'name': 'tempest-cross-service-x-9-project-member'}])
        runs = self.select(inv)
        self.assertEqual('left over: empty project without a user',
                         runs['project tempest-ServersDnsTest-8'].reason)
        orphan = runs['user tempest-cross-service-x-9-project-member']
        self.assertFalse(orphan.in_progress)
        self.assertEqual([('user', 'u9')], kinds(orphan))

    def test_labelled_resources_outside_our_projects(self):
        # e.g. pre-provisioned credentials: only the engine's names count.
        inv = run_project('other', 'tempest-ZonesTest-123', OLD,
                          'cs-cccccccccc')
        inv.projects[0]['description'] = 'pre-provisioned'
        inv.security_groups[0]['name'] = 'default'
        runs = self.select(merge(foreign(), inv))
        self.assertEqual(['label cs-cccccccccc'], list(runs))
        got = kinds(runs['label cs-cccccccccc'])
        self.assertIn(('stack', 's-other'), got)
        self.assertIn(('zone', 'zone-other'), got)
        self.assertIn(('floating_ip', 'fip-other'), got)
        self.assertNotIn(('security_group', 'sg-other'), got)
        self.assertNotIn(('project', 'other'), got)
        self.assertNotIn(('user', 'u-other'), got)


class FakeCloud(object):
    """Deletes from an Inventory; async kinds vanish after ``polls``."""

    def __init__(self, inv, polls=1, fail=(), never=(), gone_errors=None):
        self.inv = inv
        # id -> exceptions gone() raises first, one a call
        self.gone_errors = dict(gone_errors or {})
        self.polls = polls
        self.fail = set(fail)
        self.never = set(never)
        self.calls = []
        self.pending = {}
        self.tags = []
        self.released = False

    def inventory(self):
        inv = copy.deepcopy(self.inv)
        inv.stacks = [s for s in inv.stacks if s['project_id'] == 'admin']
        return inv

    def project_stacks(self, pid):
        self.calls.append(('list_stacks', pid))
        return [dict(s) for s in self.inv.stacks if s['project_id'] == pid]

    def release_all(self):
        self.released = True

    def tag_first_seen(self, pid, epoch):
        self.tags.append((pid, epoch))

    def is_not_found(self, exc):
        return isinstance(exc, LookupError)

    def can_pass(self, exc):
        return isinstance(exc, ConnectionError)

    def is_service_answer(self, exc):
        return isinstance(exc, PermissionError)

    def delete(self, item):
        self.calls.append(('delete', item.kind, item.id))
        if item.id in self.fail:
            raise RuntimeError('HTTP 409 in use')
        if item.kind in sweeper_select.WAITED:
            self.pending[item.id] = self.polls
        else:
            self._remove(item)

    def gone(self, item):
        if self.gone_errors.get(item.id):
            raise self.gone_errors[item.id].pop(0)
        if item.id in self.never:
            return False, 'DELETE_IN_PROGRESS'
        self.pending[item.id] -= 1
        if self.pending[item.id] <= 0:
            self._remove(item)
            return True, 'not found'
        return False, 'DELETE_IN_PROGRESS'

    def _remove(self, item):
        field = {'stack': 'stacks', 'server': 'servers', 'zone': 'zones',
                 'ptr': 'ptr_records',
                 'floating_ip': 'floating_ips', 'port': 'ports',
                 'router': 'routers', 'subnet': 'subnets',
                 'network': 'networks', 'security_group': 'security_groups',
                 'user': 'users', 'project': 'projects'}.get(item.kind)
        if field:
            setattr(self.inv, field, [r for r in getattr(self.inv, field)
                                      if r['id'] != item.id])
        if item.kind == 'router':       # Neutron drops its ports with it
            self.inv.ports = [p for p in self.inv.ports
                              if p.get('device_id') != item.id]

    def deadline(self, kind):
        return 10, 2


class FakeClock(object):
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def sweep(cloud, delete, older_than=600):
    out = io.StringIO()
    clock = FakeClock()
    rc = sweeper.Sweeper(cloud, NAMING, older_than, out, delete=delete,
                         clock=clock, sleep=clock.sleep).sweep()
    return rc, out.getvalue()


class TestSweeper(unittest.TestCase):

    def inventory(self):
        return merge(
            foreign(),
            run_project('p1', 'tempest-cross-service-servers_dns-1', OLD,
                        'cs-aaaaaaaaaa'),
            run_project('p2', 'tempest-ServersDnsTest-2', YOUNG,
                        'cs-bbbbbbbbbb'))

    def test_dry_run_deletes_nothing(self):
        cloud = FakeCloud(self.inventory())
        rc, out = sweep(cloud, delete=False)
        self.assertEqual(0, rc)
        self.assertEqual([], [c for c in cloud.calls if c[0] == 'delete'])
        self.assertTrue(cloud.released)
        self.assertIn('project tempest-cross-service-servers_dns-1: would '
                      'delete (left over: last activity 3600 s ago', out)
        self.assertIn('project tempest-ServersDnsTest-2: SKIPPED (in '
                      'progress: last activity 30 s ago < 600 s)', out)
        self.assertIn('    stack            cs-aaaaaaaaaa-stack (s-p1) '
                      'CREATE_COMPLETE', out)
        self.assertIn('DRY RUN: would delete 13 resource(s) of 1 run(s); 1 '
                      'run(s) in progress skipped. Add --yes to delete.',
                      out.splitlines()[-1])
        # Stacks of a run in progress are not even listed.
        self.assertNotIn(('list_stacks', 'p2'), cloud.calls)

    def test_delete_in_dependency_order(self):
        cloud = FakeCloud(self.inventory(), polls=2)
        rc, out = sweep(cloud, delete=True)
        self.assertEqual(0, rc, out)
        deleted = [c[1:] for c in cloud.calls if c[0] == 'delete']
        self.assertEqual([
            ('stack', 's-p1'), ('stack', 'z-p1'), ('server', 'srv-p1'),
            ('floating_ip', 'fip-p1'), ('port', 'p-p1'),
            ('router_interface', 'sub-p1'), ('router', 'r-p1'),
            ('subnet', 'sub-p1'), ('network', 'net-p1'),
            ('security_group', 'sg-p1'), ('zone', 'zone-p1'),
            ('user', 'u-p1'), ('project', 'p1')], deleted)
        self.assertIn('deleted 13 resource(s) of 1 run(s); 1 run(s) in '
                      'progress skipped; 0 failure(s); 0 unclassified', out)
        self.assertIn('deleted stack            cs-aaaaaaaaaa-stack (s-p1) '
                      'in 2 s\n', out)
        # Everything of the run in progress and the foreign things remain.
        ids = {r['id'] for f in cloud.inv.__dataclass_fields__
               for r in getattr(cloud.inv, f)}
        self.assertEqual(set(), ids & {'s-p1', 'srv-p1', 'p1', 'u-p1'})
        self.assertLessEqual({'s-p2', 'srv-p2', 'p2', 'u-p2', 'public',
                              'private', 'router1', 'rev', 'ex', 'cs-other',
                              'st-admin', 'admin', 'other'}, ids)

    def test_failure_and_timeout_give_exit_1(self):
        cloud = FakeCloud(self.inventory(), fail={'net-p1'},
                          never={'srv-p1'})
        rc, out = sweep(cloud, delete=True)
        self.assertEqual(1, rc)
        self.assertIn('FAILED: delete network          cs-aaaaaaaaaa '
                      '(net-p1): RuntimeError: HTTP 409 in use', out)
        self.assertIn('FAILED: server           cs-aaaaaaaaaa-0 (srv-p1) not '
                      'deleted within 10 s (expected: gone; last seen: '
                      'DELETE_IN_PROGRESS)', out)
        self.assertIn('2 failure(s)', out)

    def test_wait_retries_an_error_that_can_pass(self):
        cloud = FakeCloud(self.inventory(), gone_errors={
            's-p1': [ConnectionRefusedError('heat-api restarting')]})
        rc, out = sweep(cloud, delete=True)
        self.assertEqual(0, rc, out)
        self.assertIn('deleted stack            cs-aaaaaaaaaa-stack (s-p1) '
                      'in 2 s\n', out)

    def test_wait_fails_an_item_the_service_refuses_at_once(self):
        cloud = FakeCloud(self.inventory(), gone_errors={
            's-p1': [PermissionError('HTTP 403')]})
        rc, out = sweep(cloud, delete=True)
        self.assertEqual(1, rc)
        self.assertIn('(s-p1) CREATE_COMPLETE: deletion failed: '
                      'PermissionError: HTTP 403', out)
        self.assertIn('keeping its zone stack(s)', out)

    def test_wait_raises_a_bug_of_ours_at_once(self):
        cloud = FakeCloud(self.inventory(), gone_errors={
            's-p1': [TypeError('ours')]})
        with self.assertRaises(TypeError):
            sweep(cloud, delete=True)
        self.assertTrue(cloud.released)     # the roles it gave are removed

    def test_ptr_left_in_a_shared_reverse_zone_is_swept_before_the_zone(
            self):
        # issue 22 #1: a PTR stayed on BIND; neither the sweeper nor
        # leak_check looked into the reverse zones
        inv = self.inventory()
        inv.ptr_records += [
            {'id': 'ptr-p1', 'zone_id': 'rev', 'name':
             '9.113.0.203.in-addr.arpa.', 'created_at': OLD,
             'records': ['web.cs-aaaaaaaaaa.%s' % SUFFIX]},
            {'id': 'ptr-other', 'zone_id': 'rev', 'name':
             '7.113.0.203.in-addr.arpa.', 'created_at': OLD,
             'records': ['web.example.test.']},
            {'id': 'ptr-p2', 'zone_id': 'rev', 'name':
             '8.113.0.203.in-addr.arpa.', 'created_at': OLD,
             'records': ['web.cs-bbbbbbbbbb.%s' % SUFFIX]}]
        cloud = FakeCloud(inv)
        rc, out = sweep(cloud, delete=True)
        self.assertEqual(0, rc, out)
        order = [c[2] for c in cloud.calls if c[0] == 'delete']
        self.assertIn('ptr-p1', order)
        self.assertLess(order.index('ptr-p1'), order.index('zone-p1'))
        self.assertNotIn('ptr-other', order)    # not ours
        self.assertNotIn('ptr-p2', order)       # its run is in progress
        self.assertNotIn('rev', order)          # the shared zone: never

    def test_names_no_rule_proves_are_reported_not_swept(self):
        # issue 22 #2: a scenario named 'my dns' leaked its project and
        # user while cleanup said "0 failure(s)" and exited 0
        inv = self.inventory()
        inv.projects.append(project('p9', 'tempest-cross-service-my dns-7'))
        inv.users.append({'id': 'u9',
                          'name': 'tempest-cross-service-my dns-7-project'})
        cloud = FakeCloud(inv)
        rc, out = sweep(cloud, delete=True)
        self.assertEqual(1, rc)
        self.assertIn('UNCLASSIFIED (named like ours, not provably ours; '
                      'left alone: delete it by hand if it is): project  '
                      '        tempest-cross-service-my dns-7 (p9)', out)
        self.assertIn("0 failure(s); 2 unclassified", out)
        deleted = {c[2] for c in cloud.calls if c[0] == 'delete'}
        self.assertFalse({'p9', 'u9'} & deleted)

    def test_zone_stays_while_its_deployment_stack_does(self):
        # issue 22 #1: the zone stack was deleted though the deployment
        # stack's delete had failed; its PTR stayed on the nameservers
        cloud = FakeCloud(self.inventory(), fail={'s-p1'})
        rc, out = sweep(cloud, delete=True)
        self.assertEqual(1, rc)
        deleted = {c[2] for c in cloud.calls if c[0] == 'delete'}
        self.assertNotIn('z-p1', deleted)
        self.assertFalse({'zone-p1', 'p1', 'u-p1'} & deleted)
        self.assertIn('project tempest-cross-service-servers_dns-1: keeping '
                      'its zone stack(s): stack            cs-aaaaaaaaaa-'
                      'stack (s-p1) not deleted', out)
        self.assertIn('keeping its zone(s)', out)

    def test_empty_project_is_tagged(self):
        inv = sweeper_select.Inventory(
            projects=[project('p5', 'tempest-ServersDnsTest-5')],
            users=[{'id': 'u5', 'name': 'tempest-ServersDnsTest-5-project'}])
        cloud = FakeCloud(inv)
        rc, out = sweep(cloud, delete=True)
        self.assertEqual(0, rc)
        self.assertEqual([('p5', int(NOW))], cloud.tags)
        self.assertEqual([], [c for c in cloud.calls if c[0] == 'delete'])

    def test_a_young_stack_found_late_keeps_the_run(self):
        inv = run_project('p1', 'tempest-ServersDnsTest-1', OLD,
                          'cs-aaaaaaaaaa')
        inv.stacks[0]['updated_time'] = YOUNG   # seen only in its project
        cloud = FakeCloud(inv)
        rc, out = sweep(cloud, delete=True)
        self.assertEqual([], [c for c in cloud.calls if c[0] == 'delete'])
        self.assertIn('SKIPPED (in progress: last activity 30 s ago', out)


class TestDefaults(unittest.TestCase):

    def test_default_older_than(self):
        self.assertEqual(3600, sweeper_select.default_older_than(300, 90))
        self.assertEqual(2 * (4 * 1200 + 4 * 120),
                         sweeper_select.default_older_than(1200, 120))

    def test_timestamps(self):
        self.assertEqual(NOW, sweeper_select.timestamp('2027-01-15T08:00:00'))
        ts = sweeper_select.timestamp
        self.assertEqual(NOW, ts('2027-01-15T08:00:00.000000'))
        self.assertEqual(NOW, ts('2027-01-15T09:00:00+01:00'))
        self.assertIsNone(sweeper_select.timestamp('yesterday'))
        self.assertIsNone(sweeper_select.timestamp(None))
