#!/bin/sh
# Run a module of this repository with the constellation's services venv
# python (keystoneauth1, dnspython: see constellation/__init__.py):
#   constellation/checks/venv-python.sh MODULE [ARGS...]
# The state dir is the constellation's default (constellation/state.py
# default_root: $CONSTELLATION_STATE_DIR, else <repo>/.constellation in a
# checkout, the per-user one when installed); PYTHON names another
# interpreter. Without the venv it says so and prints "0 passed, 1 failed"
# (the checks' last-line format).
here=$(cd "$(dirname "$0")/../.." && pwd)
state=$(PYTHONPATH=$here python3 -c 'import sys
from constellation import state
print(state.default_root(sys.argv[1]))' "$here")
python=${PYTHON:-$state/venv/bin/python}
if [ ! -x "$python" ]; then
    echo "no services venv at $state/venv: run \`tools/constellation up\` first"
    echo "0 passed, 1 failed"
    exit 1
fi
PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" exec "$python" -m "$@"
