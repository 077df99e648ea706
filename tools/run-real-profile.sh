#!/usr/bin/env bash
# The real profile's phase of the full job (QEMU guests on Neutron ML2/OVN,
# doc/source/constellation/real-profile.rst), with a constellation of its own:
#
#   bash tools/run-real-profile.sh      # alone, or as a step of
#                                       # tools/run-scenario-job.sh --full
#
#   1. `tools/constellation up --profile real` in its own state dir
#      ($REAL_STATE_DIR, default <fast state dir>-real, i.e.
#      <repo>/.constellation-real): the fast profile's state dir keeps its
#      profile, and a killed run's leftovers are found by the next up here;
#   2. the cross_service scenario suite between two resource counts (a
#      leak fails), a skipped test counting as a failure; then the
#      servers_dns results must show check_reachable and check_peer_dns
#      passed (a step the engine skips would let its test pass);
#   3. Tempest's own scenario tests that need only compute and network
#      (REAL_TEMPEST_SCENARIOS), with the constellation's guest as
#      Tempest's validation image, scheduled on the workers by the
#      durations of tools/real-tempest-durations.json; the ones excluded
#      by exact id are printed with their reasons (REAL_TEMPEST_EXCLUDED);
#      VOTING: their counts are in the summary (green over every run since
#      the tap fix, 2026-12-02); REAL_TEMPEST_VOTING=0 makes them
#      non-voting again (their counts on a line of their own before the
#      summary, "NON-VOTING", not in it);
#   4. the workshop's Steps 1-2 (doc/source/workshop.rst) against this
#      constellation, with the block captioned "Not run on the fast
#      profile" (ssh into the guest at its floating IP);
#   5. `down`, also when a step failed or the run is interrupted; the
#      host's /etc files, hostname, routes and addresses are compared
#      with a snapshot taken before `up` (tools/host_untouched.py).
# Each phase prints its time; the last lines are the times and
# "N passed, N failed[, N skipped]" over the voting phases.
#
# Environment: UNIT_VENV (plugin venv), REAL_STATE_DIR, CONSTELLATION_PORT_BASE,
# CONCURRENCY (default 2), KEEP_CONSTELLATION=1 (leave it up),
# REAL_SKIP_TEMPEST=1 / REAL_SKIP_WORKSHOP=1 (leave those phases out, saying
# so), REAL_TEMPEST_VOTING=0 (step 3 non-voting; default 1: it counts),
# REAL_LOGS (directory for the logs, default a new temporary one).
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${UNIT_VENV:-$repo/.venv-unit}
concurrency=${CONCURRENCY:-2}
constellation=$repo/tools/constellation
t_start=$(date +%s)
export CONSTELLATION_STATE_DIR=${REAL_STATE_DIR:-${CONSTELLATION_STATE_DIR:-$repo/.constellation}-real}
unset CONSTELLATION_PROFILE
logs=${REAL_LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/real-profile.XXXXXX")}
mkdir -p "$logs"

source "$repo/tools/lib/summary.sh"
say() { printf '[real %4ds] %s\n' "$(( $(date +%s) - t_start ))" "$*"; }
times=()
phase() {
    local name=$1 log=$2 rc t0
    shift 2
    say "== $name"
    t0=$(date +%s)
    "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    times+=("$(printf '%5ds  %s (rc=%d)' "$(( $(date +%s) - t0 ))" "$name" "$rc")")
    say "== $name: rc=$rc after $(( $(date +%s) - t0 ))s"
    return "$rc"
}

# Tempest's scenario tests that need only compute and network (and
# image): every test of these modules runs unless excluded below; the
# ones whose skip_checks find a feature off (Cinder, suspend, shelve,
# multinode, QoS placement, unified limits) skip and say why.
REAL_TEMPEST_SCENARIOS=${REAL_TEMPEST_SCENARIOS:-'^tempest\.scenario\.(test_server_basic_ops|test_network_basic_ops|test_minimum_basic|test_network_advanced_server_ops|test_server_advanced_ops|test_server_multinode|test_shelve_instance|test_snapshot_pattern|test_security_groups_basic_ops|test_network_v6)\.'}
# exact test id (without the [id-...] attributes) = reason; printed.
# None is left out for time: test_network_v6 (8) and
# test_security_groups_basic_ops (6) run since 2026-12-02 (the guest keeps
# its SLAAC addresses and has ping6; acpid makes Nova's stop and soft
# reboot take seconds, not 60/120 s; the durations file balances the two
# workers), and the phase takes ~11 min of CI's 90.
# (test_snapshot_pattern runs since the guest mounts its own disk, which
# a snapshot keeps, and tempest.conf's [scenario] target_dir points there)
declare -A REAL_TEMPEST_EXCLUDED=()

say "logs: $logs; state dir: $CONSTELLATION_STATE_DIR"
source "$repo/tools/lib/plugin-venv.sh"
export PATH=$venv/bin:$PATH

host_before=$logs/host-before.json
python3 "$repo/tools/host_untouched.py" snapshot "$host_before"

finish() {
    local rc=0
    if [[ -n ${KEEP_CONSTELLATION:-} ]]; then
        say "KEEP_CONSTELLATION set: leaving the real constellation up"
    else
        phase "real profile: constellation down" "$logs/down.log" \
            "$constellation" down || failed=$((failed + 1))
        phase "real profile: host untouched after down" "$logs/host.log" \
            python3 "$repo/tools/host_untouched.py" compare "$host_before"
        count "$logs/host.log"
    fi
    say "times of the real profile's phases:"
    printf '  %s\n' "${times[@]}"
    say "real profile finished after $(( $(date +%s) - t_start ))s"
    [[ -z ${tempest_line:-} ]] || say "$tempest_line"
    summary
    [[ $failed -eq 0 ]] || rc=1
    exit $rc
}

if ! phase "real profile: constellation up --profile real" "$logs/up.log" \
        "$constellation" up --profile real; then
    say "FAILED: the real constellation did not come up (see above)"
    failed=$((failed + 1))
    finish
fi
trap finish EXIT
trap 'exit 130' INT TERM
eval "$("$constellation" env)"
conf=$TEMPEST_CONFIG_DIR/$TEMPEST_CONFIG
uptime | sed 's/^/[real] load: /'

results=$logs/results
mkdir -p "$results"
export OS_CROSS_SERVICE__RESULTS_DIR=$results
ws=$logs/workspace
source "$repo/tools/lib/workspace.sh"
while read -r line; do say "$line"; done < <(
    new_workspace "$ws" "$conf" ||
    echo "FAILED: workspace $ws (the suite will fail)")

# 2. the scenario suite, between two resource counts
before=$logs/resources-before.json
phase "real profile: resource count before the suite" \
    "$logs/leak-before.log" python "$repo/tools/leak_check.py" \
    --config "$conf" snapshot "$before" || failed=$((failed + 1))
# (phase in this shell, not a subshell: its time is kept)
cd "$ws"
phase "real profile: tempest run -r cross_service --concurrency $concurrency" \
    "$logs/suite.log" tempest run -r cross_service --concurrency "$concurrency"
cd "$repo"
count "$logs/suite.log" skips-fail
if phase "real profile: resource count after the suite (leak check)" \
        "$logs/leak-after.log" python "$repo/tools/leak_check.py" \
        --config "$conf" compare "$before"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi
phase "real profile: servers_dns reached its guests (check_reachable, check_peer_dns)" \
    "$logs/guest-steps.log" python "$repo/tools/lib/require_steps.py" \
    "$results" servers_dns check_reachable check_peer_dns
count "$logs/guest-steps.log"

# 3. Tempest's scenario tests on real guests
if [[ -n ${REAL_SKIP_TEMPEST:-} ]]; then
    say "Tempest scenario tests: not run (REAL_SKIP_TEMPEST is set)"
else
    exclude=()
    for id in $(printf '%s\n' "${!REAL_TEMPEST_EXCLUDED[@]}" | sort); do
        say "excluded: $id: ${REAL_TEMPEST_EXCLUDED[$id]}"
        exclude+=("^${id//./\\.}(\[|$)")
    done
    args=(--regex "$REAL_TEMPEST_SCENARIOS")
    if [[ ${#exclude[@]} -gt 0 ]]; then
        args+=(--exclude-regex "$(IFS='|'; echo "${exclude[*]}")")
    fi
    # stestr deals test classes it has no time for round-robin: one
    # worker got 695 s of them, the other 34 s
    say "$(python "$repo/tools/lib/suite_durations.py" seed \
        "$repo/tools/real-tempest-durations.json" "$ws/.stestr")"
    cd "$ws"
    phase "real profile: Tempest scenario tests (compute + network, real guests)" \
        "$logs/tempest-scenario.log" tempest run \
        --concurrency "$concurrency" "${args[@]}"
    cd "$repo"
    if [[ ${REAL_TEMPEST_VOTING:-1} != 0 ]]; then
        count "$logs/tempest-scenario.log"
    else
        # non-voting: printed on a line of its own, not in the summary
        read -r tp tf ts < <(python3 "$repo/constellation/checks/last_summary.py" \
            "$logs/tempest-scenario.log")
        tempest_line="Tempest scenario tests on real guests, NON-VOTING"
        tempest_line+=" (REAL_TEMPEST_VOTING=0; unset, they count):"
        [[ $tp == none ]] && tempest_line+=" no summary line" ||
            tempest_line+=" $tp passed, $tf failed, $ts skipped"
    fi
    grep -E '\.\.\. (ok|FAILED|SKIPPED)' "$logs/tempest-scenario.log" |
        sed -E 's/^\{[0-9]+\} //; s/ \[[0-9.]+s\]//' | sort |
        sed 's/^/  /' > "$logs/tempest-scenario-names.txt"
    say "Tempest scenario tests, by name:"
    cat "$logs/tempest-scenario-names.txt"
fi

# 4. the workshop's blocks that need a guest
if [[ -n ${REAL_SKIP_WORKSHOP:-} ]]; then
    say "workshop guest blocks: not run (REAL_SKIP_WORKSHOP is set)"
else
    # Steps 1-2 (up to the ssh into the guest and the cleanup): the rest
    # of the page is the fast profile's walk-through again; its scratch
    # directory (mktemp -d) in the logs
    mkdir -p "$logs/workshop-tmp"
    phase "real profile: workshop Steps 1-2 with the ssh into the guest" \
        "$logs/workshop.log" env WORKSHOP_UNTIL='Step 3: the plugin skeleton' \
        TMPDIR="$logs/workshop-tmp" \
        WORKSHOP_TRANSCRIPT="$logs/workshop-transcript.txt" \
        bash "$repo/tools/run-workshop.sh"
    count "$logs/workshop.log"
fi
