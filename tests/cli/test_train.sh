# Black-box tests of `item2vec vocab` and `item2vec train`.
. tests/cli/lib.sh

SAMPLE=data/sessions.txt
printf 'b a c\nc b\r\nab\ta b\n\n   \nc\n' >"$T/small.txt"

# --- vocab -----------------------------------------------------------------
run "$I2V" vocab -i "$T/small.txt"
if [ $rc -eq 0 ] && [ "$(cat "$T/out")" = "$(printf 'b\t3\nc\t3\na\t2\nab\t1')" ]; then
    pass vocab_counts_sorted_by_frequency_then_bytes
else
    fail vocab_counts_sorted_by_frequency_then_bytes "exit $rc: $(cat "$T/out" "$T/err")"
fi
run sh -c "cat '$T/small.txt' | '$I2V' vocab -i - --min-count 2 --max-vocab 2"
[ $rc -eq 0 ] && [ "$(cat "$T/out")" = "$(printf 'b\t3\nc\t3')" ] &&
    pass vocab_reads_stdin_with_min_count_and_cap || fail vocab_reads_stdin_with_min_count_and_cap "$(cat "$T/out" "$T/err")"
: >"$T/empty.txt"
expect_fail vocab_empty_input_is_an_error 1 "empty.txt: no items" "$I2V" vocab -i "$T/empty.txt"
expect_fail vocab_missing_input 1 "nope.txt: cannot open: No such file" "$I2V" vocab -i "$T/nope.txt"
expect_fail vocab_directory_input 1 "is a directory" "$I2V" vocab -i "$T"
expect_fail vocab_needs_input 2 "-i FILE is required" "$I2V" vocab
expect_fail vocab_bad_min_count 2 "min-count: 'x' is not a whole number" "$I2V" vocab -i "$T/small.txt" --min-count x
run "$I2V" vocab -i "$T/small.txt"
if [ -w /dev/full ]; then
    "$I2V" vocab -i "$SAMPLE" >/dev/full 2>"$T/err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "No space left" "$T/err" && pass vocab_full_disk_on_stdout_is_an_error ||
        fail vocab_full_disk_on_stdout_is_an_error "exit $rc: $(cat "$T/err")"
fi

# --- train: bad input and options -------------------------------------------
M="$T/model.bin"
no_model() { [ ! -e "$M" ] && [ -z "$(ls -A "$T" | grep '\.tmp-')" ]; }
expect_train_fail() {
    name=$1 want=$2 pattern=$3
    shift 3
    expect_fail "$name" "$want" "$pattern" "$I2V" train -q "$@"
    no_model || fail "${name}_leaves_no_file" "found $(ls -A "$T")"
}
expect_train_fail train_missing_input 1 "nope.txt: cannot open" -i "$T/nope.txt" -o "$M"
expect_train_fail train_directory_input 1 "is a directory" -i "$T" -o "$M"
expect_train_fail train_empty_input 1 "no items" -i "$T/empty.txt" -o "$M"
printf '\n \n\t\r\n' >"$T/blank.txt"
expect_train_fail train_blank_lines_only 1 "no items" -i "$T/blank.txt" -o "$M"
expect_train_fail train_nothing_reaches_min_count 1 "no item occurs at least 5 times" -i "$T/small.txt" -o "$M"
expect_train_fail train_non_numeric_dim 2 "--dim: 'abc' is not a whole number" -i "$SAMPLE" -o "$M" --dim abc
expect_train_fail train_zero_dim 2 "--dim: '0' is out of range" -i "$SAMPLE" -o "$M" --dim 0
expect_train_fail train_overflowing_dim 2 "--dim: '99999999999' is out of range" -i "$SAMPLE" -o "$M" --dim 99999999999
expect_train_fail train_negative_epochs 2 "--epochs: '-3' is negative" -i "$SAMPLE" -o "$M" --epochs -3
expect_train_fail train_bad_alpha 2 "--alpha: 'fast' is not a number" -i "$SAMPLE" -o "$M" --alpha fast
expect_train_fail train_min_alpha_above_alpha 2 "--min-alpha" -i "$SAMPLE" -o "$M" --alpha 0.01 --min-alpha 0.1
expect_train_fail train_unknown_option 2 "--frobnicate' is unknown" -i "$SAMPLE" -o "$M" --frobnicate
expect_train_fail train_missing_option_value 2 "option .--dim. needs a value" -i "$SAMPLE" -o "$M" --dim
expect_train_fail train_needs_output 2 "-o MODEL is required" -i "$SAMPLE"
expect_fail train_output_in_missing_directory 1 "directory does not exist" \
    "$I2V" train -q -i "$SAMPLE" -o "$T/no/such/dir/model.bin"
