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
import math
import os

from cross_service_tempest_plugin.report import fault_matrix


class ReportError(ValueError):
    """The user's input is unusable (message names the file and why)."""


class MatrixFile(ReportError):
    """The file is a fault matrix, not results: ``doc`` is its document."""

    def __init__(self, path, doc):
        super(MatrixFile, self).__init__(
            '%s: a fault matrix (%s), not scenario results'
            % (path, doc.get('format')))
        self.path = path
        self.doc = doc


@dataclasses.dataclass
class Step:
    name: str
    action: str
    status: str
    duration: float = None
    started_at: float = None     # wall clock (epoch seconds)
    details: dict = dataclasses.field(default_factory=dict)
    error: str = None

    @property
    def ended_at(self):
        if self.started_at is None:
            return None
        return self.started_at + (self.duration or 0.0)


@dataclasses.dataclass
class Run:
    scenario: str
    passed: bool
    steps: list
    source: str
    duration: float = None
    failed_step: str = None
    error: str = None
    cleanup_errors: list = dataclasses.field(default_factory=list)
    known_bugs: list = dataclasses.field(default_factory=list)
    resources: list = dataclasses.field(default_factory=list)
    values: dict = dataclasses.field(default_factory=dict)
    thresholds: list = dataclasses.field(default_factory=list)
    file_time: float = None     # the file's mtime: fallback timestamp
    # the engine settings and the overrides in force (result schema 2)
    settings: dict = dataclasses.field(default_factory=dict)

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


def _is_result(data):
    return (isinstance(data, dict) and isinstance(data.get('scenario'), str)
            and isinstance(data.get('steps'), list))


def _step(data, where):
    if not isinstance(data, dict) or 'name' not in data:
        raise ReportError('%s: a step is not a mapping with a name: %r'
                          % (where, data))
    return Step(name=str(data['name']),
                action=str(data.get('action') or data['name']),
                status=str(data.get('status') or 'not_run'),
                duration=_number(data.get('duration')),
                started_at=_epoch(data.get('started_at'), where),
                details=data.get('details') or {},
                error=data.get('error'))


def _number(value):
    if value is None or isinstance(value, bool):
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


# epoch seconds a report can plot (1970 .. 2200)
EPOCH_RANGE = (0, 7258118400)


def _epoch(value, where):
    number = _number(value)
    if number is not None and not EPOCH_RANGE[0] <= number <= EPOCH_RANGE[1]:
        raise ReportError('%s: started_at %r is not a time (epoch seconds '
                          'from %d to %d)' % ((where, value) + EPOCH_RANGE))
    return number


def _typed(data, key, kind, where):
    value = data.get(key)
    if value is None:
        return kind()
    if not isinstance(value, kind):
        raise ReportError('%s: %s must be a %s, got %s' % (
            where, key, kind.__name__, type(value).__name__))
    return kind(value)


def run_from_dict(data, source='<memory>', file_time=None):
    """One ``ScenarioResult.to_dict()`` → :class:`Run`."""
    if not _is_result(data):
        raise ReportError('%s: not a scenario result (needs "scenario" and '
                          '"steps")' % source)
    where = '%s: scenario %s' % (source, data['scenario'])
    # The cleanup (result schema 2) is drawn and counted as a step.
    cleanup = [data['cleanup']] if isinstance(data.get('cleanup'),
                                              dict) else []
    settings = dict(data.get('settings') or {})
    settings.update({'--set %s' % k: v for k, v in
                     (data.get('overrides') or {}).items()})
    return Run(scenario=data['scenario'], passed=bool(data.get('passed')),
               steps=[_step(s, where) for s in data['steps'] + cleanup],
               settings=settings,
               source=source, duration=_number(data.get('duration')),
               failed_step=data.get('failed_step'), error=data.get('error'),
               cleanup_errors=_typed(data, 'cleanup_errors', list, where),
               known_bugs=_typed(data, 'known_bugs', list, where),
               resources=_typed(data, 'resources', list, where),
               values=_typed(data, 'values', dict, where),
               thresholds=_typed(data, 'thresholds', list, where),
               file_time=file_time)


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
    if _is_result(doc):
        return [doc]
    if isinstance(doc, dict) and isinstance(doc.get('results'), list):
        doc = doc['results']
    if isinstance(doc, list) and doc and all(_is_result(d) for d in doc):
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
