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

"""The real profile's guest image, built from Debian packages.

Debian's cloud kernel and an initramfs of busybox-static and dropbear
(with the libraries it links, and the virtio/IDE-cdrom/iso9660 modules
loaded with insmod) on a 32 MiB VFAT disk made bootable by syslinux,
converted to qcow2 (~17 MiB).  Nothing but ``apt-get download`` fetches.
The guest (``guest_files``) takes address, routes (option 121), MTU and
hostname from DHCP, reads its SSH keys from the config drive, answers
HTTP on port 80 with its hostname, and shows ``login:`` on ttyS0.

Reproducible: every file's time is :data:`EPOCH`, the cpio and gzip
streams are written here without times, mkfs.vfat runs with
``--invariant``.  Cached by a hash of its inputs (package names and
versions, this module and the guest's files) under the user's cache.
"""

import gzip
import hashlib
import io
import os
import shutil
import subprocess
import tempfile

from constellation import errors
from constellation import guest_files

Failure = errors.Failure

EPOCH = 1700000000          # every file's mtime in the image
DISK_KIB = 32768
NAME = 'constellation-guest'
# package -> what of it goes into the initramfs (None: handled apart)
KERNEL = 'linux-image-cloud-amd64'
PACKAGES = ('busybox-static', 'dropbear-bin', 'libc6', 'libcrypt1',
            'libtomcrypt1', 'libtommath1', 'libgmp10', 'zlib1g')
LIBS = ('ld-linux-x86-64.so.2', 'libc.so.6', 'libcrypt.so.1',
        'libtomcrypt.so.1', 'libtommath.so.1', 'libgmp.so.10', 'libz.so.1')
# the guest's drivers (modules of the cloud kernel): NIC, disk, the config
# drive's IDE cdrom and iso9660, the ACPI power button and its event
# device (for acpid: Nova's stop and soft reboot press it and wait up to
# 60 / 120 s for the guest to power off), VFAT with the code page and
# character set its own disk is mounted with (guest_files.DISK_DIR);
# their dependencies come from modinfo
MODULES = ('virtio_pci', 'virtio_net', 'virtio_blk', 'ata_piix', 'sr_mod',
           'isofs', 'button', 'evdev', 'vfat', 'nls_cp437', 'nls_ascii')
SYSLINUX_CFG = ('DEFAULT guest\nTIMEOUT 0\nPROMPT 0\nLABEL guest\n'
                '  KERNEL vmlinuz\n  INITRD initrd.gz\n'
                '  APPEND console=ttyS0,115200 quiet loglevel=3 panic=10\n')


def _run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode:
        raise Failure('%s failed (exit %d): %s' % (
            ' '.join(cmd), r.returncode, (r.stderr or r.stdout).strip()),
            service='guest-image')
    return r.stdout


def kernel_package(run=_run):
    """The versioned kernel package the cloud meta-package depends on."""
    for line in run(['apt-cache', 'depends', KERNEL]).splitlines():
        line = line.strip()
        if line.startswith('Depends:') and 'linux-image-' in line:
            return line.split()[1]
    raise Failure('apt-cache depends %s names no linux-image package '
                  '(apt-get update?)' % KERNEL, service='guest-image')


def versions(packages, run=_run):
    """{package: candidate version} from apt-cache policy."""
    out = {}
    for pkg in packages:
        for line in run(['apt-cache', 'policy', pkg]).splitlines():
            line = line.strip()
            if line.startswith('Candidate:'):
                out[pkg] = line.split()[1]
        if out.get(pkg) in (None, '(none)'):
            raise Failure('no Debian package %s to download (apt-get '
                          'update?)' % pkg, service='guest-image')
    return out


def input_hash(pkg_versions):
    h = hashlib.sha256()
    for pkg in sorted(pkg_versions):
        h.update(('%s=%s\n' % (pkg, pkg_versions[pkg])).encode())
    for mod in (__file__, guest_files.__file__):
        with open(mod.replace('.pyc', '.py'), 'rb') as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def cpio_newc(entries):
    """A newc cpio archive of [(path, mode, data or link target)]."""
    out = io.BytesIO()
    ino = 1

    def header(name, mode, size, nlink):
        fields = (ino, mode, 0, 0, nlink, EPOCH, size, 0, 0, 0, 0,
                  len(name) + 1, 0)
        return b'070701' + b''.join(b'%08X' % f for f in fields)

    def pad(n):
        out.write(b'\0' * ((4 - n % 4) % 4))

    for path, mode, data in sorted(entries) + [('TRAILER!!!', 0, b'')]:
        name = path.encode()
        is_dir = mode & 0o170000 == 0o040000
        out.write(header(name, mode, len(data), 2 if is_dir else 1))
        out.write(name + b'\0')
        pad(110 + len(name) + 1)
        out.write(data)
        pad(len(data))
        ino += 1
    return out.getvalue()


def tree_entries(root):
    """[(path, mode, data)] of a directory tree, for :func:`cpio_newc`."""
    entries = []
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            st = os.lstat(full)
            if os.path.islink(full):
                entries.append((rel, 0o120777, os.readlink(full).encode()))
            elif os.path.isdir(full):
                entries.append((rel, 0o040000 | (st.st_mode & 0o7777), b''))
            else:
                with open(full, 'rb') as f:
                    entries.append((rel, 0o100000 | (st.st_mode & 0o7777),
                                    f.read()))
    return entries


