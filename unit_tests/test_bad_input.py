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

"""The bad-input table: input → exit code (or exception) → message.

Every row is one mistake a user can make, given the way a user gives it:
to ``cross-service-scenario`` (``cli.main()``) or to the Python API. Each
must fail before anything is created, with exit code 2 (or the API's
ScenarioError family), a message naming what is wrong, no traceback and
nothing on stdout (so that ``--json`` output stays parseable).

Rows without a tempest.conf run in this process. Rows with one run in a
fresh interpreter each (Tempest's CONF is process-wide); a fake Keystone
on 127.0.0.1 answers 401 for the wrong-password rows.

doc/source/user/command-line.rst ("Errors") shows this table;
``test_doc_table`` fails when they differ. Regenerate the doc's table with
``python -m unit_tests.test_bad_input``.
"""

import collections
import contextlib
import http.server
import io
import json
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import threading
from unittest import mock

import pytest

from unit_tests import tempest_subprocess

Row = collections.namedtuple(
    'Row', 'what call exit message files conf identity')
Row.__new__.__defaults__ = ({}, None, None)


def scen(name, body):
    """A scenario file defining/overriding ``name`` with ``body`` lines."""
    return 'scenarios:\n  %s:\n%s' % (name, ''.join(
        '    %s\n' % line for line in body.strip('\n').splitlines()))


FIP = 'floating_ip_dns'
RUN = ['run', FIP]
MINE = ['show', FIP, '--scenario-file', 'mine.yaml']
MINE_NEW = ['show', 'mine', '--scenario-file', 'mine.yaml']
NEW_DEF = """description: mine
stack:
  template: nope.yaml
records:
  - {name: "a.{zone_name}", address_output: ip}
steps: [deploy]
"""
GOOD_DEF = NEW_DEF.replace(
    'template: nope.yaml', 'template: floating_ip.yaml\n  parameters: '
    '{name_prefix: a, dns_name: b, dns_domain: c, public_network: d}')

