#!/bin/sh
# Run a module of this repository with the constellation's services venv
# python (keystoneauth1, dnspython: see constellation/__init__.py):
#   constellation/checks/venv-python.sh MODULE [ARGS...]
# The state dir is $CONSTELLATION_STATE_DIR or <repo>/.constellation; PYTHON
# names another interpreter. Without the venv it says so and prints
# "0 passed, 1 failed" (the checks' last-line format).
here=$(cd "$(dirname "$0")/../.." && pwd)
state=${CONSTELLATION_STATE_DIR:-$here/.constellation}
python=${PYTHON:-$state/venv/bin/python}
if [ ! -x "$python" ]; then
    echo "no services venv at $state/venv: run \`tools/constellation up\` first"
    echo "0 passed, 1 failed"
    exit 1
fi
PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" exec "$python" -m "$@"
