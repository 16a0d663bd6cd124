# Black-box tests of `item2vec split`.
. tests/cli/lib.sh

SAMPLE=data/sessions.txt
printf 'a b c\n\nd\ne\tf\r\n  g h  ' >"$T/small.txt"

run "$I2V" split -i "$T/small.txt" --train "$T/train.txt" --test "$T/test.txt"
if [ $rc -eq 0 ] && [ "$(cat "$T/train.txt")" = "$(printf 'a b\nd\ne\ng')" ] &&
    [ "$(cat "$T/test.txt")" = "$(printf 'a b c\ne f\ng h')" ]; then
    pass split_leave_last_out_keeps_histories_for_training
else
    fail split_leave_last_out_keeps_histories_for_training "exit $rc: $(cat "$T/err")"
fi
grep -q "4 sequences (1 of one item): 4 training lines, 3 test lines (leave-last-out)" "$T/err" &&
    pass split_prints_a_summary || fail split_prints_a_summary "$(cat "$T/err")"

run sh -c "'$I2V' split -q -i - --train '$T/train2.txt' --test - <'$T/small.txt'"
[ $rc -eq 0 ] && [ "$(cat "$T/out")" = "$(cat "$T/test.txt")" ] && [ ! -s "$T/err" ] &&
    cmp -s "$T/train.txt" "$T/train2.txt" &&
    pass split_reads_stdin_and_writes_stdout || fail split_reads_stdin_and_writes_stdout "$(cat "$T/err")"

# Holdout: whole sequences, deterministic for a seed, different across seeds.
holdout() {
    "$I2V" split -q -i "$SAMPLE" --train "$T/h-train-$1.txt" --test "$T/h-test-$1.txt" \
        --ratio 0.1 --seed "$2"
}
if holdout a 5 && holdout b 5 && holdout c 6; then
    total=$(($(wc -l <"$T/h-train-a.txt") + $(wc -l <"$T/h-test-a.txt")))
    held=$(wc -l <"$T/h-test-a.txt")
    if [ "$total" -eq "$(wc -l <"$SAMPLE")" ] && [ "$held" -gt 1500 ] && [ "$held" -lt 2100 ] &&
        cmp -s "$T/h-test-a.txt" "$T/h-test-b.txt" && cmp -s "$T/h-train-a.txt" "$T/h-train-b.txt" &&
        ! cmp -s "$T/h-test-a.txt" "$T/h-test-c.txt" &&
        [ "$(sort "$T/h-train-a.txt" "$T/h-test-a.txt" | cksum)" = "$(sort "$SAMPLE" | cksum)" ]; then
        pass split_holdout_is_deterministic_and_keeps_sequences_whole
    else
        fail split_holdout_is_deterministic_and_keeps_sequences_whole "total $total, held $held"
    fi
else
    fail split_holdout_is_deterministic_and_keeps_sequences_whole "split failed"
fi

# Bad input: clear message, right exit code, nothing written or harmed.
echo keep >"$T/old-train.txt"
nothing_new() {
    [ "$(cat "$T/old-train.txt")" = keep ] && [ ! -e "$T/new-test.txt" ] &&
        [ -z "$(ls -A "$T" | grep '\.tmp-')" ]
}
expect_split_fail() {
    name=$1 want=$2 pattern=$3
    shift 3
    expect_fail "$name" "$want" "$pattern" "$I2V" split "$@"
    nothing_new || fail "${name}_leaves_files_alone" "$(ls -A "$T")"
}
: >"$T/empty.txt"
printf ' \n\t\n' >"$T/blank.txt"
expect_split_fail split_empty_input 1 "empty.txt: no sequence" \
    -i "$T/empty.txt" --train "$T/old-train.txt" --test "$T/new-test.txt"
expect_split_fail split_blank_input 1 "blank.txt: no sequence" \
    -i "$T/blank.txt" --train "$T/old-train.txt" --test "$T/new-test.txt"
expect_split_fail split_missing_input 1 "nope.txt: cannot open" \
    -i "$T/nope.txt" --train "$T/old-train.txt" --test "$T/new-test.txt"
expect_split_fail split_test_in_missing_directory 1 "directory does not exist" \
    -i "$T/small.txt" --train "$T/old-train.txt" --test "$T/no/dir/test.txt"
expect_split_fail split_needs_input 2 "-i FILE is required" \
    --train "$T/old-train.txt" --test "$T/new-test.txt"
expect_split_fail split_needs_both_outputs 2 "--train OUT and --test OUT" \
    -i "$T/small.txt" --train "$T/old-train.txt"
expect_split_fail split_outputs_must_differ 2 "name the same file" \
    -i "$T/small.txt" --train "$T/old-train.txt" --test "$T/old-train.txt"
expect_split_fail split_ratio_of_one 2 "--ratio: '1' is out of range" \
    -i "$T/small.txt" --train "$T/old-train.txt" --test "$T/new-test.txt" --ratio 1
expect_split_fail split_negative_ratio 2 "--ratio: '-0.5' is out of range" \
    -i "$T/small.txt" --train "$T/old-train.txt" --test "$T/new-test.txt" --ratio -0.5
expect_split_fail split_unknown_option 2 "--frobnicate' is unknown" \
    -i "$T/small.txt" --train "$T/old-train.txt" --test "$T/new-test.txt" --frobnicate
run "$I2V" split --help
[ $rc -eq 0 ] && grep -q "Leave-last-out" "$T/out" && pass split_help || fail split_help "exit $rc"

# One output failing leaves the other's previous file as it was.
if [ -w /dev/full ]; then
    printf 'precious\n' >"$T/keep-train.txt"
    run "$I2V" split -i "$T/small.txt" --train "$T/keep-train.txt" --test /dev/full
    [ $rc -eq 1 ] && [ "$(cat "$T/keep-train.txt")" = precious ] &&
        [ -z "$(ls -A "$T" | grep '\.tmp-')" ] && pass split_failing_test_output_keeps_old_train_file ||
        fail split_failing_test_output_keeps_old_train_file "exit $rc: $(cat "$T/err")"
fi
