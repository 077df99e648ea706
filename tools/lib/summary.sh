# Sourced by .ci/run and tools/run-scenario-job.sh: adds test-runner
# summaries up into one closing line "N passed, N failed[, N skipped]".
# Needs a say() function from the caller.
passed=${passed:-0} failed=${failed:-0} skipped=${skipped:-0}

# count LOG [skips-fail]: add the last summary of LOG (stestr's Totals,
# pytest's line or a plain "N passed, N failed"; the last one in LOG) to
# the job's counts. A log with no summary counts as one failure; with
# skips-fail, so does every skipped test.
count() {
    local log=$1 skips_fail=${2:-} p f s
    read -r p f s < <(python3 \
        "$(dirname "${BASH_SOURCE[0]}")/../../constellation/checks/last_summary.py" \
        "$log")
    if [[ $p == none ]]; then
        say "FAILED: no test-runner summary in $log"
        p=0 f=1 s=0
    fi
    if [[ -n $skips_fail && $s -gt 0 ]]; then
        say "FAILED: $s test(s) skipped in a run that must skip none:"
        grep -E '\.\.\. SKIPPED|SKIPPED \[' "$log" | head -20
        f=$((f + s)) s=0
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

summary() {
    if [[ $skipped -gt 0 ]]; then
        echo "$passed passed, $failed failed, $skipped skipped"
    else
        echo "$passed passed, $failed failed"
    fi
}
