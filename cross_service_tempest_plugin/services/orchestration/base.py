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

"""Common base of the Heat (orchestration) REST clients.

Heat answers a request on ``/stacks/{name}`` (and on its ``resources``,
``events`` ... sub-paths) with ``302 Found`` to ``/stacks/{name}/{id}``;
outputs, update and delete exist only under ``{name}/{id}``. The clients
never let the HTTP layer follow redirects (urllib3 would repeat a DELETE
or PUT against whatever the Location says, with our token): a redirect is
followed explicitly, for GET only, through the catalog endpoint and the
normal auth path.
"""

import json
from urllib import parse as urlparse

from tempest.lib.common import rest_client
from tempest.lib import exceptions as lib_exc

REDIRECT_CODES = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 3


def quote(value):
    """Quote one path segment (resource names may contain spaces)."""
    return urlparse.quote(str(value), safe='')


def stack_path(stack_name, stack_id=None):
    """``stacks/{name}/{id}``, or ``stacks/{name}`` (redirects) w/o id."""
    if not stack_name:
        raise ValueError('stack_name is required (got %r)' % (stack_name,))
    if stack_id:
        return 'stacks/%s/%s' % (quote(stack_name), quote(stack_id))
    # "name/id" given as one identifier: keep its slash.
    return 'stacks/%s' % '/'.join(quote(p) for p in stack_name.split('/'))


def with_query(url, params):
    if params:
        url += '?%s' % urlparse.urlencode(params, doseq=True)
    return url


def template_text(template):
    """Heat takes the template as YAML/JSON text; dicts are sent as JSON."""
    if isinstance(template, (dict, list)):
        return json.dumps(template)
    return template


class OrchestrationClient(rest_client.RestClient):
    """RestClient for Heat's v1 API.

    The catalog URL already holds v1 and the project id, so no
    ``api_version`` is inserted.
    """

    api_version = None

    def __init__(self, auth_provider, service, region, **kwargs):
        kwargs['follow_redirects'] = False
        super().__init__(auth_provider, service, region, **kwargs)

    def relative_url(self, location):
        """Turn a Location header into a URL relative to our endpoint."""
        loc = urlparse.urlsplit(location)
        base_path = urlparse.urlsplit(self.base_url).path.rstrip('/')
        path = loc.path
        if base_path and path.startswith(base_path + '/'):
            rel = path[len(base_path) + 1:]
        elif '/stacks/' in path:
            # Heat built the Location from a different host URL (proxy,
            # mount point): the part from "stacks/" on is what we need.
            rel = path[path.index('/stacks/') + 1:]
        else:
            raise lib_exc.InvalidHttpSuccessCode(
                'Cannot follow redirect to %r: it is neither under the '
                'orchestration endpoint %r nor a stacks/ URL'
                % (location, self.base_url))
        if loc.query:
            rel += '?' + loc.query
        return rel

    def get_following_redirects(self, url):
        """GET ``url``; follow Heat's name -> name/id redirects."""
        resp, body = self.get(url)
        hops = 0
        while resp.status in REDIRECT_CODES:
            location = resp.get('location')
            if not location:
                raise lib_exc.InvalidHttpSuccessCode(
                    'GET %s answered %s without a Location header'
                    % (url, resp.status))
            hops += 1
            if hops > MAX_REDIRECTS:
                raise lib_exc.InvalidHttpSuccessCode(
                    'GET %s: more than %d redirects (last to %s)'
                    % (url, MAX_REDIRECTS, location))
            url = self.relative_url(location)
            resp, body = self.get(url)
        return resp, body

    def get_json(self, url, expected=200):
        resp, body = self.get_following_redirects(url)
        self.expected_success(expected, resp.status)
        return rest_client.ResponseBody(resp, json.loads(body))

    def send_json(self, method, url, body, expected):
        resp, resp_body = self.request(method, url,
                                       body=json.dumps(body))
        self.expected_success(expected, resp.status)
        if resp_body:
            return rest_client.ResponseBody(resp, json.loads(resp_body))
        return rest_client.ResponseBody(resp)
