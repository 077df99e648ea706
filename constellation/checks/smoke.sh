#!/bin/sh
# CI entry: acceptance checks of a running constellation. Prints
# "N passed, N failed" last; exits non-zero on any failure. Runs with the
# services venv's python (venv-python.sh).
exec "$(dirname "$0")/venv-python.sh" constellation.checks.smoke "$@"
