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

"""The shipped templates have one leaf each (issue 21 #4).

Heat sleeps 1 s after starting each resource that depends on no other
(templates.leaves): a second leaf costs a deploy a second.
"""

import glob
import os

import pytest
import yaml

from cross_service_tempest_plugin.scenarios import templates

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# the packaged ones and the workshop's, which learners copy
SHIPPED = sorted(glob.glob(os.path.join(templates.TEMPLATES_DIR, '*.yaml')) +
                 [os.path.join(REPO, 'doc', 'source', 'workshop',
                               'port_fip_dns.yaml')])


@pytest.mark.parametrize('path', SHIPPED, ids=os.path.basename)
def test_shipped_template_has_one_leaf(path):
    with open(path) as f:
        hot = yaml.safe_load(f)
    assert len(templates.leaves(hot)) == 1, templates.leaves(hot)


def test_leaves_follow_get_resource_get_attr_and_depends_on():
    hot = {'resources': {
        'net': {'type': 'OS::Neutron::Net'},
        'router': {'type': 'OS::Neutron::Router'},
        'sg': {'type': 'OS::Neutron::SecurityGroup', 'depends_on': 'net'},
        'key': {'type': 'OS::Nova::KeyPair', 'depends_on': ['sg']},
        'subnet': {'type': 'OS::Neutron::Subnet',
                   'properties': {'network': {'get_resource': 'net'}}},
        'port': {'type': 'OS::Neutron::Port', 'properties': {
            'fixed_ips': [{'subnet': {'get_attr': ['subnet', 'id']}}]}},
        # a parameter of the same name is no dependency
        'fip': {'type': 'OS::Neutron::FloatingIP', 'properties': {
            'floating_network': {'get_param': 'net'}}},
    }}
    assert templates.leaves(hot) == ['fip', 'net', 'router']


def test_leaves_of_a_template_without_resources():
    assert templates.leaves({'heat_template_version': '2018-08-31'}) == []
