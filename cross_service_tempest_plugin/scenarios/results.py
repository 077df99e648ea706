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

"""Results of a scenario run: what each step did, what the run created.

``ScenarioResult.to_dict()`` / ``to_json()`` is the result document the CLI
prints with ``--json``, the API returns and the engine writes to
``[cross_service] results_dir`` (see :func:`write_result_file`); its keys are
a public interface: add, never rename or remove.
"""

import dataclasses
import datetime
import json
import os
import tempfile
import typing

from cross_service_tempest_plugin.scenarios import provenance

PASSED, FAILED, SKIPPED, NOT_RUN, INTERRUPTED = (
    'passed', 'failed', 'skipped', 'not_run', 'interrupted')


class StepFailure(AssertionError):
    """A step's check failed (message says what, where, seen, how long)."""


def _rounded(seconds):
    return None if seconds is None else round(seconds, 3)


@dataclasses.dataclass
class StepResult:
    name: str
    action: str
    status: str = NOT_RUN
    duration: typing.Optional[float] = None
    started_at: typing.Optional[float] = None
    details: dict = dataclasses.field(default_factory=dict)
    error: typing.Optional[str] = None

    def to_dict(self):
        return {'name': self.name, 'action': self.action,
                'status': self.status, 'duration': _rounded(self.duration),
                'started_at': self.started_at,
                'details': self.details, 'error': self.error}


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
    # Where it came from (see .provenance): the first step's start (ISO
    # 8601 with zone), the cloud, every engine setting in force, the
    # overrides as given, the services' current versions.
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
        return {'schema_version': provenance.SCHEMA_VERSION,
                'plugin_version': provenance.plugin_version(),
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


def result_file_name(result, label, when=None):
    """``<UTC time>-<scenario>-<run label>.json``.

    See doc/source/user/python-api.rst, "Result files".

    The time (``YYYYmmddTHHMMSSZ``) sorts the files by the run's end; the
    label (``cs-<10 hex digits>``, the run's ``name_prefix``) makes the name
    unique across parallel runs.
    """
    when = when or datetime.datetime.now(datetime.timezone.utc)
    return '%s-%s-%s.json' % (when.strftime('%Y%m%dT%H%M%SZ'), result.name,
                              label)


def write_result_file(result, directory, label, extra=None):
    """Write the result document to ``directory``; returns its path.

    Written to a hidden temporary file first and renamed, so a reader that
    globs ``*.json`` never sees a half-written file. ``extra`` keys (e.g.
    ``test``: the Tempest test id) are added to the document.
    """
    os.makedirs(directory, exist_ok=True)
    doc = dict(result.to_dict(), **(extra or {}))
    path = os.path.join(directory, result_file_name(result, label))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix='.', suffix='.tmp')
    try:
        with os.fdopen(fd, 'w') as f:
            json.dump(doc, f, indent=1, default=str)
            f.write('\n')
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path
