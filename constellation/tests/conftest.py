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

"""Shared fixtures of the constellation's unit tests."""

import pytest

from constellation import ports


@pytest.fixture
def ctx():
    """A constellation context on port base 25100 with fixed secrets."""
    return {'root': '/st', 'venv': '/st/venv',
            'ports': ports.allocate(25100), 'port_base': 25100,
            'secrets': {'db': 'dbpw', 'rabbit': 'rpw', 'admin': 'apw',
                        'demo': 'dpw', 'service': 'spw',
                        'erlang_cookie': 'c', 'heat_auth_key': 'k' * 32,
                        'rndc': 'c2VjcmV0', 'rndc2': 'c2VjcmV0Mg==',
                        'tsig2': 'dHNpZw=='},
            'debug': False, 'user': 'u', 'group': 'g'}
