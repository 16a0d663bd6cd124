# Black-box tests of `item2vec coldstart`: items hidden from training are
# placed from their features near their planted group; bad inputs and
# options get clear messages and the documented exit codes.
. tests/cli/lib.sh

GENFEATURES=${GENFEATURES:-$BUILD/genfeatures}
if [ ! -x "$GENFEATURES" ]; then
    skip "coldstart tests" "$GENFEATURES is not built"
    exit 0
fi

# The bundled sessions without 10% of the items; features for all items.
"$GENFEATURES" --truth data/truth.tsv --cold "$T/cold.txt" --seed 3 -o "$T/features.tsv"
awk 'NR == FNR { cold[$1] = 1; next }
     { out = ""; for (i = 1; i <= NF; i++) if (!($i in cold)) out = out (out == "" ? "" : " ") $i
       if (out != "") print out }' "$T/cold.txt" data/sessions.txt >"$T/warm.txt"
M=$T/warm.i2v
if ! "$I2V" train -i "$T/warm.txt" -o "$M" --dim 16 --epochs 2 --threads 1 -q 2>"$T/err"; then
    fail "train a model without the cold items" "$(cat "$T/err")"
    exit 0
fi
n_model=$("$I2V" info -m "$M" | awk '$1 == "items" { print $2 }')
n_cold=$(wc -l <"$T/cold.txt")

run "$I2V" coldstart -m "$M" --features "$T/features.tsv" -o "$T/cold.i2v"
if [ "$rc" -eq 0 ] && grep -q "placed $n_cold cold items, fused 0, skipped 0" "$T/err" &&
    grep -q "features.tsv: 2000 items, " "$T/err" && grep -q "(ridge, lambda 1, cholesky)" "$T/err"; then
    pass "coldstart places every cold item and says so"
else
    fail "coldstart places every cold item and says so" "exit $rc: $(cat "$T/err")"
fi
run "$I2V" info -m "$T/cold.i2v" --verify
if [ "$rc" -eq 0 ] && grep -q "^items  *$((n_model + n_cold))$" "$T/out" &&
    grep -q '^output-weights  *yes$' "$T/out" && grep -q '^counts  *yes' "$T/out" &&
    grep -q '^verified  *yes' "$T/out"; then
    pass "the cold-start model holds every item, counts and output weights, and verifies"
else
    fail "the cold-start model holds every item, counts and output weights, and verifies" \
        "$(cat "$T/out" "$T/err")"
fi

