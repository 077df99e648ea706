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

"""The result document of a scenario run: one model, written and read.

The engine fills a :class:`ScenarioResult` and writes ``to_dict()`` (the
CLI's ``--json``, the API's result, the files in ``[cross_service]
results_dir``); the report reads documents back with
:meth:`ScenarioResult.from_dict`. Its keys are a public interface: add,
never rename or remove, and say so in :data:`SCHEMA_VERSION`.
"""

import dataclasses
import importlib.metadata
import json
import math
import typing

# The result document's schema: 1 had no provenance keys; 2 added
# schema_version, plugin_version, started_at, cloud, settings, overrides,
# service_versions and cleanup.
SCHEMA_VERSION = 2
DISTRIBUTION = 'cross-service-tempest-plugin'

PASSED, FAILED, SKIPPED, NOT_RUN, INTERRUPTED = (
    'passed', 'failed', 'skipped', 'not_run', 'interrupted')
# epoch seconds a step may have started at (1970 .. 2200)
EPOCH_RANGE = (0, 7258118400)


class ResultError(ValueError):
    """A document is not a usable result (the message says where, why)."""


def plugin_version():
    """The installed plugin's version (pbr's, from the metadata)."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return 'unknown (not installed)'


def _rounded(seconds):
    return None if seconds is None else round(seconds, 3)


def _number(value):
    if value is None or isinstance(value, bool):
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _epoch(value, where):
    number = _number(value)
    if number is not None and not EPOCH_RANGE[0] <= number <= EPOCH_RANGE[1]:
        raise ResultError('%s: started_at %r is not a time (epoch seconds '
                          'from %d to %d)' % ((where, value) + EPOCH_RANGE))
    return number


def _typed(data, key, kind, where):
    value = data.get(key)
    if value is None:
        return kind()
    if not isinstance(value, kind):
        raise ResultError('%s: %s must be a %s, got %s' % (
            where, key, kind.__name__, type(value).__name__))
    return kind(value)


def _mapping(value):
    """Provenance read back: a mapping, else nothing (never an error)."""
    return dict(value) if isinstance(value, dict) else {}


def is_result(data):
    """Whether ``data`` looks like a result document."""
    return (isinstance(data, dict) and isinstance(data.get('scenario'), str)
            and isinstance(data.get('steps'), list))


@dataclasses.dataclass
class StepResult:
    """One step: its action, status, times (epoch start), details."""

    name: str
    action: str
    status: str = NOT_RUN
    duration: typing.Optional[float] = None
    started_at: typing.Optional[float] = None
    details: dict = dataclasses.field(default_factory=dict)
    error: typing.Optional[str] = None

    @property
    def ended_at(self):
        if self.started_at is None:
            return None
        return self.started_at + (self.duration or 0.0)

    def to_dict(self):
        return {'name': self.name, 'action': self.action,
                'status': self.status, 'duration': _rounded(self.duration),
                'started_at': self.started_at,
                'details': self.details, 'error': self.error}

    @classmethod
    def from_dict(cls, data, where):
        if not isinstance(data, dict) or 'name' not in data:
            raise ResultError('%s: a step is not a mapping with a name: %r'
                              % (where, data))
        return cls(name=str(data['name']),
                   action=str(data.get('action') or data['name']),
                   status=str(data.get('status') or NOT_RUN),
                   duration=_number(data.get('duration')),
                   started_at=_epoch(data.get('started_at'), where),
                   details=data.get('details') or {},
                   error=data.get('error'))


@dataclasses.dataclass
class ScenarioResult:
    """Outcome of a run: per-step results, resources, error, cleanup."""

    name: str
    steps: list
    resources: list = dataclasses.field(default_factory=list)
    error: typing.Optional[str] = None
    failed_step: typing.Optional[str] = None
    cleanup_errors: list = dataclasses.field(default_factory=list)
    duration: typing.Optional[float] = None
    values: dict = dataclasses.field(default_factory=dict)
    # Service bugs reproduced (and asserted), see known_bug in the schema.
    known_bugs: list = dataclasses.field(default_factory=list)
    # The scenario definition's thresholds (see report.thresholds).
    thresholds: list = dataclasses.field(default_factory=list)
    # Where it came from (see scenarios.provenance): the first step's
    # start (ISO 8601 with zone), the cloud, every engine setting in force,
    # the overrides as given, the services' current versions.
    started_at: typing.Optional[str] = None
    cloud: dict = dataclasses.field(default_factory=dict)
    settings: dict = dataclasses.field(default_factory=dict)
    overrides: dict = dataclasses.field(default_factory=dict)
    service_versions: dict = dataclasses.field(default_factory=dict)
    # The cleanup after the steps, shaped like a step (StepResult.to_dict)
    cleanup: typing.Optional[dict] = None
    # What the cleanup of a failed run found named with its label after
    # its stacks were gone (Heat lost track of it): the sweeper's lines
    lost_resources: list = dataclasses.field(default_factory=list)
    # Which schema and plugin wrote it (a document read back keeps its own)
    schema_version: int = SCHEMA_VERSION
    plugin_version: str = dataclasses.field(default_factory=plugin_version)

    @property
    def passed(self):
        ran = [s for s in self.steps if s.status != NOT_RUN]
        return (bool(ran) and self.error is None and not self.cleanup_errors
                and all(s.status in (PASSED, SKIPPED) for s in ran))

    def step(self, name):
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(name)

    def to_dict(self):
        return {'schema_version': self.schema_version,
                'plugin_version': self.plugin_version,
                'scenario': self.name, 'passed': self.passed,
                'started_at': self.started_at, 'cloud': self.cloud,
                'duration': _rounded(self.duration),
                'failed_step': self.failed_step, 'error': self.error,
                'cleanup_errors': self.cleanup_errors,
                'steps': [s.to_dict() for s in self.steps],
                'resources': self.resources, 'values': self.values,
                'known_bugs': self.known_bugs,
                'thresholds': self.thresholds,
                'cleanup': self.cleanup,
                'lost_resources': self.lost_resources,
                'settings': self.settings,
                'overrides': self.overrides,
                'service_versions': self.service_versions}

    def to_json(self, **kwargs):
        return json.dumps(self.to_dict(), default=str, **kwargs)

    @classmethod
    def from_dict(cls, data, source='<memory>'):
        """A document (``to_dict()``, maybe of an older schema) → result.

        Raises :class:`ResultError` naming ``source`` when it is not one.
        """
        if not is_result(data):
            raise ResultError('%s: not a scenario result (needs "scenario" '
                              'and "steps")' % source)
        where = '%s: scenario %s' % (source, data['scenario'])
        cleanup = data.get('cleanup')
        return cls(
            name=data['scenario'],
            steps=[StepResult.from_dict(s, where) for s in data['steps']],
            resources=_typed(data, 'resources', list, where),
            error=data.get('error'), failed_step=data.get('failed_step'),
            cleanup_errors=_typed(data, 'cleanup_errors', list, where),
            duration=_number(data.get('duration')),
            values=_typed(data, 'values', dict, where),
            known_bugs=_typed(data, 'known_bugs', list, where),
            thresholds=_typed(data, 'thresholds', list, where),
            started_at=data.get('started_at'),
            cloud=_mapping(data.get('cloud')),
            settings=dict(data.get('settings') or {}),
            overrides=dict(data.get('overrides') or {}),
            service_versions=_mapping(data.get('service_versions')),
            cleanup=cleanup if isinstance(cleanup, dict) else None,
            lost_resources=_typed(data, 'lost_resources', list, where),
            schema_version=data.get('schema_version', 1),
            plugin_version=data.get('plugin_version'))
