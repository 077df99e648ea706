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

Two pythons, decided once:

* The CLI (``tools/constellation``, ``python -m constellation``) and every
  module it imports run on the **system python, stdlib only**.  It must
  work before the services venv exists (apt packages, ``python -m venv``,
  ``pip install``) and when that venv is missing or half-built (``down``,
  ``destroy`` and ``status`` must still find and stop what runs).  So the
  CLI talks XML-RPC to supervisord (``supervisor``), JSON/HTTP to the APIs
  (``rest``) and reads ``/proc`` (``procs``) with the standard library.
* Inside the **services venv** (``<state>/venv``, pinned by ``lock.txt``)
  run the services with their glue (``ext/constellation_ext``) and the
  acceptance checks (``checks/``: ``smoke``, ``secrets``; started with
  the venv's python by ``checks/venv-python.sh``, through
  ``checks/smoke.sh``; ``multipool``: runs designate-tempest-plugin's
  multipool tests and puts the pools back, through
  ``tools/run-designate-multipool.sh``).  They use keystoneauth1
  sessions and dnspython instead of hand-written HTTP/Keystone code and
  ``dig``.  psutil and tenacity are there too but not used: waits go
  through ``poll`` (one helper for both pythons) and the process checks
  must agree with the CLI's own ``procs``.

Modules of the CLI, one concern each:

``cli``        arguments -> verbs
``core``       ``Constellation``: the verbs on one state dir
``context``    what the verbs share: state, ports, secrets, output,
               starting programs and waiting for them, crashed-run leftovers
``bringup``    ``up`` and ``install``: the order everything starts in
``lifecycle``  ``down``, ``destroy``, ``status``, ``restart``, ``stop``,
               ``start``, ``logs``
``install``    Debian packages, the services venv and its hash
``database``   MariaDB datadir, databases and user, schema syncs
``snapshot``   the cache of migrated schemas (first ``up`` in seconds)
``pool``       Designate's pool (BIND9), Nova's cell host mapping
``etc_pools``  /etc/designate/multiple-pools.yaml for the multipool tests:
               ownership header, write/remove, machine-wide lock
``health``     ports, HTTP answers, service lists and heartbeats
``supervisor`` our supervisord: start, RPC, apply config, stop
``services``   the programs and supervisord.conf
``configs``    every config file (``config_files``), rendered by
``render``     the OpenStack services' configs and shared helpers;
               ``render_dns`` BIND9/Designate/pools, ``render_infra``
               MariaDB/RabbitMQ; ``tempestconf`` tempest.conf
``bootstrap``  Keystone users/catalog and base resources over REST
``state``      the state dir: layout, secrets, markers, lock
``procs``      which processes are ours (supervisord's), their memory
``privileges`` started as root: the daemons' system users and their dirs
``ports``      the port plan; ``poll`` the one way to wait
``errors``     ``Failure``: a step failed, naming the service
"""
