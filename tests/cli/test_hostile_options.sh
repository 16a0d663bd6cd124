# Hostile options for every subcommand: non-numeric, negative, zero,
# overflowing, fractional, unknown, repeated, missing values.  A bad value
# is a usage error (exit 2) whose message names the option as the user
# typed it and the value; a repeated option takes its last value, as
# getopt tools do.  (test_train.sh and test_query.sh cover a few of these.)
. tests/cli/lib.sh
. tests/cli/hostile_lib.sh

printf 'a b c\nb c a\nc a b\n' >"$T/s.txt"
printf 'user,item,time\nu,a,1\nu,b,2\n' >"$T/log.csv"
M=$T/m.i2v
if ! "$I2V" train -q -i data/sessions.txt -o "$M" --dim 8 --epochs 1 --threads 1 2>"$T/err"; then
    fail "train a model for the option tests" "$(cat "$T/err")"
    exit 0
fi
VOCAB="vocab -i $T/s.txt"
TRAIN="train -q -i $T/s.txt -o $T/out.i2v --min-count 1"
SIMILAR="similar -m $M"
ANALOGY="analogy -m $M"
CONVERT="convert -m $M -o $T/conv.i2v"
INFO="info -m $M"
SESSIONS="sessions -i $T/log.csv --user user --item item --time time"
EVAL="eval -m $M --dims"
SPLIT="split -i $T/s.txt --train $T/train.txt --test $T/test.txt"
printf 'item_1\tx y\nitem_2\ty\nnew\tx\n' >"$T/features.txt"
COLD="coldstart -m $M -f $T/features.txt -o $T/cold.i2v"
PLOT="plot -m $M -o $T/map.svg --method pca"

# bad "CMD" OPTION VALUE REASON: exit 2, "OPTION: 'VALUE' REASON", nothing written.
bad() {
    expect_fail "${1%% *} $2 '$3': exit 2, $4" 2 "$2: '$3' $4" $I2V $1 "$2" "$3"
}

for opt in --min-count --max-vocab; do
    bad "$VOCAB" $opt abc "is not a whole number"
    bad "$VOCAB" $opt -5 "is negative"
    bad "$VOCAB" $opt 1.5 "is not a whole number"
    bad "$VOCAB" $opt "" "is not a whole number"
    bad "$VOCAB" $opt 99999999999999999999 "is out of range"
done
bad "$VOCAB" --min-count 0 "is out of range"
bad "$VOCAB" --max-vocab 99999999999 "is out of range"

for opt in --dim --window --negative --epochs --threads --min-count --max-vocab --seed; do
    bad "$TRAIN" $opt x7 "is not a whole number"
    bad "$TRAIN" $opt -1 "is negative"
    bad "$TRAIN" $opt 0x10 "is not a whole number"
    bad "$TRAIN" $opt "5 " "is not a whole number"
    bad "$TRAIN" $opt 99999999999999999999 "is out of range"
done
for opt in --dim --negative --epochs --threads --min-count; do
    bad "$TRAIN" $opt 0 "is out of range"
done
for opt in --dim --window --negative --epochs --threads --max-vocab; do
    bad "$TRAIN" $opt 99999999999 "is out of range"
done
for opt in --alpha --min-alpha --sample --ns-exponent; do
    bad "$TRAIN" $opt fast "is not a number"
    bad "$TRAIN" $opt nan "is not a number"
    bad "$TRAIN" $opt 1e999 "is out of range"
    bad "$TRAIN" $opt inf "is out of range"
    bad "$TRAIN" $opt 0.5x "is not a number"
done
bad "$TRAIN" --alpha 0 "is out of range"
bad "$TRAIN" --alpha -0.1 "is out of range"
bad "$TRAIN" --sample -1e-3 "is out of range"
bad "$TRAIN" --format json "is not one of bin, text, native"

