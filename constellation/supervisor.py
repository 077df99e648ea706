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

"""Talk to our supervisord over its private unix socket (XML-RPC)."""

import http.client
import socket
import xmlrpc.client


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__('localhost', timeout=timeout)
        self._path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self._path)
        self.sock = s


class _UnixTransport(xmlrpc.client.Transport):
    def __init__(self, path, timeout):
        super().__init__()
        self._path = path
        self._timeout = timeout

    def make_connection(self, host):
        return _UnixConnection(self._path, self._timeout)


def client(sock_path, timeout=120):
    return xmlrpc.client.ServerProxy(
        'http://localhost/RPC2',
        transport=_UnixTransport(sock_path, timeout)).supervisor


def reachable(sock_path):
    try:
        return client(sock_path, timeout=5).getState()['statename'] == \
            'RUNNING'
    except (OSError, xmlrpc.client.Error):
        return False
