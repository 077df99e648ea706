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


"""Fault injection for the cross-service scenarios.

See doc/source/user/python-api.rst, "Fault injection".

- :mod:`.base`: :class:`Fault` (a context manager whose undo always runs),
  :class:`UndoStack`, :class:`Controller`, the canonical service names;
- :mod:`.constellation` / :mod:`.systemd`: controllers for the local
  constellation and for a devstack/systemd cloud (locally or over SSH);
- :mod:`.health`: the health check run before and after a fault;
- :mod:`.probe`: the DNS probe and its outage window;
- :mod:`.hook`: :class:`FaultHook`, a scenario hook injecting one fault;
- :mod:`.matrix`: the fault matrix's JSON document and table.
"""
