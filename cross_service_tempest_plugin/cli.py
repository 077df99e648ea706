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

"""``cross-service-scenario``: a cliff application, as ``tempest`` and
``openstack`` are. Its commands are the entry points of the
``cross_service_tempest_plugin.cli`` namespace (pyproject.toml), defined
in :mod:`cross_service_tempest_plugin.commands`: ``list``/``show`` (cliff
Lister/ShowOne: ``-f table|json|yaml|value|csv``, ``-c COLUMN``), ``run``
(several scenarios, ``--repeat``, ``--concurrency``), ``new``
(:mod:`cross_service_tempest_plugin.authoring`), ``report``
(:mod:`cross_service_tempest_plugin.report.command`), ``cleanup``
(:mod:`cross_service_tempest_plugin.sweeper_cloud`), plus cliff's ``help``
and ``complete``.

Exit codes: 0 passed, 1 scenario failed, 2 bad input (unknown scenario,
bad --set key, missing/invalid config), 130 interrupted (after cleanup).
"""

import argparse
import contextlib
import errno
import logging
import os
import sys

from cliff import app
from cliff import commandmanager

from cross_service_tempest_plugin.common import progress
from cross_service_tempest_plugin.scenarios import provenance
from cross_service_tempest_plugin import stop_signals

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
NAME = 'cross-service-scenario'
NAMESPACE = 'cross_service_tempest_plugin.cli'
# Loggers -v/--debug show on stderr. Not the root logger: loading
# tempest.conf (oslo.log) replaces the root logger's handlers.
VERBOSE_LOGGERS = ('cross_service_tempest_plugin', 'tempest')


class _Version(argparse.Action):
    """--version on the application's stdout.

    argparse's goes to sys.stdout, which main() redirects to stderr.
    """

    def __init__(self, option_strings, dest, application=None, **kwargs):
        super().__init__(option_strings, dest, nargs=0, **kwargs)
        self.application = application

    def __call__(self, parser, namespace, values, option_string=None):
        self.application.stdout.write(
            '%s %s\n' % (NAME, provenance.plugin_version()))
        raise SystemExit(EXIT_OK)


class App(app.App):
    """The ``cross-service-scenario`` application."""

    NAME = NAME
    LOG = logging.getLogger(NAME)

    def __init__(self, stdout=None, stderr=None):
        super().__init__(
            description='Run the Nova/Neutron/Designate/Heat DNS scenarios '
                        'against the cloud described by a tempest.conf.',
            version=provenance.plugin_version(),
            command_manager=commandmanager.CommandManager(NAMESPACE),
            stdout=stdout, stderr=stderr, deferred_help=True)
        self._handlers = []

    def build_option_parser(self, description, version,
                            argparse_kwargs=None):
        parser = super().build_option_parser(
            description, version,
            dict(argparse_kwargs or {}, prog=NAME,
                 conflict_handler='resolve'))
        parser.add_argument('--version', action=_Version, application=self,
                            help="show the program's version and exit")
        return parser

    def configure_logging(self):
        """-v: INFO, -vv or --debug: DEBUG on stderr (default: none)."""
        level = self.options.verbose_level
        if self.options.debug:
            level = max(level, 3)
        # cliff's own messages (an unexpected error of a command).
        errors = logging.StreamHandler(self.stderr)
        errors.setFormatter(logging.Formatter('error: %(message)s'))
        self.LOG.propagate = False
        self.LOG.addHandler(errors)
        self._handlers.append((self.LOG, errors))
        if level <= 1 and not self.options.log_file:
            return
        handlers = []
        if level > 1:
            console = logging.StreamHandler(self.stderr)
            console.setLevel(logging.INFO if level == 2 else logging.DEBUG)
            console.setFormatter(logging.Formatter(
                '%(asctime)s %(levelname)s %(name)s %(message)s'))
            handlers.append(console)
        if self.options.log_file:
            handler = logging.FileHandler(self.options.log_file)
            handler.setFormatter(logging.Formatter(
                self.LOG_FILE_MESSAGE_FORMAT))
            handlers.append(handler)
        for name in VERBOSE_LOGGERS:
            logger = logging.getLogger(name)
            logger.setLevel(logging.DEBUG if level > 2 or
                            self.options.log_file else logging.INFO)
            for handler in handlers:
                logger.addHandler(handler)
                self._handlers.append((logger, handler))

    def remove_handlers(self):
        for logger, handler in self._handlers:
            logger.removeHandler(handler)
            handler.close()
        self._handlers = []

    def interact(self):
        # No command: a usage error (cliff's interactive shell is not
        # offered; "help" lists the commands).
        self.parser.print_usage(self.stderr)
        self.stderr.write('%s: error: the following arguments are '
                          'required: COMMAND (see "%s help")\n'
                          % (NAME, NAME))
        raise SystemExit(EXIT_USAGE)


class _Printer(object):
    """Live line per step: name, status, elapsed; the run's names."""

    def __init__(self, stream):
        self.stream = stream
        self.named = set()
        self.ticker = None

    def _names(self, run):
        names = [('run', run.label), ('zone', run.values.get('zone_name'))]
        names += [('stack', s[0]) for s in (run.zone_stack, run.stack) if s]
        new = ['%s %s' % n for n in names if n[1] and n not in self.named]
        self.named.update(names)
        if new:
            self.stream.write('%s\n' % ', '.join(new))

    def before_step(self, run, name):
        self._names(run)
        self.stream.write('%-32s ...\n' % name)
        self.stream.flush()
        self.ticker = progress.Ticker(self.stream, name).start()

    def after_step(self, run, step):
        if self.ticker is not None:
            self.ticker.stop()
        extra = ''
        if step.error:
            extra = '  ' + step.error.splitlines()[0][:300]
        self.stream.write('%-32s %-11s %7.2fs%s\n' % (
            step.name, step.status.upper(), step.duration or 0.0, extra))
        self._names(run)
        self.stream.flush()


