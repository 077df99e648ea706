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

"""A fake HTTP layer for the orchestration clients (no cloud needed).

Only ``http_obj.request`` (the urllib3 boundary) is replaced: the real
RestClient request/response checking, error mapping and our redirect
handling all run.
"""

import json

from tempest.tests.lib import fake_http

BASE_URL = 'http://127.0.0.1:8004/v1/project-1'


class FakeAuthProvider(object):
    """Joins the catalog base URL like tempest.lib.auth does."""

    def __init__(self, base_url=BASE_URL):
        self._base_url = base_url
        self.credentials = None

    def auth_request(self, method, url, headers=None, body=None,
                     filters=None):
        headers = dict(headers or {}, **{'X-Auth-Token': 'fake-token'})
        return '%s/%s' % (self._base_url, url), headers, body

    def base_url(self, filters, auth_data=None):
        return self._base_url

    def get_token(self):
        return 'fake-token'


class FakeHTTP(object):
    """Records requests and answers them from a script of responses."""

    def __init__(self, *responses):
        self.responses = list(responses)
        self.requests = []

    def request(self, url, method, headers=None, body=None, chunked=False,
                preload_content=True):
        self.requests.append({'method': method, 'url': url,
                              'headers': headers,
                              'body': json.loads(body) if body else None})
        if not self.responses:
            raise AssertionError('unexpected request %s %s' % (method, url))
        status, headers, body = self.responses.pop(0)
        headers = dict({'content-type': 'application/json'}, **headers)
        if not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        return fake_http.fake_http_response(headers, status=status), body

    def calls(self):
        return [(r['method'], r['url']) for r in self.requests]


def response(status, body='', **headers):
    return status, headers, body


def redirect(location, status=302):
    return status, {'location': location,
                    'content-type': 'text/plain'}, ''


def make_client(client_class, *responses, base_url=BASE_URL, **kwargs):
    client = client_class(FakeAuthProvider(base_url), 'orchestration',
                          'RegionOne', **kwargs)
    client.http_obj = FakeHTTP(*responses)
    return client
