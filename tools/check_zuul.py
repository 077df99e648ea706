#!/usr/bin/env python3
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

""".zuul.yaml against what Zuul and the devstack/tempest roles read.

  python tools/check_zuul.py [--zuul FILE]
  python tools/check_zuul.py --refresh MIRROR...   (rewrite the data)

Checked, per job: its parent, nodeset and every job of the project's
pipelines exist upstream or in the file; every ``vars`` key is a variable
that an upstream role documents (``.. zuul:rolevar::``) or one the file's
own templates use; devstack_local_conf phases are ones stack.sh merges;
the devstack plugins' order puts ours after the plugins it requires
(devstack/settings plugin_requires); tempest_plugins are required
projects; tempest_test_regex is anchored to this plugin's package; every
stable variant (override-checkout) names a series, and one names the
series the pinned services (constellation/requirements.txt) belong to.
The upstream names are data, tools/data/zuul-upstream.json, listed from
the fetched repositories (their commits are in it): refresh it with
--refresh and the mirrors' git dirs.  Last line: "N passed, N failed".
"""

import argparse
import json
import os
import re
import subprocess
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(REPO, 'tools', 'data', 'zuul-upstream.json')
PACKAGE = 'cross_service_tempest_plugin'
# services whose major version names the series
SERIES_SERVICES = ('neutron', 'designate', 'openstack-heat')
MIRROR_REPO = {'openstack-heat': 'openstack/heat'}


class _Loader(yaml.SafeLoader):
    """Zuul's YAML: its tags (!encrypted/pkcs1-oaep, ...) read as None."""


_Loader.add_multi_constructor('!', lambda loader, suffix, node: None)


def _load(text):
    return yaml.load(text, Loader=_Loader)


# --- refreshing the data from the fetched repositories -----------------

def _git(gitdir, *args):
    return subprocess.run(['git', '--git-dir', gitdir] + list(args),
                          capture_output=True, text=True, check=True).stdout


def _repo_name(gitdir):
    # /work/.mirror/openstack+devstack/repo -> openstack/devstack
    return os.path.basename(os.path.dirname(os.path.abspath(
        gitdir))).replace('+', '/', 1)


def refresh(mirrors):
    data = {'sources': {}, 'jobs': {}, 'nodesets': {},
            'project_templates': {}, 'role_vars': {},
            'local_conf_phases': {}, 'series': {}}
    for gitdir in mirrors:
        repo = _repo_name(gitdir)
        head = _git(gitdir, 'rev-parse', 'HEAD').strip()
        data['sources'][repo] = {'commit': head, 'date': _git(
            gitdir, 'log', '-1', '--format=%cs', 'HEAD').strip()}
        files = _git(gitdir, 'ls-tree', '-r', '--name-only', 'HEAD').split()
        for path in files:
            if re.match(r'^(zuul\.d/.*|\.zuul\.d/.*|\.zuul)\.ya?ml$',
                        path) or path in ('.zuul.yaml', 'zuul.yaml'):
                text = _git(gitdir, 'show', 'HEAD:' + path)
                for item in _load(text) or []:
                    for kind, key in (('job', 'jobs'),
                                      ('nodeset', 'nodesets'),
                                      ('project-template',
                                       'project_templates')):
                        if isinstance(item, dict) and kind in item:
                            data[key].setdefault(item[kind]['name'],
                                                 '%s %s' % (repo, path))
            elif re.match(r'^roles/[^/]+/README\.rst$', path):
                text = _git(gitdir, 'show', 'HEAD:' + path)
                for name in re.findall(r'^\.\. zuul:rolevar:: (\w+)', text,
                                       re.M):
                    data['role_vars'].setdefault(name, '%s %s' % (repo,
                                                                  path))
            elif path == 'stack.sh':
                text = _git(gitdir, 'show', 'HEAD:' + path)
                for phase in re.findall(
                        r'merge_config_group \$TOP_DIR/local\.conf (\S+)',
                        text):
                    data['local_conf_phases'].setdefault(
                        phase, '%s stack.sh' % repo)
        for service, mrepo in [(s, MIRROR_REPO.get(s, 'openstack/' + s))
                               for s in SERIES_SERVICES]:
            if mrepo != repo:
                continue
            for ref in _git(gitdir, 'branch', '-a', '--format=%(refname)'
                            ).split():
                m = re.match(r'refs/(?:remotes/origin|heads)/stable/'
                             r'(\d{4}\.\d)$', ref)
                if not m:
                    continue
                desc = _git(gitdir, 'describe', '--tags', ref).strip()
                data['series'].setdefault(m.group(1), {})[service] = int(
                    desc.split('.')[0])
    for key in ('jobs', 'nodesets', 'project_templates', 'role_vars'):
        data[key] = dict(sorted(data[key].items()))
    with open(DATA, 'w') as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write('\n')
    print('wrote %s: %s' % (DATA, ', '.join(
        '%d %s' % (len(data[k]), k) for k in data if k != 'sources')))


# --- the check ---------------------------------------------------------

def next_series(series):
    year, n = series.split('.')
    return '%s.2' % year if n == '1' else '%d.1' % (int(year) + 1)


def pinned_series(upstream, requirements):
    """The series the pinned services belong to, and why."""
    pins = {}
    with open(requirements) as f:
        for line in f:
            m = re.match(r'^([\w-]+)==(\d+)\.', line)
            if m:
                pins[m.group(1)] = int(m.group(2))
    majors = {s: pins[s] for s in SERIES_SERVICES if s in pins}
    known = upstream['series']
    for series, versions in known.items():
        if versions and all(majors.get(s) == v for s, v in versions.items()):
            return series, 'stable/%s has %s' % (series, versions)
    newest = max(known)
    if all(majors.get(s) == v + 1 for s, v in known[newest].items()):
        return next_series(newest), (
            'one major above stable/%s (%s): the series after it, released '
            'after the mirrors were fetched' % (newest, known[newest]))
    return None, 'pinned %s match no series of %s' % (majors, known)


