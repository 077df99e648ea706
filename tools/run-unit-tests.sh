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
constraints=$repo/constraints/plugin.txt

pick_python() {
    if [[ -n "${PYTHON:-}" ]]; then echo "$PYTHON"; return; fi
    for py in python3.11 python3.12 python3.10 python3; do
        if command -v "$py" >/dev/null 2>&1; then command -v "$py"; return; fi
    done
    echo "run-unit-tests: no python3 found (need Python >= 3.10)" >&2
    exit 1
}

make_venv() {
    local py=$1
    if "$py" -m venv "$venv" 2>/dev/null; then return; fi
    # Debian's python3 lacks ensurepip until python3-venv is installed.
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "run-unit-tests: installing python3-venv" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
        rm -rf "$venv"
        "$py" -m venv "$venv"
        return
    fi
    echo "run-unit-tests: '$py -m venv' failed; install python3-venv" >&2
    exit 1
}

py=$(pick_python)
"$py" - <<'PYEOF'
import sys
if sys.version_info < (3, 10):
    sys.exit('run-unit-tests: Python >= 3.10 needed, found %s' % sys.version)
PYEOF

# Reinstall only when what we install changed.
stamp_src=$(cat "$constraints" "$repo/requirements.txt" \
    "$repo/test-requirements.txt" "$repo/setup.cfg" | sha256sum | cut -d' ' -f1)
stamp=$venv/.unit-tests-installed
if [[ ! -x $venv/bin/python || $(cat "$stamp" 2>/dev/null) != "$stamp_src" ]]; then
    rm -rf "$venv"
    echo "run-unit-tests: creating $venv with $py" >&2
    make_venv "$py"
    log=$venv/install.log
    # Editable: the entry points resolve to this checkout.
    if ! { "$venv/bin/python" -m pip install --upgrade pip &&
           "$venv/bin/python" -m pip install -c "$constraints" \
               -r "$repo/test-requirements.txt" -e "$repo"; } >"$log" 2>&1
    then
        tail -n 40 "$log" >&2
        echo "run-unit-tests: installing into $venv failed (log: $log)" >&2
        exit 1
    fi
    echo "run-unit-tests: installed: $("$venv/bin/python" -m pip freeze |
        grep -iE '^(tempest|designate-tempest-plugin|heat-tempest-plugin|hacking|flake8)==' |
        tr '\n' ' ')" >&2
    echo "$stamp_src" > "$stamp"
fi

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

"$venv/bin/python" -m pytest -q -p no:cacheprovider unit_tests "$@"
rc=$?
set -e
if [[ $rc == 5 ]]; then
    if [[ $# -gt 0 ]]; then
        echo "run-unit-tests: no test matched the given arguments: $*" >&2
        rc=0
    else
        echo "run-unit-tests: pytest collected no tests under unit_tests/" >&2
        rc=1
    fi
fi
if [[ $flake8_rc != 0 ]]; then
    echo "run-unit-tests: FAILED: flake8 found problems (listed above)" >&2
    exit 1
fi
exit $rc