ROWS = [
    # --- command line, no tempest.conf needed -------------------------
    Row('unknown scenario', ['show', 'nope'], 2,
        "unknown scenario 'nope'; available scenarios: dns_domain_keywords, "
        "floating_ip_dns"),
    Row('no command', [], 2,
        'the following arguments are required: COMMAND'),
    Row('option without its value', RUN + ['--until'], 2,
        'argument --until: expected one argument'),
    Row('malformed --set', RUN + ['--set', 'novalue'], 2,
        "--set: bad override 'novalue': expected KEY=VALUE"),
    Row('--set without a key', RUN + ['--set', '=3'], 2,
        "--set: bad override '=3'"),
    Row('--set interval below the option range',
        RUN + ['--set', 'record_interval=0'], 2,
        '--set record_interval=0: record_interval must be a number >= 0.1 '
        '(like [cross_service] record_interval); got 0'),
    Row('--set negative timeout', RUN + ['--set', 'record_timeout=-1'], 2,
        '--set record_timeout=-1: record_timeout must be an integer >= 1'),
    Row('--set fractional where an integer is needed',
        RUN + ['--set', 'cleanup_timeout=2.5'], 2,
        'cleanup_timeout must be an integer >= 1 (like [cross_service] '
        'cleanup_timeout); got 2.5'),
    Row('--set misspelt boolean', RUN + ['--set', 'check_reverse=ture'], 2,
        "--set check_reverse=ture: check_reverse must be true or false "
        "(like [cross_service] check_reverse); got 'ture'"),
    Row('--set empty value', RUN + ['--set', 'stack_timeout='], 2,
        "--set stack_timeout=: stack_timeout must be an integer >= 1; "
        "got ''"),
    Row('--set stack poll interval 0', RUN + ['--set', 'stack_interval=0'],
        2, '--set stack_interval=0: stack_interval must be a number >= 0.1 '
        '(like [cross_service] stack_interval); got 0'),
    Row('--set nan for a float setting (issue 22 #7)',
        RUN + ['--set', 'stack_interval=nan'], 2,
        '--set stack_interval=nan: stack_interval must be a number >= 0.1 '
        "(like [cross_service] stack_interval) and finite; got 'nan'"),
    Row('--set inf for a float setting',
        RUN + ['--set', 'record_interval=inf'], 2,
        'record_interval must be a number >= 0.1 (like [cross_service] '
        'record_interval) and finite; got \'inf\''),
    Row('--config is a directory', RUN + ['--config', '.'], 2,
        'is a directory, not a file (pass the path of tempest.conf itself)'),
    Row('--config does not exist',
        RUN + ['--config', '/nonexistent/tempest.conf'], 2,
        'config file /nonexistent/tempest.conf does not exist'),
    Row('no tempest.conf anywhere', RUN, 2,
        'set TEMPEST_CONFIG_DIR and TEMPEST_CONFIG'),
    Row('--config is a binary file', RUN + ['--config', 'tempest.conf'], 2,
        'not UTF-8 text (byte 0x89 at offset 0); expected an INI file',
        {'tempest.conf': b'\x89PNG\r\n\x1a\n\x00\x00'}),
    Row('--config is not INI', RUN + ['--config', 'tempest.conf'], 2,
        "No ':' or '=' found in assignment: 'this is not ini'",
        {'tempest.conf': 'this is not ini\n'}),
    # --- scenario files -------------------------------------------------
    Row('scenario file missing', MINE, 2,
        'scenario file mine.yaml: cannot be read: No such file or '
        'directory'),
    Row('scenario file is a directory',
        ['show', FIP, '--scenario-file', '.'], 2,
        'scenario file .: is a directory, not a file'),
    Row('scenario file not UTF-8 (Latin-1)', MINE, 2,
        'scenario file mine.yaml: not UTF-8 text (byte 0xe9 at offset 50); '
        'expected a YAML file',
        {'mine.yaml': scen(FIP, 'description: café').encode('latin-1')}),
    Row('scenario file is binary (NUL bytes)', MINE, 2,
        'scenario file mine.yaml: binary data (NUL byte at offset 10)',
        {'mine.yaml': b'scenarios:\x00\x00\x01'}),
    Row('bad YAML syntax', MINE, 2,
        'scenario file mine.yaml: not valid YAML: while parsing',
        {'mine.yaml': 'scenarios: [\n'}),
    Row('YAML that is a list', MINE, 2,
        "scenario file mine.yaml: top level must be a mapping with a "
        "'scenarios' mapping", {'mine.yaml': '- floating_ip_dns\n'}),
    Row('empty scenario file', MINE, 2,
        'top level must be a mapping', {'mine.yaml': ''}),
    Row('unknown top-level key', MINE, 2,
        'scenario file mine.yaml: unknown top-level key(s) scenario',
        {'mine.yaml': 'scenarios: {}\nscenario: {}\n'}),
    Row('scenario name with a space (issue 22 #2)',
        ['list', '--scenario-file', 'mine.yaml'], 2,
        "scenario file mine.yaml: scenario name 'my dns' must be a Python "
        "identifier in lower case", {'mine.yaml': scen('my dns', NEW_DEF)}),
    Row('scenario name with shell characters',
        ['list', '--scenario-file', 'mine.yaml'], 2,
        "scenario name 'a;$b' must be a Python identifier",
        {'mine.yaml': scen('"a;$b"', NEW_DEF)}),
    Row('scenario name longer than new allows',
        ['list', '--scenario-file', 'mine.yaml'], 2,
        "scenario name '%s' is 33 characters long; use at most 32"
        % ('a' * 33), {'mine.yaml': scen('a' * 33, NEW_DEF)}),
    Row('scenario name YAML reads as a number',
        ['list', '--scenario-file', 'mine.yaml'], 2,
        'scenario name 123 must be a string, got int 123 (YAML reads it '
        'so: quote it)', {'mine.yaml': scen('123', NEW_DEF)}),
    Row('a scenario twice in one file', MINE, 2,
        "not valid YAML: duplicate key 'floating_ip_dns' (YAML would keep "
        "only the last one)",
        {'mine.yaml': scen(FIP, 'description: a') +
         '  floating_ip_dns:\n    description: b\n'}),
    Row('unknown action', MINE, 2,
        "mine.yaml: scenarios.floating_ip_dns.steps[1]: unknown action "
        "'teleport' (known: create_zone, deploy",
        {'mine.yaml': scen(FIP, 'steps: [create_zone, teleport]')}),
    Row('unknown key in a step', MINE, 2,
        'mine.yaml: unknown key scenarios.floating_ip_dns.steps[0].colour '
        '(allowed: action, name)',
        {'mine.yaml': scen(FIP, 'steps: [{action: deploy, colour: red}]')}),
    Row('step mapping without its action', MINE, 2,
        "key scenarios.floating_ip_dns.steps[0]: 'action' is a required "
        "property", {'mine.yaml': scen(FIP, 'steps: [{name: first}]')}),
    Row('duplicate step name', MINE, 2,
        "scenarios.floating_ip_dns.steps[1]: duplicate step name 'deploy'",
        {'mine.yaml': scen(FIP, 'steps: [deploy, deploy]')}),
    Row('unknown key in a record', MINE, 2,
        'mine.yaml: unknown key scenarios.floating_ip_dns.records[0].ttl',
        {'mine.yaml': scen(FIP, 'records: [{name: a, address_output: b, '
                                'ttl: 5}]')}),
    Row('wrong type', MINE, 2,
        "key scenarios.floating_ip_dns.records[0].ptr must be a boolean "
        "(true/false), got 'yes'",
        {'mine.yaml': scen(FIP, 'records: [{name: a, address_output: b, '
                                'ptr: "yes"}]')}),
    Row('required key missing in a new scenario', MINE_NEW, 2,
        'mine.yaml: scenarios.mine.records: is missing',
        {'mine.yaml': scen('mine', 'description: x\nstack: {template: '
                                   'zone.yaml}\nsteps: [deploy]')}),
    Row('unknown credentials', MINE, 2,
        "scenarios.floating_ip_dns.credentials: must be one of primary, "
        "admin, got 'root'", {'mine.yaml': scen(FIP, 'credentials: root')}),
    Row('unknown requirement', MINE, 2,
        "scenarios.floating_ip_dns.requires[1]: unknown requirement 'dns' "
        "(known: heat,", {'mine.yaml': scen(FIP, 'requires: [heat, dns]')}),
    Row('template not found', MINE_NEW, 2,
        "mine.yaml: scenarios.mine.stack.template: template 'nope.yaml' "
        "not found in", {'mine.yaml': scen('mine', NEW_DEF)}),
    Row('template file is not HOT', MINE_NEW, 2,
        'nope.yaml is not a HOT template (no heat_template_version)',
        {'mine.yaml': scen('mine', NEW_DEF), 'nope.yaml': 'a: 1\n'}),
    Row('parameter the template does not declare', MINE, 2,
        "/templates/floating_ip.yaml has no parameter 'colour' (parameters: "
        "cidr, dns_domain, dns_name, name_prefix, public_network)",
        {'mine.yaml': scen(FIP, 'stack: {parameters: {colour: red}}')}),
    Row('parameter the template needs is not passed', MINE_NEW, 2,
        "/templates/floating_ip.yaml needs parameter 'dns_domain' (it has no "
        "default)", {'mine.yaml': scen('mine', GOOD_DEF.replace(
            'dns_domain: c, ', ''))}),
    Row('unresolvable placeholder', MINE, 2,
        "scenarios.floating_ip_dns.stack.parameters.dns_name: no value for "
        "{dnsname} in '{dnsname}' (known: cidr, dns_name, flavor_ref",
        {'mine.yaml': scen(FIP, 'stack: {parameters: {dns_name: '
                                '"{dnsname}"}}')}),
    Row('malformed placeholder', MINE, 2,
        "scenarios.floating_ip_dns.records[0].name: bad placeholder in "
        "'{dns_name.{zone_name}'",
        {'mine.yaml': scen(FIP, 'records: [{name: "{dns_name.{zone_name}",'
                                ' address_output: floating_ip}]')}),
    Row('{label} without label_output', MINE, 2,
        "scenarios.floating_ip_dns.records[0].name: no value for {label}",
        {'mine.yaml': scen(FIP, 'records: [{name: "{label}.{zone_name}", '
                                'address_output: floating_ip}]')}),
    Row('update of a key that is not a var', MINE, 2,
        'scenarios.floating_ip_dns.update.vars.colour: not a var of this '
        'scenario (vars: cidr, dns_name)',
        {'mine.yaml': scen(FIP, 'update: {vars: {colour: red}}')}),
    Row('section a step needs is missing',
        ['show', 'servers_dns', '--scenario-file', 'mine.yaml'], 2,
        'scenarios.servers_dns.floating_ip: the step check_floating_ip '
        '(action check_floating_ip) needs this section with dns_domain, '
        'dns_name, id_output; missing: dns_domain, dns_name, id_output',
        {'mine.yaml': scen('servers_dns', 'steps: [create_zone, deploy, '
                                          'check_floating_ip]')}),
    Row('section a step needs is incomplete', MINE, 2,
        'scenarios.floating_ip_dns.update: the step update (action update) '
        'needs this section with vars; missing: vars',
        {'mine.yaml': scen(FIP, 'steps: [create_zone, deploy, update]')}),
    Row('create_zone step with zone: false', MINE, 2,
        'scenarios.floating_ip_dns.steps[0]: create_zone, but the scenario '
        'says zone: false', {'mine.yaml': scen(FIP, 'zone: false')}),
    # --- new -------------------------------------------------------------
    Row('new: NAME not an identifier', ['new', 'My-Case'], 2,
        "NAME 'My-Case' is not usable: it must be a Python identifier in "
        "lower case"),
    Row('new: NAME a keyword', ['new', 'class'], 2,
        "NAME 'class' is not usable"),
    Row('new: NAME of a shipped scenario', ['new', FIP], 2,
        "NAME 'floating_ip_dns' already exists: a scenario of that name is "
        "defined in"),
    Row('new: NAME defined in another scenario file',
        ['new', 'mine', '--scenario-file', 'mine.yaml'], 2,
        "NAME 'mine' already exists: a scenario of that name is defined in "
        "mine.yaml",
        {'mine.yaml': scen('mine', GOOD_DEF)}),
    Row('new: --output is a file', ['new', 'mine', '--output', 'mine.yaml'],
        2, 'mine.yaml is not a directory', {'mine.yaml': ''}),
    Row('new: unknown --base', ['new', 'mine', '--base', 'nope'], 2,
        "--base 'nope': choose one of floating_ip, servers, provider_port"),
    Row('new: --dns-name not a DNS label',
        ['new', 'mine', '--dns-name', 'My_Host'], 2,
        "--dns-name 'My_Host' must be one DNS label"),
    # --- Python API, no tempest.conf needed -----------------------------
    Row('overrides given as text', "api.run_scenario('floating_ip_dns', "
        "overrides='a=1')", 'ScenarioError',
        "overrides must be a mapping {key: value}, e.g. overrides={'dns_name':"
        " 'web'}; got str 'a=1'"),
    Row('override out of the option range', "api.run_scenario("
        "'floating_ip_dns', overrides={'record_interval': 0})",
        'ScenarioError', "overrides['record_interval']: record_interval must "
        "be a number >= 0.1"),
    Row('override misspelt boolean', "api.run_scenario('floating_ip_dns', "
        "overrides={'check_reverse': 'ture'})", 'ScenarioError',
        "overrides['check_reverse']: check_reverse must be true or false"),
    Row('scenario_files as one string (one file, not letters)',
        "api.show_scenario('floating_ip_dns', scenario_files='mine.yaml')",
        'ScenarioError', 'scenario file mine.yaml: cannot be read'),
    Row('scenario_files not a path', 'api.list_scenarios(scenario_files=42)',
        'ScenarioError', 'scenario_files must be a path or a list of paths; '
        'got 42'),
    Row('unknown hook key', "api.Scenario('floating_ip_dns', "
        "hooks={'before': print})", 'ScenarioError',
        'hooks: unknown key(s) before (use before_step, after_step)'),
    Row('unknown scenario', "api.show_scenario('nope')", 'UnknownScenario',
        "unknown scenario 'nope'"),
    Row('config_file is a directory', "api.run_scenario('floating_ip_dns', "
        "config_file='.')", 'ConfigError', 'is a directory, not a file'),
    # --- with a tempest.conf (a fresh process each) ---------------------
    Row('unknown scenario', ['run', 'nope', '--config', 'tempest.conf'], 2,
        "unknown scenario 'nope'; available scenarios:", conf=''),
    Row('unknown --set key',
        RUN + ['--config', 'tempest.conf', '--set', 'colour=blue'], 2,
        "--set colour=blue: unknown key 'colour' (settable: the scenario's "
        "vars cidr, dns_name; placeholders public_network_id", conf=''),
    Row('--set interval not below its timeout',
        RUN + ['--config', 'tempest.conf', '--set', 'record_interval=500'],
        2, '--set record_interval=500: record_interval (500.0 s) must be '
        'smaller than record_timeout (120 s)', conf=''),
    Row("override outside the template parameter's range",
        ['run', 'servers_dns', '--config', 'tempest.conf', '--set',
         'server_count=0'], 2, '--set server_count=0: stack parameter count '
        'of servers.yaml: must be >= 1, got 0', conf=''),
    Row("override not of the template parameter's type",
        ['run', 'servers_dns', '--config', 'tempest.conf', '--set',
         'server_count=many'], 2, "--set server_count=many: stack parameter "
        "count of servers.yaml: must be a number, got 'many'", conf=''),
    Row('bad --until', RUN + ['--config', 'tempest.conf', '--until', 'nope'],
        2, "--until: scenario floating_ip_dns has no step 'nope' (steps: "
        "create_zone, deploy", conf=''),
    Row('bad option value in tempest.conf',
        RUN + ['--config', 'tempest.conf'], 2, 'zone_suffix',
        conf='[cross_service]\nzone_suffix = no-dot\n'),
    Row('a [dns] nameservers entry is a host name (issue 22 #7)',
        RUN + ['--config', 'tempest.conf'], 2,
        "[dns] nameservers: 'ns1.example:53': 'ns1.example' is not an IP "
        "address (expected ADDRESS, ADDRESS:PORT or [IPv6]:PORT)",
        conf='[dns]\nnameservers = ns1.example:53\n'),
    Row('a [dns] nameservers entry with a bad port',
        RUN + ['--config', 'tempest.conf'], 2,
        "[dns] nameservers: '127.0.0.1:99999': bad port (expected 1-65535)",
        conf='[dns]\nnameservers = 127.0.0.1:99999\n'),
    Row('tempest.conf names a missing scenario file',
        RUN + ['--config', 'tempest.conf'], 2,
        "[cross_service] scenario_files: '/nonexistent.yaml' is not a file",
        conf='[cross_service]\nscenario_files = /nonexistent.yaml\n'),
    Row('a requirement the cloud lacks',
        ['run', 'provider_port_dns', '--config', 'tempest.conf'], 2,
        'scenario provider_port_dns needs: [cross_service] '
        'provider_network_type', conf=''),
    Row('wrong admin password', RUN + ['--config', 'tempest.conf'], 2,
        'rejected the admin account of [auth] (admin_username = admin, '
        'admin_project_name = admin, admin_domain_name = Default, '
        'admin_password): Unauthorized', conf='', identity='reject'),
    Row('wrong password, --json, tempest.conf without log_file',
        RUN + ['--config', 'tempest.conf', '--json'], 2,
        'rejected the admin account of [auth]',
        conf='[DEFAULT]\nuse_stderr = false\n', identity='reject'),
    Row('Keystone unreachable', RUN + ['--config', 'tempest.conf'], 2,
        'cannot reach Keystone at [identity] uri_v3 = http://127.0.0.1:',
        conf='', identity='closed'),
    Row('override key unknown (API)', "api.run_scenario('floating_ip_dns', "
        "overrides={'colour': 1})", 'ScenarioError',
        "overrides['colour']: unknown key 'colour'", conf=''),
    Row('until not a step (API)', "api.run_scenario('floating_ip_dns', "
        "until='nope')", 'ScenarioError',
        "until: scenario floating_ip_dns has no step 'nope'", conf=''),
]


