#!/bin/bash
# One-shot CI job for the constellation: up -> acceptance checks -> down.
# `down` runs also when a check fails (trap). Exit 0 only if all passed.
#
#   constellation/checks/ci.sh [--tempest /path/to/tempest]
#
# With --tempest, also runs Tempest's smoke-tagged compute/network/image API
# tests (minus constellation/exclusions/tempest-smoke.txt) and
# designate-tempest-plugin's zone and recordset API tests and
# heat-tempest-plugin's API tests, in a workspace
# under $TMPDIR. The last line is "N passed, N failed" over everything.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
c="$repo/tools/constellation"
tempest=""
if [ "${1:-}" = "--tempest" ]; then tempest=${2:?--tempest needs a path}; fi
passed=0; failed=0

count() {  # count LOGFILE  (stestr summary or our smoke summary)
    local p f
    p=$(sed -n 's/^ - Passed: \([0-9]*\)$/\1/p; s/^\([0-9]*\) passed, [0-9]* failed$/\1/p' "$1" | tail -1)
    f=$(sed -n 's/^ - Failed: \([0-9]*\)$/\1/p; s/^[0-9]* passed, \([0-9]*\) failed$/\1/p' "$1" | tail -1)
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-1}))
}

t0=$(date +%s)
if ! "$c" up; then
    echo "constellation up FAILED after $(( $(date +%s) - t0 ))s"
    "$c" down
    echo "0 passed, 1 failed"
    exit 1
fi
echo "constellation up took $(( $(date +%s) - t0 ))s"
stopped=""
stop() {
    [ -n "$stopped" ] && return
    stopped=1
    local t=$(date +%s)
    "$c" down || failed=$((failed + 1))
    echo "constellation down took $(( $(date +%s) - t ))s"
}
trap stop EXIT

log=$(mktemp)
"$repo/constellation/checks/smoke.sh" --restarts | tee "$log"
count "$log"

if [ -n "$tempest" ]; then
    eval "$("$c" env)"
    ws=$(mktemp -d)/tempest
    (cd "$(dirname "$ws")" && "$tempest" init "$(basename "$ws")" >/dev/null)
    cp "$TEMPEST_CONFIG_DIR/tempest.conf" "$ws/etc/tempest.conf"
    for job in \
        "(^tempest\.api\.(compute|network|image)).*\[.*\bsmoke\b.*\]" \
        "^designate_tempest_plugin\.tests\.api\.v2\.test_(zones|recordset)" \
        "^heat_tempest_plugin\.tests\.api"; do
        (cd "$ws" && "$tempest" run --concurrency 2 --regex "$job" \
            --exclude-list "$repo/constellation/exclusions/tempest-smoke.txt") \
            > "$log" 2>&1
        grep -E '\.\.\. (FAILED|SKIPPED)' "$log"
        grep -A7 '^Totals' "$log"
        count "$log"
    done
fi
stop
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
