#!/usr/bin/env bash
# Unit tests of the plugin's own code (no cloud): creates/refreshes a venv
# (default <repo>/.venv-unit), installs the plugin with the pinned
# constraints plus the test requirements, runs flake8 (hacking) over the
# whole repo, then the unit tests with pytest. pytest's summary line is the
# last thing printed.
#
# Environment: UNIT_VENV (venv path), PYTHON (interpreter to build it with).
# Extra arguments are passed to pytest (e.g. -k waiters).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${UNIT_VENV:-$repo/.venv-unit}
source "$repo/tools/lib/plugin-venv.sh"

cd "$repo"
# flake8 first, but the unit tests run even when it complains, so one CI
# run shows both; the exit code reflects both.
echo "run-unit-tests: flake8 (hacking) over the repo"
set +e
"$venv/bin/flake8"
flake8_rc=$?
if [[ $flake8_rc == 0 ]]; then
    echo "run-unit-tests: flake8 clean"
fi
# The layering (.importlinter): a cycle or an arrow the wrong way fails.
echo "run-unit-tests: lint-imports (import layers, .importlinter)"
PYTHONPATH=$repo "$venv/bin/lint-imports" --no-cache
layers_rc=$?

# the plugin's unit tests and the constellation's own (constellation/tests)
"$venv/bin/python" -m pytest -q -p no:cacheprovider unit_tests \
    constellation/tests "$@"
rc=$?
set -e
if [[ $rc == 5 ]]; then
    if [[ $# -gt 0 ]]; then
        echo "run-unit-tests: no test matched the given arguments: $*" >&2
        rc=0
    else
        echo "run-unit-tests: pytest collected no tests under unit_tests/" \
             "and constellation/tests/" >&2
        rc=1
    fi
fi
if [[ $flake8_rc != 0 ]]; then
    echo "run-unit-tests: FAILED: flake8 found problems (listed above)" >&2
    exit 1
fi
if [[ $layers_rc != 0 ]]; then
    echo "run-unit-tests: FAILED: lint-imports found a broken contract" \
         "(listed above)" >&2
    exit 1
fi
exit $rc
