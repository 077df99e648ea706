#!/bin/sh
# CI entry: acceptance checks of a running constellation. Prints
# "N passed, N failed" last; exits non-zero on any failure. Runs with the
# services venv's python (keystoneauth1, dnspython: see constellation/__init__.py).
here=$(cd "$(dirname "$0")/../.." && pwd)
state=${CONSTELLATION_STATE_DIR:-$here/.constellation}
python=${PYTHON:-$state/venv/bin/python}
if [ ! -x "$python" ]; then
    echo "no services venv at $state/venv: run \`tools/constellation up\` first"
    echo "0 passed, 1 failed"
    exit 1
fi
PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" exec "$python" -m constellation.checks.smoke "$@"
