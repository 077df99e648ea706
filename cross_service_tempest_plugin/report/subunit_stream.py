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

"""Tests of a ``tempest run`` from its subunit v2 stream.

``stestr last --subunit > run.subunit`` in the Tempest workspace writes
the stream; python-subunit (which Tempest installs) reads it.
"""

from cross_service_tempest_plugin.report import results as results_mod

STATUS = {'success': 'passed', 'fail': 'failed', 'skip': 'skipped',
          'xfail': 'expected failure', 'uxsuccess': 'unexpected success',
          'exists': 'listed', 'inprogress': 'in progress'}


def _strip_attrs(test_id):
    """'pkg.Class.test_x[id-...,smoke]' → ('pkg.Class.test_x', 'id-...')."""
    if '[' in test_id and test_id.endswith(']'):
        base, attrs = test_id[:-1].split('[', 1)
        return base, attrs
    return test_id, ''


def read(path):
    """→ list of {'id', 'attrs', 'status', 'duration', 'start', 'reason'}."""
    try:
        import subunit
        import testtools
    except ImportError:
        raise results_mod.ReportError(
            '--subunit %s: python-subunit is not installed (it comes with '
            'Tempest; pip install python-subunit)' % path)
    tests = []

    def on_test(test):
        if test['status'] == 'exists':
            return
        start, stop = test['timestamps']
        duration = ((stop - start).total_seconds()
                    if start is not None and stop is not None else None)
        reason = None
        for key in ('reason', 'traceback'):
            detail = test['details'].get(key)
            if detail is not None:
                reason = ''.join(t for t in detail.iter_text()).strip()
                break
        base, attrs = _strip_attrs(test['id'])
        tests.append({'id': base, 'attrs': attrs,
                      'status': STATUS.get(test['status'], test['status']),
                      'duration': duration,
                      'start': start.timestamp() if start else None,
                      'reason': reason})
    try:
        with open(path, 'rb') as stream:
            case = subunit.ByteStreamToStreamResult(stream,
                                                    non_subunit_name=None)
            result = testtools.StreamToDict(on_test)
            result.startTestRun()
            try:
                case.run(result)
            finally:
                result.stopTestRun()
    except OSError as exc:
        raise results_mod.ReportError('--subunit %s: cannot read: %s'
                                      % (path, exc.strerror))
    except Exception as exc:
        # a stream that is not subunit v2: python-subunit raises plain
        # Exception('Non subunit content', ...) among others
        raise results_mod.ReportError(
            '--subunit %s: not a subunit v2 stream (%s: %s)'
            % (path, type(exc).__name__, exc))
    if not tests:
        raise results_mod.ReportError(
            '--subunit %s: no test in the stream (is it a subunit v2 '
            'stream? e.g. "stestr last --subunit > FILE")' % path)
    tests.sort(key=lambda t: (t['start'] or 0.0, t['id']))
    return tests


def counts(tests):
    out = {}
    for t in tests:
        out[t['status']] = out.get(t['status'], 0) + 1
    return out
