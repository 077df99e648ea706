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

"""Read the engine's result JSON (files and directories) into :class:`Run`.

A result file holds one ``ScenarioResult.to_dict()`` (``cross-service-
scenario run --json``, ``[cross_service] results_dir``), a list of them, a
mapping with a ``results`` list, or one result per line (JSON lines).
Directories are searched recursively for ``*.json`` and ``*.jsonl``;
there, files that are not results are skipped (and listed), whereas a file
named on the command line must be one. A fault matrix document
(``bench/fault_matrix.py --json``, recognised by its ``format`` field) is
collected apart, for the heat-map (:mod:`.fault_matrix`).
"""

import dataclasses
import json
import os

from cross_service_tempest_plugin.report import fault_matrix
from cross_service_tempest_plugin import result_model


# The user's input is unusable (the message names the file and why).
ReportError = result_model.ResultError


class MatrixFile(ReportError):
    """The file is a fault matrix, not results: ``doc`` is its document."""

    def __init__(self, path, doc):
        super(MatrixFile, self).__init__(
            '%s: a fault matrix (%s), not scenario results'
            % (path, doc.get('format')))
        self.path = path
        self.doc = doc


# A step as read back: the model's (with its ended_at).
Step = result_model.StepResult


@dataclasses.dataclass
class Run:
    """One result document as the report reads it: the model, its source.

    ``steps``: the document's steps, then its cleanup (result schema 2),
    drawn and counted as a step; ``passed``: as the document says.
    """

    result: result_model.ScenarioResult
    source: str
    passed: bool
    steps: list
    file_time: float = None     # the file's mtime: fallback timestamp

    @classmethod
    def of(cls, result, source, passed, file_time=None):
        cleanup = ([Step.from_dict(result.cleanup, '%s: scenario %s' % (
            source, result.name))] if result.cleanup else [])
        return cls(result, source, bool(passed), result.steps + cleanup,
                   file_time)

    scenario = property(lambda self: self.result.name)
    duration = property(lambda self: self.result.duration)
    failed_step = property(lambda self: self.result.failed_step)
    error = property(lambda self: self.result.error)
    cleanup_errors = property(lambda self: self.result.cleanup_errors)
    known_bugs = property(lambda self: self.result.known_bugs)
    resources = property(lambda self: self.result.resources)
    values = property(lambda self: self.result.values)
    thresholds = property(lambda self: self.result.thresholds)

    @property
    def settings(self):
        """The engine settings and the overrides in force (schema 2)."""
        settings = dict(self.result.settings)
        settings.update({'--set %s' % k: v for k, v in
                         self.result.overrides.items()})
        return settings

    @property
    def started_at(self):
        times = [s.started_at for s in self.steps if s.started_at]
        return min(times) if times else self.file_time

    @property
    def ended_at(self):
        ends = [s.ended_at for s in self.steps if s.ended_at]
        if not ends:
            return self.started_at
        return max(ends)

    @property
    def outcome(self):
        return 'passed' if self.passed else 'failed'

    def step(self, name):
        for s in self.steps:
            if s.name == name:
                return s
        return None


def run_from_dict(data, source='<memory>', file_time=None):
    """One result document (``ScenarioResult.to_dict()``) → :class:`Run`."""
    result = result_model.ScenarioResult.from_dict(data, source)
    return Run.of(result, source, data.get('passed'), file_time)


def _documents(text, path):
    text = text.strip()
    if not text:
        return []
    try:
        return [json.loads(text)]
    except ValueError as exc:
        first_error = exc
    docs = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            docs.append(json.loads(line))
        except ValueError:
            raise ReportError('%s: not JSON (%s) nor JSON lines (line %d)'
                              % (path, first_error, n))
    return docs


def _results_in(doc):
    if result_model.is_result(doc):
        return [doc]
    if isinstance(doc, dict) and isinstance(doc.get('results'), list):
        doc = doc['results']
    if isinstance(doc, list) and doc and all(result_model.is_result(d)
                                             for d in doc):
        return doc
    return []


def load_file(path):
    """Runs in one file; ReportError when it holds none."""
    try:
        with open(path, encoding='utf-8') as f:
            text = f.read()
        mtime = os.path.getmtime(path)
    except OSError as exc:
        raise ReportError('%s: cannot read: %s' % (path, exc.strerror))
    except UnicodeDecodeError as exc:
        raise ReportError('%s: not UTF-8 text (offset %d)'
                          % (path, exc.start))
    try:
        return _load_text(text, path, mtime)
    except RecursionError:
        raise ReportError('%s: nested too deeply to be a result' % path)
    except (TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, ReportError):
            raise
        raise ReportError('%s: not a scenario result (%s: %s)'
                          % (path, type(exc).__name__, exc))


def _load_text(text, path, mtime):
    runs = []
    docs = _documents(text, path)
    if len(docs) == 1 and fault_matrix.is_matrix(docs[0]):
        raise MatrixFile(path, docs[0])
    for doc in docs:
        found = _results_in(doc)
        if not found:
            raise ReportError('%s: not a scenario result (expected the JSON '
                              'of "cross-service-scenario run --json": a '
                              'mapping with "scenario" and "steps")' % path)
        runs.extend(run_from_dict(d, path, mtime) for d in found)
    if not runs:
        raise ReportError('%s: empty file' % path)
    return runs


def _matrix(exc, matrices):
    """A matrix file: checked and kept in ``matrices``, else an error."""
    if matrices is None:
        raise exc
    try:
        fault_matrix.check(exc.doc, exc.path)
    except fault_matrix.MatrixError as bad:
        raise ReportError(str(bad))
    matrices.append((exc.path, exc.doc))


def load(paths, matrices=None):
    """Files and directories → (runs sorted by start time, skipped files).

    ``skipped`` lists ``(path, reason)`` for files under a directory that
    are not results. Fault matrix documents are appended to ``matrices``
    (a list of ``(path, document)``) when one is given, else they are not
    results.
    """
    runs, skipped = [], []
    if not paths:
        raise ReportError('RESULTS: give at least one result file or '
                          'directory')
    for path in paths:
        if os.path.isdir(path):
            found, before = 0, len(matrices or ())
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if not name.endswith(('.json', '.jsonl')):
                        continue
                    full = os.path.join(root, name)
                    try:
                        got = load_file(full)
                    except MatrixFile as exc:
                        if matrices is None:
                            skipped.append((full, str(exc)))
                            continue
                        try:
                            _matrix(exc, matrices)
                        except ReportError as bad:  # skipped, as any
                            skipped.append((full, str(bad)))
                        continue
                    except ReportError as exc:
                        skipped.append((full, str(exc)))
                        continue
                    runs.extend(got)
                    found += len(got)
            if not found and len(matrices or ()) == before:
                why = [w for p, w in skipped if p.startswith(path)]
                raise ReportError('%s: directory holds no scenario result '
                                  '(*.json)%s' % (path, ''.join(
                                      '; skipped %s' % w for w in why)))
        elif os.path.exists(path):
            try:
                runs.extend(load_file(path))
            except MatrixFile as exc:
                _matrix(exc, matrices)
        else:
            raise ReportError('%s: no such file or directory' % path)
    runs.sort(key=lambda r: (r.started_at or 0.0, r.scenario))
    return runs, skipped
