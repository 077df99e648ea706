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

"""The constellation's verbs on one state dir (the CLI's entry point).

Each verb lives with its concern: ``bringup`` (up, install), ``lifecycle``
(down, destroy, status, restart, logs); ``context`` holds what they share.
"""

import os

from constellation import bringup
from constellation import context
from constellation import errors
from constellation import health
from constellation import lifecycle
from constellation import procs

Failure = errors.Failure

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


class Constellation(context.Context):
    def up(self, clean=False, snapshot=True):
        return bringup.up(self, clean, snapshot)

    def install(self):
        return bringup.install(self)

    def down(self):
        return lifecycle.down(self)

    def destroy(self):
        return lifecycle.destroy(self)

    def status(self):
        return lifecycle.status(self)

    def restart(self, name):
        return lifecycle.restart(self, name)

    # `stop`/`start` verbs (``Context.start`` starts a program for `up`)
    def stop_service(self, name):
        return lifecycle.stop(self, name)

    def start_service(self, name):
        return lifecycle.start(self, name)

    def logs(self, name=None, lines=50):
        return lifecycle.logs(self, name, lines)

    def facts(self):
        return bringup.facts(self)

    def env_lines(self):
        return bringup.env_lines(self.st)

    def service_lists(self, ctx):
        return health.service_lists(ctx)

    def health(self, ctx, prog, lists=None):
        return health.health(
            ctx, prog, lambda: self.sup.statename(prog.name), lists=lists)

    def total_rss_mib(self):
        return lifecycle.total_mib(self)

    def total_pss_mib(self):
        return lifecycle.total_mib(self, procs.pss_kib)