cp "$SAMPLE" "$T/locked.txt" && chmod 000 "$T/locked.txt"
if [ "$(id -u)" -ne 0 ]; then
    expect_train_fail train_unreadable_input 1 "Permission denied" -i "$T/locked.txt" -o "$M"
elif command -v setpriv >/dev/null 2>&1; then
    # root reads anything: drop to nobody for this one.
    chmod 755 "$T"
    expect_fail train_unreadable_input 1 "locked.txt: cannot open: Permission denied" \
        setpriv --reuid=65534 --regid=65534 --clear-groups "$I2V" train -q -i "$T/locked.txt" -o "$M"
    chmod 700 "$T"
else
    skip train_unreadable_input "running as root without setpriv"
fi

# A failed run leaves the model that was there untouched.
echo "precious" >"$M"
run "$I2V" train -q -i "$T/empty.txt" -o "$M"
[ $rc -eq 1 ] && [ "$(cat "$M")" = precious ] && [ -z "$(ls -A "$T" | grep '\.tmp-')" ] &&
    pass train_failure_keeps_the_previous_model || fail train_failure_keeps_the_previous_model "exit $rc"
expect_fail train_divergence_is_reported 1 "diverged" "$I2V" train -q -i "$SAMPLE" -o "$M" --alpha 50 --epochs 1
[ "$(cat "$M")" = precious ] && pass train_divergence_writes_no_model || fail train_divergence_writes_no_model
rm -f "$M"

# --- train: what users rely on ----------------------------------------------
run "$I2V" train -i "$SAMPLE" -o "$T/a.bin" --dim 16 --epochs 3 --threads 1 --seed 7
[ $rc -eq 0 ] && [ "$(grep -c '^epoch [0-9]/3:' "$T/err")" -eq 3 ] &&
    pass train_reports_one_line_per_epoch_when_not_a_terminal ||
    fail train_reports_one_line_per_epoch_when_not_a_terminal "exit $rc: $(cat "$T/err")"
run "$I2V" train -q -i "$SAMPLE" -o "$T/b.bin" --dim 16 --epochs 3 --threads 1 --seed 7
[ $rc -eq 0 ] && [ ! -s "$T/err" ] && pass train_quiet_prints_nothing || fail train_quiet_prints_nothing "$(cat "$T/err")"
cmp -s "$T/a.bin" "$T/b.bin" && pass train_one_thread_same_seed_is_byte_identical ||
    fail train_one_thread_same_seed_is_byte_identical
run "$I2V" train -q -i "$SAMPLE" -o "$T/c.bin" --dim 16 --epochs 3 --threads 1 --seed 8
cmp -s "$T/a.bin" "$T/c.bin" && fail train_other_seed_gives_other_model || pass train_other_seed_gives_other_model
# CBOW: its own model, as reproducible with one thread; recorded in a native model.
"$I2V" train -q -i "$SAMPLE" -o "$T/cbow1.i2v" --dim 16 --epochs 2 --threads 1 --cbow &&
    "$I2V" train -q -i "$SAMPLE" -o "$T/cbow2.i2v" --dim 16 --epochs 2 --threads 1 --cbow &&
    "$I2V" train -q -i "$SAMPLE" -o "$T/sg.i2v" --dim 16 --epochs 2 --threads 1
