#!/bin/sh
# designate-tempest-plugin's multipool tests against the constellation, alone
# and serially: they replace its Designate pools, this puts them back (see
# constellation/checks/multipool.py). Prints "N passed, N failed" last.
#   tools/run-designate-multipool.sh --workspace DIR [--tempest PATH]
# Runs with the services venv's python (keystoneauth1, dnspython); tempest
# is the one on PATH (the plugin venv's) unless --tempest names one.
here=$(cd "$(dirname "$0")/.." && pwd)
state=${CONSTELLATION_STATE_DIR:-$here/.constellation}
python=${PYTHON:-$state/venv/bin/python}
if [ ! -x "$python" ]; then
    echo "no services venv at $state/venv: run \`tools/constellation up\` first"
    echo "0 passed, 1 failed"
    exit 1
fi
PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" exec "$python" \
    -m constellation.checks.multipool --state-dir "$state" "$@"
