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

"""The files of the guest's initramfs (busybox init, DHCP, SSH, HTTP).

Boot: busybox ``init`` runs ``/etc/rc``: the modules, ``acpid`` (the ACPI
power button powers off), ``udhcpc`` (address, MTU, option 121 routes or
the router, hostname; IPv4 only: IPv6 addresses are the kernel's SLAAC
from OVN's router advertisements), the config drive's
``public_keys`` into root's authorized_keys, dropbear on 22, busybox httpd
on 80 serving ``/www/index.html`` (the hostname: DHCP's if it sends one,
then the config drive's, which is Nova's: Neutron's OVN DHCP sends none),
then a getty on ttyS0 (``<hostname> login:``).
"""

APPLETS = ('sbin/init', 'bin/sh', 'sbin/getty', 'sbin/udhcpc', 'bin/mount',
           'sbin/insmod', 'sbin/ip', 'bin/hostname', 'bin/cat', 'bin/sed',
           'bin/grep', 'bin/mkdir', 'bin/ls', 'bin/ps', 'bin/uname',
           'bin/echo', 'bin/tr', 'bin/chmod', 'bin/sleep', 'bin/umount',
           'usr/sbin/httpd', 'bin/ping', 'bin/ping6', 'bin/nc', 'bin/wget',
           'bin/df', 'bin/dmesg', 'sbin/reboot', 'sbin/poweroff', 'bin/cut',
           'bin/head', 'bin/tail', 'bin/awk', 'bin/free', 'bin/nslookup',
           'bin/id', 'bin/whoami', 'bin/dd', 'bin/rm', 'bin/cp', 'bin/mv',
           'bin/touch', 'bin/ifconfig', 'sbin/route', 'bin/wc', 'bin/sort',
           'bin/xargs', 'bin/find', 'bin/stat', 'bin/date', 'bin/sync',
           'bin/test', 'bin/[', 'bin/printf', 'bin/env',
           'bin/vi', 'bin/less', 'bin/md5sum', 'bin/sha256sum', 'bin/uptime',
           'bin/ln', 'bin/true', 'bin/false', 'bin/kill', 'sbin/arp',
           'bin/netstat', 'bin/hexdump', 'bin/od', 'bin/dirname',
           'bin/basename', 'bin/expr', 'bin/seq', 'bin/login',
           'sbin/acpid')

# where the guest mounts its own disk (the VFAT boot disk, which a Nova
# snapshot copies): what Tempest writes there ([scenario] target_dir)
# outlives the guest, unlike the initramfs root in RAM
DISK_DIR = '/mnt/disk'

INITTAB = """::sysinit:/etc/rc
ttyS0::respawn:/sbin/getty -L 115200 ttyS0 vt100
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/umount -a -r
"""

RC = r"""#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
say() { echo "constellation-guest: $*" > /dev/console; }
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
for m in %(modules)s; do
    insmod /lib/modules/$m.ko > /dev/console 2>&1 || say "insmod $m: failed"
done
say "modules loaded"
n=0
while [ ! -b /dev/vda ] && [ $n -lt 30 ]; do sleep 0.1; n=$((n+1)); done
mkdir -p %(disk_dir)s
if mount -t vfat -o codepage=437,iocharset=ascii /dev/vda %(disk_dir)s; then
    say "disk /dev/vda on %(disk_dir)s"
else
    say "disk /dev/vda: not mounted"
fi
# the ACPI power button (Nova's stop, soft reboot, shelve...) powers off:
# busybox acpid runs /etc/acpi/PWRF/00000080 on its event
acpid -l /dev/console
hostname localhost
ip link set lo up
n=0
while [ ! -e /sys/class/net/eth0 ] && [ $n -lt 50 ]; do
    sleep 0.1; n=$((n+1))
done
ip link set eth0 up
# the pid file where Tempest's renew_lease looks (SIGUSR1 renews)
udhcpc -i eth0 -s /etc/udhcpc.sh -t 20 -T 1 -A 2 -b -O mtu -O staticroutes \
    -p /var/run/udhcpc.eth0.pid > /dev/console 2>&1
n=0
while [ ! -b /dev/sr0 ] && [ $n -lt 30 ]; do sleep 0.1; n=$((n+1)); done
mkdir -p /root/.ssh && chmod 700 /root/.ssh
for dev in /dev/sr0 /dev/sr1 /dev/vdb; do
    [ -b $dev ] || continue
    if mount -t iso9660 -o ro $dev /mnt/config 2>/dev/null; then
        md=/mnt/config/openstack/latest/meta_data.json
        if [ -f $md ]; then
            tr -d '\n' < $md | grep -o '"public_keys": *{[^}]*}' \
                | grep -o '"\(ssh-\|ecdsa-\)[^"]*"' | tr -d '"' \
                | sed 's/\\n$//' > /root/.ssh/authorized_keys
            chmod 600 /root/.ssh/authorized_keys
            say "$(wc -l < /root/.ssh/authorized_keys) ssh key(s) from" \
                "the config drive"
            # Nova's hostname (Nova requires a port's dns_name to equal it)
            h=$(tr -d '\n' < $md | grep -o '"hostname": *"[^"]*"' \
                | sed 's/^"hostname": *"\([^".]*\).*/\1/')
            if [ -n "$h" ]; then
                hostname "$h"
                hostname > /www/index.html
                say "hostname $h from the config drive"
            fi
        fi
        break
    fi
done
/usr/sbin/dropbear -R -p 22
httpd -p 80 -h /www
say "sshd on 22, http on 80"
"""