if cmp -s "$T/cbow1.i2v" "$T/cbow2.i2v" && ! cmp -s "$T/cbow1.i2v" "$T/sg.i2v" &&
    "$I2V" info -m "$T/cbow1.i2v" | grep -q '^training .*architecture CBOW' &&
    "$I2V" info -m "$T/sg.i2v" | grep -q '^training .*architecture skip-gram'; then
    pass "train --cbow: its own model, byte-identical with one thread, recorded"
else
    fail "train --cbow: its own model, byte-identical with one thread, recorded"
fi
head -c 20 "$T/a.bin" | head -n 1 | grep -qx "2000 16" && pass train_bin_header_counts_items_and_dims ||
    fail train_bin_header_counts_items_and_dims "$(head -c 20 "$T/a.bin" | head -n 1)"
run sh -c "cat '$SAMPLE' | '$I2V' train -q -i - -o '$T/stdin.vec' --dim 8 --epochs 1 --window 0"
[ $rc -eq 0 ] && [ "$(head -n 1 "$T/stdin.vec")" = "2000 8" ] && [ "$(wc -l <"$T/stdin.vec")" -eq 2001 ] &&
    pass train_from_stdin_whole_sequence_window_to_text || fail train_from_stdin_whole_sequence_window_to_text "$(cat "$T/err")"
run "$I2V" train -q -i "$SAMPLE" -o - --dim 8 --epochs 1
[ $rc -eq 0 ] && [ "$(head -n 1 "$T/out")" = "2000 8" ] && pass train_writes_to_stdout ||
    fail train_writes_to_stdout "exit $rc"
if [ -w /dev/full ]; then
    expect_fail train_to_dev_full_is_an_error 1 "/dev/full: .*No space left" \
        "$I2V" train -q -i "$SAMPLE" -o /dev/full --format bin --dim 8 --epochs 1
fi

# SIGINT and SIGTERM during training: no model, no temporary file.
for sig in INT TERM; do
    "$I2V" train -q -i "$SAMPLE" -o "$T/sig.bin" --epochs 1000 --dim 16 2>/dev/null &
    pid=$!
    sleep 1
    kill -$sig $pid
    wait $pid
    rc=$?
    if [ $rc -gt 128 ] && [ ! -e "$T/sig.bin" ] && [ -z "$(ls -A "$T" | grep '\.tmp-')" ]; then
        pass train_sig${sig}_leaves_no_model
    else
        fail train_sig${sig}_leaves_no_model "exit $rc; $(ls -A "$T")"
    fi
done

# Format interop: gensim reads both word2vec formats and sees the same values.
if have_gensim; then
    "$I2V" train -q -i "$SAMPLE" -o "$T/g.bin" --dim 12 --epochs 1 --threads 1 --seed 3 &&
        "$I2V" train -q -i "$SAMPLE" -o "$T/g.txt" --dim 12 --epochs 1 --threads 1 --seed 3
    run /usr/bin/python3 - "$T/g.bin" "$T/g.txt" <<'PY'
import sys
import numpy as np
from gensim.models import KeyedVectors
b = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
t = KeyedVectors.load_word2vec_format(sys.argv[2], binary=False)
assert len(b.index_to_key) == 2000 and b.vector_size == 12, (len(b.index_to_key), b.vector_size)
assert b.index_to_key == t.index_to_key
assert np.array_equal(b.vectors, t.vectors), np.abs(b.vectors - t.vectors).max()
print("ok")
PY
    [ $rc -eq 0 ] && pass gensim_loads_bin_and_text_with_equal_values ||
        fail gensim_loads_bin_and_text_with_equal_values "$(tail -n 3 "$T/err")"
else
    skip gensim_loads_bin_and_text_with_equal_values "python3-gensim is not installed"
fi
