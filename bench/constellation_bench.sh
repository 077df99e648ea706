#!/bin/bash
# Benchmark of the local constellation (numbers printed, never asserted):
#   install into a fresh state dir (apt check/install + pinned venv),
#   first `up` (DB syncs + bootstrap), `down`, `up` after `down`,
#   total RSS of all our processes after up, zone create -> ACTIVE in
#   Designate's API (bench/zone_bench.py, BENCH_ZONES zones, default 8).
# Uses its own state dir and port base, so it runs beside a constellation
# that is already up (default base 25200; override with BENCH_PORT_BASE).
# Set BENCH_NO_PIP_CACHE=1 to measure pip without its download cache.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
state=$(mktemp -d /tmp/constellation-bench.XXXXXX)
export CONSTELLATION_STATE_DIR=$state
export CONSTELLATION_PORT_BASE=${BENCH_PORT_BASE:-25200}
if [ -n "${BENCH_NO_PIP_CACHE:-}" ]; then export PIP_NO_CACHE_DIR=1; fi
c="$repo/tools/constellation"
log=$state.log
cleanup() { "$c" destroy >>"$log" 2>&1 || true; }
trap cleanup EXIT

timed() {  # timed LABEL CMD... -> prints LABEL and wall seconds
    local label=$1 t0 t1
    shift
    t0=$(date +%s.%N)
    if ! "$@" >>"$log" 2>&1; then
        echo "FAILED: $* (log: $log)"; tail -30 "$log"; exit 1
    fi
    t1=$(date +%s.%N)
    python3 -c "print('%-30s %7.1f s' % ('$label', $t1 - $t0))"
}

echo "constellation bench: state $state, port base $CONSTELLATION_PORT_BASE"
timed "install (apt + venv)" "$c" install
timed "first up" "$c" up
rss=$(PYTHONPATH=$repo python3 -c "
from constellation import core
c = core.Constellation('$state')
print('%.0f MiB (PSS %.0f MiB)' % (c.total_rss_mib(), c.total_pss_mib()))")
timed "down" "$c" down
timed "up after down" "$c" up
rss2=$(PYTHONPATH=$repo python3 -c "
from constellation import core
c = core.Constellation('$state')
print('%.0f MiB (PSS %.0f MiB)' % (c.total_rss_mib(), c.total_pss_mib()))")
zones=$(python3 "$repo/bench/zone_bench.py" --state "$state" \
    -n "${BENCH_ZONES:-8}" 2>>"$log") || zones="FAILED (log: $log)"
printf '%-30s %s\n' "total RSS after first up" "$rss"
printf '%-30s %s\n' "total RSS after up-after-down" "$rss2"
echo "$zones"
