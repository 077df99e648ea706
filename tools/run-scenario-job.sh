#!/usr/bin/env bash
# The main job: the scenario suite against the local constellation.
#
#   bash tools/run-scenario-job.sh          # the daily job: steps 1-3, 7, 9
#   bash tools/run-scenario-job.sh --full   # every step (what .ci/run runs)
#
# On a fresh Debian machine with Python 3.11 (as root, for apt) this
#   1. builds the plugin venv (Tempest + plugins + this plugin, pinned);
#   2. brings the constellation up (`tools/constellation up`: apt packages,
#      the services venv, MariaDB/RabbitMQ/BIND9 and every service);
#   3. runs `tempest run -r cross_service --concurrency 2` from a Tempest
#      workspace, between two counts of stacks/zones/floating IPs/ports/
#      servers/networks (a difference is a leak and fails the job);
# and with --full (or SCENARIO_JOB_FULL=1) also
#   4. runs the scenario API acceptance and fault-injection tests
#      (fault_tests/, they restart and stop services, so alone and after
#      the suite; test_designate_serial.py stops designate-producer and runs
#      its task itself to show Designate's serial collision);
#   5. unless SKIP_TEMPEST_SMOKE is set, runs Tempest's smoke API tests of
#      compute/network/image, designate-tempest-plugin's zone, recordset,
#      quota and TSIG key API tests and heat-tempest-plugin's API tests;
#   6. checks the devstack job without Zuul (tools/check-devstack-job.sh):
#      every option .zuul.yaml and the devstack plugin set exists in its
#      service's group (and the old .zuul.yaml's defect 3 is reported),
#      .zuul.yaml's keys and parents, and the devstack plugin's phases run
#      under a stand-in for devstack's functions against the constellation
#      (on copies of its configs; the zones it makes for itself deleted);
#      then runs the constellation's own acceptance checks (DNS on the
#      wire, a Heat server stack, restarts of designate-worker and
#      nova-compute, down with no process/listener left, up again);
# and in both
#   7. writes the HTML report of the scenario results (report.html next
#      to the logs; CROSS_SERVICE_THRESHOLDS names a thresholds file);
# with --full also
#   8. builds the docs with warnings as errors (as `tox -e docs`) and
#      executes the workshop walk-through, doc/source/workshop.rst, block by
#      block (tools/run-workshop.sh; its last block takes the constellation
#      down, unless KEEP_CONSTELLATION is set);
# and in both
#   9. takes the constellation down, also when a step failed;
# with --full also
#  10. the real profile (tools/run-real-profile.sh: QEMU guests on
#      ML2/OVN, a constellation of its own in <state dir>-real on the same
#      ports, so after the down of 9): the scenario suite with the leak
#      check and check_reachable/check_peer_dns required to pass, Tempest's
#      own compute+network scenario tests on real guests (voting;
#      REAL_TEMPEST_VOTING=0 puts them on a line of their own), the
#      workshop's guest blocks; then its down (also on failure).
#      SKIP_REAL_PROFILE=1
#      leaves it out, saying so (as does KEEP_CONSTELLATION: the fast one
#      stays on the ports);
# and in both, after the last down, the host's /etc files, hostname,
# routes and addresses are compared with a snapshot taken before the
# first up.
# A step of the full set in the daily job prints "not run" and counts
# nothing.  The last line is "N passed, N failed[, N skipped]" over every
# step; a skipped cross_service test counts as a failure (the
# constellation provides every service and extension the suite needs).
#
# Environment: UNIT_VENV (plugin venv, default <repo>/.venv-unit),
# CONSTELLATION_STATE_DIR, CONSTELLATION_PORT_BASE, KEEP_CONSTELLATION=1
# (leave it up at the end), CONCURRENCY (default 2), CROSS_SERVICE_RESULTS_DIR
# (where the scenario results are, default <logs>/results),
# CROSS_SERVICE_THRESHOLDS (a thresholds file for the report),
# SCENARIO_JOB_FULL=1 (as --full).
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${UNIT_VENV:-$repo/.venv-unit}
concurrency=${CONCURRENCY:-2}
constellation=$repo/tools/constellation
t_job=$(date +%s)
full=${SCENARIO_JOB_FULL:-}
for arg in "$@"; do
    case $arg in
        --full) full=1 ;;
        -h|--help) sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) echo "run-scenario-job.sh: unknown argument '$arg' (known: --full," \
               "--help)" >&2; exit 2 ;;
    esac
