# Black-box tests of `item2vec train --resume` (incremental training).
. tests/cli/lib.sh

SAMPLE=data/sessions.txt
"$I2V" train -q -i "$SAMPLE" -o "$T/base.i2v" --dim 16 --window 3 --epochs 1 --threads 1
# New sessions: every item renamed, so all of them are new items.
sed 's/item_/new_/g' "$SAMPLE" | head -n 3000 >"$T/new.txt"

run "$I2V" train -q -i "$T/new.txt" --resume "$T/base.i2v" -o "$T/next.i2v" --epochs 1
if [ $rc -eq 0 ] && "$I2V" info -m "$T/next.i2v" >"$T/info" 2>&1 &&
    grep -q "^dimensions *16$" "$T/info" && grep -q "window 3," "$T/info" &&
    [ "$(awk '$1 == "items" { print $2 }' "$T/info")" -gt 2000 ]; then
    pass resume_adds_new_items_with_the_models_own_settings
else
    fail resume_adds_new_items_with_the_models_own_settings "exit $rc: $(cat "$T/err" "$T/info")"
fi
run "$I2V" similar -m "$T/next.i2v" item_1 new_1
[ $rc -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 20 ] && pass resumed_model_answers_old_and_new_items ||
    fail resumed_model_answers_old_and_new_items "exit $rc: $(cat "$T/err")"

"$I2V" train -q -i "$SAMPLE" -o "$T/base.bin" --dim 16 --epochs 1
expect_fail resume_from_word2vec_file_needs_output_weights 1 "no output weights" \
    "$I2V" train -q -i "$T/new.txt" --resume "$T/base.bin" -o "$T/x.i2v"
expect_fail resume_with_other_dim_is_a_usage_error 2 "--dim 32 differs from the model's 16" \
    "$I2V" train -q -i "$T/new.txt" --resume "$T/base.i2v" -o "$T/x.i2v" --dim 32
expect_fail resume_from_missing_model 1 "nope.i2v" \
    "$I2V" train -q -i "$T/new.txt" --resume "$T/nope.i2v" -o "$T/x.i2v"
[ ! -e "$T/x.i2v" ] && pass failed_resume_writes_nothing || fail failed_resume_writes_nothing

# Continuing into the same file replaces it only when training succeeded.
cp "$T/base.i2v" "$T/same.i2v"
run "$I2V" train -q -i "$T/new.txt" --resume "$T/same.i2v" -o "$T/same.i2v" --epochs 1
[ $rc -eq 0 ] && ! cmp -s "$T/base.i2v" "$T/same.i2v" && "$I2V" info --verify -m "$T/same.i2v" >/dev/null &&
    pass resume_can_write_over_its_own_model || fail resume_can_write_over_its_own_model "exit $rc: $(cat "$T/err")"