for cmd in "$SIMILAR" "$ANALOGY"; do
    for opt in -k --restrict; do
        bad "$cmd" $opt many "is not a whole number"
        bad "$cmd" $opt -2 "is negative"
        bad "$cmd" $opt 0 "is out of range"
        bad "$cmd" $opt 99999999999 "is out of range"
    done
done
bad "$SIMILAR --all" --threads 0 "is out of range"
bad "$SIMILAR --all" --threads 1025 "is out of range"
bad "$ANALOGY" --method sub "is not add or mul"
bad "$CONVERT" --format csv "is not one of bin, text, native"
for opt in --min-len --max-len --min-count; do
    bad "$SESSIONS" $opt x "is not a whole number"
    bad "$SESSIONS" $opt -1 "is negative"
    bad "$SESSIONS" $opt 99999999999999999999 "is out of range"
done
bad "$SESSIONS" --min-len 0 "is out of range"
bad "$SESSIONS" --mem 99999999999T "is out of range"
bad "$SESSIONS" --gap 1e400 "is not a duration"

for opt in -k --context --restrict; do
    bad "$EVAL" $opt x "is not a whole number"
    bad "$EVAL" $opt -1 "is negative"
    bad "$EVAL" $opt 99999999999999999999 "is out of range"
done
bad "$EVAL" -k 0 "is out of range"
bad "$EVAL" --variance 0 "is out of range"
bad "$EVAL" --variance 1.5 "is out of range"
bad "$EVAL" --variance nan "is not a number"
bad "$EVAL" --method sub "is not add or mul"
bad "$EVAL" --score best "is not predict, dot or cosine"
bad "$SPLIT" --ratio 1 "is out of range"
bad "$SPLIT" --ratio -0.5 "is out of range"
bad "$SPLIT" --ratio nan "is not a number"
bad "$SPLIT" --ratio 1e999 "is out of range"
bad "$SPLIT" --seed x "is not a whole number"
bad "$SPLIT" --seed -1 "is negative"
for opt in --lambda --fuse; do
    bad "$COLD" $opt much "is not a number"
    bad "$COLD" $opt nan "is not a number"
    bad "$COLD" $opt -0.5 "is out of range"
    bad "$COLD" $opt 1e10 "is out of range"
done
bad "$COLD" --lambda 0 "is out of range"
bad "$COLD" --method lasso "is not one of ridge, mean"
for opt in --top --labels --iterations --seed --threads; do
    bad "$PLOT" $opt x "is not a whole number"
    bad "$PLOT" $opt -1 "is negative"
    bad "$PLOT" $opt 99999999999999999999 "is out of range"
done
for opt in --top --iterations --threads; do
    bad "$PLOT" $opt 0 "is out of range"
done
bad "$PLOT" --iterations 100001 "is out of range"
bad "$PLOT" --threads 1025 "is out of range"
bad "$PLOT" --perplexity 0 "is out of range"
bad "$PLOT" --perplexity 10001 "is out of range"
bad "$PLOT" --perplexity nan "is not a number"
bad "$PLOT" --method umap "is not tsne or pca"
expect_fail "split: --train and --test the same file is a usage error" 2 "name the same file" \
    $I2V split -i "$T/s.txt" --train "$T/same.txt" --test "$T/same.txt"
[ ! -e "$T/same.txt" ] && pass "split: a refused split writes nothing" || fail "split: a refused split writes nothing"

# --- unknown options and missing values, for every subcommand -------------------
for cmd in "$VOCAB" "$TRAIN" "$SIMILAR" "$ANALOGY" "$CONVERT" "$INFO" "$SESSIONS" "$EVAL" "$SPLIT" "$COLD" "$PLOT"; do
    name=${cmd%% *}
    expect_fail "$name --frobnicate: exit 2 naming it" 2 "option '--frobnicate' is unknown" \
        $I2V $cmd --frobnicate
    expect_fail "$name -Z: exit 2 naming it" 2 "option '-Z' is unknown" $I2V $cmd -Z
