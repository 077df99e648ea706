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

"""Several keystone-manage commands in one process.

A first ``up`` runs ``keystone-manage fernet_setup``, ``credential_setup``
and ``bootstrap``: three processes that each import Keystone (2-3 s of
CPU apiece on this kind of machine) to do a few milliseconds of work
(two key repositories, the admin rows).  Here keystone-manage's own
entry point (``keystone.cmd.cli.main``) runs each command in turn in one
process; between two, oslo.config's ``CONF.clear()`` forgets the parsed
command line, as a new process would.

    python -m constellation_ext.keystone_setup \\
        --config-file F fernet_setup ... -- --config-file F bootstrap ...

Each part between ``--`` is what would follow ``keystone-manage``.  The
first that fails ends the run with its exit status; secrets come from the
environment, as keystone-manage reads them (OS_BOOTSTRAP_PASSWORD).
"""

import sys

SEPARATOR = '--'


def commands(argv):
    """The keystone-manage argument lists in ``argv``, split at ``--``."""
    out, current = [], []
    for arg in argv:
        if arg == SEPARATOR:
            out.append(current)
            current = []
        else:
            current.append(arg)
    out.append(current)
    empty = [i + 1 for i, args in enumerate(out) if not args]
    if empty:
        raise ValueError('command %s of %d is empty (nothing between two '
                         '%r)' % (', '.join(map(str, empty)), len(out),
                                  SEPARATOR))
    return out


def run(argvs, main, clear):
    """Run ``main(['keystone-manage'] + args)`` for each; ``clear`` between.

    Returns the first non-zero exit status (its command not followed by
    the others), else 0.
    """
    for i, args in enumerate(argvs):
        if i:
            clear()
        try:
            status = main(['keystone-manage'] + args)
        except SystemExit as exc:
            status = exc.code
        if status not in (None, 0):
            print('constellation_ext.keystone_setup: keystone-manage %s '
                  'exited with %s' % (' '.join(args), status),
                  file=sys.stderr)
            return status if isinstance(status, int) else 1
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        argvs = commands(argv)
    except ValueError as exc:
        sys.exit('constellation_ext.keystone_setup: %s' % exc)
    from keystone.cmd import cli
    import keystone.conf
    return run(argvs, cli.main, keystone.conf.CONF.clear)


if __name__ == '__main__':
    sys.exit(main())
