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

"""Is a program healthy: its port, its HTTP answer, its service list."""

import os
import socket
import time

from constellation import bootstrap
from constellation import dataplane
from constellation import ports as portmod
from constellation import render
from constellation import rest


def http_check(port):
    try:
        st, _h, _b = rest.request('GET', 'http://127.0.0.1:%d/' % port,
                                  timeout=10)
        return True, 'HTTP %d on :%d' % (st, port)
    except rest.HTTPError as e:
        return e.status < 500, 'HTTP %d on :%d' % (e.status, port)
    except OSError as e:
        return False, 'no answer on :%d (%s)' % (port, e)


def socket_check(path, statename):
    """A data-plane program: its unix socket accepts a connection."""
    st = statename()
    if st != 'RUNNING':
        return False, 'supervisor: %s' % st
    if path is None:
        return True, 'supervisor: RUNNING'
    if not os.path.exists(path):
        return False, 'no socket %s yet' % path
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect(path)
    except OSError as e:
        return False, 'socket %s: %s' % (path, e)
    finally:
        s.close()
    return True, 'answering on %s' % os.path.basename(path)


def health(ctx, prog, statename, quick=False, lists=None):
    """(ok, text) for one program.

    ``statename()`` gives supervisor's state of the program; ``quick``
    trusts it for RPC services (no service-list round trip); ``lists`` is
    a :func:`service_lists` result to reuse.
    """
    if prog.check == 'socket':
        return socket_check(dataplane.socket_of(ctx, prog.name), statename)
    if prog.check in ('tcp', 'http') or quick and prog.port:
        port = ctx['ports'][prog.port] if prog.port else None
        if prog.check == 'http':
            return http_check(port)
        if portmod.tcp_open(port):
            return True, 'listening on :%d' % port
        return False, 'nothing listening on :%d' % port
    if quick:
        st = statename()
        return st == 'RUNNING', 'supervisor: %s' % st
    lists = lists if lists is not None else service_lists(ctx)
    entry = lists.get(prog.check, {}).get(prog.name)
    if entry is None:
        return False, 'not in %s service list' % prog.check
    return entry[0], entry[1]


def reported_since(ctx, prog, since):
    """(ok, text): prog's service-list heartbeat is newer than ``since``."""
    entry = service_lists(ctx).get(prog.check, {}).get(prog.name)
    if not entry or not entry[0] or not entry[2]:
        return False, entry[1] if entry else 'not listed'
    stamp = entry[2].replace('T', ' ').split('.')[0].rstrip('Z')
    limit = time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(since))
    return stamp >= limit, '%s (heartbeat %s, restarted %s)' % (
        entry[1], stamp, limit)


def _nova(s, ctx, out):
    for x in s.get(render.url(ctx, 'nova', '/v2.1/os-services'),
                   timeout=10)['services']:
        out[x['binary']] = (
            x['state'] == 'up' and x['status'] == 'enabled',
            'nova service list: %s/%s' % (x['state'], x['status']),
            x.get('updated_at'))


def _designate(s, ctx, out):
    for x in s.get(render.url(ctx, 'designate', '/v2/service_statuses'),
                   timeout=10)['service_statuses']:
        out['designate-' + x['service_name']] = (
            x['status'] == 'UP',
            'designate service list: %s (heartbeat %s)' % (
                x['status'], x.get('heartbeated_at')),
            x.get('heartbeated_at'))


def _heat(s, ctx, out):
    for x in s.get(render.url(ctx, 'heat', '/v1/%s/services'
                              % s.project_id), timeout=10)['services']:
        if x['status'] == 'up':
            prev = out.get('heat-engine')
            if not prev or not prev[0] or (prev[2] or '') < (
                    x.get('updated_at') or ''):
                out['heat-engine'] = (True, 'heat service list: up',
                                      x.get('updated_at'))
        else:
            out.setdefault('heat-engine', (
                False, 'heat service list: %s' % x['status'], None))


def service_lists(ctx):
    """{nova|designate|heat: {program: (ok, text, heartbeat)}}."""
    try:
        s = bootstrap.admin_session(ctx)
        s.token()
    except Exception as e:
        return {'error': str(e)}
    out = {}
    for name, fn in (('nova', _nova), ('designate', _designate),
                     ('heat', _heat)):
        out[name] = {}
        try:
            fn(s, ctx, out[name])
        except Exception as e:
            out[name]['error'] = str(e)
    return out
