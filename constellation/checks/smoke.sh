#!/bin/sh
# CI entry: acceptance checks of a running constellation. Prints
# "N passed, N failed" last; exits non-zero on any failure.
here=$(cd "$(dirname "$0")/../.." && pwd)
PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" exec "${PYTHON:-python3}" -m constellation.checks.smoke "$@"
