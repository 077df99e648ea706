#!/usr/bin/env bash
# Executes the workshop walk-through (doc/source/workshop.rst) block by
# block against the local constellation, or builds the docs.
#
#   tools/run-workshop.sh            the walk-through: every console block in
#                                    one bash session, the Python examples
#                                    in order; one pytest result per block
#   tools/run-workshop.sh --docs     sphinx-build -W (warnings are errors),
#                                    as `tox -e docs` does, into
#                                    doc/build/html (or $DOCS_OUT)
#
# Both run in the plugin venv (tools/lib/plugin-venv.sh: Tempest, the two
# plugins, this plugin; default <repo>/.venv-unit), to which this script
# adds doc/tests/requirements.txt (Sybil, the openstack client with
# Designate's plugin) or doc/requirements.txt (Sphinx), pinned by
# constraints/plugin.txt. `dig` comes from Debian's bind9-dnsutils,
# `ssh-keygen` and `ssh` from openssh-client (installed with apt-get when
# missing and running as root).
#
# The walk-through brings the constellation up itself (a no-op when it is
# already up) and takes it down at its end. Environment: UNIT_VENV,
# CONSTELLATION_STATE_DIR / CONSTELLATION_PORT_BASE (which constellation),
# WORKSHOP_SKIP (regex: skip the blocks with a matching command, e.g.
# 'constellation down' to keep it up), WORKSHOP_COMMAND_TIMEOUT (seconds per
# command, default 900), WORKSHOP_TRANSCRIPT (file: every command and its
# output), WORKSHOP_UNTIL (a section title: that section and the rest of the
# page are left out, e.g. 'Step 3: the plugin skeleton'). Extra arguments go to pytest (e.g. -x). The last lines are
# pytest's summary ("N passed, N failed ...") and the wall time.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${UNIT_VENV:-$repo/.venv-unit}
t0=$(date +%s)
mode=walkthrough
if [[ ${1:-} == --docs ]]; then
    mode=docs
    shift
fi

source "$repo/tools/lib/plugin-venv.sh"

# install_extra REQUIREMENTS: into $venv, pinned; only when it changed.
install_extra() {
    local reqs=$1 stamp src log
    stamp=$venv/.extra-$(basename "$(dirname "$reqs")")-installed
    src=$(cat "$constraints" "$reqs" "$venv/.unit-tests-installed" |
        sha256sum | cut -d' ' -f1)
    if [[ $(cat "$stamp" 2>/dev/null) == "$src" ]]; then
        return
    fi
    log=$venv/install-$(basename "$(dirname "$reqs")").log
    echo "run-workshop: installing ${reqs#"$repo"/} into $venv" >&2
    if ! "$venv/bin/python" -m pip install -c "$constraints" -r "$reqs" \
            >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        echo "run-workshop: installing ${reqs#"$repo"/} failed (log: $log)" >&2
        exit 1
    fi
    echo "$src" >"$stamp"
}

export VIRTUAL_ENV=$venv
export PATH=$venv/bin:$PATH
cd "$repo"

if [[ $mode == docs ]]; then
    install_extra "$repo/doc/requirements.txt"
    out=${DOCS_OUT:-$repo/doc/build/html}
    echo "run-workshop: sphinx-build -W -b html doc/source $out"
    rc=0
    python -m sphinx -W -q -b html doc/source "$out" || rc=$?
    if [[ $rc == 0 ]]; then
        echo "docs built with no warning after $(( $(date +%s) - t0 ))s"
        echo "1 passed, 0 failed"
    else
        echo "sphinx-build -W failed (exit $rc) after $(( $(date +%s) - t0 ))s"
        echo "0 passed, 1 failed"
    fi
    exit $rc
fi

install_extra "$repo/doc/tests/requirements.txt"
# the page's commands: dig (Step 1), ssh-keygen and ssh (Step 2)
for need in dig:bind9-dnsutils ssh-keygen:openssh-client ssh:openssh-client; do
    command -v "${need%%:*}" >/dev/null 2>&1 && continue
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "run-workshop: installing ${need#*:} (${need%%:*})" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            "${need#*:}" >&2
    else
        echo "run-workshop: ${need%%:*} is missing: install ${need#*:}" >&2
        exit 1
    fi
done

echo "run-workshop: executing doc/source/workshop.rst block by block"
rc=0
PYTHONPATH=$repo/doc/tests${PYTHONPATH:+:$PYTHONPATH} \
    python -m pytest -p workshop_sybil -p no:cacheprovider -p no:doctest -v -rs --durations=5 \
    --rootdir "$repo" --override-ini 'python_files=' \
    "$@" doc/source/workshop.rst || rc=$?
echo "run-workshop: wall time $(( $(date +%s) - t0 ))s"
exit $rc
