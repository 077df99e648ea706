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

"""What the checks use to talk to the cloud (services venv only).

keystoneauth1 sessions for the APIs, dnspython for BIND9, the
constellation's one polling helper for waits.
"""

import dns.exception
import dns.message
import dns.query
from keystoneauth1 import exceptions as ksa_exc
from keystoneauth1.identity import v3
from keystoneauth1 import session as ksa_session

from constellation import poll
from constellation import render

HttpError = ksa_exc.HttpError
NotFound = ksa_exc.NotFound


class Api:
    """A project-scoped password session with JSON helpers."""

    def __init__(self, ctx, user, password, project):
        self.session = ksa_session.Session(auth=v3.Password(
            auth_url=render.url(ctx, 'keystone', '/v3'), username=user,
            password=password, project_name=project,
            user_domain_name='Default', project_domain_name='Default'))

    @property
    def project_id(self):
        return self.session.get_project_id()

    def call(self, method, url, body=None):
        r = self.session.request(url, method, json=body, raise_exc=True)
        text = r.text.strip()
        return r.json() if text.startswith(('{', '[')) else text

    def get(self, url):
        return self.call('GET', url)

    def post(self, url, body):
        return self.call('POST', url, body)

    def delete(self, url):
        return self.call('DELETE', url)


def lookup(port, name, rtype, host='127.0.0.1'):
    """The answer's records as text (like ``dig +short``); [] on timeout."""
    q = dns.message.make_query(name, rtype)
    try:
        r = dns.query.udp(q, host, port=port, timeout=2)
    except dns.exception.Timeout:
        return []
    return [rd.to_text() for rrset in r.answer for rd in rrset]


def wait(what, fn, timeout, interval=0.5):
    """Poll ``fn`` until truthy (HTTP 404 counts as not yet).

    Returns (value, seconds); raises poll.Timeout naming what was expected,
    the last value seen and how long it waited.
    """
    def check():
        try:
            value = fn()
        except NotFound:
            return False, 'HTTP 404'
        return bool(value), value
    return poll.until(check, what, timeout, interval)
