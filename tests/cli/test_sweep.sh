# scripts/sweep.sh on a slice of the bundled sample: a small grid runs,
# ranks its settings and names the best; bad options are refused.
. tests/cli/lib.sh

head -n 4000 data/sessions.txt >"$T/sessions.txt"
"$I2V" split -q -i "$T/sessions.txt" --train "$T/train.txt" --test "$T/test.txt" ||
    fail sweep_setup "split failed"

run env I2V="$I2V" sh scripts/sweep.sh -i "$T/train.txt" --test "$T/test.txt" --dim 8,16 \
    --window 2 --ns-exponent 0.75,0 --epochs 1 --threads 2 -k 5
rows=$(awk '$1 ~ /^[0-9]+$/ && (NF == 8 || (NF == 9 && $9 == "tie"))' "$T/out" | wc -l)
if [ $rc -eq 0 ] && [ "$rows" -eq 4 ] && grep -q '^best: --dim [0-9]* --window 2 --ns-exponent .* +- 0[.][0-9]* on 4000 lines' "$T/out" &&
    grep -q 'HR@5' "$T/out" && grep -q '^  ns-exponent  spread' "$T/out" &&
    grep -q 'rule of thumb: d ~ (10..30) x V^(1/4)' "$T/out" && grep -q '^\[4/4\]' "$T/err" &&
    awk '$1 ~ /^[0-9]+$/ && NF >= 8 { if (prev != "" && $4 > prev) bad = 1; prev = $4 }
         END { exit bad }' "$T/out"; then
    pass sweep_ranks_a_small_grid_by_hit_rate
else
    fail sweep_ranks_a_small_grid_by_hit_rate "exit $rc: $(tail -n 5 "$T/err") $(cat "$T/out")"
fi

expect_fail sweep_bad_list_is_usage 2 "not a comma-separated list" \
    sh scripts/sweep.sh -i "$T/train.txt" --test "$T/test.txt" --dim 16,x
expect_fail sweep_without_test_is_usage 2 "--test TEST is required" \
    sh scripts/sweep.sh -i "$T/train.txt"
expect_fail sweep_missing_input_is_runtime 1 "cannot read" \
    sh scripts/sweep.sh -i "$T/nosuch.txt" --test "$T/test.txt"

# The same setting twice: the second row ties the first, and no parameter
# is named as mattering.
run env I2V="$I2V" sh scripts/sweep.sh -i "$T/train.txt" --test "$T/test.txt" --dim 8,8 \
    --window 2 --ns-exponent 0 --epochs 1 --threads 1 -k 5
if [ $rc -eq 0 ] && awk '$1 == 8 && $NF == "tie"' "$T/out" | grep -q . &&
    grep -q '^tied with it (within one standard error): 1 other setting' "$T/out" &&
    grep -q '^no parameter moves HR@5 by more than one standard error' "$T/out" &&
    ! grep -q '^matters most' "$T/out"; then
    pass sweep_calls_differences_within_a_standard_error_ties
else
    fail sweep_calls_differences_within_a_standard_error_ties "exit $rc: $(cat "$T/out")"
fi
