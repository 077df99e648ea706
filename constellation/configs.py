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

"""Every rendered config file of the constellation, in one map."""

from constellation import render
from constellation import render_dns
from constellation import render_infra
from constellation import render_ovn
from constellation import service_settings


def config_files(ctx):
    """All rendered files: relative path under etc/ -> text."""
    files = {
        'mysql/my.cnf': render_infra.my_cnf(ctx),
        'rabbitmq/rabbitmq.conf': render_infra.rabbitmq_conf(ctx),
        'rabbitmq/enabled_plugins': '[].\n',
        'rabbitmq/advanced.config': '[].\n',
        'rabbitmq/rabbitmq-env.conf': '',
        'keystone/keystone.conf': render.keystone_conf(ctx),
        'glance/glance-api.conf': render.glance_conf(ctx),
        'placement/placement.conf': render.placement_conf(ctx),
        'nova/nova.conf': render.nova_conf(ctx),
        'nova/nova-scheduler.conf': render.nova_scheduler_conf(ctx),
        'neutron/neutron.conf': render.neutron_conf(ctx),
        'neutron/ml2_conf.ini': render.ml2_conf(ctx),
        'designate/designate.conf': render_dns.designate_conf(ctx),
        'designate/pools.yaml': render_dns.pools_yaml(ctx),
        'heat/heat.conf': render.heat_conf(ctx),
    }
    files.update(render_dns.bind_files(ctx))
    if render_ovn.is_real(ctx):
        files.update(render_ovn.files(ctx))
    # what the caller asked for, last: its values win
    for key, rel in service_settings.FILES.items():
        asked = service_settings.for_file(ctx, key)
        if asked and rel in files:
            files[rel] = render.patch(files[rel], asked)
    return files
