# Sourced by tools/run-scenario-job.sh, tools/run-real-profile.sh and
# bench/profiles_bench.sh: a fresh Tempest workspace for the suite.
#
#   new_workspace WS CONF [TIMES]
#
# `tempest init` at WS with its own workspace registry
# (~/.tempest/workspace.yaml refuses a second workspace named "workspace"
# while an earlier job's directory exists), CONF copied in as its
# tempest.conf, then stestr's test durations: those of earlier runs from
# the directory TIMES (times.dbm.* of a stestr repository; optional),
# and for the tests they do not know, the durations shipped in
# tools/suite-durations.json (tools/lib/suite_durations.py seed), so
# stestr gives each worker classes of about equal total duration on the
# first run. Prints what it seeded; on failure says which step failed on
# stderr and returns 1. The caller sets $repo.
new_workspace() {
    local ws=$1 conf=$2 times=${3:-}
    if ! tempest init --workspace-path "$ws/.tempest-workspaces.yaml" \
            "$ws" >/dev/null; then
        echo "new_workspace: tempest init $ws failed" >&2
        return 1
    fi
    cp "$conf" "$ws/etc/tempest.conf" || return 1
    if [[ -n $times ]] && compgen -G "$times/times.dbm.*" >/dev/null; then
        cp "$times"/times.dbm.* "$ws/.stestr/" || return 1
        echo "test durations of earlier jobs: $times"
    fi
    python "$repo/tools/lib/suite_durations.py" seed \
        "$repo/tools/suite-durations.json" "$ws/.stestr"
}
