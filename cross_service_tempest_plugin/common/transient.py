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

"""Which errors can pass: a service busy or restarting, a connection lost.

Waits retry these within their own deadline and nothing else: an error of
our own code (a TypeError, a KeyError of ours) is raised at once.
"""

import traceback

from tempest.lib import exceptions as lib_exc

# tempest's RestClient reading a 5xx body without the key it expects (a
# service behind a restarting database answers 500 with another body)
_REST_CLIENT = 'tempest/lib/common/rest_client.py'


def _status(exc):
    resp = getattr(exc, 'resp', None)
    try:
        return int(getattr(resp, 'status', None) or 0)
    except (TypeError, ValueError):
        return 0


def is_transient(exc):
    """True when ``exc`` may pass if the call is made again later."""
    if isinstance(exc, (lib_exc.ServerFault, lib_exc.TimeoutException,
                        ConnectionError, TimeoutError)):
        return not isinstance(exc, lib_exc.NotImplemented)
    if isinstance(exc, (lib_exc.UnexpectedResponseCode,
                        lib_exc.InvalidHTTPResponseBody)):
        return _status(exc) >= 500 or _status(exc) == 0
    if isinstance(exc, (KeyError, ValueError)) and exc.__traceback__:
        frames = traceback.extract_tb(exc.__traceback__)
        return bool(frames) and frames[-1].filename.replace(
            '\\', '/').endswith(_REST_CLIENT)
    # urllib3's connection errors (refused, reset) without importing it
    return type(exc).__module__.startswith('urllib3.exceptions')


def is_service_answer(exc):
    """True when ``exc`` is a service's answer (a Tempest client error).

    Such an error that cannot pass (a 403, a 400) fails what was asked at
    once; an error that is neither this nor transient is a bug of ours.
    """
    return isinstance(exc, lib_exc.TempestException)


def describe(exc):
    return '%s: %s' % (type(exc).__name__, str(exc).strip().splitlines()[0]
                       if str(exc).strip() else '')
