# Shared by the tests/cli/test_hostile_*.sh scripts, after lib.sh: the
# hostile-input battery of issue 6.  Every command must end by itself
# (no signal), with the spec's exit code and a message naming the cause,
# and must leave no partial or altered output file.

# Inputs of tens of megabytes take minutes under memcheck: such tests skip
# there (they run under `make test` and `make check-sanitize`).
heavy() {
    if [ -n "${VALGRIND_ONLY_CLI:-}" ]; then
        skip "$1" "too slow under valgrind"
        return 1
    fi
    return 0
}

# as_nobody CMD...: runs CMD as user nobody when we are root (root reads
# and writes anything, so permission tests need another user).  Returns 1
# with a SKIP line when that is not possible.
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
can_drop_root() {
    [ "$(id -u)" -ne 0 ] && { NOBODY=; return 0; }
    command -v setpriv >/dev/null 2>&1
}

# temp_files DIR: the temporary outputs left in DIR (none expected).
temp_files() { ls -A "$1" | grep '\.tmp-'; }

# expect_untouched NAME FILE WANT: FILE still holds exactly WANT's bytes
# and no temporary file is left beside it.
expect_untouched() {
    if cmp -s "$2" "$3" && [ -z "$(temp_files "$(dirname "$2")")" ]; then
        pass "$1"
    else
        fail "$1" "$(ls -A "$(dirname "$2")")"
    fi
}

# expect_absent NAME FILE: FILE was not created, no temporary file beside it.
expect_absent() {
    if [ ! -e "$2" ] && [ -z "$(temp_files "$(dirname "$2")")" ]; then
        pass "$1"
    else
        fail "$1" "$(ls -A "$(dirname "$2")")"
    fi
}
