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

"""The local constellation: real OpenStack services on one machine.

The CLI (``tools/constellation``, ``python -m constellation``) and every
module it imports run on the system python with the standard library only
(it installs the services venv and must stop what runs when that venv is
broken); ``checks/`` and ``ext/`` run inside the services venv. Every
module and its one concern: doc/source/constellation/files-and-checks.rst,
"Where things live".
"""
