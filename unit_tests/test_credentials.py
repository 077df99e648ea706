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

"""Client managers and the kept-credentials message come from one module."""

import io
import os
import types

import pytest

from cross_service_tempest_plugin import api
from cross_service_tempest_plugin import credentials
from cross_service_tempest_plugin.faults import health
from cross_service_tempest_plugin import sweeper_cloud
from cross_service_tempest_plugin import tempest_conf
from cross_service_tempest_plugin.tests.scenario import engine_test

PACKAGE = os.path.dirname(credentials.__file__)


def _sources():
    for root, _dirs, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith('.py'):
                path = os.path.join(root, name)
                with open(path) as f:
                    yield os.path.relpath(path, PACKAGE), f.read()


@pytest.mark.parametrize('text', ['get_configured_admin_credentials',
                                  'clients.Manager(',
                                  'kept for manual cleanup'])
def test_only_the_credentials_module_has(text):
    assert [path for path, src in _sources() if text in src] == \
        ['credentials.py']


def _creds(project, user):
    return types.SimpleNamespace(project_name=project, username=user)


def test_message_names_each_role():
    msg = credentials.kept_message([('admin', _creds('pa', 'ua')),
                                    ('primary', _creds('pp', 'up'))])
    assert msg.startswith('credentials kept for manual cleanup (Heat '
                          'deletes with the owner\'s trust')
    assert msg.endswith('admin: project pa user ua; primary: project pp '
                        'user up')
    assert credentials.kept_message([]).endswith(': unknown')


class _Marker(Exception):
    pass


@pytest.fixture
def admin_refused(monkeypatch):
    """admin_manager raises _Marker; tempest.conf "loads"."""
    conf = types.SimpleNamespace()
    monkeypatch.setattr(tempest_conf, 'load_config', lambda path=None: conf)
    calls = []

    def admin_manager(path=None):
        calls.append(path)
        raise _Marker('no admin')
    monkeypatch.setattr(credentials, 'admin_manager', admin_manager)
    return calls


def test_health_check_uses_it(admin_refused):
    with pytest.raises(_Marker):
        health.HealthCheck.from_config('/x/tempest.conf')
    assert admin_refused == ['/x/tempest.conf']


def test_sweeper_uses_it(admin_refused):
    err = io.StringIO()
    assert sweeper_cloud.cleanup('/x/tempest.conf', out=io.StringIO(),
                                 err=err) == 2
    assert admin_refused == ['/x/tempest.conf']
    assert 'cannot use the admin account of tempest.conf' in err.getvalue()


def test_admin_manager_loads_the_config_then_builds(monkeypatch):
    loaded = []
    monkeypatch.setattr(tempest_conf, 'load_config', loaded.append)
    from tempest import clients
    from tempest.common import credentials_factory
    monkeypatch.setattr(credentials_factory,
                        'get_configured_admin_credentials', lambda: 'adm')
    monkeypatch.setattr(clients, 'Manager', lambda creds: ('mgr', creds))
    assert credentials.admin_manager('/x/t.conf') == ('mgr', 'adm')
    assert loaded == ['/x/t.conf']


class _Run(object):
    def __init__(self):
        self.result = types.SimpleNamespace(cleanup_errors=['stack left'])

    def cleanup(self):
        pass


def test_api_keeps_the_credentials_saying_so():
    sc = api.Scenario.__new__(api.Scenario)
    sc.run_, sc._lease = _Run(), None
    provider = types.SimpleNamespace(_creds={
        'primary': types.SimpleNamespace(credentials=_creds('pp', 'up'))})
    sc._creds = credentials.RunCredentials.__new__(credentials.RunCredentials)
    sc._creds.provider = provider
    sc.cleanup()
    assert sc.run_.result.cleanup_errors[-1] == credentials.kept_message(
        [('primary', _creds('pp', 'up'))])
    assert sc._creds is None        # not cleared


def test_tempest_classes_say_it_alike():
    class T(engine_test.ScenarioEngineTest):
        os_primary = types.SimpleNamespace(credentials=_creds('pp', 'up'))
        os_admin = types.SimpleNamespace(credentials=_creds('pa', 'ua'))
    assert T._credentials_kept() == credentials.kept_message(
        [('primary', _creds('pp', 'up')), ('admin', _creds('pa', 'ua'))])
