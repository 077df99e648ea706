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

"""One model of the result document, for the writer and the report."""

import json

import pytest

from cross_service_tempest_plugin.report import results as report_results
from cross_service_tempest_plugin import result_model
from cross_service_tempest_plugin.scenarios import provenance
from cross_service_tempest_plugin.scenarios import results


def _result():
    steps = [result_model.StepResult('deploy', 'deploy', 'passed', 1.23456,
                                     1700000000.0, {'stack': 's'}),
             result_model.StepResult('check_api', 'check_api')]
    return result_model.ScenarioResult(
        'floating_ip_dns', steps, resources=[{'type': 'stack'}],
        duration=2.5, values={'zone_name': 'z.'}, started_at='2026-12-02',
        cloud={'region': 'R'}, settings={'record_timeout': 60},
        overrides={'dns_name': 'web'}, service_versions={'nova': '1'},
        cleanup={'name': 'cleanup', 'action': 'cleanup',
                 'status': 'passed', 'duration': 0.5,
                 'started_at': 1700000002.0})


def test_the_writer_and_the_report_share_the_model():
    assert results.ScenarioResult is result_model.ScenarioResult
    assert results.StepResult is result_model.StepResult
    assert report_results.Step is result_model.StepResult
    assert report_results.ReportError is result_model.ResultError
    assert provenance.SCHEMA_VERSION == result_model.SCHEMA_VERSION == 2


def test_a_document_reads_back_as_written():
    doc = json.loads(_result().to_json())
    assert doc['schema_version'] == 2
    back = result_model.ScenarioResult.from_dict(doc, 'f.json')
    assert back.to_dict() == doc
    assert back.steps[0].ended_at == pytest.approx(1700000001.235)


def test_the_report_views_the_model():
    run = report_results.run_from_dict(_result().to_dict(), 'f.json')
    assert isinstance(run.result, result_model.ScenarioResult)
    assert run.scenario == 'floating_ip_dns'
    assert [s.name for s in run.steps] == ['deploy', 'check_api', 'cleanup']
    assert run.settings == {'record_timeout': 60, '--set dns_name': 'web'}
    assert run.ended_at == 1700000002.5


def test_an_older_document_keeps_its_schema_version():
    doc = _result().to_dict()
    del doc['schema_version'], doc['cleanup']
    back = result_model.ScenarioResult.from_dict(doc)
    assert back.schema_version == 1
    assert back.cleanup is None


def test_a_document_that_is_none_is_refused_naming_its_source():
    with pytest.raises(result_model.ResultError,
                       match='f.json: not a scenario result'):
        result_model.ScenarioResult.from_dict({'steps': []}, 'f.json')
    doc = dict(_result().to_dict(), known_bugs='many')
    with pytest.raises(result_model.ResultError,
                       match='known_bugs must be a list, got str'):
        result_model.ScenarioResult.from_dict(doc, 'f.json')
