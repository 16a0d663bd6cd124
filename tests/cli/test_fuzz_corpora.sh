# Every fuzz harness replays its seed corpus (tests/fuzz/corpus/NAME/):
# valid seeds, hostile seeds and every input that once crashed, built here
# with the suite's compiler and flags (sanitizers under check-sanitize),
# without libFuzzer.  A broken promise or a crash fails the harness's test.
. tests/cli/lib.sh

for src in tests/fuzz/fuzz_*.c; do
    name=${src#tests/fuzz/fuzz_}
    name=${name%.c}
    bin=$BUILD/fuzz-replay/$name
    if [ ! -x "$bin" ]; then
        skip "fuzz corpus $name replays cleanly" "$bin is not built (make test builds it)"
        continue
    fi
    run "$bin" "tests/fuzz/corpus/$name"
    n=$(ls "tests/fuzz/corpus/$name" | wc -l)
    if [ "$rc" -eq 0 ] && grep -q "^$n inputs replayed$" "$T/out"; then
        pass "fuzz corpus $name: $n inputs replay cleanly"
    else
        fail "fuzz corpus $name replays cleanly" "exit $rc: $(tail -n 5 "$T/err")"
    fi
done