done
# A missing value names the option as typed, also for long-only options
# (their codes are no characters: they once printed as '-' and a NUL byte).
for case in "$VOCAB|--min-count" "$VOCAB|--max-vocab" "$TRAIN|--dim" "$TRAIN|--alpha" \
    "$TRAIN|--tmpdir" "$SIMILAR|--restrict" "$SIMILAR|--shard" "$SIMILAR|--top" \
    "$ANALOGY|--method" "$ANALOGY|--restrict" "$CONVERT|--format" "$SESSIONS|--user" \
    "$SESSIONS|--gap" "$SESSIONS|--mem" "$EVAL|--analogies" "$EVAL|--train" "$EVAL|--score" \
    "$SPLIT|--test" "$SPLIT|--ratio" "$COLD|--lambda" "$COLD|--fuse" "$PLOT|--groups" \
    "$PLOT|--perplexity" "$PLOT|--coords"; do
    cmd=${case%|*} opt=${case#*|}
    run $I2V $cmd "$opt"
    if [ "$rc" -eq 2 ] && grep -q -- "option '$opt' needs a value" "$T/err" &&
        [ "$(tr -d '\000' <"$T/err" | wc -c)" -eq "$(wc -c <"$T/err")" ]; then
        pass "${cmd%% *} $opt without a value: exit 2 naming $opt"
    else
        fail "${cmd%% *} $opt without a value: exit 2 naming $opt" "exit $rc: $(od -c "$T/err" | head -3)"
    fi
done
for case in "vocab|-i" "train -i $T/s.txt|-o" "similar|-m" "similar -m $M|-k" "convert -m $M|-o" \
    "info|-m" "sessions|-i"; do
    cmd=${case%|*} opt=${case#*|}
    expect_fail "${cmd%% *} $opt without a value: exit 2 naming $opt" 2 \
        "option '$opt' needs a value" $I2V $cmd "$opt"
done
expect_fail "train: an option as the value of another is refused" 2 "--dim: '--epochs' is not a whole number" \
    $I2V $TRAIN --dim --epochs 3
for cmd in "$VOCAB" "$TRAIN" "$CONVERT" "$INFO" "$EVAL" "$SPLIT" "$COLD" "$PLOT"; do
    expect_fail "${cmd%% *}: a stray argument is a usage error" 2 "unexpected argument 'stray'" \
        $I2V $cmd stray
done
expect_fail "no command: usage on stderr, exit 2" 2 "Usage: item2vec COMMAND" $I2V
expect_fail "an unknown command: exit 2 naming it" 2 "'frob' is not a command" $I2V frob

# --- repeated options: the last one wins ----------------------------------------
run $I2V $VOCAB --min-count 5 --min-count 1
[ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 3 ] && pass "vocab: a repeated --min-count takes the last value" ||
    fail "vocab: a repeated --min-count takes the last value" "exit $rc: $(cat "$T/out" "$T/err")"
run $I2V $TRAIN --dim 8 --dim 3 --epochs 1
[ "$rc" -eq 0 ] && $I2V info -m "$T/out.i2v" | grep -q '^dimensions  *3$' &&
    pass "train: a repeated --dim takes the last value" || fail "train: a repeated --dim takes the last value"
run $I2V $SIMILAR -k 5 -k 2 item_1
[ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 2 ] && pass "similar: a repeated -k takes the last value" ||
    fail "similar: a repeated -k takes the last value" "exit $rc: $(cat "$T/err")"
run $I2V similar -m "$T/none.i2v" -m "$M" -k 1 item_1
[ "$rc" -eq 0 ] && pass "similar: a repeated -m takes the last model" ||
    fail "similar: a repeated -m takes the last model" "$(cat "$T/err")"
run $I2V convert -m "$M" -o "$T/twice.out" --format text --format bin
[ "$rc" -eq 0 ] && $I2V info -m "$T/twice.out" | grep -q '^format  *word2vec-binary$' &&
    pass "convert: a repeated --format takes the last value" ||
    fail "convert: a repeated --format takes the last value"
