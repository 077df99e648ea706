#!/usr/bin/env python3
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

"""Print "PASSED FAILED SKIPPED" from the last test-runner summary in a log.

Understands stestr's "Totals" block (" - Passed: N" ...), pytest's closing
line ("== 3 failed, 5 passed, 1 skipped in 2.0s ==", "no tests ran") and
the plain "N passed, N failed[, N skipped]" line; whichever comes last
wins. Prints "none" when the log has no summary. Used by
``checks/multipool.py`` and by the plugin's tools/lib/summary.sh (to add
the steps of a CI job up); stdlib only, so it runs with any python3.
"""

import re
import sys

STESTR = re.compile(r'^ - (Passed|Failed|Skipped): (\d+)\s*$')
PYTEST = re.compile(r'^(=+ )?(\d+ (passed|failed|errors?|skipped)\b.*|'
                    r'no tests ran\b.*)')
COUNT = re.compile(r'(\d+) (passed|failed|errors?|skipped)\b')


def last_summary(lines):
    found = None
    for line in lines:
        m = STESTR.match(line)
        if m:
            if m.group(1) == 'Passed' or found is None:
                found = [0, 0, 0]
            found[('Passed', 'Failed', 'Skipped').index(m.group(1))] = int(
                m.group(2))
            continue
        if PYTEST.match(line.strip()):
            found = [0, 0, 0]
            for n, kind in COUNT.findall(line):
                idx = {'passed': 0, 'skipped': 2}.get(kind, 1)
                found[idx] += int(n)
            if 'no tests ran' in line:
                found[1] += 1
    return found


def main(path):
    with open(path, errors='replace') as f:
        found = last_summary(f)
    print('none' if found is None else '%d %d %d' % tuple(found))


if __name__ == '__main__':
    main(sys.argv[1])
