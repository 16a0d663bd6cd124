# Shared by the black-box tests: each sources this file, then calls
# expect_* helpers that print PASS/FAIL/SKIP lines.
I2V=${I2V:-build/item2vec}
BUILD=${BUILD:-build}
SHARED_DATA=${SHARED_DATA:-../shared/data}
T=$(mktemp -d "${TMPDIR:-/tmp}/item2vec-cli.XXXXXX") || exit 1
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; shift; [ $# -gt 0 ] && echo "    $*" >&2; return 0; }
skip() { echo "SKIP: $1 ($2)"; }

# run CMD...: stdout in $T/out, stderr in $T/err, status in $rc.
run() {
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
}

# expect_fail NAME RC PATTERN CMD...: the command exits with RC (not by a
# signal) and its stderr matches PATTERN (grep -E).
expect_fail() {
    name=$1 want=$2 pattern=$3
    shift 3
    run "$@"
    if [ "$rc" -eq "$want" ] && grep -Eq -- "$pattern" "$T/err"; then
        pass "$name"
    else
        fail "$name" "exit $rc (want $want); stderr: $(head -c 400 "$T/err")"
    fi
}

# expect_ok NAME CMD...: exit 0.
expect_ok() {
    name=$1
    shift
    run "$@"
    if [ "$rc" -eq 0 ]; then
        pass "$name"
    else
        fail "$name" "exit $rc; stderr: $(head -c 400 "$T/err")"
    fi
}

have_gensim() { /usr/bin/python3 -c 'import gensim' >/dev/null 2>&1; }
