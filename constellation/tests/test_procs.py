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

"""Which processes are ours (fake /proc tables, and real processes)."""

import os
import subprocess
import sys

from constellation import procs
from constellation import services


def _fake_proc(root, pid, cmdline, environ=b'', ppid=1):
    d = root / str(pid)
    d.mkdir(parents=True)
    # a title set by setproctitle is one argument with spaces; plain argv
    # is NUL-separated: tests write the latter with '|'
    (d / 'cmdline').write_bytes(cmdline.replace('|', '\0').encode())
    (d / 'environ').write_bytes(environ)
    (d / 'stat').write_text('%d (x) S %d 0' % (pid, ppid))
    return d


def test_supervisord_status_classifies_pidfile(tmp_path):
    proc = tmp_path / 'proc'
    proc.mkdir()
    pidfile = tmp_path / 'supervisord.pid'
    conf = '/s/etc/supervisord.conf'
    assert procs.supervisord_status(str(pidfile), conf, str(proc)) == (
        'absent', None)
    pidfile.write_text('4242\n')
    # pid gone -> stale
    assert procs.supervisord_status(str(pidfile), conf, str(proc)) == (
        'stale', 4242)
    # pid reused by something else -> stale
    _fake_proc(proc, 4242, '/usr/bin/vim|notes')
    assert procs.supervisord_status(str(pidfile), conf, str(proc))[0] == \
        'stale'
    # our supervisord -> running
    (proc / '4242' / 'cmdline').write_bytes(
        ('/v/bin/python|/v/bin/supervisord|-c|' + conf).replace(
            '|', '\0').encode())
    assert procs.supervisord_status(str(pidfile), conf, str(proc)) == (
        'running', 4242)
    pidfile.write_text('garbage')
    assert procs.supervisord_status(str(pidfile), conf, str(proc))[0] == \
        'stale'


def test_ours_by_mark_title_or_program_and_their_children(tmp_path):
    proc = tmp_path / 'proc'
    mark = ('%s=/a' % services.MARK).encode()
    _fake_proc(proc, 10, '/a/venv/bin/gunicorn', b'PATH=/bin\0' + mark)
    _fake_proc(proc, 11, 'beam.smp', ('%s=/b' % services.MARK).encode())
    _fake_proc(proc, 12, 'bash', b'HOME=/root\0')
    # title rewritten (environ clobbered) but it names the root
    _fake_proc(proc, 13, 'gunicorn: master [constellation-x@/a]')
    # a worker whose title hides everything: found as a child of 13
    _fake_proc(proc, 14, 'gunicorn: worker', ppid=13)
    _fake_proc(proc, 15, 'vim|/ab/notes')
    # clients of the constellation are not ours: `constellation env`
    # exports CONSTELLATION_STATE_DIR, and they name files under the root
    _fake_proc(proc, 16, 'bash|tools/run-scenario-job.sh',
               b'CONSTELLATION_STATE_DIR=/a\0')
    _fake_proc(proc, 17, 'python|leak_check.py|--config|/a/tempest/t.conf')
    # an oslo.service master names its venv and config
    _fake_proc(proc, 18, 'nova-compute: master process [/a/venv/bin/nova-'
                         'compute --config-file /a/etc/nova/nova.conf]')
    _fake_proc(proc, 19, '/a/venv/bin/python|/a/venv/bin/heat-engine|'
                         '--config-file|/a/etc/heat/heat.conf')
    _fake_proc(proc, 20, '/usr/sbin/mariadbd|--defaults-file=/a/etc/mysql/'
                         'my.cnf')
    assert procs.our_processes('/a', proc=str(proc), me=99999) == [
        10, 13, 14, 18, 19, 20]
    assert procs.our_processes('/b', proc=str(proc), me=99999) == [11]


def test_an_operators_reader_of_our_files_is_never_ours(tmp_path):
    proc = tmp_path / 'proc'
    for pid, cmd in (
            (30, 'less|/a/etc/nova/nova.conf'),
            (31, 'tail|-f|/a/logs/nova-compute.log'),
            (32, '/a/venv/bin/python|/a/venv/bin/openstack|server|list'),
            (33, '/a/venv/bin/python|/a/venv/bin/nova-manage|--config-file'
                 '|/a/etc/nova/nova.conf|cell_v2|list_cells'),
            (34, 'named-checkconf|/a/etc/bind/named.conf'),
            (35, 'grep|-r|constellation-keystone@/a|/a/logs')):
        _fake_proc(proc, pid, cmd)
    _fake_proc(proc, 36, 'sh|-c|lesspipe', ppid=30)  # the reader's child
    assert procs.our_processes('/a', proc=str(proc), me=99999) == []


def test_supervisord_pid_brings_its_descendants(tmp_path):
    proc = tmp_path / 'proc'
    _fake_proc(proc, 40, '/v/bin/python|/v/bin/supervisord|-c|/a/etc/s.c')
    _fake_proc(proc, 41, 'epmd|-port|25003', ppid=40)
    _fake_proc(proc, 42, 'erl_child_setup', ppid=41)
    assert procs.our_processes('/a', proc=str(proc), me=99999,
                               supervisord=40) == [40, 41, 42]


def test_never_the_callers_ancestors(tmp_path):
    proc = tmp_path / 'proc'
    me = 4321
    mark = ('%s=/a' % services.MARK).encode()
    # the caller was (wrongly) started by a process carrying the mark
    _fake_proc(proc, 20, '/a/venv/bin/python|/a/venv/bin/supervisord|-c|'
                         '/a/etc/s.conf', mark)
    _fake_proc(proc, me, 'python|-m|constellation|down', mark, ppid=20)
    assert procs.our_processes('/a', proc=str(proc), me=me) == []


def test_real_processes_foreign_reader_spared_marked_one_found(tmp_path):
    root = str(tmp_path / 'st')
    conf = os.path.join(root, 'etc', 'nova', 'nova.conf')
    # an operator's reader: its argv names our config
    reader = subprocess.Popen(
        [sys.executable, '-c', 'import sys; sys.stdin.read()', conf],
        stdin=subprocess.PIPE)
    # a program supervisord started carries the mark
    ours = subprocess.Popen(
        [sys.executable, '-c', 'import sys; sys.stdin.read()'],
        stdin=subprocess.PIPE,
        env=dict(os.environ, **{services.MARK: root}))
    try:
        found = procs.our_processes(root)
        assert reader.pid not in found
        assert ours.pid in found
    finally:
        for p in (reader, ours):
            p.stdin.close()
            p.wait()
