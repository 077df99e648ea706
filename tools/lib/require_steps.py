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

"""Did the steps that need a guest run, and pass, in the scenario results?

    python tools/lib/require_steps.py RESULTS_DIR SCENARIO STEP [STEP...]

A step the engine skips (e.g. ``check_reachable`` where Tempest's
``[validation]`` gives no way to reach a guest) still lets its Tempest
test pass; on the real profile that would hide the data plane's failure.
This reads every ``<time>-SCENARIO-<label>.json`` result file and counts
one pass per (file, step) that passed, one failure per (file, step) with
any other status, or one failure when there is no result file of
SCENARIO. Prints each, then ``N passed, N failed``; exits 1 on a failure.
"""

import glob
import json
import os
import sys


def check(results_dir, scenario, steps):
    """[(passed?, line)] for every (result file, step)."""
    out = []
    paths = sorted(glob.glob(os.path.join(results_dir,
                                          '*-%s-cs-*.json' % scenario)))
    if not paths:
        return [(False, 'no result file of scenario %s in %s' % (
            scenario, results_dir))]
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        by_name = {s.get('name'): s for s in doc.get('steps') or []}
        for name in steps:
            step = by_name.get(name)
            if step is None:
                out.append((False, '%s: no step %s' % (
                    os.path.basename(path), name)))
                continue
            details = step.get('details') or {}
            seen = (details.get('hostnames') or details.get('resolved') or
                    details.get('reason') or step.get('error') or '')
            out.append((step.get('status') == 'passed', '%s: %s %s %s' % (
                os.path.basename(path), name, step.get('status'), seen)))
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    rows = check(argv[0], argv[1], argv[2:])
    for ok, line in rows:
        print('%s %s' % ('ok    ' if ok else 'FAILED', line))
    passed = sum(1 for ok, _ in rows if ok)
    failed = len(rows) - passed
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
