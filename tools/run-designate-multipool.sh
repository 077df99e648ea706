#!/bin/sh
# designate-tempest-plugin's multipool tests against the constellation, alone
# and serially: they replace its Designate pools, this puts them back (see
# constellation/checks/multipool.py). Prints "N passed, N failed" last.
#   tools/run-designate-multipool.sh --workspace DIR [--tempest PATH]
# Runs with the services venv's python (keystoneauth1, dnspython); tempest
# is the one on PATH (the plugin venv's) unless --tempest names one.
# The state dir: --state-dir, else $CONSTELLATION_STATE_DIR or
# <repo>/.constellation.
exec "$(dirname "$0")/../constellation/checks/venv-python.sh" \
    constellation.checks.multipool "$@"