def cmd_run(args, stdout, stderr):
    from cross_service_tempest_plugin import api
    from cross_service_tempest_plugin.scenarios import placeholders
    overrides = placeholders.Overrides.parse(args.overrides, '--set')
    state = {}
    lines = stderr if args.json else stdout
    with stop_signals.handled(state, lines):
        return _run(api, args, overrides, state, lines, stdout, stderr)


def _run(api, args, overrides, state, lines, stdout, stderr):
    sc = api.Scenario(args.name, config_file=args.config,
                      overrides=overrides, hooks=_Printer(lines),
                      scenario_files=args.scenario_file,
                      results_dir=getattr(args, 'results_dir', None))
    if not sc.results_dir:
        sc.results_dir = default_results_dir()
    sc.check_step(args.until, '--until')
    try:
        with sc:
            sc.run(until=args.until)
    except KeyboardInterrupt:
        state['interrupted'] = True
    except api.ScenarioError:
        raise
    except Exception as exc:
        # Tempest's logging would swallow the traceback into its log.
        stderr.write('error: %s: %s\n' % (type(exc).__name__, exc))
        return EXIT_FAILED
    result = sc.result if sc.run_ else None
    if result is None:
        stderr.write('error: scenario could not start\n')
        return (EXIT_INTERRUPTED if state.get('interrupted')
                else EXIT_FAILED)
    args.result = result    # for runs.run_all's summary
    for err in result.cleanup_errors:
        lines.write('cleanup error: %s\n' % err)
    if args.json:
        stdout.write(result.to_json(indent=2) + '\n')
    else:
        stdout.write('%s %s in %.1fs%s\n' % (
            result.name, 'PASSED' if result.passed and not state.get(
                'interrupted') else 'FAILED', result.duration or 0.0,
            (': ' + result.error) if result.error else ''))
    _where(sc, lines)
    if state.get('interrupted'):
        return EXIT_INTERRUPTED
    if args.fail_on_breach and _breached(result, lines, stderr):
        return EXIT_FAILED
    return EXIT_OK if result.passed else EXIT_FAILED


def default_results_dir():
    """Where ``run`` writes result files by default.

    ``$XDG_STATE_HOME/cross-service-scenario/results`` (default
    ``~/.local/state/...``), when neither ``--results-dir`` nor
    ``[cross_service] results_dir`` says.
    """
    state = os.environ.get('XDG_STATE_HOME') or os.path.join(
        os.path.expanduser('~'), '.local', 'state')
    return os.path.join(state, NAME, 'results')


def _where(sc, lines):
    """Print where the run's result file and Tempest's log went."""
    path = sc.run_.result_file if sc.run_ else None
    lines.write('result: %s\n' % (path or 'not written (see the log)'))
    conf = sc.conf
    if conf.log_file:
        log = os.path.join(conf.log_dir or os.getcwd(), conf.log_file)
        lines.write('log: %s\n' % os.path.abspath(log))
    else:
        lines.write('log: stderr (tempest.conf sets no log_file)\n')
    lines.flush()


def _breached(result, lines, stderr):
    """Evaluate the run's thresholds; print verdicts → any breach?"""
    from cross_service_tempest_plugin.report import results as rmod
    from cross_service_tempest_plugin.report import sla
    from cross_service_tempest_plugin.report import thresholds as thr
    run = rmod.run_from_dict(result.to_dict(), source='this run')
    # a failed run fails the command anyway: no default failure rate
    verdicts = sla.evaluate(thr.from_runs_and_definitions([run], {}), [run],
                            default_failure_rate=False)
    for v in verdicts:
        lines.write('threshold %s: %s\n'
                    % (v['status'].upper(), v['message']))
    breaches = sla.breaches(verdicts)
    for v in breaches:
        stderr.write('error: threshold breached (--fail-on-breach): %s\n'
                     % v['message'])
    return bool(breaches)


# stdout could not take the output: `| head` (EPIPE), a full disk
OUTPUT_ERRNOS = (errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EDQUOT)


def output_lost(exc, stdout, stderr):
    """Say that the output is incomplete → exit code (1)."""
    stderr.write('error: the output could not be written to stdout '
                 '(%s): it is incomplete\n' % (exc.strerror or exc))
    _drop_stdout(stdout)
    return EXIT_FAILED


def _drop_stdout(stdout):
    """No second error when Python flushes a broken stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def main(argv=None, stdout=None, stderr=None):
    """Run the application → exit code (``stdout``/``stderr`` for tests)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    argv = sys.argv[1:] if argv is None else list(argv)
    application = App(stdout=stdout, stderr=stderr)
    try:
        # stdout carries the command's output only (--json must parse):
        # anything else printed meanwhile, e.g. Tempest's log lines when
        # tempest.conf has no log_file, goes to stderr.
        with contextlib.redirect_stdout(sys.stderr):
            code = application.run(argv)
        stdout.flush()
        return code
    except SystemExit as exc:   # argparse: usage errors, --help
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except OSError as exc:
        if exc.errno not in OUTPUT_ERRNOS:
            raise
        return output_lost(exc, stdout, stderr)
    except KeyboardInterrupt:
        # before a command installed its handlers (e.g. while Tempest is
        # imported in the first second): nothing was created yet
        stderr.write('interrupted\n')
        return EXIT_INTERRUPTED
    finally:
        application.remove_handlers()


if __name__ == '__main__':
    sys.exit(main())