# --- running a row -------------------------------------------------------

class _Keystone(http.server.BaseHTTPRequestHandler):
    """Keystone that rejects every password (401, its JSON error)."""

    def do_POST(self):
        body = json.dumps({'error': {
            'code': 401, 'title': 'Unauthorized',
            'message': 'The request you have made requires '
                       'authentication.'}}).encode()
        self.send_response(401)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope='module')
def identity_urls():
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Keystone)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with socket.socket() as sock:       # a port nothing listens on
        sock.bind(('127.0.0.1', 0))
        closed = sock.getsockname()[1]
    yield {'reject': 'http://127.0.0.1:%d/v3' % server.server_address[1],
           'closed': 'http://127.0.0.1:%d/v3' % closed}
    server.shutdown()
    server.server_close()


def _write_files(tmp, row, urls):
    for name, content in row.files.items():
        mode = 'wb' if isinstance(content, bytes) else 'w'
        with open(os.path.join(tmp, name), mode) as f:
            f.write(content)
    if row.conf is not None:
        # 'use_stderr = false': Tempest logs to the console (stdout), so
        # the conf has no log_file/log_dir.
        tempest_subprocess.write_conf(
            tmp, row.conf, enabled=True,
            console_log='use_stderr = false' in row.conf,
            identity_uri=urls[row.identity] if row.identity else None)


