#!/usr/bin/env bash
# The two profiles side by side in one run (numbers printed, never
# asserted): for fast, then real, in a fresh state dir of its own
#   install (apt check + pinned venv; the real profile adds its packages
#   and the guest image), first up, down, up after down, total RSS after
#   up, the cross_service suite at concurrency 2 (its "Ran:" time, with
#   the durations shipped in tools/suite-durations.json); for real also
#   bench/guest_bench.py (one guest, then BENCH_GUESTS at once: create ->
#   ACTIVE -> answering at its floating IP, QEMU RSS); then destroy.
# The last lines are a table: each figure of real beside fast's, their
# difference or ratio, and the target of issue 18 (up <= fast + 20 s,
# install <= fast + 60 s, RSS <= fast + 400 MiB, a guest <= 250 MiB,
# the suite <= 2 x fast), with the 1-minute load at each measurement.
#
#   bash bench/profiles_bench.sh
#
# Environment: BENCH_STATE_PARENT (default /var/tmp: see
# constellation_bench.sh), BENCH_PORT_BASE (default 25600: its own
# ports, so it runs beside a constellation that is up), BENCH_PROFILES
# (default "fast real"), BENCH_GUESTS (default 3), BENCH_NO_SUITE=1
# (leave the suites out), UNIT_VENV (the plugin venv, built if missing).
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${UNIT_VENV:-$repo/.venv-unit}
export CONSTELLATION_PORT_BASE=${BENCH_PORT_BASE:-25600}
profiles=${BENCH_PROFILES:-fast real}
c=$repo/tools/constellation
out=$(mktemp -d /tmp/profiles-bench.XXXXXX)
echo "profiles bench: logs in $out, port base $CONSTELLATION_PORT_BASE," \
    "profiles: $profiles, $(nproc) cores"
source "$repo/tools/lib/plugin-venv.sh" >>"$out/plugin-venv.log" 2>&1 || {
    echo "FAILED: the plugin venv (log: $out/plugin-venv.log)"; exit 1; }
export PATH=$venv/bin:$PATH
source "$repo/tools/lib/workspace.sh"

state=
destroy() { [[ -n $state ]] && "$c" destroy >>"$out/destroy.log" 2>&1; }
trap 'destroy; exit 130' INT TERM
trap destroy EXIT

load() { cut -d' ' -f1 /proc/loadavg; }
# fig PROFILE KEY VALUE: one figure, kept for the table
fig() { printf '%s %s %s %s\n' "$1" "$2" "$3" "$(load)" >>"$out/figures"; }

# timed PROFILE KEY CMD...: wall seconds of CMD (its output in the log)
timed() {
    local p=$1 key=$2 t0 t1 s
    shift 2
    t0=$(date +%s.%N)
    if ! "$@" >>"$out/$p.log" 2>&1; then
        echo "FAILED: $p $key: $* (log: $out/$p.log)"
        tail -20 "$out/$p.log"
        return 1
    fi
    t1=$(date +%s.%N)
    s=$(python3 -c "print('%.1f' % ($t1 - $t0))")
    fig "$p" "$key" "$s"
    printf '%-5s %-22s %7s s  (load %s)\n' "$p" "$key" "$s" "$(load)"
}

rss() {  # total RSS of the state dir's processes, MiB
    PYTHONPATH=$repo python3 -c "
from constellation import core
print('%.0f' % core.Constellation('$state').total_rss_mib())"
}

