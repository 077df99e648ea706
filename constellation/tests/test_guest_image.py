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

"""The guest image's pure parts: cpio, module order, cache key, files."""

import gzip
import os
import subprocess

import pytest

from constellation import errors
from constellation import guest_files
from constellation import guest_image


def test_cpio_is_newc_and_reproducible(tmp_path):
    entries = [('init', 0o100755, b'#!/bin/sh\n'), ('bin', 0o040755, b''),
               ('bin/sh', 0o120777, b'/bin/busybox')]
    a = guest_image.cpio_newc(entries)
    assert a == guest_image.cpio_newc(list(reversed(entries)))
    assert a.startswith(b'070701') and b'TRAILER!!!' in a
    assert len(a) % 4 == 0
    cpio = subprocess.run(['which', 'cpio'], capture_output=True).stdout
    if cpio:    # the real cpio reads it back
        out = tmp_path / 'x'
        out.mkdir()
        r = subprocess.run(['cpio', '-idm', '--quiet'], input=a, cwd=out)
        assert r.returncode == 0
        assert (out / 'init').read_bytes() == b'#!/bin/sh\n'
        assert os.readlink(out / 'bin' / 'sh') == '/bin/busybox'
    assert gzip.compress(a, mtime=0) == gzip.compress(a, mtime=0)


def test_modules_load_after_their_dependencies():
    deps = {'virtio_net': ['virtio_ring', 'virtio', 'net_failover'],
            'virtio': ['virtio_ring'], 'net_failover': ['failover'],
            'virtio_ring': [], 'failover': []}
    order = guest_image.load_order(['virtio_net'], deps.get)
    for m, needs in deps.items():
        for d in needs:
            assert order.index(d) < order.index(m)
    assert order[-1] == 'virtio_net'


def test_a_module_cycle_is_named():
    with pytest.raises(errors.Failure, match='a -> b -> a'):
        guest_image.load_order(['a'], {'a': ['b'], 'b': ['a']}.get)


def test_cache_key_follows_package_versions():
    a = guest_image.input_hash({'libc6': '2.36-9', 'busybox-static': '1'})
    assert a == guest_image.input_hash({'busybox-static': '1',
                                        'libc6': '2.36-9'})
    assert a != guest_image.input_hash({'libc6': '2.36-10',
                                        'busybox-static': '1'})


def test_kernel_package_comes_from_the_meta_package():
    def run(cmd):
        assert cmd == ['apt-cache', 'depends', guest_image.KERNEL]
        return ('linux-image-cloud-amd64\n'
                '  Depends: linux-image-6.1.0-57-cloud-amd64\n')
    assert guest_image.kernel_package(run) == \
        'linux-image-6.1.0-57-cloud-amd64'
    with pytest.raises(errors.Failure, match='apt-get update'):
        guest_image.kernel_package(lambda cmd: 'nothing\n')


def test_a_missing_package_is_named():
    def run(cmd):
        return 'busybox-static:\n  Installed: (none)\n  Candidate: (none)\n'
    with pytest.raises(errors.Failure, match='no Debian package '
                       'busybox-static'):
        guest_image.versions(['busybox-static'], run)


def test_guest_boots_to_login_serves_hostname_and_reads_keys():
    files = guest_files.files(['virtio_net'])
    rc = files['etc/rc'][1]
    assert 'insmod /lib/modules/$m.ko' in rc and 'virtio_net' in rc
    assert '-O mtu -O staticroutes' in rc
    assert 'public_keys' in rc and '/root/.ssh/authorized_keys' in rc
    assert 'httpd -p 80 -h /www' in rc
    assert 'getty -L 115200 ttyS0' in files['etc/inittab'][1]
    dhcp = files['etc/udhcpc.sh'][1]
    assert 'staticroutes' in dhcp and 'mtu' in dhcp
    assert 'hostname > /www/index.html' in dhcp
    # a locked password ('!') makes dropbear refuse even a key
    assert files['etc/shadow'][1].startswith('root:*:')


def test_blkid_for_tempest_is_a_script_over_findfs():
    # Debian's busybox-static has no blkid applet: a link to it would be
    # "applet not found" when Tempest mounts the config drive
    assert 'bin/blkid' not in guest_files.APPLETS
    mode, text = guest_files.files([])['bin/blkid']
    assert mode & 0o111 and 'findfs "LABEL=$2"' in text


def test_ipv6_slaac_addresses_survive_dhcp_and_ping6_is_there():
    # Tempest's test_network_v6 waits for the SLAAC address of each IPv6
    # subnet and pings it with ping6: udhcpc's script flushing every
    # family dropped it until the next periodic RA (minutes later)
    dhcp = guest_files.files([])['etc/udhcpc.sh'][1]
    assert 'ip addr flush' not in dhcp
    assert dhcp.count('ip -4 addr flush dev "$interface"') == 2
    assert 'bin/ping6' in guest_files.APPLETS


def test_the_acpi_power_button_powers_the_guest_off():
    # Nova's stop and soft reboot press it, then wait 60 / 120 s
    assert {'button', 'evdev'} <= set(guest_image.MODULES)
    assert 'sbin/acpid' in guest_files.APPLETS
    files = guest_files.files(['button', 'evdev'])
    assert 'acpid -l /dev/console' in files['etc/rc'][1]
    mode, text = files['etc/acpi/PWRF/00000080']
    assert mode & 0o111 and 'poweroff' in text


def test_the_guest_mounts_its_own_disk_where_tempest_writes():
    # test_snapshot_pattern: the root is in RAM, the disk is what a
    # snapshot keeps
    assert {'vfat', 'nls_cp437', 'nls_ascii'} <= set(guest_image.MODULES)
    rc = guest_files.files(['vfat'])['etc/rc'][1]
    assert ('mount -t vfat -o codepage=437,iocharset=ascii /dev/vda %s'
            % guest_files.DISK_DIR) in rc
    assert rc.index('insmod') < rc.index('/dev/vda')
