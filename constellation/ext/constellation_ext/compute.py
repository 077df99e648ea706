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

"""nova-compute with a fake guest that looks booted.

Nova's fake virt driver answers a console log request with three fixed
lines.  Tests that wait for a guest to be ready look for a login prompt
in the console (``login:``) and would spend their whole timeout.  The
driver here keeps every behaviour of ``FakeDriverWithoutFakeNodes`` and
answers with what a cloud image's serial console shows once booted:
kernel lines, cloud-init's network table (the server's real addresses)
and a login prompt with the server's hostname.

Nova loads ``compute_driver`` only from the ``nova.virt`` package
(``nova.virt.<compute_driver>``), so ``main`` -- the
``constellation-nova-compute`` command -- makes this module importable as
``nova.virt.constellation_fake`` and then runs nova-compute's own main.
``compute_driver = constellation_fake.BootedFakeDriver`` selects it.
It also sends nova-compute's first heartbeat as soon as it has joined
and pings nova-conductor every second until it answers (see ``main``).
"""

import sys

from constellation_ext import defaults

ALIAS = 'nova.virt.constellation_fake'
DRIVER = 'constellation_fake.BootedFakeDriver'

# nova-compute pings nova-conductor before it serves (nova/service.py):
# nova.conductor.api.API.wait_until_ready tries ten times with a 10 s
# timeout (constants). A ping sent before the conductor's queue exists is
# dropped by RabbitMQ, so a compute started beside its conductor waited
# 10 s for nothing ("Timed out waiting for nova-conductor" in every up).
# A hundred tries of 1 s: the same 100 s before the RPC timeout applies.
PING = (('early_timeout', 1, 10), ('early_attempts', 100, 10))

BANNER = 'Constellation fake guest (Nova fake virt driver, no real VM)'


def _addresses(instance):
    try:
        nw_info = instance.get_network_info()
    except Exception:  # an instance without its info cache
        return []
    rows = []
    for vif in nw_info or []:
        for ip in vif.fixed_ips():
            rows.append((vif.get('devname') or 'eth%d' % len(rows),
                         ip['address'], vif.get('address') or ''))
    return rows


def console_log(instance):
    """The console text of a booted cloud image, ending with login:."""
    host = instance.hostname or 'localhost'
    lines = [
        '[    0.000000] Linux version 6.1.0-constellation (fake kernel)',
        '[    0.000000] Command line: console=ttyS0 root=LABEL=rootfs',
        '[    0.412345] Run /sbin/init as init process',
        '[    1.023456] cloud-init[211]: Cloud-init v. 24.1 running '
        "'init' at boot. Up 1.02 seconds.",
        '[    1.034567] cloud-init[211]: ci-info: ++++++++++++++++++++'
        'Net device info++++++++++++++++++++',
        '[    1.045678] cloud-init[211]: ci-info: | Device |  Up  | '
        'Address | Hw-Address |',
    ]
    for dev, addr, mac in _addresses(instance):
        lines.append('[    1.056789] cloud-init[211]: ci-info: | %s | True '
                     '| %s | %s |' % (dev, addr, mac))
    lines += [
        '[    1.234567] cloud-init[298]: Cloud-init v. 24.1 finished. '
        'Datasource DataSourceOpenStack.  Up 1.23 seconds',
        '',
        BANNER,
        '%s ttyS0' % host,
        '',
        '%s login: ' % host,
    ]
    return '\n'.join(lines)


def _driver_module():
    from nova.virt import fake

    class BootedFakeDriver(fake.FakeDriverWithoutFakeNodes):
        """The single-node fake driver; its console shows a booted OS."""

        def get_console_output(self, context, instance):
            return console_log(instance)

    module = type(sys)(ALIAS)
    module.BootedFakeDriver = BootedFakeDriver
    return module


def quick_conductor_ping(api_class):
    """``api_class.wait_until_ready`` with :data:`PING`'s defaults.

    All or nothing: a default that is not the expected one leaves the
    function as it was and raises ``defaults.DefaultError``.
    """
    function = api_class.wait_until_ready
    original = function.__defaults__
    try:
        for name, value, expected in PING:
            function.__defaults__ = defaults.with_default(
                function, name, value, expected,
                "Nova's conductor API changed; see constellation_ext/"
                "compute.py")
    except defaults.DefaultError:
        function.__defaults__ = original
        raise


def main():
    # nova's compute command applies its monkey patching on import; it
    # must come before anything else of nova is imported
    from nova.cmd import compute as nova_compute
    import nova.virt

    from nova.servicegroup import api as servicegroup

    module = _driver_module()
    sys.modules[ALIAS] = module
    nova.virt.constellation_fake = module
    # Nova's DB servicegroup driver sends the first heartbeat
    # INITIAL_REPORTING_DELAY (5 s, a constant) after the service joined,
    # i.e. after init_host and the first resource update: `up` and
    # `restart` wait for that heartbeat (a compute whose last heartbeat is
    # older than service_down_time is not scheduled to), so it is sent at
    # once; later ones keep [DEFAULT] report_interval.
    servicegroup.INITIAL_REPORTING_DELAY = 0
    from nova.conductor import api as conductor_api
    try:
        quick_conductor_ping(conductor_api.API)
    except defaults.DefaultError as exc:
        sys.exit('constellation_ext.compute: %s' % exc)
    return nova_compute.main()