# Purity of the cold items' 10 nearest known items (--restrict: cold items
# come after the model's).
"$I2V" similar -m "$T/cold.i2v" -k 10 --restrict "$n_model" <"$T/cold.txt" >"$T/answers" 2>"$T/err"
purity=$(awk -F '\t' 'NR == FNR { g[$1] = $2; next } { n++; same += g[$1] == g[$3] }
                      END { printf "%.3f", n ? same / n : 0 }' data/truth.tsv "$T/answers")
if awk -v p="$purity" 'BEGIN { exit !(p >= 0.9) }'; then
    pass "cold items' nearest known items are in their planted group (purity $purity)"
else
    fail "cold items' nearest known items are in their planted group" "purity $purity"
fi
"$I2V" similar -m "$M" -k 5 item_1 item_2 >"$T/before"
"$I2V" similar -m "$T/cold.i2v" -k 5 --restrict "$n_model" item_1 item_2 >"$T/after"
cmp -s "$T/before" "$T/after" && pass "known items keep their vectors without --fuse" ||
    fail "known items keep their vectors without --fuse"

run "$I2V" coldstart -m "$M" --features "$T/features.tsv" -o "$T/fused.i2v" --fuse 0.5 -q
if [ "$rc" -eq 0 ] && [ ! -s "$T/err" ] && [ -s "$T/fused.i2v" ]; then
    pass "coldstart --fuse 0.5 -q runs quietly"
else
    fail "coldstart --fuse 0.5 -q runs quietly" "$(cat "$T/err")"
fi
run "$I2V" coldstart -m "$M" --features "$T/features.tsv" -o "$T/fused.i2v" --fuse 0.5
grep -q "fused $n_model," "$T/err" && pass "--fuse blends every known item that has features" ||
    fail "--fuse blends every known item that has features" "$(cat "$T/err")"
run "$I2V" coldstart -m "$M" --features "$T/features.tsv" -o "$T/mean.i2v" --method mean
grep -q "(feature means)" "$T/err" && pass "--method mean" || fail "--method mean" "$(cat "$T/err")"

run "$I2V" coldstart -m "$M" --features - -o "$T/cold.txt.vec" <"$T/features.tsv"
if [ "$rc" -eq 0 ] && [ "$(head -1 "$T/cold.txt.vec")" = "$((n_model + n_cold)) 16" ]; then
    pass "features from standard input, word2vec text output by name"
else
    fail "features from standard input, word2vec text output by name" "$(cat "$T/err")"
fi

# Malformed lines are reported with their line numbers and skipped.
{
    echo "# header comment"
    head -3 "$T/features.tsv"
    echo "no-tab-here category:group_1"
    printf 'item_9 x\tcategory:group_9\n'
    printf 'new_item\t\n'
    tail -n +4 "$T/features.tsv"
} >"$T/bad.tsv"
run "$I2V" coldstart -m "$M" --features "$T/bad.tsv" -o "$T/bad.i2v"
if [ "$rc" -eq 0 ] && grep -q "bad.tsv: 3 malformed lines skipped:" "$T/err" &&
    grep -q "line 5: no tab between the item and its features" "$T/err" &&
    grep -q "line 6: item 'item_9 x': the item holds a blank" "$T/err" &&
    grep -q "line 7: item 'new_item': no feature after the tab" "$T/err"; then
    pass "malformed feature lines are reported with line numbers, not fatal"
else
    fail "malformed feature lines are reported with line numbers, not fatal" "exit $rc: $(cat "$T/err")"
fi
printf 'brand_new\tcolour:unheard-of\n' >>"$T/bad.tsv"
run "$I2V" coldstart -m "$M" --features "$T/bad.tsv" -o "$T/bad.i2v"
if [ "$rc" -eq 0 ] && grep -q "1 cold item skipped, not placed:" "$T/err" &&
    grep -q "line 2005: item 'brand_new': no known item carries any of its features" "$T/err"; then
    pass "a cold item with no known feature is skipped and named"
else
    fail "a cold item with no known feature is skipped and named" "$(cat "$T/err")"
fi

# Errors: nothing is written, nothing that was there is lost.
echo "precious" >"$T/keep.i2v"
: >"$T/empty.tsv"
expect_fail "an empty features file exits 1" 1 "empty.tsv: empty file" \
    "$I2V" coldstart -m "$M" --features "$T/empty.tsv" -o "$T/keep.i2v"
printf '# nothing\n\n' >"$T/comments.tsv"
expect_fail "a features file without a valid line exits 1" 1 "no line holds an item" \
    "$I2V" coldstart -m "$M" --features "$T/comments.tsv" -o "$T/keep.i2v"
printf 'alien_1\tcategory:x\n' >"$T/alien.tsv"
expect_fail "features of no model item exit 1" 1 "alien.tsv: none of its 1 items is in the model" \
    "$I2V" coldstart -m "$M" --features "$T/alien.tsv" -o "$T/keep.i2v"
expect_fail "a missing features file exits 1" 1 "nope.tsv: cannot open: No such file" \
    "$I2V" coldstart -m "$M" --features "$T/nope.tsv" -o "$T/keep.i2v"
expect_fail "an unknown model exits 1" 1 "no-model.i2v.*No such file" \
    "$I2V" coldstart -m "$T/no-model.i2v" --features "$T/features.tsv" -o "$T/keep.i2v"
head -c 1000 "$M" >"$T/truncated.i2v"
expect_fail "a truncated model exits 1" 1 "truncated.i2v" \
    "$I2V" coldstart -m "$T/truncated.i2v" --features "$T/features.tsv" -o "$T/keep.i2v"
[ "$(cat "$T/keep.i2v")" = precious ] && pass "a failed run leaves the existing output alone" ||
    fail "a failed run leaves the existing output alone"
expect_fail "output in a missing directory exits 1" 1 "the directory does not exist" \
    "$I2V" coldstart -m "$M" --features "$T/features.tsv" -o "$T/no/such/dir/out.i2v"
leftovers=$(find "$T" -name '*.tmp-*' | wc -l)
[ "$leftovers" -eq 0 ] && pass "no temporary file is left behind" ||
    fail "no temporary file is left behind" "$(find "$T" -name '*.tmp-*')"

# Usage errors: exit 2.
for bad in 1.5 -0.1 abc nan; do
    expect_fail "--fuse $bad is a usage error" 2 "--fuse: '$bad' is (out of range|not a number)" \
        "$I2V" coldstart -m "$M" --features "$T/features.tsv" -o "$T/x.i2v" --fuse "$bad"
done
expect_fail "--lambda 0 is a usage error" 2 "--lambda: '0' is out of range" \
    "$I2V" coldstart -m "$M" --features "$T/features.tsv" -o "$T/x.i2v" --lambda 0
expect_fail "--lambda with --method mean is a usage error" 2 "--lambda applies to --method ridge" \
    "$I2V" coldstart -m "$M" --features "$T/features.tsv" -o "$T/x.i2v" --method mean --lambda 2
expect_fail "--method unknown is a usage error" 2 "not one of ridge, mean" \
    "$I2V" coldstart -m "$M" --features "$T/features.tsv" -o "$T/x.i2v" --method knn
expect_fail "--features is required" 2 "--features FILE is required" \
    "$I2V" coldstart -m "$M" -o "$T/x.i2v"
expect_fail "-o is required" 2 "-o OUT is required" \
    "$I2V" coldstart -m "$M" --features "$T/features.tsv"
expect_fail "an unknown option is a usage error" 2 "is unknown" \
    "$I2V" coldstart -m "$M" --features "$T/features.tsv" -o "$T/x.i2v" --bogus
[ ! -e "$T/x.i2v" ] && pass "usage errors write nothing" || fail "usage errors write nothing"
run "$I2V" coldstart --help
grep -q "^Usage: item2vec coldstart" "$T/out" && [ "$rc" -eq 0 ] && pass "coldstart --help" ||
    fail "coldstart --help"
