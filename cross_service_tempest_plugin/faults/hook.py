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


"""A scenario hook that injects one fault between two steps.

Used with the public API::

    hook = FaultHook(controller, 'designate-worker', health=health)
    result = api.run_scenario('floating_ip_dns', config_file=conf,
                              hooks=hook)
    hook.finish()          # idempotent; the run normally finished it
    print(hook.record)     # what the fault matrix shows

After step ``after`` (``deploy``) passed: the health check (``settle``:
waited for, so the fault hits a converged cloud; else one pass, the
updates of the deploy still in flight), the DNS probe starts on the step's
expected records (``details['records_expected']``),
the fault is injected (a restart is over when its command returns; a
stop lasts until the hook finishes). A health wait runs in the background
from then on. Before step ``until`` (``delete``: the records leave
legitimately), or when a step fails, the hook finishes: the fault's undo
runs, the probe stops, the health wait is joined.
"""

import threading
import time

from cross_service_tempest_plugin.faults import base
from cross_service_tempest_plugin.faults import probe as probemod


class FaultHook(object):

    def __init__(self, controller, service, action='restart', after='deploy',
                 until='delete', health=None, nameservers=None,
                 probe_interval=0.5, probe_max=600.0, health_timeout=600.0,
                 health_interval=2.0, settle=True, clock=time.monotonic,
                 probe_factory=probemod.DnsProbe):
        self.fault = base.Fault(controller, service, action, clock=clock)
        self.after = after
        self.until = until
        self.health = health
        self.nameservers = list(nameservers if nameservers is not None else
                                (health.nameservers if health else []))
        self.probe_interval = probe_interval
        self.probe_max = probe_max
        self.health_timeout = health_timeout
        self.health_interval = health_interval
        self.settle = settle
        self._clock = clock
        self._probe_factory = probe_factory
        self.probe = None
        self.zones = []
        self._entered = False
        self._finished = False
        self._health_thread = None
        self._health_after = None
        self._health_ok_at = None
        self.record = {'service': service, 'action': action,
                       'controller': controller.kind, 'injected': False,
                       'settle': settle,
                       'inject_seconds': None, 'fault_error': None,
                       'undo_errors': [], 'health_before': None,
                       'health_after': None, 'probe': None,
                       'converge_seconds': None}

    # -- hooks -------------------------------------------------------------

    def before_step(self, run, step_name):
        if step_name == self.until:
            self.finish()

    def after_step(self, run, step):
        # Only the step results are read (public StepResult), never ``run``.
        if getattr(step, 'action', step.name) == 'create_zone' and \
                step.status == 'passed' and \
                step.details.get('zone'):
            self.zones = [step.details['zone']]
        if step.name == self.after and step.status == 'passed' and \
                not self.record['injected'] and not self._finished:
            self._inject(step)
        elif step.status not in ('passed', 'skipped'):
            self.finish()

    # -- the fault ---------------------------------------------------------

    def _inject(self, step):
        if self.health and self.settle:
            # start from a converged cloud: the fault hits published records
            self.record['health_before'] = self.health.wait(
                self.zones, timeout=self.health_timeout,
                interval=self.health_interval)
        elif self.health:
            # updates still in flight when the fault hits
            self.record['health_before'] = self.health.check(self.zones)
        records = probemod.records_from_dicts(
            step.details.get('records_expected'))
        if records and self.nameservers:
            self.probe = self._probe_factory(
                records, self.nameservers, interval=self.probe_interval,
                max_duration=self.probe_max)
            self.probe.start()
        self.record['injected'] = True
        try:
            self.fault.__enter__()
            self._entered = True
        except Exception as exc:
            self.record['fault_error'] = '%s: %s' % (type(exc).__name__, exc)
            self.record['undo_errors'] = self.fault.undo_errors
            raise
        finally:
            self.record['inject_seconds'] = _round(self.fault.duration)
        if self.fault.action == 'restart':
            self._leave_fault()
        if self.health:
            self._health_thread = threading.Thread(
                target=self._wait_health, daemon=True, name='health-after')
            self._health_thread.start()

    def _leave_fault(self):
        if self._entered:
            self._entered = False
            try:
                self.fault.__exit__(None, None, None)
            except base.FaultError:
                pass
            self.record['undo_errors'] = list(self.fault.undo_errors)

    def _wait_health(self):
        report = self.health.wait(self.zones, timeout=self.health_timeout,
                                  interval=self.health_interval)
        self._health_after = report
        if report.get('ok'):
            self._health_ok_at = self._clock()

    def finish(self):
        """Undo the fault, stop the probe, collect the health report.

        Idempotent; also safe when the fault was never injected.
        """
        if self._finished:
            return self.record
        self._finished = True
        self._leave_fault()
        if self.probe is not None:
            self.probe.stop()
            self.record['probe'] = self.probe.summary(t0=self.fault.started)
        if self._health_thread is not None:
            self._health_thread.join(self.health_timeout + 60)
            self.record['health_after'] = self._health_after
        self.record['converge_seconds'] = self._converge()
        return self.record

    def _converge(self):
        """Seconds from the fault until converged, or None.

        Converged: healthy (serials equal) and every record answered on
        every nameserver; None if that never happened while we watched.
        """
        if not self.record['injected'] or self.fault.started is None:
            return None
        times = []
        if self.health is not None:
            if self._health_ok_at is None:
                return None
            times.append(self._health_ok_at - self.fault.started)
        if self.probe is not None:
            back = self.record['probe']['all']['converged']
            if back is None:
                return None
            times.append(back)
        return _round(max(times)) if times else None


def _round(value):
    return None if value is None else round(max(value, 0.0), 3)
