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

"""The commands of ``cross-service-scenario`` (cliff), one class each.

Registered as entry points of the ``cross_service_tempest_plugin.cli``
namespace (pyproject.toml); a new command is a class here and a line
there. Each command's first docstring line is its help in ``help``.
"""

from cliff import columns
from cliff import command
from cliff import lister
from cliff import show

from cross_service_tempest_plugin import cli


class _Command(object):
    """Bad input and lost output, said on stderr, as exit codes.

    A ScenarioError exits 2; output that stdout cannot take (``| head``,
    a full disk) exits 1.
    """

    def run(self, parsed_args):
        from cross_service_tempest_plugin.scenarios import loader
        try:
            code = super().run(parsed_args) or cli.EXIT_OK
            self.app.stdout.flush()
            return code
        except loader.ScenarioError as exc:
            self.app.stderr.write('error: %s\n' % exc)
            return cli.EXIT_USAGE
        except OSError as exc:
            if exc.errno not in cli.OUTPUT_ERRNOS:
                raise
            return cli.output_lost(exc, self.app.stdout, self.app.stderr)


def add_common(parser):
    parser.add_argument('--config', metavar='FILE',
                        help='tempest.conf (default: TEMPEST_CONFIG_DIR/'
                             'TEMPEST_CONFIG as Tempest reads them)')
    parser.add_argument('--scenario-file', metavar='FILE', action='append',
                        default=[], help='extra scenario YAML merged over '
                        'the shipped ones (repeatable; later wins)')


class _Yaml(columns.FormattableColumn):
    """A nested value: YAML text in a table, itself in json/yaml."""

    def human_readable(self):
        import yaml
        return yaml.safe_dump(self._value, sort_keys=False,
                              allow_unicode=True,
                              default_flow_style=False).rstrip('\n')


class List(_Command, lister.Lister):
    """List the scenarios (shipped ones and those of --scenario-file)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_common(parser)
        return parser

    def take_action(self, args):
        from cross_service_tempest_plugin import api
        described = api.describe_scenarios(args.config, args.scenario_file)
        return ('Name', 'Description'), sorted(described.items())


class Show(_Command, show.ShowOne):
    """Show a scenario's merged definition and the files it comes from."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='NAME', help='scenario name')
        add_common(parser)
        return parser

    def take_action(self, args):
        from cross_service_tempest_plugin import api
        definition = api.show_scenario(args.name, args.config,
                                       args.scenario_file)
        keys = ['name'] + list(definition)
        definition = dict(definition, name=args.name, description=' '.join(
            str(definition.get('description', '')).split()))
        return keys, [_Yaml(definition[k])
                      if isinstance(definition[k], (dict, list))
                      else definition[k] for k in keys]


def _positive(value):
    import argparse
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError('must be a whole number >= 1, got '
                                         '%r' % value)
    return number


class Run(_Command, command.Command):
    """Run scenarios (cleanup always runs); exit 0 when all passed.

    Each run has its own label, zone and stacks. With --concurrency N,
    up to N runs go at once, each in a process of its own (Ctrl-C
    cleans up every run started).
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('names', nargs='+', metavar='NAME',
                            help='scenario name (several: run one after '
                                 'the other, or --concurrency at once)')
        add_common(parser)
        parser.add_argument('--set', metavar='KEY=VALUE', action='append',
                            default=[], dest='overrides',
                            help='override a scenario var/placeholder or '
                                 'an engine setting (record_timeout, '
                                 'stack_timeout, ...)')
        parser.add_argument('--until', metavar='STEP',
                            help='stop after this step (then clean up)')
        parser.add_argument('--json', action='store_true',
                            help='print the result as JSON on stdout (a '
                                 'list of them for several runs; step '
                                 'lines go to stderr)')
        parser.add_argument('--fail-on-breach', action='store_true',
                            help='exit 1 when the run breaches a threshold '
                                 'of the scenario definition (thresholds:)')
        parser.add_argument('--results-dir', metavar='DIR',
                            help='where result files go (default: '
                                 '[cross_service] results_dir, else '
                                 '$XDG_STATE_HOME/cross-service-scenario/'
                                 'results)')
        parser.add_argument('--repeat', metavar='N', type=_positive,
                            default=1, help='run each scenario N times')
        parser.add_argument('--concurrency', metavar='N', type=_positive,
                            default=1, help='at most N runs at once, each '
                            'in its own process (default 1: one after the '
                            'other)')
        return parser

    def take_action(self, args):
        from cross_service_tempest_plugin import runs
        return runs.run_all(args, self.app.stdout, self.app.stderr,
                            self.app.options)


class New(_Command, command.Command):
    """Generate a new scenario (needs the [authoring] extra)."""

    def get_parser(self, prog_name):
        from cross_service_tempest_plugin import authoring
        parser = super().get_parser(prog_name)
        authoring.add_arguments(parser)
        return parser

    def take_action(self, args):
        from cross_service_tempest_plugin import authoring
        return authoring.main(args, self.app.stdout, self.app.stderr)


class Report(_Command, command.Command):
    """HTML report of results (needs the [report] extra)."""

    def get_parser(self, prog_name):
        from cross_service_tempest_plugin.report import command as report
        parser = super().get_parser(prog_name)
        report.add_arguments(parser)
        return parser

    def take_action(self, args):
        from cross_service_tempest_plugin.report import command as report
        return report.run(args, self.app.stdout, self.app.stderr)


class Cleanup(_Command, command.Command):
    """Find (with --yes delete) what killed runs left behind."""

    def get_parser(self, prog_name):
        from cross_service_tempest_plugin import sweeper_cloud
        parser = super().get_parser(prog_name)
        sweeper_cloud.add_arguments(parser)
        return parser

    def take_action(self, args):
        from cross_service_tempest_plugin import sweeper_cloud
        return sweeper_cloud.main(args, self.app.stdout, self.app.stderr)
