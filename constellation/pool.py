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

"""Designate's pool (BIND9 behind mdns) and Nova's cell host mapping."""

import hashlib
import time

from constellation import bootstrap
from constellation import database
from constellation import poll
from constellation import render
from constellation import render_dns


def pool_hash(st):
    try:
        with open(st.etc('designate', 'pools.yaml'), 'rb') as f:
            return hashlib.sha256(f.read()).hexdigest()[:16]
    except FileNotFoundError:
        return None


CENTRAL_BEAT = ("SELECT MAX(heartbeated_at) FROM designate.service_statuses "
                "WHERE service_name = 'central';\n")


def wait_central_rpc(st, since, timeout=90):
    """designate-central consumes its RPC queue (started at ``since``).

    Its heartbeat travels over RPC to central itself: a heartbeat newer
    than ``since`` in Designate's database means the queue exists.  A
    call sent before that would be dropped by RabbitMQ and hang for the
    RPC timeout (so neither `pool update` nor the producer may go first).
    """
    limit = time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(since))

    def beat():
        lines = database.mysql(st, CENTRAL_BEAT).split('\n')
        seen = lines[1].strip() if len(lines) > 1 else ''
        return seen[:19] >= limit and seen != 'NULL', (
            'last central heartbeat %s (started %s UTC)' % (
                seen or 'none', limit))

    text, _t = poll.until(beat, 'designate-central heartbeat over RPC',
                          timeout, interval=0.5, service='designate-central')
    return text


def designate_pool(st, sup):
    """Load pools.yaml into Designate when it changed."""
    h = pool_hash(st)
    if st.marker('designate_pool') == h:
        return 'unchanged'
    load_pools(st, sup)
    st.set_marker('designate_pool', h)
    return 'updated'


def load_pools(st, sup, delete=False):
    """`designate-manage pool update` with the state dir's pools.yaml.

    ``delete``: pools that are not in the file are deleted (restores the
    constellation's pools after a test replaced them).
    """
    database.manage(st, 'designate-manage', [
        st.bin('designate-manage'), '--config-file',
        st.etc('designate', 'designate.conf'), 'pool', 'update',
        '--file', st.etc('designate', 'pools.yaml')] + (
            ['--delete'] if delete else []), timeout=120)
    # the worker caches every pool it loaded (designate.worker.service.
    # Service.get_pool, never refreshed): restart it if it already runs
    if sup.statename('designate-worker') == 'RUNNING':
        sup.stop('designate-worker')
        sup.rpc().startProcess('designate-worker', True)


def pool_tsigkeys(ctx):
    """The TSIG keys (scope POOL) of the non-default pools, in Designate.

    Central refuses a zone on a non-default pool without one, and mdns
    serves a transfer signed with it that pool's zones (render_dns.POOLS;
    the same key is in that pool's BIND9 config). Idempotent: a key with
    the right secret and pool is kept, any other of that name replaced.
    """
    s = bootstrap.admin_session(ctx)
    url = render.url(ctx, 'designate', '/v2/tsigkeys')
    done = []
    for pool_id, name, secret in render_dns.tsig_keys(ctx):
        found = s.get('%s?name=%s' % (url, name))['tsigkeys']
        want = {'name': name, 'algorithm': render_dns.TSIG_ALGORITHM,
                'secret': secret, 'scope': 'POOL', 'resource_id': pool_id}
        if found and all(found[0].get(k) == v for k, v in want.items()):
            done.append('%s (kept)' % name)
            continue
        for old in found:
            s.delete('%s/%s' % (url, old['id']))
        s.post(url, want)
        done.append('%s (created)' % name)
    return 'TSIG keys of the pools: %s' % ', '.join(done)


def discover_hosts(ctx, timeout=120):
    """Wait for the compute host to be mapped into cell1.

    nova-scheduler's periodic discovery (``discover_hosts_in_cells_
    interval``, every ``render.DISCOVER_HOSTS_INTERVAL`` s) maps it, as
    ``nova-manage cell_v2 discover_hosts`` would: that command's process
    spent 4-5 s importing Nova on a first ``up``, one core's work while
    the other waited.  The hypervisor list of Nova's API shows a compute
    node only once its host is mapped.
    """
    def mapped():
        return (bootstrap.hypervisor_mapped(ctx),
                'no hypervisor listed by GET /os-hypervisors')

    poll.until(mapped, 'the compute host mapped to cell1 by nova-scheduler '
               '(discover_hosts_in_cells_interval = %d)'
               % render.DISCOVER_HOSTS_INTERVAL, timeout, interval=0.5,
               service='nova-scheduler')
