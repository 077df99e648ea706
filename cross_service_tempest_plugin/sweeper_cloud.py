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

"""The sweeper's cloud side: Tempest clients with the admin of tempest.conf.

Heat's default policy denies the admin a listing of every project's stacks
(``stacks:global_index``), so to list (and delete) the stacks of a project
that is provably ours the admin user is given the admin role
(``[identity] admin_role``) on that project and the role is removed again
before the sweep ends (also in a dry run). Nothing else in a dry run
changes the cloud, except the ``cs-sweeper-first-seen-<epoch>`` tag on
empty projects of ours.
"""

import argparse
import contextlib
import fcntl
import importlib
import inspect
import os
import pkgutil
import sys

from cross_service_tempest_plugin import credentials
from cross_service_tempest_plugin import leaks
from cross_service_tempest_plugin import lease as lease_mod
from cross_service_tempest_plugin.scenarios import settings as run_settings
from cross_service_tempest_plugin import stop_signals
from cross_service_tempest_plugin import sweeper
from cross_service_tempest_plugin import sweeper_naming
from cross_service_tempest_plugin import sweeper_select
from cross_service_tempest_plugin import tempest_conf

ALL_PROJECTS = {'x-auth-all-projects': True}
# kind -> (client of the admin Manager, its delete call taking the id)
HELP = ('find (and with --yes delete) what killed runs left behind; see '
        'doc/source/user/cleanup.rst')


def _seconds(value):
    try:
        seconds = int(value)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise argparse.ArgumentTypeError(
            'must be a whole number of seconds >= 0, got %r' % value)
    return seconds


def add_arguments(sp):
    """The ``cleanup`` subcommand's arguments."""
    sp.add_argument('--config', metavar='FILE',
                    help='tempest.conf (default: TEMPEST_CONFIG_DIR/'
                         'TEMPEST_CONFIG as Tempest reads them)')
    sp.add_argument('--yes', action='store_true',
                    help='delete (default: dry run, print only)')
    sp.add_argument('--older-than', metavar='SECONDS', type=_seconds,
                    help='a run idle for less is in progress, skipped '
                         '(default: from the config\'s deadlines, >= 3600)')


def main(args, stdout, stderr):
    """``cross-service-scenario cleanup`` (parsed ``args``) → exit code."""
    return cleanup(args.config, args.yes, args.older_than, stdout, stderr)


def plugin_class_names():
    """Names of this plugin's Tempest test classes (the credential roots)."""
    from cross_service_tempest_plugin import tests
    from tempest import test
    names = set()
    for mod in pkgutil.walk_packages(tests.__path__, tests.__name__ + '.'):
        module = importlib.import_module(mod.name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, test.BaseTestCase) and obj.__module__ == (
                    module.__name__):
                names.add(name)
    return names


def _opt(conf, group, name, default):
    try:
        return getattr(getattr(conf, group), name)
    except Exception:
        return default


