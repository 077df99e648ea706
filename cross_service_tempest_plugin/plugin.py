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

"""Tempest plugin entry point.

Kept cheap to import: Tempest loads every plugin for each command, so this
module only imports what Tempest itself has loaded already, plus our option
definitions. Service client modules are imported by Tempest's client
factory when a client manager is built.
"""

import os

from tempest import config
from tempest.lib import exceptions as lib_exc
from tempest.test_discover import plugins

from cross_service_tempest_plugin import config as cs_config
from cross_service_tempest_plugin.scenarios import settings as run_settings

ORCHESTRATION_MODULE = 'cross_service_tempest_plugin.services.orchestration'
# Not 'orchestration.v1': that is the obvious choice of any future Heat
# client in Tempest or another plugin, and a clash breaks every manager.
ORCHESTRATION_SERVICE_VERSION = 'cross_service.orchestration'
# Defaults of heat-tempest-plugin's [heat_plugin] group, used only when that
# plugin (a requirement of ours) is missing from the venv.
HEAT_GROUP_DEFAULTS = {
    'service': 'orchestration',
    'endpoint_type': 'public',
    'build_interval': run_settings.HEAT_BUILD_INTERVAL,
    'build_timeout': run_settings.HEAT_BUILD_TIMEOUT,
}


class CrossServiceTempestPlugin(plugins.TempestPlugin):
    """Nova + Neutron + Designate + Heat scenarios for Tempest."""

    def load_tests(self):
        """Return only the package's tests/ tree (never unit_tests/)."""
        base_path = os.path.split(os.path.dirname(
            os.path.abspath(__file__)))[0]
        test_dir = os.path.join(base_path, 'cross_service_tempest_plugin',
                                'tests')
        return test_dir, base_path

    def register_opts(self, conf):
        config.register_opt_group(conf, cs_config.cross_service_group,
                                  cs_config.CrossServiceGroup)

    def get_opt_lists(self):
        return [(cs_config.cross_service_group.name,
                 cs_config.CrossServiceGroup)]

    def get_service_clients(self):
        """Register the Heat clients as ``orchestration``.

        Settings come from heat-tempest-plugin's ``[heat_plugin]`` group
        (catalog_type, endpoint_type, region, build_interval,
        build_timeout); its static credentials are not used: clients get
        the credentials of the test's client manager.
        designate-tempest-plugin registers ``dns_v2``/``dns_admin`` itself;
        registering them again would break every client manager.
        """
        try:
            params = config.service_client_config('heat_plugin')
        except lib_exc.UnknownServiceClient:
            params = config.service_client_config()
            params.update(HEAT_GROUP_DEFAULTS,
                          region=config.CONF.identity.region)
        from cross_service_tempest_plugin.services import orchestration
        params.update({
            'name': 'orchestration',
            'service_version': ORCHESTRATION_SERVICE_VERSION,
            'module_path': ORCHESTRATION_MODULE,
            'client_names': orchestration.__all__,
        })
        return [params]
