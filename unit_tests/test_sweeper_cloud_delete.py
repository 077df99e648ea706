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

"""The sweeper's delete dispatch: every kind it orders has a delete call."""

import pytest

from cross_service_tempest_plugin import sweeper
from cross_service_tempest_plugin import sweeper_cloud
from cross_service_tempest_plugin import sweeper_select


class Recorder(object):
    """Any attribute is a client; any call on it is recorded."""

    def __init__(self, calls, path=''):
        self._calls = calls
        self._path = path

    def __getattr__(self, name):
        return Recorder(self._calls, self._path + '.' + name)

    def __call__(self, *args, **kwargs):
        self._calls.append((self._path, args, kwargs))
        return Recorder(self._calls, self._path + '()')


def _cloud():
    calls = []
    cloud = sweeper_cloud.TempestCloud.__new__(sweeper_cloud.TempestCloud)
    cloud.admin = Recorder(calls)
    cloud._stacks = lambda item: Recorder(calls, '.stacks')
    return cloud, calls


@pytest.mark.parametrize('kind', sweeper_select.KIND_ORDER)
def test_every_ordered_kind_is_deleted_by_id(kind):
    cloud, calls = _cloud()
    cloud.delete(sweeper_select.Item(kind, 'id-1', 'cs-0123456789-x',
                                     parent='router-1'))
    path, args, _kwargs = calls[-1]     # zones: ZonesClient() first
    assert 'delete' in path or 'remove' in path, path
    assert 'id-1' in args or 'id-1' in _kwargs.values(), calls


def test_table_names_the_tempest_client_calls():
    cloud, calls = _cloud()
    cloud.delete(sweeper_select.Item('floating_ip', 'fip-1', ''))
    assert calls == [('.floating_ips_client.delete_floatingip',
                      ('fip-1',), {})]


def test_unknown_kind_is_refused():
    cloud, _calls = _cloud()
    with pytest.raises(ValueError, match="unknown kind 'volume'"):
        cloud.delete(sweeper_select.Item('volume', 'v', ''))


@pytest.mark.parametrize('kind', sorted(sweeper.DELETE_CALLS))
def test_table_calls_exist_in_tempest(kind):
    from tempest.lib.services import compute
    from tempest.lib.services.identity import v3
    from tempest.lib.services import network
    client, method = sweeper.DELETE_CALLS[kind]
    classes = [getattr(mod, name) for mod in (compute, network, v3)
               for name in dir(mod) if name.endswith('Client')]
    assert any(hasattr(cls, method) for cls in classes), (
        '%s: no Tempest client has %s (table says %s.%s)'
        % (kind, method, client, method))
