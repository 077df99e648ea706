#!/usr/bin/env bash
# The devstack job, checked here without Zuul (a step of the main job's
# full set, tools/run-scenario-job.sh):
#   1. every option .zuul.yaml, devstack/plugin.sh and the shared service
#      settings set exists in that service's registered oslo.config
#      options, in that group (the services venv) ...
#   2. ... and every tempest.conf option in Tempest's or a plugin's (the
#      plugin venv);
#   3. the .zuul.yaml of before issue 17 (unit_tests/data/zuul/
#      old-zuul.yaml) is reported: its PTR options in [DEFAULT] (defect 3);
#   4. .zuul.yaml's keys, parents, pipelines (tools/check_zuul.py);
#   5. devstack/plugin.sh's phases under the stand-in for devstack's
#      functions against the running constellation: configs written (on
#      copies), reverse zones created, a second run changes nothing
#      (tools/devstack_standin.py).
# Needs a running constellation (`tools/constellation up`).  Environment:
# CONSTELLATION_STATE_DIR, UNIT_VENV.  Last line: "N passed, N failed".
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=${CONSTELLATION_STATE_DIR:-$repo/.constellation}
venv=${UNIT_VENV:-$repo/.venv-unit}
services_py=$state/venv/bin/python
passed=0 failed=0
result() {  # result NAME RC
    if [[ $2 == 0 ]]; then
        passed=$((passed + 1)); echo "check-devstack-job: ok: $1"
    else
        failed=$((failed + 1)); echo "check-devstack-job: FAILED: $1"
    fi
}
quiet() { PYTHONWARNINGS=ignore "$@" 2>&1 | grep -v '^$'; return "${PIPESTATUS[0]}"; }

echo "== 1. service options (.zuul.yaml + devstack plugin + service settings)"
quiet "$services_py" "$repo/tools/check_options.py" --part services
result "service options exist in their groups" $?

echo "== 2. tempest.conf options"
quiet "$venv/bin/python" "$repo/tools/check_options.py" --part tempest
result "tempest.conf options exist in their groups" $?

echo "== 3. the old .zuul.yaml (defect 3 must be reported)"
out=$(quiet "$services_py" "$repo/tools/check_options.py" --part services \
    --zuul "$repo/unit_tests/data/zuul/old-zuul.yaml" --no-plugin)
rc=$?
echo "$out"
named=$(grep -c 'neutron \[DEFAULT\] .*_ptr_zone_prefix_size .*registered in \[designate\], not \[DEFAULT\]\|neutron \[DEFAULT\] allow_reverse_dns_lookup .*registered in \[designate\], not \[DEFAULT\]' <<<"$out")
[[ $rc != 0 && $named == 3 ]]
result "old .zuul.yaml: its 3 PTR options in [DEFAULT] reported (defect 3)" $?

echo "== 4. .zuul.yaml keys, parents and pipelines"
"$venv/bin/python" "$repo/tools/check_zuul.py"
result ".zuul.yaml checked against the upstream roles and jobs" $?

echo "== 5. devstack plugin under the stand-in, against the constellation"
CONSTELLATION_STATE_DIR=$state python3 "$repo/tools/devstack_standin.py" \
    --state-dir "$state"
result "devstack plugin: configs, reverse zones, second run idempotent" $?

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
