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

"""``cross-service-scenario``: list, show and run the scenarios; ``new``
writes a new one (cross_service_tempest_plugin.authoring); ``cleanup``
sweeps what killed runs left (cross_service_tempest_plugin.sweeper_cloud).

Exit codes: 0 passed, 1 scenario failed, 2 bad input (unknown scenario,
bad --set key, missing/invalid config), 130 interrupted (after cleanup).
``report``: see :mod:`cross_service_tempest_plugin.report.command`.
"""

import argparse
import contextlib
import errno
import os
import sys

import yaml

from cross_service_tempest_plugin import authoring
from cross_service_tempest_plugin.report import command as report_command
from cross_service_tempest_plugin import stop_signals
from cross_service_tempest_plugin import sweeper_cloud

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _common(sp):
    sp.add_argument('--config', metavar='FILE',
                    help='tempest.conf (default: TEMPEST_CONFIG_DIR/'
                         'TEMPEST_CONFIG as Tempest reads them)')
    sp.add_argument('--scenario-file', metavar='FILE', action='append',
                    default=[], help='extra scenario YAML merged over '
                    'the shipped ones (repeatable; later wins)')


def _list_args(sp):
    _common(sp)


def _show_args(sp):
    sp.add_argument('name')
    _common(sp)


def _run_args(sp):
    sp.add_argument('name')
    _common(sp)
    sp.add_argument('--set', metavar='KEY=VALUE', action='append',
                    default=[], dest='overrides',
                    help='override a scenario var/placeholder or an engine '
                         'setting (record_timeout, stack_timeout, ...)')
    sp.add_argument('--until', metavar='STEP',
                    help='stop after this step (then clean up)')
    sp.add_argument('--json', action='store_true',
                    help='print the result as JSON on stdout (step lines go '
                         'to stderr)')
    sp.add_argument('--fail-on-breach', action='store_true',
                    help='exit 1 when the run breaches a threshold of the '
                         'scenario definition (thresholds:)')


def _parser():
    p = argparse.ArgumentParser(
        prog='cross-service-scenario',
        description='Run the Nova/Neutron/Designate/Heat DNS scenarios '
                    'against the cloud described by a tempest.conf.')
    sub = p.add_subparsers(dest='command', metavar='COMMAND')
    sub.required = True
    for name, (add_args, _func, help_text) in COMMANDS.items():
        add_args(sub.add_parser(name, help=help_text))
    return p


class _Printer(object):
    """Live line per step: name, status, elapsed."""

    def __init__(self, stream):
        self.stream = stream

    def before_step(self, run, name):
        self.stream.write('%-32s ...\n' % name)
        self.stream.flush()

    def after_step(self, run, step):
        extra = ''
        if step.error:
            extra = '  ' + step.error.splitlines()[0][:300]
        self.stream.write('%-32s %-11s %7.2fs%s\n' % (
            step.name, step.status.upper(), step.duration or 0.0, extra))
        self.stream.flush()


def cmd_list(args, stdout, stderr):
    from cross_service_tempest_plugin import api
    for name, desc in api.describe_scenarios(
            args.config, args.scenario_file).items():
        stdout.write('%-24s %s\n' % (name, desc))
    return EXIT_OK


def cmd_show(args, stdout, stderr):
    from cross_service_tempest_plugin import api
    definition = api.show_scenario(args.name, args.config,
                                   args.scenario_file)
    stdout.write(yaml.safe_dump(definition, sort_keys=False))
    return EXIT_OK


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
                      scenario_files=args.scenario_file)
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
    for err in result.cleanup_errors:
        lines.write('cleanup error: %s\n' % err)
    if args.json:
        stdout.write(result.to_json(indent=2) + '\n')
    else:
        stdout.write('%s %s in %.1fs%s\n' % (
            result.name, 'PASSED' if result.passed and not state.get(
                'interrupted') else 'FAILED', result.duration or 0.0,
            (': ' + result.error) if result.error else ''))
    if state.get('interrupted'):
        return EXIT_INTERRUPTED
    if args.fail_on_breach and _breached(result, lines, stderr):
        return EXIT_FAILED
    return EXIT_OK if result.passed else EXIT_FAILED


def _breached(result, lines, stderr):
    """Evaluate the run's thresholds; print verdicts → any breach?"""
    from cross_service_tempest_plugin.report import results as rmod
    from cross_service_tempest_plugin.report import thresholds as thr
    run = rmod.run_from_dict(result.to_dict(), source='this run')
    verdicts = thr.evaluate(thr.from_runs_and_definitions([run], {}), [run])
    for v in verdicts:
        lines.write('threshold %s: %s\n'
                    % (v['status'].upper(), v['message']))
    breaches = [v for v in verdicts if v['status'] == thr.BREACH]
    for v in breaches:
        stderr.write('error: threshold breached (--fail-on-breach): %s\n'
                     % v['message'])
    return bool(breaches)


# verb → (add its arguments, run it → exit code, help). A new verb: two
# functions and a line here.
COMMANDS = {
    'list': (_list_args, cmd_list, 'list the scenarios'),
    'show': (_show_args, cmd_show, 'show a scenario definition'),
    'run': (_run_args, cmd_run, 'run a scenario (cleanup always runs)'),
    'new': (authoring.add_arguments, authoring.main, authoring.HELP),
    'report': (report_command.add_arguments, report_command.run,
               'HTML report of results (needs the [report] extra)'),
    'cleanup': (sweeper_cloud.add_arguments, sweeper_cloud.main,
                sweeper_cloud.HELP),
}


def _drop_stdout(stdout):
    """No second error when Python flushes a broken stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def main(argv=None, stdout=None, stderr=None):
    from cross_service_tempest_plugin import api
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    args = _parser().parse_args(argv)
    try:
        # stdout carries the command's output only (--json must parse):
        # anything else printed meanwhile, e.g. Tempest's log lines when
        # tempest.conf has no log_file, goes to stderr.
        with contextlib.redirect_stdout(sys.stderr):
            code = COMMANDS[args.command][1](args, stdout, stderr)
        stdout.flush()
        return code
    except OSError as exc:
        if exc.errno not in (errno.EPIPE, errno.ENOSPC, errno.EIO,
                             errno.EDQUOT):
            raise
        # `| head`, a full disk: the output is lost, say so and fail
        stderr.write('error: the output could not be written to stdout '
                     '(%s): it is incomplete\n' % (exc.strerror or exc))
        _drop_stdout(stdout)
        return EXIT_FAILED
    except api.ScenarioError as exc:
        stderr.write('error: %s\n' % exc)
        return EXIT_USAGE
    except KeyboardInterrupt:
        # before a command installed its handlers (e.g. while Tempest is
        # imported in the first second): nothing was created yet
        stderr.write('interrupted\n')
        return EXIT_INTERRUPTED


if __name__ == '__main__':
    sys.exit(main())
