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

"""The failure section: what failed, where, and what was seen.

The engine stores a failed step's message as text (the waiters' messages
name the stack status reason, the failed resources and the last Heat
events; a record wait names the nameserver, what was expected and what
was seen last); this module splits those messages into fields.
"""

import re

_RECORD_WAIT = re.compile(
    r'(?:nameserver (?P<ns>\S+)|(?P<api>Designate API)): expected '
    r'(?P<name>\S+) (?P<type>[A-Z]+) (?:= (?P<values>\[[^\]]*\])'
    r'(?: \(status ACTIVE\))?|without (?P<without>\[[^\]]*\]))'
    r'; last seen: (?P<seen>.*?); waited (?P<waited>[\d.]+) s'
    r'(?: \(timeout (?P<timeout>[\d.]+) s\))?')


def parse_heat(message):
    """Stack failure text → {'reason', 'failed_resources', 'events'}."""
    heat = {'reason': None, 'failed_resources': [], 'events': []}
    section = None
    for line in (message or '').splitlines():
        if line.startswith('Stack status reason:'):
            heat['reason'] = line.split(':', 1)[1].strip()
            section = None
        elif line.startswith('Failed resources:'):
            section = 'failed_resources'
            rest = line.split(':', 1)[1].strip()
            if rest and rest != 'none':
                heat['failed_resources'].append(rest)
        elif re.match(r'Last \d+ events:', line):
            section = 'events'
        elif line.startswith('  ') and section:
            heat[section].append(line.strip())
        elif line.startswith(('Events:', 'Resources:')):
            heat['events' if line.startswith('Events') else
                 'failed_resources'].append(line)
            section = None
    if not (heat['reason'] or heat['failed_resources'] or heat['events']):
        return None
    return heat


def parse_record_waits(message):
    """Record wait timeouts in a message → list of dicts."""
    found = []
    for m in _RECORD_WAIT.finditer(message or ''):
        found.append({
            'where': m.group('ns') or m.group('api'),
            'name': m.group('name'), 'type': m.group('type'),
            'expected': (m.group('values') if m.group('values') is not None
                         else 'without %s' % m.group('without')),
            'seen': m.group('seen'), 'waited': float(m.group('waited')),
            'timeout': (float(m.group('timeout')) if m.group('timeout')
                        else None)})
    return found


def _checked(details):
    """Records a check step confirmed before it failed (if it kept any)."""
    rows = []
    for rec in (details or {}).get('records') or []:
        if isinstance(rec, dict):
            rows.append({'where': rec.get('nameserver') or rec.get('where')
                         or 'Designate API', 'name': rec.get('name'),
                         'type': rec.get('type'),
                         'expected': rec.get('values'),
                         'seen': rec.get('seen'),
                         'waited': rec.get('waited')})
    return rows


def failure(run):
    """One failed (or not passed) run → the failure section's data."""
    step = run.step(run.failed_step) if run.failed_step else None
    if step is None:
        step = next((s for s in run.steps
                     if s.status in ('failed', 'interrupted')), None)
    message = (step.error if step and step.error else run.error) or ''
    details = step.details if step else {}
    return {
        'scenario': run.scenario, 'source': run.source,
        'started_at': run.started_at,
        'step': step.name if step else None,
        'action': step.action if step else None,
        'status': step.status if step else None,
        'headline': message.splitlines()[0] if message else
        ('cleanup failed' if run.cleanup_errors else 'not passed'),
        'message': message,
        'heat': parse_heat(message),
        'record_waits': parse_record_waits(message),
        'checked': _checked(details),
        'serials': details.get('serials') if details else None,
        'traceback': details.get('traceback') if details else None,
        'cleanup_errors': run.cleanup_errors,
        'stack': (details or {}).get('stack'),
    }


def failures(runs):
    return [failure(r) for r in runs if not r.passed]
