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

"""Each Heat resource's span from the stack's events (issue 21 #4)."""

from cross_service_tempest_plugin.common import heat_events
from cross_service_tempest_plugin.report import heat_resources
from cross_service_tempest_plugin.report import results
from cross_service_tempest_plugin import result_model

ROOT = 'cs-1-stack'
HREF = 'http://127.0.0.1:8004/v1/p/stacks/%s/00ff/resources/%s'


def ev(resource, status, second, stack=ROOT):
    """An event as Heat's API gives it: the stack only in its links."""
    return {'resource_name': resource, 'resource_status': status,
            'event_time': '2026-12-02T13:29:%02dZ' % second,
            'links': [{'rel': 'self', 'href': 'x'},
                      {'rel': 'stack', 'href': HREF % (stack, resource)}]}


NESTED = ROOT + '-servers-fpxbm3brm4y6-0-tqeyzdfeqbgk'
EVENTS = [
    ev(ROOT, 'CREATE_IN_PROGRESS', 5),          # the stack itself
    ev('network', 'CREATE_IN_PROGRESS', 6),
    ev('network', 'CREATE_COMPLETE', 6),
    ev('router', 'CREATE_IN_PROGRESS', 7),
    ev('router', 'CREATE_COMPLETE', 9),
    ev('port', 'CREATE_IN_PROGRESS', 8, NESTED),
    ev('port', 'CREATE_COMPLETE', 10, NESTED),
    ev('fip', 'CREATE_IN_PROGRESS', 9),         # never completed
    ev(ROOT, 'CREATE_COMPLETE', 11),
]


def test_spans_start_after_the_first_resource_in_whole_seconds():
    assert heat_events.resource_spans(EVENTS, ROOT) == [
        {'resource': 'network', 'start': 0, 'seconds': 0},
        {'resource': 'router', 'start': 1, 'seconds': 2},
        {'resource': 'servers-0/port', 'start': 2, 'seconds': 2}]


def test_another_action_and_no_events():
    deleted = [ev('port', 'DELETE_IN_PROGRESS', 1),
               ev('port', 'DELETE_COMPLETE', 3)]
    assert heat_events.resource_spans(deleted, ROOT, 'DELETE') == [
        {'resource': 'port', 'start': 0, 'seconds': 2}]
    assert heat_events.resource_spans(deleted, ROOT) == []
    assert heat_events.resource_spans([], ROOT) == []


def test_stack_name_from_the_event_or_its_stack_link():
    assert heat_events.stack_name(ev('x', 'CREATE_COMPLETE', 1, NESTED)) \
        == NESTED
    assert heat_events.stack_name({'stack_name': 's', 'links': []}) == 's'
    assert heat_events.stack_name({'links': []}) == ''


def _run(scenario, rows):
    step = result_model.StepResult(name='deploy', action='deploy',
                                   status='passed', duration=3.0,
                                   details={'heat_resources': rows})
    other = result_model.StepResult(name='check_api', action='check_api',
                                    details={'heat_resources': 'ignored'})
    return result_model.ScenarioResult(name=scenario, steps=[step, other])


def test_report_table_takes_medians_over_runs_by_resource():
    runs = [_run('s', [{'resource': 'b', 'start': 1, 'seconds': 1},
                       {'resource': 'a', 'start': 0, 'seconds': 2}]),
            _run('s', [{'resource': 'b', 'start': 3, 'seconds': 3}]),
            _run('t', [])]
    table = heat_resources.table(
        [results.Run.of(r, '<test>', True) for r in runs])
    assert table['s'] == [
        {'resource': 'a', 'n': 1, 'start': 0, 'seconds': 2, 'max': 2},
        {'resource': 'b', 'n': 2, 'start': 2, 'seconds': 2, 'max': 3}]
    assert table['t'] == []
