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

"""Tempest credentials and client managers, built in one place.

The admin manager of tempest.conf (sweeper, leak check, health check),
one scoped to a project, the dynamic or pre-provisioned credentials of a
scenario run, the ConfigError naming the options when Keystone refuses
them, and the message when credentials are kept for a manual cleanup.
"""

from cross_service_tempest_plugin import tempest_conf

ConfigError = tempest_conf.ConfigError


def admin_manager(config_file=None):
    """A ``tempest.clients.Manager`` with the admin account of tempest.conf.

    ``config_file`` as :func:`..tempest_conf.load_config` takes it.
    """
    tempest_conf.load_config(config_file)
    from tempest import clients
    from tempest.common import credentials_factory
    return clients.Manager(
        credentials_factory.get_configured_admin_credentials())


def scoped_manager(admin, project_id):
    """A Manager of ``admin``'s user scoped to ``project_id``."""
    from tempest import clients
    from tempest.lib import auth
    c = admin.credentials
    return clients.Manager(auth.KeystoneV3Credentials(
        username=c.username, password=c.password,
        user_domain_name=c.user_domain_name,
        user_domain_id=getattr(c, 'user_domain_id', None),
        project_id=project_id))


def describe(role_credentials):
    """``role: project P user U; ...`` of ``(role, credentials)`` pairs."""
    out = []
    for role, creds in role_credentials:
        c = getattr(creds, 'credentials', creds)
        out.append('%s: project %s user %s' % (
            role, getattr(c, 'project_name', '?'),
            getattr(c, 'username', '?')))
    return '; '.join(out) or 'unknown'


def kept_message(role_credentials):
    """Why and which credentials are kept when a cleanup failed."""
    return ('credentials kept for manual cleanup (Heat deletes with the '
            'owner\'s trust; deleting the project would orphan the '
            'leftovers): %s' % describe(role_credentials))


def credentials_error(conf, exc):
    """A ConfigError for a credential failure: the options to look at."""
    from tempest.lib import exceptions as lib_exc
    uri_opt = 'uri' if conf.identity.auth_version == 'v2' else 'uri_v3'
    uri = '[identity] %s = %s' % (uri_opt, getattr(conf.identity, uri_opt))
    if conf.auth.use_dynamic_credentials:
        account = ('the admin account of [auth] (admin_username = %s, '
                   'admin_project_name = %s, admin_domain_name = %s, '
                   'admin_password)' % (conf.auth.admin_username,
                                        conf.auth.admin_project_name,
                                        conf.auth.admin_domain_name))
    else:
        account = ('the accounts of [auth] test_accounts_file = %s'
                   % conf.auth.test_accounts_file)
    unreachable = connection_failure(exc)
    if unreachable:
        return ConfigError('cannot reach Keystone at %s (tempest.conf): %s'
                           % (uri, unreachable))
    if isinstance(exc, (lib_exc.Unauthorized, lib_exc.InvalidCredentials)):
        return ConfigError('Keystone at %s rejected %s: %s (check the '
                           'password and names)' % (
                               uri, account, str(exc).splitlines()[0]))
    if isinstance(exc, lib_exc.Forbidden):
        return ConfigError('Keystone at %s refused a request of %s: %s (for '
                           'dynamic credentials it needs the admin role)'
                           % (uri, account, str(exc).splitlines()[0]))
    return ConfigError('cannot get credentials through Tempest with %s at '
                       '%s: %s: %s' % (account, uri, type(exc).__name__,
                                       str(exc).splitlines()[0] if str(exc)
                                       else ''))


def connection_failure(exc):
    """Why the connection failed, if ``exc`` (or its cause) says so."""
    import urllib3
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, urllib3.exceptions.MaxRetryError):
            # "HTTPConnection(host=..., port=...): Failed to establish..."
            return str(exc.reason).split('): ', 1)[-1]
        if isinstance(exc, (urllib3.exceptions.HTTPError, ConnectionError,
                            TimeoutError)):
            return '%s: %s' % (type(exc).__name__, exc)
        exc = exc.__cause__ or exc.__context__
    return None


class RunCredentials(object):
    """Primary/admin managers from Tempest's credential providers."""

    def __init__(self, conf, name):
        from tempest.common import credentials_factory
        self.conf = conf
        try:
            self.provider = credentials_factory.get_credentials_provider(
                name='cross-service-%s' % name,
                network_resources={'network': False, 'router': False,
                                   'subnet': False, 'dhcp': False},
                identity_version=conf.identity.auth_version)
        except Exception as exc:
            raise credentials_error(conf, exc)

    def managers(self, owner):
        """(owner, admin) managers, each authenticated once.

        A wrong password or an unreachable Keystone shows here, as a
        ConfigError naming the options, before anything is created.
        """
        from tempest import clients
        try:
            admin = clients.Manager(
                self.provider.get_admin_creds().credentials)
            admin.auth_provider.get_token()
            if owner == 'admin':
                return admin, admin
            primary = clients.Manager(
                self.provider.get_primary_creds().credentials)
            primary.auth_provider.get_token()
            return primary, admin
        except Exception as exc:
            raise credentials_error(self.conf, exc)

    def project_names(self):
        """Names of the projects the provider created (dynamic ones)."""
        names = []
        for _role, creds in self.roles():
            c = getattr(creds, 'credentials', creds)
            if getattr(c, 'project_name', None):
                names.append(c.project_name)
        return sorted(names)

    def roles(self):
        """``(role, credentials)`` pairs the provider holds, by role."""
        return sorted((getattr(self.provider, '_creds', None) or {}).items())

    def clear(self):
        self.provider.clear_creds()
