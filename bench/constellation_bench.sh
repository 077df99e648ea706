#!/bin/bash
# Benchmark of the local constellation (numbers printed, never asserted):
#   install into a fresh state dir (apt check/install + pinned venv),
#   first `up` (DB syncs + bootstrap), `down`, `up` after `down` (beside
#   a reference measured just before and after it: importing Neutron's
#   ML2 plugin with the services venv, the CPU a service's start is
#   made of, so a busy machine shows in both; and beside the CPU seconds
#   its processes used, over the cores: the wall time a quiet machine
#   could at best reach),
#   total RSS of all our processes after up, zone create -> ACTIVE in
#   Designate's API (bench/zone_bench.py, BENCH_ZONES zones, default 8),
#   then (unless BENCH_MIGRATIONS=0) the state dir is destroyed,
#   installed again and brought up with the real migrations (`up
#   --no-snapshot`: what a machine without a schema snapshot in its cache
#   does).
# Uses its own state dir and port base, so it runs beside a constellation
# that is already up (default base 25200; override with BENCH_PORT_BASE).
# Set BENCH_NO_PIP_CACHE=1 to measure pip without its download cache.
# Its state dir is made in BENCH_STATE_PARENT (default /var/tmp), not
# /tmp: stevedore keeps no entry-point cache for an interpreter under
# /tmp, and `up` would measure ~1 s of CPU more per OpenStack process
# than a user's state dir costs.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
state=$(mktemp -d "${BENCH_STATE_PARENT:-/var/tmp}/constellation-bench.XXXXXX")
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
    last=$(python3 -c "print('%.1f' % ($t1 - $t0))")
    python3 -c "print('%-30s %7.1f s' % ('$label', $last))"
}

reference() {  # seconds to import neutron's ML2 plugin (bytecode cached)
    local t0 t1
    t0=$(date +%s.%N)
    "$state/venv/bin/python" -c 'import neutron.plugins.ml2.plugin' \
        >>"$log" 2>&1
    t1=$(date +%s.%N)
    python3 -c "print('%.2f' % ($t1 - $t0))"
}

echo "constellation bench: state $state, port base $CONSTELLATION_PORT_BASE"
timed "install (apt + venv)" "$c" install
timed "first up" "$c" up
rss=$(PYTHONPATH=$repo python3 -c "
from constellation import core
c = core.Constellation('$state')
print('%.0f MiB (PSS %.0f MiB)' % (c.total_rss_mib(), c.total_pss_mib()))")
timed "down" "$c" down
ref0=$(reference)
timed "up after down" "$c" up
up2=$last
cpu=$(PYTHONPATH=$repo python3 -c "
import os
from constellation import procs
hz = os.sysconf('SC_CLK_TCK')
total = 0
for p in procs.our_processes('$state'):
    try:
        f = open('/proc/%d/stat' % p).read().rsplit(')', 1)[1].split()
    except OSError:
        continue
    total += (int(f[11]) + int(f[12])) / hz
print('%.1f' % total)")
ref1=$(reference)
python3 -c "c = $cpu; n = $(nproc)
print('%-30s %7.1f s of CPU in its processes, / %d cores = %.1f s;'
      ' up after down = %.1f x that' % ('work of up after down', c, n,
                                        c / n, $up2 / (c / n)))"
python3 -c "r = ($ref0 + $ref1) / 2; print('%-30s %7.2f s (before %s, after %s);'
    ' up after down = %.1f x reference, load %s' % ('reference: import ML2',
    r, '$ref0', '$ref1', $up2 / r, open('/proc/loadavg').read().split()[0]))"
rss2=$(PYTHONPATH=$repo python3 -c "
from constellation import core
c = core.Constellation('$state')
print('%.0f MiB (PSS %.0f MiB)' % (c.total_rss_mib(), c.total_pss_mib()))")
zones=$(CONSTELLATION_STATE_DIR=$state \
    "$repo/constellation/checks/venv-python.sh" bench.zone_bench \
    --state "$state" \
    -n "${BENCH_ZONES:-8}" 2>>"$log") || zones="FAILED (log: $log)"
printf '%-30s %s\n' "total RSS after first up" "$rss"
printf '%-30s %s\n' "total RSS after up-after-down" "$rss2"
echo "$zones"
if [ "${BENCH_MIGRATIONS:-1}" != 0 ]; then
    "$c" destroy >>"$log" 2>&1
    # the same state dir and ports, from nothing again
    timed "install again" "$c" install
    timed "first up, real migrations" "$c" up --no-snapshot
    grep -E 'schema migrations: done' "$log" | tail -1 | sed 's/^\[ *[0-9.]*s\] /    /'
fi
