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

"""A run's results as the engine fills them, and its result file.

The document's model (:class:`ScenarioResult`, :class:`StepResult`, the
schema version) is :mod:`cross_service_tempest_plugin.result_model`, which
the report reads documents with; :func:`write_result_file` writes one to
``[cross_service] results_dir``.
"""

import datetime
import json
import os
import tempfile

from cross_service_tempest_plugin import result_model

# The model of the result document (one, for the writer and the report).
PASSED, FAILED, SKIPPED, NOT_RUN, INTERRUPTED = (
    result_model.PASSED, result_model.FAILED, result_model.SKIPPED,
    result_model.NOT_RUN, result_model.INTERRUPTED)
StepResult = result_model.StepResult
ScenarioResult = result_model.ScenarioResult


class StepFailure(AssertionError):
    """A step's check failed (message says what, where, seen, how long)."""


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
