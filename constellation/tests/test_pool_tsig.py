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

"""pool.pool_tsigkeys: the second pool's TSIG key in Designate."""

import pytest

from constellation import bootstrap
from constellation import pool
from constellation import ports
from constellation import render_dns

URL = 'http://127.0.0.1:25115/v2/tsigkeys'
NAME = 'constellation-pool-secondary'


@pytest.fixture
def ctx():
    return {'root': '/st', 'venv': '/st/venv',
            'ports': ports.allocate(25100), 'port_base': 25100,
            'secrets': {'admin': 'apw', 'tsig2': 'dHNpZw=='},
            'debug': False, 'user': 'u', 'group': 'g'}


class FakeDesignate:
    def __init__(self, keys=()):
        self.keys = [dict(k) for k in keys]
        self.calls = []

    def get(self, url):
        self.calls.append(('GET', url))
        assert url == URL + '?name=' + NAME
        return {'tsigkeys': [k for k in self.keys if k['name'] == NAME]}

    def post(self, url, body):
        self.calls.append(('POST', url))
        self.keys.append(dict(body, id='k%d' % len(self.calls)))

    def delete(self, url):
        self.calls.append(('DELETE', url))
        self.keys = [k for k in self.keys if URL + '/' + k['id'] != url]


def want(ctx, **changes):
    return dict({'name': NAME, 'algorithm': 'hmac-sha256',
                 'secret': ctx['secrets']['tsig2'], 'scope': 'POOL',
                 'resource_id': render_dns.SECOND_POOL_ID}, **changes)


def run(ctx, fake, monkeypatch):
    monkeypatch.setattr(bootstrap, 'admin_session', lambda c: fake)
    return pool.pool_tsigkeys(ctx)


def test_creates_the_pool_scoped_key(ctx, monkeypatch):
    fake = FakeDesignate()
    msg = run(ctx, fake, monkeypatch)
    assert msg == 'TSIG keys of the pools: %s (created)' % NAME
    assert [dict(k, id=None) for k in fake.keys] == [dict(want(ctx),
                                                          id=None)]


def test_keeps_a_matching_key(ctx, monkeypatch):
    fake = FakeDesignate([dict(want(ctx), id='old')])
    assert run(ctx, fake, monkeypatch).endswith('(kept)')
    assert [c[0] for c in fake.calls] == ['GET']


def test_replaces_a_key_with_another_secret_or_pool(ctx, monkeypatch):
    fake = FakeDesignate([dict(want(ctx, secret='b2xk'), id='old')])
    assert run(ctx, fake, monkeypatch).endswith('(created)')
    assert ('DELETE', URL + '/old') in fake.calls
    assert [k['secret'] for k in fake.keys] == [ctx['secrets']['tsig2']]
