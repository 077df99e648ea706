#!/usr/bin/env bash
# Start-up cost of the plugin: median wall time of `tempest run --list` in a
# `tempest init` workspace, in two venvs built from the same constraints:
#   without: tempest + designate-tempest-plugin + heat-tempest-plugin
#            (everything our plugin depends on)
#   with:    the same + this plugin (a regular, non-editable install of
#            the committed HEAD)
# and prints the ratio with/without (goal <= 1.2). Also prints the import
# time of the plugin's own modules (python -X importtime) in the "with" venv.
#
# Usage: bench/plugin_startup_bench.sh [RUNS]      (default 5)
# Env:   BENCH_DIR (venvs + workspaces; default <repo>/.venv-bench),
#        PYTHON (interpreter for the venvs; default python3.11/python3)
set -euo pipefail

runs=${1:-5}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${BENCH_DIR:-$repo/.venv-bench}
constraints=$repo/constraints/plugin.txt
py=${PYTHON:-$(command -v python3.11 || command -v python3)}
mkdir -p "$dir"

build() {  # build NAME HEAD-SENSITIVE(0/1) PIP-ARGS...
    local name=$1 head=$2; shift 2
    local venv=$dir/$name
    local stamp_src
    stamp_src=$(printf '%s\n' "$@" \
        "$([[ $head == 1 ]] && git -C "$repo" rev-parse HEAD)" \
        | cat - "$constraints" | sha256sum | cut -d' ' -f1)
    if [[ $(cat "$venv/.stamp" 2>/dev/null) == "$stamp_src" ]]; then
        return
    fi
    rm -rf "$venv" "$dir/ws-$name"
    rm -f "$dir/workspaces.yaml"  # only a by-product of tempest init
    echo "bench: building venv $name" >&2
    "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install -q -c "$constraints" "$@" \
        >"$dir/$name-install.log" 2>&1 || {
        tail -n 30 "$dir/$name-install.log" >&2; exit 1; }
    # Own workspace registry: leave ~/.tempest/workspace.yaml alone.
    (cd "$dir" && "$venv/bin/tempest" init --name "bench-$name" \
        --workspace-path "$dir/workspaces.yaml" "$dir/ws-$name" \
        >"$dir/$name-init.log" 2>&1) || {
        tail -n 5 "$dir/$name-init.log" >&2; exit 1; }
    echo "$stamp_src" > "$venv/.stamp"
}

# The plugin from a clean export of HEAD (not whatever is in the tree).
src=$dir/src
rm -rf "$src"
git clone -q "$repo" "$src"

build without 0 tempest designate-tempest-plugin heat-tempest-plugin
build with 1 "$src"

# Timing with Python's perf_counter; median over the runs.
"$py" - "$dir" "$runs" <<'PYEOF'
import os
import statistics
import subprocess
import sys
import time

bench_dir, runs = sys.argv[1], int(sys.argv[2])
print('tempest run --list in a `tempest init` workspace: %d interleaved runs '
      'each after one warm-up, %d CPUs, load average %.2f'
      % (runs, os.cpu_count(), os.getloadavg()[0]))
names = ('without', 'with')
cmds = {}
for name in names:
    cmds[name] = ([os.path.join(bench_dir, name, 'bin', 'tempest'), 'run',
                   '--list'], os.path.join(bench_dir, 'ws-' + name))
    subprocess.run(cmds[name][0], cwd=cmds[name][1], check=True,
                   capture_output=True)  # warm-up
times = {name: [] for name in names}
outputs = {}
# Interleaved (and alternating order) so that load from other processes
# on the machine hits both sides alike.
for i in range(runs):
    for name in (names if i % 2 == 0 else names[::-1]):
        cmd, ws = cmds[name]
        t0 = time.perf_counter()
        outputs[name] = subprocess.run(cmd, cwd=ws, check=True,
                                       capture_output=True,
                                       text=True).stdout
        times[name].append(time.perf_counter() - t0)
medians = {}
for name in names:
    listed = [line for line in outputs[name].splitlines() if line.strip()]
    ours = [line for line in listed
            if line.startswith('cross_service_tempest_plugin.')]
    medians[name] = statistics.median(times[name])
    print('%-8s median %.3f s  (min %.3f, max %.3f)  tests listed: %d '
          '(cross_service: %d)' % (name, medians[name], min(times[name]),
                                   max(times[name]), len(listed), len(ours)))
ratio = medians['with'] / medians['without']
print('ratio with/without plugin: %.3f (goal <= 1.2)' % ratio)

# Import cost of the plugin's own modules when Tempest loads it.
python = os.path.join(bench_dir, 'with', 'bin', 'python')
err = subprocess.run(
    [python, '-X', 'importtime', '-c',
     'import cross_service_tempest_plugin.plugin'],
    capture_output=True, text=True, check=True).stderr
total = 0
for line in err.splitlines():
    parts = line.split('|')
    if len(parts) == 3 and parts[2].strip().startswith(
            'cross_service_tempest_plugin'):
        total += int(parts[0].split(':')[1])
print('self import time of cross_service_tempest_plugin modules '
      '(python -X importtime, self time only): '
      '%.1f ms' % (total / 1000.0))
PYEOF
