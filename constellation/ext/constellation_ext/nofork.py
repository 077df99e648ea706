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

"""Run a one-worker oslo.service daemon in one process.

``python -m constellation_ext.nofork nova-conductor --config-file ...``
runs that console script with oslo.service's ``launch`` asked for
``no_fork`` whenever one worker is wanted.  Its threading backend
otherwise keeps a master process (~60-150 MiB RSS each) beside the one
worker; with ``no_fork`` the service runs in the process supervisord
started, as nova-compute always does (oslo.service's own signal handler
stops it gracefully on SIGTERM and exits).  Used for nova-conductor,
nova-scheduler, designate's four services and heat-engine.

With ``no_fork`` the threading backend's ``launch`` returns as soon as
the service's ``wait()`` does, and its launcher's ``wait()`` returns at
once.  Nova's services wait on their timers, but designate's and heat's
``wait()`` return immediately, and designate's ``service.wait()`` then
tears down its RPC transport (``rpc.cleanup()``) under the running
service: its heartbeats fail with "'TRANSPORT' must not be None".  So
the launcher returned here waits, as the forking one does, until a
signal handler ends the process.
"""

from importlib import metadata
import signal
import sys


class _Running:
    """A no_fork launcher whose wait() lasts until a signal ends us."""

    def __init__(self, launcher):
        self._launcher = launcher

    def __getattr__(self, name):
        return getattr(self._launcher, name)

    def wait(self):
        while True:
            signal.pause()  # SIGTERM: the launcher's handler stops, exits


def _one_process(launch):
    def wrapper(conf, service, workers=1, *args, **kw):
        if workers in (None, 1):
            kw['no_fork'] = True
            return _Running(launch(conf, service, 1, *args, **kw))
        return launch(conf, service, workers, *args, **kw)
    return wrapper


def main(argv=None, prepare=None):
    """Run the console script ``argv[0]`` with ``argv[1:]``, one process.

    ``prepare()``, if given, runs after the script's module is imported
    (its monkey patching done) and before the script starts.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        sys.exit('usage: python -m constellation_ext.nofork SCRIPT [ARGS]')
    name = argv[0]
    eps = [e for e in metadata.entry_points(group='console_scripts')
           if e.name == name]
    if not eps:
        sys.exit('constellation_ext.nofork: no console script %r' % name)
    sys.argv = argv
    # the script's module first: nova's picks its concurrency backend (and
    # forbids eventlet) before anything imports oslo.service
    entry = eps[0].load()
    if prepare is not None:
        prepare()
    from oslo_service import service
    service.launch = _one_process(service.launch)
    sys.exit(entry())


if __name__ == '__main__':
    main()