UDHCPC = r"""#!/bin/sh
# udhcpc's script: address, MTU, routes (option 121 first), hostname
case "$1" in
deconfig)
    # IPv4 only: an IPv6 subnet's address comes from the kernel's SLAAC
    # (router advertisements, as OVN sends them), and a flush of every
    # family would drop it (and the link-local) until the next periodic
    # RA, minutes later
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up
    ;;
bound|renew)
    [ -n "$mtu" ] && ip link set "$interface" mtu "$mtu"
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    if [ -n "$staticroutes" ]; then
        set -- $staticroutes
        while [ $# -ge 2 ]; do
            ip route replace "$1" via "$2" dev "$interface"
            shift 2
        done
    elif [ -n "$router" ]; then
        for r in $router; do
            ip route replace default via "$r" dev "$interface"
            break
        done
    fi
    : > /etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf; done
    [ -n "$domain" ] && echo "search $domain" >> /etc/resolv.conf
    if [ -n "$hostname" ]; then
        hostname "${hostname%%.*}"
    fi
    hostname > /www/index.html
    echo "constellation-guest: $ip/$mask mtu ${mtu:-?}" \
        "routes [${staticroutes:-default via $router}]" \
        "hostname $(hostname)" > /dev/console
    ;;
esac
exit 0
"""

# Debian's busybox-static has no blkid applet; Tempest's
# mount_config_drive asks ``blkid -L config-2 -o device``: busybox's
# findfs answers that (same volume-id code, iso9660 and vfat labels)
BLKID = r"""#!/bin/sh
if [ "$1" = "-L" ]; then
    exec busybox findfs "LABEL=$2"
fi
echo "blkid: only -L LABEL [-o device] here" >&2
exit 2
"""

SUDO = """#!/bin/sh
# the guest runs everything as root: sudo runs its command
[ "$1" = "-n" ] && shift
exec "$@"
"""


def files(modules):
    """{path in the initramfs: (mode, text)}."""
    return {
        'init': (0o755, '#!/bin/sh\nexec /sbin/init\n'),
        'etc/inittab': (0o644, INITTAB),
        'etc/rc': (0o755, RC % {'modules': ' '.join(modules),
                                'disk_dir': DISK_DIR}),
        'etc/udhcpc.sh': (0o755, UDHCPC),
        'etc/passwd': (0o644, 'root:x:0:0:root:/root:/bin/sh\n'),
        'etc/shadow': (0o600, 'root:*:19000:0:99999:7:::\n'),
        'etc/group': (0o644, 'root:x:0:\n'),
        'etc/shells': (0o644, '/bin/sh\n'),
        'etc/issue': (0o644, 'Constellation guest (Debian kernel, busybox, '
                             'dropbear)\n'),
        'etc/hosts': (0o644, '127.0.0.1 localhost\n'),
        'usr/bin/sudo': (0o755, SUDO),
        'etc/acpi/PWRF/00000080': (0o755, '#!/bin/sh\npoweroff\n'),
        'bin/blkid': (0o755, BLKID),
        'www/index.html': (0o644, 'localhost\n'),
    }
