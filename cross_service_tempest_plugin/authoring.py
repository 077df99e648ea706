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

"""Authoring: render the project's cookiecutter templates.

Two templates live in the top-level ``cookiecutter/`` directory of the
checkout (installed as data files under ``share/cross-service-tempest-
plugin/cookiecutter``):

- ``tempest-plugin``: a Tempest plugin skeleton with the upstream
  tempest-plugin cookiecutter's inputs (``project``, ``repo_name``,
  ``testclass``); this repository is what it renders for ``cross_service``
  plus the real work.
- ``scenario``: a new cross-service scenario: the YAML definition, a HOT
  template built on the packaged nested templates and a thin Tempest test
  class with a fresh ``idempotent_id``.

``cookiecutter`` is an optional dependency (the ``authoring`` extra): this
module imports it only when something is rendered, and says which extra to
install when it is missing.
"""

import keyword
import os
import re
import shutil
import sysconfig
import tempfile
import zlib

from cross_service_tempest_plugin.scenarios import schema

EXTRA = 'authoring'
DIST = 'cross-service-tempest-plugin'
BASES = ('floating_ip', 'servers', 'provider_port')
CREDENTIALS = ('primary', 'admin')
DNS_LABEL_RE = re.compile(r'^(?!-)[a-z0-9-]{1,63}(?<!-)$')
_PKG_DIR = os.path.dirname(os.path.abspath(__file__))

# The three parts of a generated scenario: (directory inside the rendered
# NAME/ dir, directory inside the plugin package, file name pattern).
PARTS = (
    ('scenarios', os.path.join('scenarios', 'definitions'), '%s.yaml'),
    ('templates', 'templates', '%s.yaml'),
    ('tests', os.path.join('tests', 'scenario'), 'test_%s.py'),
)


class AuthoringError(ValueError):
    """Bad input for a template (names the parameter and the problem)."""


class MissingExtra(AuthoringError):
    def __init__(self, missing):
        super().__init__(
            "rendering templates needs the optional '%s' extra, which is "
            "not installed (missing module: %s); install it with: pip "
            "install '%s[%s]'" % (EXTRA, missing, DIST, EXTRA))


def template_root():
    """The ``cookiecutter/`` directory: the checkout's, else installed."""
    candidates = [
        os.path.join(os.path.dirname(_PKG_DIR), 'cookiecutter'),
        os.path.join(sysconfig.get_path('data'), 'share', DIST,
                     'cookiecutter'),
    ]
    for path in candidates:
        if os.path.isfile(os.path.join(path, 'scenario',
                                       'cookiecutter.json')):
            return path
    raise AuthoringError('the cookiecutter templates are not installed '
                         '(looked in %s)' % ', '.join(candidates))


def _cookiecutter():
    try:
        from cookiecutter import main
    except ImportError as exc:
        raise MissingExtra(getattr(exc, 'name', None) or 'cookiecutter')
    return main.cookiecutter


def render(template, output_dir, context):
    """Render ``cookiecutter/<template>`` into ``output_dir``, no prompts.

    Nothing is written outside ``output_dir`` (cookiecutter's replay file
    goes to a temporary directory). Returns the rendered top directory.
    """
    run = _cookiecutter()
    with tempfile.TemporaryDirectory(prefix='cs-authoring-') as scratch:
        # A copy without the byte code pip compiles into installed data
        # files (cookiecutter would copy __pycache__ into the output).
        source = os.path.join(scratch, template)
        shutil.copytree(os.path.join(template_root(), template), source,
                        ignore=shutil.ignore_patterns('__pycache__',
                                                      '*.pyc'))
        return run(source, no_input=True,
                   extra_context=dict(context), output_dir=output_dir,
                   default_config={'replay_dir': scratch,
                                   'cookiecutters_dir': scratch})


