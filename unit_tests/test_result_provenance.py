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

"""Where a result came from, and its cleanup as a step of its own."""

import datetime
import json
import unittest

from cross_service_tempest_plugin.report import changes
from cross_service_tempest_plugin.report import results as report_results
from cross_service_tempest_plugin.scenarios import loader
from cross_service_tempest_plugin.scenarios import provenance
from unit_tests import scenario_fakes


class TestProvenance(unittest.TestCase):

    def setUp(self):
        self.cloud = scenario_fakes.FakeCloud()
        self.catalog = loader.load_catalog()

    def test_header_keys(self):
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        data = json.loads(run.run().to_json())
        self.assertEqual(provenance.SCHEMA_VERSION, data['schema_version'])
        self.assertEqual(provenance.plugin_version(), data['plugin_version'])
        started = datetime.datetime.fromisoformat(data['started_at'])
        self.assertIsNotNone(started.utcoffset())     # has a zone
        # every engine setting in force, with its value
        self.assertEqual(run.settings.record_timeout,
                         data['settings']['record_timeout'])
        self.assertEqual(set(provenance.settings_dict(run.settings)),
                         set(data['settings']))

    def test_cleanup_after_a_failure_is_its_own_step(self):
        self.cloud.fail_templates['floating_ip.yaml'] = (
            'Resource CREATE failed: Engine went down during stack CREATE')
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        result = run.run()
        self.assertFalse(result.passed)
        cleanup = result.to_dict()['cleanup']
        self.assertEqual(('cleanup', 'cleanup', 'passed'),
                         (cleanup['name'], cleanup['action'],
                          cleanup['status']))
        self.assertGreaterEqual(cleanup['duration'], 0)
        last = max(s.started_at for s in result.steps if s.started_at)
        self.assertGreaterEqual(cleanup['started_at'], last)
        # the report shows it as a step (timeline, step table)
        rrun = report_results.run_from_dict(result.to_dict())
        self.assertEqual('cleanup', rrun.steps[-1].name)

    def test_no_step_no_cleanup_step(self):
        run = self.cloud.run(self.catalog, 'floating_ip_dns')
        run.cleanup()
        self.assertIsNone(run.result.to_dict()['cleanup'])


class FakeConf(object):
    class identity(object):
        auth_version = 'v3'
        uri_v3 = 'http://127.0.0.1:5000/v3'
        uri = None
        region = 'RegionOne'
        v3_endpoint_type = 'public'


class TestCloud(unittest.TestCase):

    def test_cloud_names_keystone_and_region(self):
        self.assertEqual({'auth_url': 'http://127.0.0.1:5000/v3',
                          'region': 'RegionOne', 'endpoint_type': 'public'},
                         provenance.cloud(FakeConf))

    def test_catalog_urls_pick_interface_and_region(self):
        catalog = [
            {'type': 'compute', 'endpoints': [
                {'interface': 'admin', 'region_id': 'RegionOne',
                 'url': 'http://a/'},
                {'interface': 'public', 'region_id': 'Other',
                 'url': 'http://o/'},
                {'interface': 'public', 'region_id': 'RegionOne',
                 'url': 'http://p/'}]},
            {'type': 'object-store', 'endpoints': [
                {'interface': 'public', 'url': 'http://s/'}]}]
        self.assertEqual({'compute': 'http://p/'}, provenance._catalog_urls(
            catalog, 'RegionOne', 'public'))


class FakeRun(object):
    def __init__(self, settings):
        self.settings = settings


class TestSettingChanges(unittest.TestCase):

    def test_change_is_marked_with_what_changed(self):
        marks = changes.setting_changes([
            FakeRun({'record_timeout': 60}), FakeRun({}),
            FakeRun({'record_timeout': 60}),
            FakeRun({'record_timeout': 30, 'results_dir': '/x'})])
        self.assertEqual([(3, ['record_timeout: 60 → 30'])], marks)