class TempestCloud(sweeper.TempestErrors):
    """Lists and deletes with the admin account (see the module doc)."""

    def __init__(self, conf, admin):
        from tempest.lib import exceptions as lib_exc
        self.conf = conf
        self.admin = admin
        self.lib_exc = lib_exc
        self._scoped = {}       # project id -> Manager scoped to it
        self._granted = []      # project ids we gave the admin a role on
        auth = admin.auth_provider.get_auth()[1]
        self.admin_user_id = auth['user']['id']
        self.admin_project_id = auth['project']['id']
        roles = admin.roles_v3_client.list_roles()['roles']
        by_name = {r['name'].lower(): r['id'] for r in roles}
        # the admin role: Heat refuses to delete a stack of an admin
        # scenario (OS::Neutron::ProviderNet, policy resource_types:...)
        # with the member role alone
        self.role_id = by_name.get(conf.identity.admin_role.lower()) or \
            by_name.get('member')

    def inventory(self):
        a = self.admin
        inv = sweeper_select.Inventory()
        inv.projects = a.projects_client.list_projects()['projects']
        inv.users = a.users_v3_client.list_users()['users']
        stacks, _scope = leaks.list_stacks(a)
        for st in stacks:
            st.setdefault('project_id', st.get('project') or
                          self.admin_project_id)
        inv.stacks = stacks
        inv.zones = leaks.list_zones(a)
        inv.ptr_records = leaks.list_ptr_records(a, inv.zones)
        inv.servers = a.servers_client.list_servers(
            detail=True, all_tenants=True)['servers']
        sweeper.list_neutron(inv, a)
        inv.security_groups = a.security_groups_client.list_security_groups(
        )['security_groups']
        return inv

    def _manager(self, project_id):
        """A Manager scoped to ``project_id`` (grants the role once)."""
        if project_id in (None, self.admin_project_id):
            return self.admin
        if project_id not in self._scoped:
            roles = self.admin.roles_v3_client
            try:
                roles.check_user_role_existence_on_project(
                    project_id, self.admin_user_id, self.role_id)
            except self.lib_exc.NotFound:
                roles.create_user_role_on_project(
                    project_id, self.admin_user_id, self.role_id)
                self._granted.append(project_id)
            self._scoped[project_id] = credentials.scoped_manager(
                self.admin, project_id)
        return self._scoped[project_id]

    def project_stacks(self, project_id):
        client = self._manager(project_id).orchestration.StacksClient()
        stacks = client.list_stacks(limit=1000)['stacks']
        for st in stacks:
            st['project_id'] = project_id
        return stacks

    def release_all(self):
        while self._granted:
            pid = self._granted.pop()
            self._scoped.pop(pid, None)
            try:
                self.admin.roles_v3_client.delete_role_from_user_on_project(
                    pid, self.admin_user_id, self.role_id)
            except self.lib_exc.NotFound:
                pass        # the project is gone, and the role with it

    def tag_first_seen(self, project_id, epoch):
        try:
            self.admin.project_tags_client.update_project_tag(
                project_id, '%s%d' % (sweeper_naming.SEEN_TAG, epoch))
        except (self.lib_exc.Conflict, self.lib_exc.BadRequest):
            pass        # another sweeper tagged it meanwhile: first seen

    def _stacks(self, item):
        return self._manager(item.project_id).orchestration.StacksClient()

    def delete(self, item):
        a = self.admin
        kind = item.kind
        if kind == 'stack':
            self._stacks(item).delete_stack(item.name, item.id)
        elif kind == 'router_interface':
            a.routers_client.remove_router_interface(item.parent,
                                                     subnet_id=item.id)
        elif kind == 'zone':
            a.dns_v2.ZonesClient().delete_zone(item.id, headers=ALL_PROJECTS)
        elif kind == 'ptr':     # in a shared reverse zone (Neutron's)
            a.dns_v2.RecordsetClient().delete_recordset(
                item.parent, item.id, headers=ALL_PROJECTS)
        elif kind in sweeper.DELETE_CALLS:
            client, method = sweeper.DELETE_CALLS[kind]
            getattr(getattr(a, client), method)(item.id)
        else:
            raise ValueError('unknown kind %r' % kind)

    def gone(self, item):
        """→ (True gone / False not yet / None failed, what was seen)."""
        try:
            if item.kind == 'stack':
                st = self._stacks(item).show_stack(
                    '%s/%s' % (item.name, item.id))['stack']
                status = st.get('stack_status')
                seen = '%s %s' % (status, st.get('stack_status_reason'))
                if status == 'DELETE_COMPLETE':
                    return True, seen
                return (None if status == 'DELETE_FAILED' else False), seen
            if item.kind == 'server':
                srv = self.admin.servers_client.show_server(item.id)['server']
                return False, srv.get('status')
            if item.kind == 'zone':
                zone = self.admin.dns_v2.ZonesClient().show_zone(
                    item.id, headers=ALL_PROJECTS)[1]
                return False, '%s %s' % (zone.get('action'),
                                         zone.get('status'))
        except self.lib_exc.NotFound:
            return True, 'not found'
        return True, 'no wait needed'

    def deadline(self, kind):
        """(timeout, interval) of a deletion wait, from tempest.conf."""
        c = self.conf
        if kind == 'stack':
            return run_settings.stack_wait(c)
        if kind == 'server':
            return c.compute.build_timeout, c.compute.build_interval
        return (_opt(c, 'dns', 'build_timeout', 360),
                _opt(c, 'dns', 'build_interval', 1))


def cleanup(config_file=None, delete=False, older_than=None, out=None,
            err=None):
    """``cross-service-scenario cleanup``; returns the exit code.

    0: done (dry run, or everything deleted); 1: a deletion failed or timed
    out; 2: configuration or credential problem (nothing was deleted).
    """
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        conf = tempest_conf.load_config(config_file)
        admin = credentials.admin_manager(config_file)
        cloud = TempestCloud(conf, admin)
    except tempest_conf.ConfigError as exc:
        err.write('error: %s\n' % exc)
        return 2
    except Exception as exc:
        err.write('error: cannot use the admin account of tempest.conf '
                  '([auth] admin_username/admin_project_name, [identity] '
                  'uri_v3): %s: %s\n' % (type(exc).__name__, exc))
        return 2
    if older_than is None:
        older_than = sweeper_select.default_older_than(
            cloud.deadline('stack')[0], conf.cross_service.record_timeout)
    naming = sweeper_naming.Naming(conf.cross_service.zone_suffix,
                                   plugin_class_names())
    out.write('cleanup: runs of cross_service_tempest_plugin idle for %d s '
              'or more (--older-than); %s\n' % (
                  older_than, 'deleting' if delete else
                  'DRY RUN, nothing is deleted'))
    state = {}
    try:
        # a signal stops the sweep, but the roles it gave itself are
        # removed first (Sweeper.sweep's finally), and one sweep at a time
        with stop_signals.handled(state, err), _one_sweep(delete, err):
            return sweeper.Sweeper(cloud, naming, older_than, out,
                                   delete=delete).sweep()
    except KeyboardInterrupt:
        err.write('error: cleanup interrupted (%s); what was not deleted '
                  'yet is found by the next cleanup\n'
                  % (state.get('interrupted') or 'SIGINT'))
        return 130
    except Exception as exc:
        err.write('error: cleanup stopped: %s: %s\n'
                  % (type(exc).__name__, exc))
        return 1


@contextlib.contextmanager
def _one_sweep(delete, err):
    """With ``--yes``: one sweeper at a time on this machine (a lock)."""
    if not delete:
        yield
        return
    directory = os.path.dirname(lease_mod.lease_dir().rstrip(os.sep))
    os.makedirs(directory, mode=0o700, exist_ok=True)
    path = os.path.join(directory, 'cleanup.lock')
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            err.write('another cleanup --yes is running (%s): waiting for '
                      'it\n' % path)
            err.flush()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