def _resolve(tree, path):
    """``path``'s target inside ``tree`` (absolute links stay in it)."""
    for _ in range(10):
        if not os.path.islink(path):
            return path
        target = os.readlink(path)
        path = os.path.join(tree, target.lstrip('/')) if os.path.isabs(
            target) else os.path.join(os.path.dirname(path), target)
    raise Failure('%s: too many links' % path, service='guest-image')


def _find(tree, name):
    for dirpath, _dirs, files in os.walk(tree):
        if name in files:
            return os.path.join(dirpath, name)
    raise Failure('%s not found in the extracted packages' % name,
                  service='guest-image')


def load_order(wanted, depends):
    """``wanted`` with their dependencies, each after what it needs."""
    order = []

    def visit(m, path=()):
        if m in order:
            return
        if m in path:
            raise Failure('module dependency cycle: %s' % ' -> '.join(
                path + (m,)), service='guest-image')
        for d in depends(m):
            visit(d, path + (m,))
        order.append(m)
    for m in wanted:
        visit(m)
    return order


def _modinfo_depends(mods):
    def depends(m):
        out = _run(['modinfo', '-F', 'depends', _find(mods, m + '.ko')])
        return [d for d in out.strip().split(',') if d]
    return depends


def _rootfs(work, kver, debs):
    ext = os.path.join(work, 'ext')
    for deb in debs:
        _run(['dpkg-deb', '-x', deb, ext])
    root = os.path.join(work, 'root')
    for d in ('bin', 'sbin', 'etc', 'proc', 'sys', 'dev', 'run', 'tmp',
              'root', 'mnt/config', 'www', 'var/run', 'lib/modules',
              'lib/x86_64-linux-gnu', 'lib64', 'usr/sbin', 'usr/bin',
              'etc/dropbear'):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy2(os.path.join(ext, 'bin', 'busybox'),
                 os.path.join(root, 'bin', 'busybox'))
    for tool in ('dropbear',):
        shutil.copy2(_find(ext, tool), os.path.join(root, 'usr', 'sbin',
                                                    tool))
    for lib in LIBS:
        src = _resolve(ext, _find(ext, lib))
        dst = 'lib64' if lib.startswith('ld-linux') else \
            'lib/x86_64-linux-gnu'
        shutil.copy(src, os.path.join(root, dst, lib))
    mods = os.path.join(ext, 'lib', 'modules', kver)
    order = load_order(MODULES, _modinfo_depends(mods))
    for m in order:
        src = _find(mods, m + '.ko')
        shutil.copy(src, os.path.join(root, 'lib', 'modules', m + '.ko'))
    for rel, (mode, text) in guest_files.files(order).items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(text)
        os.chmod(path, mode)
    for applet in guest_files.APPLETS:
        link = os.path.join(root, applet)
        if not os.path.lexists(link):
            os.symlink('/bin/busybox', link)
    kernel = _find(os.path.join(ext, 'boot'), 'vmlinuz-' + kver)
    return root, kernel


def build(out_dir, run=_run, log=lambda m: None):
    """Build (or find cached) the qcow2 under ``out_dir``; its path."""
    kpkg = kernel_package(run)
    pkgs = versions((kpkg,) + PACKAGES, run)
    key = input_hash(pkgs)
    final = os.path.join(out_dir, key, NAME + '.qcow2')
    if os.path.exists(final):
        return final, 'cached (%s)' % key
    kver = kpkg[len('linux-image-'):]
    with tempfile.TemporaryDirectory(prefix='guest-image.') as work:
        debdir = os.path.join(work, 'debs')
        os.makedirs(debdir)
        os.chmod(work, 0o755)
        run(['apt-get', 'download', '-q'] + ['%s=%s' % kv for kv in sorted(
            pkgs.items())], cwd=debdir)
        debs = sorted(os.path.join(debdir, f) for f in os.listdir(debdir))
        root, kernel = _rootfs(work, kver, debs)
        initrd = gzip.compress(cpio_newc(tree_entries(root)), 9, mtime=0)
        boot = os.path.join(work, 'boot')
        os.makedirs(boot)
        for name, data in (('initrd.gz', initrd),
                           ('syslinux.cfg', SYSLINUX_CFG.encode())):
            with open(os.path.join(boot, name), 'wb') as f:
                f.write(data)
        shutil.copy(kernel, os.path.join(boot, 'vmlinuz'))
        for name in os.listdir(boot):
            os.utime(os.path.join(boot, name), (EPOCH, EPOCH))
        raw = os.path.join(work, 'disk.raw')
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH), TZ='UTC',
                   MTOOLS_SKIP_CHECK='1')
        run(['mkfs.vfat', '--invariant', '-i', '0c5e1a7e', '-n', 'CSTGUEST',
             '-C', raw, str(DISK_KIB)], env=env)
        run(['mcopy', '-m', '-i', raw] + [os.path.join(boot, n) for n in (
            'vmlinuz', 'initrd.gz', 'syslinux.cfg')] + ['::'], env=env)
        run(['syslinux', '--install', raw], env=env)
        os.makedirs(os.path.dirname(final), exist_ok=True)
        tmp = final + '.tmp'
        run(['qemu-img', 'convert', '-f', 'raw', '-O', 'qcow2', raw, tmp])
        os.replace(tmp, final)
        with open(os.path.join(os.path.dirname(final), 'inputs.txt'),
                  'w') as f:
            f.write(''.join('%s=%s\n' % kv for kv in sorted(pkgs.items())))
    return final, 'built (%s: %s)' % (key, ', '.join(
        '%s=%s' % kv for kv in sorted(pkgs.items())))