done
# set around the steps of the full set: without --full they are not run
full_only=

source "$repo/tools/lib/summary.sh"
say() { printf '[%4ds] %s\n' "$(( $(date +%s) - t_job ))" "$*"; }

# step NAME LOG CMD...: run CMD with its output shown and kept in LOG
# (in the daily job, a step of the full set only says so; its LOG counts 0).
step() {
    local name=$1 log=$2 rc t0
    shift 2
    if [[ -n $full_only && -z $full ]]; then
        say "== $name: not run (full set only: --full)"
        echo "0 passed, 0 failed" > "$log"
        return 0
    fi
    say "== $name"
    t0=$(date +%s)
    "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    say "== $name: rc=$rc after $(( $(date +%s) - t0 ))s"
    return "$rc"
}


logs=$(mktemp -d "${TMPDIR:-/tmp}/scenario-job.XXXXXX")
say "logs of this job: $logs ($([[ -n $full ]] && echo 'full set' ||
    echo 'daily job; --full runs every step'))"

# 1. plugin venv
source "$repo/tools/lib/plugin-venv.sh"
export PATH=$venv/bin:$PATH

# 2. constellation ($CONSTELLATION_PROFILE: fast by default, or real:
# QEMU guests on ML2/OVN, see doc/source/constellation/real-profile.rst); the host's
# /etc files, hostname, routes and addresses are compared after the last
# down (tools/host_untouched.py)
host_before=$logs/host-before.json
python3 "$repo/tools/host_untouched.py" snapshot "$host_before"
host_check() {
    if [[ -n ${KEEP_CONSTELLATION:-} ]]; then
        say "host untouched check: not run (KEEP_CONSTELLATION: still up)"
        return
    fi
    step "host untouched (/etc, hostname, routes) after down" \
        "$logs/host.log" python3 "$repo/tools/host_untouched.py" compare \
        "$host_before"
    count "$logs/host.log"
}
down() {
    if [[ -n ${KEEP_CONSTELLATION:-} ]]; then
        say "KEEP_CONSTELLATION set: leaving the constellation up"
        return
    fi
    step "constellation down" "$logs/down.log" "$constellation" down ||
        failed=$((failed + 1))
}
if ! step "constellation up" "$logs/up.log" "$constellation" up; then
    say "FAILED: the constellation did not come up (see above)"
    "$constellation" down >/dev/null 2>&1
    failed=$((failed + 1))
    summary
    exit 1
fi
trap 'down; host_check; say "job finished after $(( $(date +%s) - t_job ))s"; summary' EXIT
eval "$("$constellation" env)"
conf=$TEMPEST_CONFIG_DIR/$TEMPEST_CONFIG

# 3. the scenario suite, between two resource counts; every scenario run
# of this job (suite, fault tests) writes its result JSON to $results
# ([cross_service] results_dir through oslo.config's environment source)
results=${CROSS_SERVICE_RESULTS_DIR:-$logs/results}
mkdir -p "$results"
export OS_CROSS_SERVICE__RESULTS_DIR=$results
ws=$logs/workspace
# Test durations of earlier jobs: stestr gives each worker test classes
# of about equal total duration when its repository knows them, and deals
# them round-robin when it does not (a fresh workspace ran one worker
# 153 s, the other 67 s). They are kept with the constellation's state
# (times.dbm of stestr's repository, one entry per test, the latest
# duration), so the next job on this machine starts balanced; the tests
# they do not know (all, in a fresh clone) get the durations shipped in
# tools/suite-durations.json (written by bench/scenario_bench.py
# --durations-out): the first run is scheduled as a later one would be.
# (the state dir's entry is named by constellation/state.py: destroy
# knows it as the constellation's own)
times=$CONSTELLATION_STATE_DIR/$(PYTHONPATH=$repo python3 -c \
    'from constellation import state; print(state.STESTR_TIMES)')
source "$repo/tools/lib/workspace.sh"
while read -r line; do say "$line"; done < <(
    new_workspace "$ws" "$conf" "$times" ||
    echo "FAILED: workspace $ws (the suite step will fail)")