def plugin_name():
    with open(os.path.join(REPO, 'devstack', 'settings')) as f:
        text = f.read()
    name = re.search(r'^define_plugin (\S+)', text, re.M).group(1)
    return name, re.findall(r'^plugin_requires %s (\S+)' % re.escape(name),
                            text, re.M)


def run(zuul, upstream, check):
    with open(zuul) as f:
        text = f.read()
    items = _load(text)
    templated = set(re.findall(r'\{\{\s*(\w+)', text))
    jobs = {i['job']['name']: i['job'] for i in items if 'job' in i}
    ours, requires = plugin_name()
    for name, job in jobs.items():
        parent = job.get('parent')
        if parent:
            check('job %s: parent %s exists' % (name, parent),
                  parent in jobs or parent in upstream['jobs'],
                  upstream['jobs'].get(parent, 'in this file'))
        if 'nodeset' in job:
            check('job %s: nodeset %s exists' % (name, job['nodeset']),
                  job['nodeset'] in upstream['nodesets'],
                  upstream['nodesets'].get(job['nodeset'], 'not upstream'))
        variables = job.get('vars') or {}
        for key in variables:
            check('job %s: vars %s is read by a role or this file' % (
                name, key), key in upstream['role_vars'] or key in templated,
                upstream['role_vars'].get(key, 'templated here'))
        for phase in variables.get('devstack_local_conf') or {}:
            check('job %s: devstack_local_conf phase %s is merged by '
                  'stack.sh' % (name, phase),
                  phase in upstream['local_conf_phases'],
                  'known: %s' % ', '.join(upstream['local_conf_phases']))
        plugins = list(variables.get('devstack_plugins') or {})
        if ours in plugins:
            late = [r for r in requires if r in plugins and
                    plugins.index(r) > plugins.index(ours)]
            check('job %s: devstack plugin %s after %s' % (
                name, ours, ', '.join(requires)), not late,
                'listed after it: %s' % ', '.join(late))
        projects = {p.split('/')[-1] for p in job.get('required-projects',
                                                      [])}
        for plugin in variables.get('tempest_plugins') or []:
            check('job %s: tempest plugin %s is a required project'
                  % (name, plugin), plugin in projects)
        regex = variables.get('tempest_test_regex')
        if regex is not None:
            r = re.compile(regex)
            check('job %s: tempest_test_regex %s anchored to %s' % (
                name, regex, PACKAGE),
                regex.startswith('^' + PACKAGE) and
                r.search(PACKAGE + '.tests.scenario.test_x.T.test_y') and
                not r.search('designate_tempest_plugin.tests.'
                             'cross_service_x') and
                not r.search('tempest.api.cross_service.T.test'))
        branch = job.get('override-checkout')
        if branch:
            check('job %s: override-checkout %s names a stable series'
                  % (name, branch),
                  re.match(r'^stable/\d{4}\.[12]$', branch) is not None)
    series, why = pinned_series(upstream, os.path.join(
        REPO, 'constellation', 'requirements.txt'))
    check('a variant runs the pinned services\' series %s' % series,
          series is not None and any(
              j.get('override-checkout') == 'stable/%s' % series
              for j in jobs.values()), why)
    for item in items:
        project = item.get('project')
        if not project:
            continue
        for tmpl in project.get('templates', []):
            check('project template %s exists' % tmpl,
                  tmpl in upstream['project_templates'],
                  upstream['project_templates'].get(tmpl, 'not upstream'))
        for pipeline, conf in project.items():
            if not isinstance(conf, dict):
                continue
            for entry in conf.get('jobs', []):
                job = entry if isinstance(entry, str) else next(iter(entry))
                check('%s: job %s exists' % (pipeline, job),
                      job in jobs or job in upstream['jobs'],
                      upstream['jobs'].get(job, 'in this file'))
        pipelines = {p for p, c in project.items() if isinstance(c, dict)}
        devstack_jobs = [j for j in jobs if j not in upstream['jobs']]
        for job in devstack_jobs:
            check('job %s runs before merge (check or experimental)' % job,
                  any(job in [e if isinstance(e, str) else next(iter(e))
                              for e in (project.get(p) or {}).get('jobs',
                                                                  [])]
                      for p in pipelines & {'check', 'experimental'}))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--zuul', default=os.path.join(REPO, '.zuul.yaml'))
    p.add_argument('--refresh', nargs='+', metavar='GIT_DIR')
    args = p.parse_args(argv)
    if args.refresh:
        refresh(args.refresh)
        return 0
    with open(DATA) as f:
        upstream = json.load(f)
    counts = [0, 0]

    def check(name, ok, detail=''):
        counts[0 if ok else 1] += 1
        print('%s: %s%s' % ('ok' if ok else 'FAILED', name,
                            (' (%s)' % detail) if detail and not ok else ''))
    print('upstream names from %s' % ', '.join(
        '%s@%s (%s)' % (r, s['commit'][:10], s['date'])
        for r, s in sorted(upstream['sources'].items())))
    run(args.zuul, upstream, check)
    print('%d passed, %d failed' % tuple(counts))
    return 1 if counts[1] else 0


if __name__ == '__main__':
    sys.exit(main())
