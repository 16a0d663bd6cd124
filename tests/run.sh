#!/bin/sh
# Runs every unit test binary and every black-box script, counts the
# PASS/FAIL/SKIP lines they print, and ends with "N passed, N failed,
# N skipped".  A test program that dies or exits non-zero without saying
# FAIL counts as one failure.
BUILD=${BUILD:-build}
export BUILD
I2V=${I2V:-$BUILD/item2vec}
export I2V I2V_REAL
cd "$(dirname "$0")/.." || exit 1
log=$(mktemp "${TMPDIR:-/tmp}/item2vec-tests.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT

run_one() {
    name=$1
    shift
    echo "== $name"
    "$@" >"$log.out" 2>"$log.err"
    rc=$?
    cat "$log.out"
    grep -q '^FAIL: ' "$log.out" && sed 's/^/    /' "$log.err" | tail -n 40
    if [ $rc -ne 0 ] && ! grep -q '^FAIL: ' "$log.out"; then
        echo "FAIL: $name exited with status $rc"
        sed 's/^/    /' "$log.err" | tail -n 20
    fi
    rm -f "$log.out" "$log.err"
}

{
    if [ -z "${VALGRIND_ONLY_CLI:-}" ]; then
        for t in "$BUILD"/tests/test_*; do
            [ -x "$t" ] && run_one "$(basename "$t")" "$t"
        done
    fi
    for t in tests/cli/test_*.sh; do
        [ -f "$t" ] && run_one "$(basename "$t")" sh "$t"
    done
} | tee "$log"

passed=$(grep -c '^PASS: ' "$log")
failed=$(grep -c '^FAIL: ' "$log")
skipped=$(grep -c '^SKIP: ' "$log")
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