def _in_process(row, tmp):
    """(exit or exception name, stdout, stderr) of a row, here."""
    from cross_service_tempest_plugin import api
    from cross_service_tempest_plugin import cli
    out, err = io.StringIO(), io.StringIO()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('TEMPEST_CONFIG')}
    cwd = os.getcwd()
    os.chdir(tmp)
    try:
        with mock.patch.dict(os.environ, env, clear=True), \
                contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err):
            if isinstance(row.call, list):
                try:
                    code = cli.main(row.call, stdout=out, stderr=err)
                except SystemExit as exc:      # argparse
                    code = exc.code
            else:
                try:
                    eval(row.call, {'api': api})
                    code = None
                except api.ScenarioError as exc:
                    code = type(exc).__name__
                    err.write(str(exc))
    finally:
        os.chdir(cwd)
    return code, out.getvalue(), err.getvalue()


_API_SNIPPET = """
import json, sys
from cross_service_tempest_plugin import api
try:
    %s
    code = None
except api.ScenarioError as exc:
    code = type(exc).__name__
    sys.stderr.write(str(exc))
print(json.dumps(code))
"""


def _subprocess(row, tmp):
    """(exit or exception name, stdout, stderr) in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('TEMPEST_CONFIG')}
    if isinstance(row.call, list):
        argv = ['-m', 'cross_service_tempest_plugin.cli'] + row.call
    else:
        env.update(TEMPEST_CONFIG_DIR=tmp, TEMPEST_CONFIG='tempest.conf')
        argv = ['-c', _API_SNIPPET % row.call]
    proc = subprocess.run([sys.executable] + argv, cwd=tmp, env=env,
                          capture_output=True, text=True, timeout=180)
    if isinstance(row.call, list):
        return proc.returncode, proc.stdout, proc.stderr
    lines = proc.stdout.strip().splitlines()
    code = json.loads(lines[-1]) if lines else proc.returncode
    return code, '\n'.join(lines[:-1]), proc.stderr


def row_id(row):
    return row.what


@pytest.mark.parametrize('row', ROWS, ids=[row_id(r) for r in ROWS])
def test_bad_input(row, identity_urls):
    with tempfile.TemporaryDirectory() as tmp:
        _write_files(tmp, row, identity_urls)
        run = _subprocess if row.conf is not None else _in_process
        code, out, err = run(row, tmp)
    shown = 'exit %r\nstdout:\n%s\nstderr:\n%s' % (code, out, err[-3000:])
    assert 'Traceback' not in out + err, shown
    assert code == row.exit, shown
    assert row.message in err, shown
    # stdout is the command's output only: nothing for an error, also
    # with --json and Tempest logging to the console.
    assert out == '', shown


def test_table_is_large_and_unique():
    assert len(ROWS) >= 30
    keys = [(r.what, str(r.call)) for r in ROWS]
    assert len(keys) == len(set(keys))


# --- the table in doc/source/user/command-line.rst ----------------------

DOC = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'doc',
                   'source', 'user', 'command-line.rst')
START = '.. bad-input-table-start (generated by: python -m ' \
        'unit_tests.test_bad_input)'
END = '.. bad-input-table-end'


def _shown_input(row):
    if isinstance(row.call, list):
        text = ' '.join(['cross-service-scenario'] +
                        [shlex.quote(a) for a in row.call])
    else:
        text = row.call
    return '``%s``' % text


def render_rst():
    """The table as an RST list-table (what, input, exit, message)."""
    lines = [START, '', '.. list-table::', '   :header-rows: 1',
             '   :widths: 22 34 10 34', '',
             '   * - Mistake', '     - Input', '     - Exit / raises',
             '     - Message (contains)']
    for row in ROWS:
        what = row.what + (' (tempest.conf)' if row.conf is not None and
                           'tempest.conf' not in row.what else '')
        lines += ['   * - %s' % what.replace('*', r'\*'),
                  '     - %s' % _shown_input(row),
                  '     - %s' % row.exit,
                  '     - ``%s``' % row.message]
    return '\n'.join(lines + ['', END])


def test_doc_table():
    with open(DOC) as f:
        doc = f.read()
    assert render_rst() in doc, (
        'doc/source/user/command-line.rst: the bad-input table differs from '
        'unit_tests/test_bad_input.py; run: python -m '
        'unit_tests.test_bad_input')


def _update_doc():
    with open(DOC) as f:
        doc = f.read()
    if START in doc and END in doc:
        head, rest = doc.split(START, 1)
        tail = rest.split(END, 1)[1]
        doc = head + render_rst() + tail
    else:
        raise SystemExit('%s: no %r ... %r section to fill'
                         % (DOC, START, END))
    with open(DOC, 'w') as f:
        f.write(doc)
    print('updated %s (%d rows)' % (DOC, len(ROWS)))


if __name__ == '__main__':
    _update_doc()
