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

"""``cross-service-scenario``: list, show and run the scenarios; cleanup.

Exit codes: 0 passed, 1 scenario failed, 2 bad input (unknown scenario,
bad --set key, missing/invalid config), 130 interrupted (after cleanup).
"""

import argparse
import signal
import sys

import yaml

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _parser():
    p = argparse.ArgumentParser(
        prog='cross-service-scenario',
        description='Run the Nova/Neutron/Designate/Heat DNS scenarios '
                    'against the cloud described by a tempest.conf.')
    sub = p.add_subparsers(dest='command', metavar='COMMAND')
    sub.required = True

    def common(sp):
        sp.add_argument('--config', metavar='FILE',
                        help='tempest.conf (default: TEMPEST_CONFIG_DIR/'
                             'TEMPEST_CONFIG as Tempest reads them)')
        sp.add_argument('--scenario-file', metavar='FILE', action='append',
                        default=[], help='extra scenario YAML merged over '
                        'the shipped ones (repeatable; later wins)')
    sp = sub.add_parser('list', help='list the scenarios')
    common(sp)
    sp = sub.add_parser('show', help='show a scenario definition')
    sp.add_argument('name')
    common(sp)
    sp = sub.add_parser('run', help='run a scenario (cleanup always runs)')
    sp.add_argument('name')
    common(sp)
    sp.add_argument('--set', metavar='KEY=VALUE', action='append',
                    default=[], dest='overrides',
                    help='override a scenario var/placeholder or an engine '
                         'setting (record_timeout, stack_timeout, ...)')
    sp.add_argument('--until', metavar='STEP',
                    help='stop after this step (then clean up)')
    sp.add_argument('--json', action='store_true',
                    help='print the result as JSON on stdout (step lines go '
                         'to stderr)')
    sp = sub.add_parser('cleanup', help='find (and with --yes delete) '
                        'what killed runs left behind; doc: cleanup.rst')
    sp.add_argument('--config', metavar='FILE', help='tempest.conf')
    sp.add_argument('--yes', action='store_true',
                    help='delete (default: dry run, print only)')
    sp.add_argument('--older-than', metavar='SECONDS', type=_seconds,
                    help='a run idle for less is in progress, skipped '
                         '(default: from the config\'s deadlines, >= 3600)')
    return p


def _seconds(value):
    try:
        seconds = int(value)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise argparse.ArgumentTypeError(
            'must be a whole number of seconds >= 0, got %r' % value)
    return seconds


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


def _interrupt_handler(state, stream):
    def handler(signum, frame):
        if state.get('interrupted'):
            stream.write('interrupt ignored: cleanup in progress\n')
            stream.flush()
            return
        state['interrupted'] = True
        stream.write('interrupted: cleaning up...\n')
        stream.flush()
        raise KeyboardInterrupt()
    return handler


def main(argv=None, stdout=None, stderr=None):
    from cross_service_tempest_plugin import api
    from cross_service_tempest_plugin.scenarios import loader
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    args = _parser().parse_args(argv)
    if args.command == 'cleanup':
        from cross_service_tempest_plugin import sweeper_cloud
        return sweeper_cloud.cleanup(args.config, args.yes, args.older_than,
                                     stdout, stderr)
    try:
        if args.command == 'list':
            conf = api.load_config(args.config) if args.config else None
            catalog = api._catalog(conf, args.scenario_file)
            for name in catalog.names():
                desc = ' '.join(catalog.get(name)['description'].split())
                stdout.write('%-24s %s\n' % (name, desc))
            return EXIT_OK
        if args.command == 'show':
            definition = api.show_scenario(args.name, args.config,
                                           args.scenario_file)
            stdout.write(yaml.safe_dump(definition, sort_keys=False))
            return EXIT_OK
        overrides = dict(loader.parse_override(o) for o in args.overrides)
    except api.ScenarioError as exc:
        stderr.write('error: %s\n' % exc)
        return EXIT_USAGE

    state = {}
    lines = stderr if args.json else stdout
    old_int = signal.signal(signal.SIGINT, _interrupt_handler(state, lines))
    old_term = signal.signal(signal.SIGTERM,
                             _interrupt_handler(state, lines))
    sc = None
    try:
        try:
            sc = api.Scenario(args.name, config_file=args.config,
                              overrides=overrides, hooks=_Printer(lines),
                              scenario_files=args.scenario_file)
            if args.until and args.until not in [
                    loader.step_spec(s)[0]
                    for s in sc.definition['steps']]:
                raise api.ScenarioError(
                    '--until: scenario %s has no step %r (steps: %s)' % (
                        args.name, args.until, ', '.join(
                            loader.step_spec(s)[0]
                            for s in sc.definition['steps'])))
        except api.ScenarioError as exc:
            stderr.write('error: %s\n' % exc)
            return EXIT_USAGE
        try:
            with sc:
                sc.run(until=args.until)
        except KeyboardInterrupt:
            state['interrupted'] = True
        except api.ScenarioError as exc:
            stderr.write('error: %s\n' % exc)
            return EXIT_USAGE
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
        return EXIT_OK if result.passed else EXIT_FAILED
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)


if __name__ == '__main__':
    sys.exit(main())