def render_plugin(output_dir, repo_name, testclass, project=None):
    """Render the Tempest plugin skeleton → its top directory."""
    if not repo_name.isidentifier() or keyword.iskeyword(repo_name):
        raise AuthoringError('repo_name %r must be a Python identifier '
                             '(it names the <repo_name>_tempest_plugin '
                             'package)' % repo_name)
    if not testclass.isidentifier():
        raise AuthoringError('testclass %r must be a Python identifier'
                             % testclass)
    return render('tempest-plugin', output_dir, {
        'project': project or repo_name, 'repo_name': repo_name,
        'testclass': testclass})


def is_plugin_tree(path):
    """True if ``path`` is a checkout of this plugin (setup.cfg + package)."""
    return (os.path.isfile(os.path.join(path, 'setup.cfg')) and
            os.path.isfile(os.path.join(
                path, 'cross_service_tempest_plugin', 'plugin.py')))


def _default_cidr(name):
    # A /24 per name inside 10.128.0.0/9, away from the shipped scenarios'
    # 10.25x ranges; the network is the run's own, so clashes only cost
    # nothing but clarity.
    n = zlib.crc32(name.encode()) % (127 * 256)
    return '10.%d.%d.0/24' % (128 + n // 256, n % 256)


def check_scenario_input(name, base, dns_name, credentials, description):
    """Raise AuthoringError naming the bad parameter, before any write."""
    problem = schema.name_problem(name or '')
    if problem:
        raise AuthoringError('NAME %r is not usable: it %s'
                             % (name, problem))
    if base not in BASES:
        raise AuthoringError('--base %r: choose one of %s'
                             % (base, ', '.join(BASES)))
    if credentials is not None and credentials not in CREDENTIALS:
        raise AuthoringError('--credentials %r: choose one of %s'
                             % (credentials, ', '.join(CREDENTIALS)))
    if base == 'provider_port' and credentials == 'primary':
        raise AuthoringError('--credentials primary with --base '
                             'provider_port: only admin can create the '
                             'provider network; use --credentials admin')
    if dns_name is not None and not DNS_LABEL_RE.match(dns_name):
        raise AuthoringError(
            '--dns-name %r must be one DNS label: 1-63 lower-case letters, '
            "digits or '-', not starting or ending with '-'" % dns_name)
    if description is not None and (
            not description.strip() or '"""' in description or
            '\\' in description):
        raise AuthoringError('--description must be non-empty text without '
                             'backslashes or triple quotes (it goes into a '
                             'docstring)')


class Generated(object):
    """What :func:`new_scenario` wrote."""

    def __init__(self, name, layout, scenario_file, template_file,
                 test_file):
        self.name = name
        self.layout = layout            # 'tree' or 'directory'
        self.scenario_file = scenario_file
        self.template_file = template_file
        self.test_file = test_file

    @property
    def files(self):
        return [self.scenario_file, self.template_file, self.test_file]


def _targets(name, output_dir):
    """(layout, [paths of the three parts]) for ``output_dir``."""
    if is_plugin_tree(output_dir):
        pkg = os.path.join(output_dir, 'cross_service_tempest_plugin')
        return 'tree', [os.path.join(pkg, sub, pattern % name)
                        for _, sub, pattern in PARTS]
    top = os.path.join(output_dir, name)
    return 'directory', [os.path.join(top, sub, pattern % name)
                         for sub, _, pattern in PARTS]


def new_scenario(name, output_dir='.', base='floating_ip', description=None,
                 dns_name=None, credentials=None, extra_files=()):
    """Generate scenario ``name`` into ``output_dir`` → :class:`Generated`.

    ``output_dir`` a checkout of this plugin: the three files go to the
    package (scenarios/definitions, templates, tests/scenario) and the
    definition names its template by file name. Any other directory:
    ``<output_dir>/<name>/{scenarios,templates,tests}``; the definition
    names its template relative to itself (``../templates/<name>.yaml``),
    so passing the definition with ``--scenario-file`` (or
    ``[cross_service] scenario_files``) is all a run needs.
    ``extra_files``: scenario files whose names count as taken.
    """
    check_scenario_input(name, base, dns_name, credentials, description)
    output_dir = os.path.abspath(output_dir)
    if not os.path.isdir(output_dir):
        raise AuthoringError('--output %s is not a directory' % output_dir)
    from cross_service_tempest_plugin.scenarios import loader
    catalog = loader.load_catalog(list(extra_files))
    if name in catalog.names():
        raise AuthoringError('NAME %r already exists: a scenario of that '
                             'name is defined in %s'
                             % (name, ', '.join(catalog.files_of(name))))
    layout, targets = _targets(name, output_dir)
    if layout == 'directory':
        existing = [p for p in [os.path.join(output_dir, name)]
                    if os.path.exists(p)]
    else:
        existing = [p for p in targets if os.path.exists(p)]
    if existing:
        raise AuthoringError('NAME %r already exists: %s' % (
            name, ', '.join(existing)))
    context = {'name': name, 'base': base, 'cidr': _default_cidr(name)}
    if layout == 'directory':     # relative to the scenario file
        context['__template_ref'] = '../templates/%s.yaml' % name
    for key, value in (('description', description),
                       ('dns_name', dns_name),
                       ('credentials', credentials)):
        if value is not None:
            context[key] = ' '.join(value.split()) if key == 'description' \
                else value
    with tempfile.TemporaryDirectory(prefix='cs-new-') as scratch:
        top = render('scenario', scratch, context)
        for (sub, _, pattern), target in zip(PARTS, targets):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.move(os.path.join(top, sub, pattern % name), target)
    return Generated(name, layout, *targets)


# --- command line (`cross-service-scenario new`) ---------------------------

def add_arguments(sp):
    """The ``new`` subcommand's arguments (cli.COMMANDS)."""
    sp.description = ('Generate a scenario definition, its HOT template '
                      'and a Tempest test class from cookiecutter/scenario.')
    sp.add_argument('name', metavar='NAME',
                    help='scenario name (lower-case Python identifier)')
    sp.add_argument('--base', default='floating_ip',
                    help='base shape: %s (default: floating_ip)'
                    % ', '.join(BASES))
    sp.add_argument('--output', metavar='DIR', default='.',
                    help='where to write: a checkout of this plugin (files '
                         'go into its package) or any directory (files go '
                         'to DIR/NAME/); default: the current directory')
    sp.add_argument('--description', help='one-paragraph description')
    sp.add_argument('--dns-name', help='DNS label of the published name '
                                       '(default: NAME with - for _)')
    sp.add_argument('--credentials',
                    help='owner of the stack: primary or admin (default: '
                         'admin for provider_port, else primary)')
    sp.add_argument('--scenario-file', metavar='FILE', action='append',
                    default=[], help='extra scenario YAML whose names count '
                    'as taken (repeatable)')
    return sp


HELP = 'generate a new scenario (needs the [%s] extra)' % EXTRA


def main(args, stdout, stderr):
    """Run ``new``; 0 on success, 2 on bad input (no traceback)."""
    try:
        gen = new_scenario(args.name, args.output, base=args.base,
                           description=args.description,
                           dns_name=args.dns_name,
                           credentials=args.credentials,
                           extra_files=args.scenario_file)
    except AuthoringError as exc:
        stderr.write('error: %s\n' % exc)
        return 2
    except ValueError as exc:   # the loader's ScenarioError on extra files
        stderr.write('error: %s\n' % exc)
        return 2
    for path in gen.files:
        stdout.write('wrote %s\n' % path)
    if gen.layout == 'tree':
        stdout.write('reinstall the plugin (pip install .) and the test is '
                     'part of `tempest run -r cross_service`\n')
    else:
        stdout.write('use it with: cross-service-scenario run %s '
                     '--scenario-file %s (or [cross_service] '
                     'scenario_files = %s)\n'
                     % (gen.name, gen.scenario_file, gen.scenario_file))
    return 0