suite() {  # the cross_service suite from a fresh workspace; its Ran: time
    local p=$1 ws=$out/$1-workspace conf ran
    eval "$("$c" env)"
    conf=$TEMPEST_CONFIG_DIR/$TEMPEST_CONFIG
    if ! new_workspace "$ws" "$conf" >>"$out/$p.log" 2>&1; then
        echo "FAILED: $p suite: workspace (log: $out/$p.log)"
        return 1
    fi
    (cd "$ws" && OS_CROSS_SERVICE__RESULTS_DIR=$out/$p-results \
        tempest run -r cross_service --concurrency 2) \
        >"$out/$p-suite.log" 2>&1
    ran=$(sed -n 's/^Ran: [0-9]* tests\{0,1\} in \([0-9.]*\) sec.*/\1/p' \
        "$out/$p-suite.log")
    printf '%-5s %-22s %7s s  (load %s; %s)\n' "$p" suite "${ran:-?}" \
        "$(load)" "$(grep -E '^ - (Passed|Failed|Skipped):' \
        "$out/$p-suite.log" | tr -d ' -' | paste -sd, -)"
    [[ -n $ran ]] && fig "$p" suite "$ran"
}

for p in $profiles; do
    state=$(mktemp -d "${BENCH_STATE_PARENT:-/var/tmp}/profiles-bench-$p.XXXXXX")
    export CONSTELLATION_STATE_DIR=$state
    export CONSTELLATION_PROFILE=$p
    timed "$p" install "$c" install --profile "$p" || continue
    timed "$p" "first up" "$c" up --profile "$p" || continue
    timed "$p" down "$c" down || continue
    timed "$p" "up after down" "$c" up || continue
    r=$(rss); fig "$p" rss "$r"
    printf '%-5s %-22s %7s MiB\n' "$p" "RSS after up" "$r"
    if [[ $p == real ]]; then
        PYTHONPATH=$repo "$state/venv/bin/python" -m bench.guest_bench \
            --state-dir "$state" --count "${BENCH_GUESTS:-3}" \
            >"$out/guests.log" 2>&1 || echo "FAILED: guest bench" \
            "(log: $out/guests.log)"
        grep -E '^(one guest|[0-9]+ guests at once|constellation RSS)' \
            "$out/guests.log" | sed 's/^/real  /'
        sed -n '/^--- console/,$p' "$out/guests.log" | grep -v '^ *$' |
            tail -2 | sed 's/^/real  console: /'
    fi
    [[ -n ${BENCH_NO_SUITE:-} ]] || suite "$p"
    "$c" destroy >>"$out/$p.log" 2>&1
    state=
done

python3 - "$out/figures" <<'EOF'
import sys
figs = {}
for line in open(sys.argv[1]):
    p, rest = line.strip().split(' ', 1)
    key, value, load = rest.rsplit(' ', 2)
    figs[(p, key)] = (float(value), load)
# key: (unit, how real compares, limit, what the target says)
rows = (('install', 's', 'diff', 60, '<= fast + 60 s'),
        ('first up', 's', 'diff', None, ''),
        ('up after down', 's', 'diff', 20, '<= fast + 20 s'),
        ('rss', 'MiB', 'diff', 400, '<= fast + 400 MiB'),
        ('suite', 's', 'ratio', 2, '<= 2 x fast'))
print('%-14s %16s %16s %12s  %s' % ('figure', 'fast (load)', 'real (load)',
                                     'real vs fast', 'target'))
for key, unit, how, limit, target in rows:
    f, r = figs.get(('fast', key)), figs.get(('real', key))
    cell = lambda v: '%.1f %s (%s)' % (v[0], unit, v[1]) if v else '-'
    if f and r:
        d = r[0] - f[0] if how == 'diff' else r[0] / f[0]
        cmp = ('%+.1f %s' % (d, unit)) if how == 'diff' else '%.2f x' % d
        verdict = ('met' if d <= limit else 'NOT met') if limit else ''
        lf, lr = float(f[1]), float(r[1])
        if unit == 's' and max(lf, lr) > 2 * max(min(lf, lr), 1.0):
            verdict = '(loads differ: not comparable)'
    else:
        cmp, verdict = '-', ''
    print('%-14s %16s %16s %12s  %s %s' % (key, cell(f), cell(r), cmp,
                                          target, verdict))
EOF
