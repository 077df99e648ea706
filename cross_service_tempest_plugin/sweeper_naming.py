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


"""The name patterns that prove a resource is this plugin's (sweeper)."""

import re

LABEL = r'cs-[0-9a-f]{10}'
LABEL_RE = re.compile(r'^(%s)(?:[-.]|$)' % LABEL)
ENGINE_STACK_RE = re.compile(r'^(%s)-(?:zone|stack)$' % LABEL)
# a run's label as a label of a PTR's value (a name in the run's zone)
PTR_LABEL_RE = re.compile(r'(?:^|\.)(%s)\.' % LABEL)
SEEN_TAG = 'cs-sweeper-first-seen-'
TEMPEST_PREFIX = 'tempest'      # Tempest's dynamic credentials prefix
API_ROOT = r'cross-service-[A-Za-z0-9_.-]+'
# Ports another resource owns: deleted with it, never directly.
OWNED_PORTS = ('network:router_interface', 'network:router_gateway',
               'network:dhcp', 'network:floatingip',
               'network:router_interface_distributed', 'network:ha_router_'
               'replicated_interface', 'network:router_ha_interface')


class Naming(object):
    """The name patterns that prove a resource is this plugin's."""

    def __init__(self, zone_suffix, class_names=()):
        self.zone_suffix = zone_suffix if zone_suffix.endswith('.') else \
            zone_suffix + '.'
        roots = [API_ROOT] + [re.escape(c) for c in sorted(class_names)]
        project = r'%s-(?:%s)-\d+' % (TEMPEST_PREFIX, '|'.join(roots))
        self.project_re = re.compile('^%s$' % project)
        self.user_re = re.compile(r'^(%s)-project(?:-[A-Za-z0-9_]+)?$'
                                  % project)
        self.zone_re = re.compile(r'^%s\.%s$' % (LABEL,
                                                 re.escape(zone_suffix)))
        self.class_stack_re = re.compile(
            r'^%s-(?:%s)-' % (TEMPEST_PREFIX, '|'.join(roots)))
        # looks like ours, yet no pattern above proves it: reported
        self.lookalike_re = re.compile(r'^(?:%s-cross-service-|%s)' % (
            TEMPEST_PREFIX, LABEL))

    def unclassified(self, kind, res):
        """A resource named like ours that no pattern proves ours."""
        name = res.get('name') or ''
        if not self.lookalike_re.match(name):
            return False
        if kind == 'project':     # made by Tempest (its description)
            return (res.get('description') == name + '-desc' and
                    not self.is_project(res))
        if kind == 'user':
            return self.user_project(res) is None
        return False

    def is_project(self, project):
        name = project.get('name') or ''
        return bool(self.project_re.match(name)) and (
            project.get('description') == name + '-desc')

    def user_project(self, user):
        """Name of the project a dynamic user was made for (else None)."""
        m = self.user_re.match(user.get('name') or '')
        return m.group(1) if m else None

    @staticmethod
    def label(name):
        m = LABEL_RE.match(name or '')
        return m.group(1) if m else None

    def is_zone(self, zone):
        return bool(self.zone_re.match(zone.get('name') or ''))

    def is_stack_name(self, name):
        return bool(ENGINE_STACK_RE.match(name or '') or
                    self.class_stack_re.match(name or ''))