keep_times() {
    if compgen -G "$ws/.stestr/times.dbm.*" >/dev/null; then
        mkdir -p "$times" && cp "$ws"/.stestr/times.dbm.* "$times/"
    fi
}
before=$logs/resources-before.json
if ! step "resource count before the suite" "$logs/leak-before.log" \
        python "$repo/tools/leak_check.py" --config "$conf" snapshot "$before"; then
    failed=$((failed + 1))
fi
# Progress: stestr prints a line per finished test; each gets
# "[done/total, left]" in front. While tests run, the scenarios' step
# lines ("progress: <scenario> (<label>): step <name> started, 3 of 8",
# logged by the Tempest test into the workspace's tempest.log) are shown
# as "  running: ..."; the follower stops when this shell does.
suite() {
    local total me=$BASHPID    # this shell (not the follower's subshell)
    total=$(tempest run --list-tests -r cross_service 2>/dev/null |
        grep -cE '^[A-Za-z_][A-Za-z0-9_.]*\.test[A-Za-z0-9_]*(\[.*\])?$')
    say "suite: $total test(s) to run"
    # the conf's log_file (the constellation's is absolute), else ./
    local log
    log=$(sed -n 's/^log_file *= *//p' "$conf" | head -n1)
    case $log in /*) ;; *) log=${log:-tempest.log} ;; esac
    touch "$log"
    tail -n0 -F --pid="$me" "$log" 2>/dev/null |
        sed -un 's/.* progress: /  running: /p' &
    tempest run -r cross_service --concurrency "$concurrency" |
        awk -v total="$total" '/^\{[0-9]+\} .* \.\.\. / {
            n++; printf "[%d/%d, %d left] ", n, total, total - n }
            { print; fflush() }'
    return "${PIPESTATUS[0]}"
}
(cd "$ws" && step "tempest run -r cross_service --concurrency $concurrency" \
    "$logs/suite.log" suite)
count "$logs/suite.log" skips-fail
# the suite's subunit stream, for the report (later tempest runs replace
# "last")
(cd "$ws" && stestr last --subunit > "$logs/suite.subunit" 2>/dev/null) ||
    rm -f "$logs/suite.subunit"
keep_times
if step "resource count after the suite (leak check)" "$logs/leak-after.log" \
        python "$repo/tools/leak_check.py" --config "$conf" compare "$before"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi

# 4. scenario API acceptance and fault injection (restarts services)
full_only=1
step "scenario API acceptance and fault tests" "$logs/fault.log" \
    python -m pytest -q -p no:cacheprovider "$repo/fault_tests"
count "$logs/fault.log" skips-fail

# 5. Tempest API tests of the services the suite relies on
if [[ -z ${SKIP_TEMPEST_SMOKE:-} ]]; then
    # nothing excluded: the constellation stands in for the L3 agent's
    # status reports (constellation_ext/l3_status.py)
    (cd "$ws" && step "Tempest smoke API tests (compute, network, image)" \
        "$logs/smoke.log" tempest run --concurrency "$concurrency" \
        --regex '^tempest\.api\.(compute|network|image)\..*\[.*\bsmoke\b.*\]')
    count "$logs/smoke.log"
    # quotas and tsigkey check the API options the constellation sets as
    # upstream's gate does (render_dns.API_CHECKS)
    (cd "$ws" && step "designate-tempest-plugin zone, recordset, quota and TSIG key API tests" \
        "$logs/designate.log" tempest run --concurrency "$concurrency" \
        --regex '^designate_tempest_plugin\.tests\.api\.v2\.test_(zones|recordset|quotas|tsigkey)')
    count "$logs/designate.log"
    (cd "$ws" && step "heat-tempest-plugin API tests" \
        "$logs/heat.log" tempest run --concurrency "$concurrency" \
        --regex '^heat_tempest_plugin\.tests\.api')
    count "$logs/heat.log"
    keep_times
fi

# designate-tempest-plugin's multipool tests are not a step of this job:
# they rewrite the NS records of every zone of the default pool and leave
# some of them PENDING (doc/source/constellation/files-and-checks.rst, "multipool tests");
# tools/run-designate-multipool.sh runs them on a constellation you can
# destroy afterwards.

# 6. the devstack job checked here: options, .zuul.yaml, and the devstack
# plugin under the stand-in against this constellation (copies of its
# configs; its own zones deleted again)
step "devstack job checks (options, .zuul.yaml, plugin stand-in)" \
    "$logs/devstack-job.log" env UNIT_VENV="$venv" \
    bash "$repo/tools/check-devstack-job.sh"
count "$logs/devstack-job.log"

# the constellation's own acceptance checks: DNS on the wire, a Heat
# server stack, restarts of designate-worker and nova-compute, then down
# (no process, no listener left) and up again
step "constellation checks" "$logs/checks.log" \
    "$repo/constellation/checks/smoke.sh" --restarts --lifecycle
count "$logs/checks.log"

# 7. the HTML report of the scenario results next to the logs
full_only=
if compgen -G "$results/*.json" >/dev/null; then
    report_args=("$results" -o "$logs/report.html")
    if [[ -s $logs/suite.subunit ]]; then
        report_args+=(--subunit "$logs/suite.subunit")
    fi
    if [[ -n ${CROSS_SERVICE_THRESHOLDS:-} ]]; then
        report_args+=(--thresholds "$CROSS_SERVICE_THRESHOLDS")
    fi
    if step "HTML report" "$logs/report.log" \
            cross-service-scenario report "${report_args[@]}"; then
        passed=$((passed + 1))
        say "report: $logs/report.html"
    else
        failed=$((failed + 1))
    fi
else
    say "no scenario result in $results: no HTML report"
fi

# 8. the docs (sphinx-build -W) and the workshop walk-through: every block
# of doc/source/workshop.rst runs against the constellation; its first block
# finds it up, its last takes it down (the final down below then has
# nothing to stop), unless KEEP_CONSTELLATION asks to keep it
full_only=1
step "docs build (sphinx-build -W)" "$logs/docs.log" \
    bash "$repo/tools/run-workshop.sh" --docs
count "$logs/docs.log"
if [[ -n ${KEEP_CONSTELLATION:-} ]]; then
    export WORKSHOP_SKIP='constellation down'
fi
export WORKSHOP_TRANSCRIPT=$logs/workshop-transcript.txt
step "workshop walk-through (doc/source/workshop.rst)" "$logs/workshop.log" \
    bash "$repo/tools/run-workshop.sh"
count "$logs/workshop.log"

# 9. down
full_only=
trap - EXIT
trap 'host_check; say "job finished after $(( $(date +%s) - t_job ))s"; summary' EXIT
down

# 10. the real profile: its own constellation (own state dir, same
# ports: after the fast one is down), its own up and down
full_only=1
if [[ -n ${SKIP_REAL_PROFILE:-} || -n ${KEEP_CONSTELLATION:-} ]]; then
    say "== real profile: not run ($([[ -n ${SKIP_REAL_PROFILE:-} ]] &&
        echo 'SKIP_REAL_PROFILE is set' ||
        echo 'KEEP_CONSTELLATION keeps the fast one up on its ports'))"
else
    # Voting since it ran green from fresh clones (2026-12-02, twice,
    # one of them from a machine that never had its packages): up, the
    # cross_service suite with the leak check and the guest steps
    # required, the workshop's guest blocks, down; and Tempest's own
    # scenario tests inside it since they ran green (2026-12-02, after the
    # tap fix; REAL_TEMPEST_VOTING=0, passed through, makes them
    # non-voting: their own line, printed below). Bounded by
    # REAL_PROFILE_TIMEOUT seconds (its own trap takes it down on TERM; a
    # timeout counts as a failure).
    real_rc=0
    step "real profile (tools/run-real-profile.sh)" \
        "$logs/real.log" timeout --kill-after=180 \
        "${REAL_PROFILE_TIMEOUT:-2700}" \
        env REAL_LOGS="$logs/real" UNIT_VENV="$venv" \
        bash "$repo/tools/run-real-profile.sh" || real_rc=$?
    before=$failed
    count "$logs/real.log"
    if [[ $real_rc != 0 && $failed == "$before" ]]; then
        say "real profile exited $real_rc$([[ $real_rc == 124 ]] &&
            echo ' (timed out: REAL_PROFILE_TIMEOUT)')"
        failed=$((failed + 1))
    fi
    say "== real profile: rc=$real_rc; logs in $logs/real"
    grep -h 'NON-VOTING' "$logs/real.log" | tail -n1 | sed 's/^/   /'
fi
full_only=
trap - EXIT
host_check
say "job finished after $(( $(date +%s) - t_job ))s"
summary
[[ $failed -eq 0 ]]
