#!/bin/sh
# A fuzzing campaign: each libFuzzer harness (built by `make fuzz-build`)
# for SECONDS, JOBS harnesses at a time, then one line per harness with its
# executions, its corpus and its findings.
#
#   scripts/fuzz.sh [-t SECONDS] [-j JOBS] [-b BUILD_DIR] NAME...
#
# NAME is a harness: tests/fuzz/fuzz_NAME.c, built as BUILD_DIR/bin/NAME.
# New inputs go to BUILD_DIR/corpus/NAME (the seeds in tests/fuzz/corpus/NAME
# are read, never written); crashes, leaks, timeouts and out-of-memory
# inputs to BUILD_DIR/findings/NAME/, logs to BUILD_DIR/logs/NAME.log.
# Exit status 1 when any harness found something: copy the input into
# tests/fuzz/corpus/NAME/ once its cause is fixed, so it stays a test.
set -u
seconds=300 jobs=2 build=build/fuzz
while getopts t:j:b: opt; do
    case $opt in
    t) seconds=$OPTARG ;;
    j) jobs=$OPTARG ;;
    b) build=$OPTARG ;;
    *) echo "usage: $0 [-t SECONDS] [-j JOBS] [-b BUILD_DIR] NAME..." >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "$0: no harness named" >&2; exit 2; }

# Slow inputs are findings too: a second per input is far more than any
# harness needs on the small inputs libFuzzer makes.
TIMEOUT_SEC=10
RSS_LIMIT_MB=2048

run_one() {
    name=$1
    bin=$build/bin/$name
    if [ ! -x "$bin" ]; then
        echo "$name: $bin is not built (make fuzz-build)" >"$build/logs/$name.log"
        return
    fi
    mkdir -p "$build/corpus/$name" "$build/findings/$name"
    dict=
    [ -f "tests/fuzz/$name.dict" ] && dict=-dict=tests/fuzz/$name.dict
    "$bin" -max_total_time="$seconds" -timeout=$TIMEOUT_SEC -rss_limit_mb=$RSS_LIMIT_MB \
        -print_final_stats=1 -artifact_prefix="$build/findings/$name/" $dict \
        "$build/corpus/$name" "tests/fuzz/corpus/$name" >"$build/logs/$name.log" 2>&1
}

mkdir -p "$build/logs"
# JOBS lanes, each running its share of the harnesses one after another.
lane=0
while [ $lane -lt "$jobs" ]; do
    (
        i=0
        for name in "$@"; do
            [ $((i % jobs)) -eq $lane ] && run_one "$name"
            i=$((i + 1))
        done
    ) &
    lane=$((lane + 1))
done
wait

status=0
printf '%-16s %12s %8s %8s  %s\n' harness executions seconds corpus findings
for name in "$@"; do
    log=$build/logs/$name.log
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
    corpus=$(ls "$build/corpus/$name" 2>/dev/null | wc -l)
    findings=$(ls "$build/findings/$name" 2>/dev/null | tr '\n' ' ')
    if grep -q 'ERROR: libFuzzer\|ERROR: AddressSanitizer\|runtime error:\|broken promise' "$log" ||
        [ -n "$findings" ] || [ -z "$runs" ]; then
        status=1
        [ -n "$findings" ] || findings="see $log"
    fi
    printf '%-16s %12s %8s %8s  %s\n' "$name" "${runs:-?}" "${secs:-?}" "$corpus" "${findings:-none}"
done
exit $status
