# Sourced by tools/run-unit-tests.sh and tools/run-scenario-job.sh: makes sure
# the plugin venv ($venv) holds Tempest, the two plugins this one builds on,
# this plugin (editable, with its [report] extra) and the test
# requirements, all pinned by constraints/plugin.txt; reinstalls only when
# what it installs changed. The installer is uv when it can be had (pinned
# and bootstrapped by constellation/installer.py, shared with the services
# venv; CONSTELLATION_INSTALLER=pip forces pip), else pip: the same
# constraints either way.
# The caller sets $repo and $venv.
constraints=$repo/constraints/plugin.txt

pick_python() {
    if [[ -n "${PYTHON:-}" ]]; then echo "$PYTHON"; return; fi
    for py in python3.11 python3.12 python3.10 python3; do
        if command -v "$py" >/dev/null 2>&1; then command -v "$py"; return; fi
    done
    echo "plugin-venv: no python3 found (need Python >= 3.10)" >&2
    exit 1
}

make_venv() {
    local py=$1
    if "$py" -m venv "$venv" 2>/dev/null; then return; fi
    # Debian's python3 lacks ensurepip until python3-venv is installed.
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "plugin-venv: installing python3-venv" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
        rm -rf "$venv"
        "$py" -m venv "$venv"
        return
    fi
    echo "plugin-venv: '$py -m venv' failed; install python3-venv" >&2
    exit 1
}

py=$(pick_python)
"$py" - <<'PYEOF'
import sys
if sys.version_info < (3, 10):
    sys.exit('plugin-venv: Python >= 3.10 needed, found %s' % sys.version)
PYEOF

# Reinstall only when what we install changed.
stamp_src=$(cat "$constraints" "$repo/requirements.txt" \
    "$repo/test-requirements.txt" "$repo/setup.cfg" "$repo/pyproject.toml" |
    sha256sum | cut -d' ' -f1)
stamp=$venv/.unit-tests-installed
if [[ ! -x $venv/bin/python || $(cat "$stamp" 2>/dev/null) != "$stamp_src" ]]; then
    rm -rf "$venv"
    echo "plugin-venv: creating $venv with $py" >&2
    make_venv "$py"
    log=$venv/install.log
    t_install=$(date +%s)
    # uv's path, or nothing (then pip; the reason is in the log)
    uv=$(cd "$repo" && "$py" -m constellation.installer uv \
        "$venv/bin/python" 2>>"$log") || {
        cat "$log" >&2; echo "plugin-venv: no installer" >&2; exit 1; }
    # An egg-info an earlier pip install left in the checkout would shadow
    # the venv's metadata (version, the CLI's entry points) whenever the
    # checkout is first on sys.path, as it is for the unit tests; uv's
    # editable install writes none there.
    rm -rf "$repo"/*.egg-info
    # Editable: the entry points resolve to this checkout.
    if [[ -n $uv ]]; then
        installer="uv ($uv)"
        venv_install() { UV_LINK_MODE=${UV_LINK_MODE:-copy} "$uv" pip install \
            -q --python "$venv/bin/python" "$@"; }
    else
        installer=pip
        venv_install() { "$venv/bin/python" -m pip install --upgrade pip &&
            "$venv/bin/python" -m pip install "$@"; }
    fi
    if ! venv_install -c "$constraints" -r "$repo/test-requirements.txt" \
            -e "$repo[report]" >>"$log" 2>&1
    then
        tail -n 40 "$log" >&2
        echo "plugin-venv: installing into $venv failed (log: $log)" >&2
        exit 1
    fi
    echo "plugin-venv: installed: $("$venv/bin/python" -m pip freeze |
        grep -iE '^(tempest|designate-tempest-plugin|heat-tempest-plugin|hacking|flake8)==' |
        tr '\n' ' ')(with $installer in $(( $(date +%s) - t_install ))s)" >&2
    echo "$stamp_src" > "$stamp"
fi

