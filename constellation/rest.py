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

"""Minimal JSON-over-HTTP client with Keystone v3 tokens.

Stdlib, not keystoneauth1: bootstrap/status run in the CLI's system python.
"""

import json
import time
import urllib.error
import urllib.request


class HTTPError(RuntimeError):
    def __init__(self, method, url, status, body):
        super().__init__('%s %s -> HTTP %s: %s' % (method, url, status,
                                                   body[:500]))
        self.status = status
        self.body = body


def request(method, url, body=None, headers=None, token=None, timeout=60,
            raw=False):
    hdrs = {'Accept': 'application/json'}
    data = None
    if body is not None:
        if raw:
            data = body
            hdrs['Content-Type'] = 'application/octet-stream'
        else:
            data = json.dumps(body).encode()
            hdrs['Content-Type'] = 'application/json'
    if token:
        hdrs['X-Auth-Token'] = token
    hdrs.update(headers or {})
    req = urllib.request.Request(url, data=data, headers=hdrs, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read().decode(errors='replace')
            return resp.status, dict(resp.headers), (
                json.loads(text) if text.strip().startswith(('{', '['))
                else text)
    except urllib.error.HTTPError as e:
        text = e.read().decode(errors='replace')
        raise HTTPError(method, url, e.code, text)


class Session:
    """Project-scoped password session against our Keystone."""

    def __init__(self, auth_url, username, password, project,
                 domain='Default'):
        self.auth_url = auth_url.rstrip('/')
        self.username = username
        self.password = password
        self.project = project
        self.domain = domain
        self._token = None
        self._expires = 0
        self.project_id = None

    def token(self):
        if self._token and time.time() < self._expires:
            return self._token
        body = {'auth': {
            'identity': {'methods': ['password'], 'password': {'user': {
                'name': self.username, 'password': self.password,
                'domain': {'name': self.domain}}}},
            'scope': {'project': {'name': self.project,
                                  'domain': {'name': self.domain}}}}}
        _s, headers, data = request('POST', self.auth_url + '/auth/tokens',
                                    body)
        self._token = headers.get('X-Subject-Token') or headers.get(
            'x-subject-token')
        self.project_id = data['token']['project']['id']
        self._expires = time.time() + 1800
        return self._token

    def call(self, method, url, body=None, **kw):
        return request(method, url, body, token=self.token(), **kw)[2]

    def get(self, url, **kw):
        return self.call('GET', url, **kw)

    def post(self, url, body, **kw):
        return self.call('POST', url, body, **kw)

    def put(self, url, body=None, **kw):
        return self.call('PUT', url, body, **kw)

    def delete(self, url, **kw):
        return self.call('DELETE', url, **kw)
