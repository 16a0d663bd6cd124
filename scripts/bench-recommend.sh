#!/bin/sh
# Recommendation quality and throughput, measured end to end:
#
#   scripts/bench-recommend.sh            (THREADS, BUILD, SHARED_DATA override;
#                                          ML100K=/path/to/u.data adds MovieLens 100k)
#
# Quality: generated sessions in two settings (gensessions' defaults, and
# longer, noisier sessions), split leave-last-out, a model trained at the
# default settings, and `eval --next-item --train` for recommend's defaults
# beside --context 1, 3, 5, --blend 0, the raw input . output score of
# earlier versions (--score dot --blend 0 --context 1) and both baselines;
# HR@10 with its standard error sqrt(p(1-p)/n).  The same for the Brown
# corpus (words, not items: the last word of each sentence), and for
# MovieLens 100k when ML100K names its u.data.
# Throughput: 5,000 `similar` queries from standard input against --all
# over the same items on a random 100,000 x 128 model, and `recommend` on
# 5,000 histories of a 100,000-item model trained on generated sessions.
# Prints Markdown on stdout.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DATA=${SHARED_DATA:-../shared/data}
THREADS=${THREADS:-2}
I2V=$BUILD/item2vec
W=$(mktemp -d "${TMPDIR:-/tmp}/item2vec-bench-rec.XXXXXX")
trap 'rm -rf "$W"' EXIT
make -s "$I2V" "$BUILD/gensessions" "$BUILD/genmodel"

# hr_row LABEL EVAL-OPTIONS...: one table row from eval --json (model's HR,
# its standard error, MRR, NDCG), on $model and $test.
hr_row() {
    label=$1
    shift
    "$I2V" eval -m "$model" --next-item "$test" "$@" --json >"$W/eval.json"
    sed 's/"model_alone": {[^}]*}, //' "$W/eval.json" |
        sed -n 's/.*"lines": \([0-9]*\),.*"model": {"hits": [0-9]*, "hr": \([^,]*\), "mrr": \([^,]*\), "ndcg": \([^}]*\)}.*/\1 \2 \3 \4/p' |
        awk -v l="$label" '{ printf "| %s | %.4f ± %.4f | %.4f | %.4f |\n", l, $2, sqrt($2 * (1 - $2) / $1), $3, $4 }'
}

# baseline_rows: the popular and transition rows of the last eval with --train.
baseline_rows() {
    for b in popular transition; do
        sed -n "s/.*\"lines\": \([0-9]*\),.*\"$b\": {\"hits\": [0-9]*, \"hr\": \([^,]*\), \"mrr\": \([^,]*\), \"ndcg\": \([^}]*\)}.*/\1 \2 \3 \4/p" "$W/eval.json" |
            awk -v l="$b baseline" '{ printf "| %s | %.4f ± %.4f | %.4f | %.4f |\n", l, $2, sqrt($2 * (1 - $2) / $1), $3, $4 }'
    done
}

# quality NAME SEQUENCES: the table for one data set.
quality() {
    name=$1
    "$I2V" split -q -i "$2" --train "$W/train.txt" --test "$W/test.txt"
    "$I2V" train -q -i "$W/train.txt" -o "$W/model.i2v" --threads "$THREADS" --seed 1
    model=$W/model.i2v
    test=$W/test.txt
    lines=$(grep -c . "$test")
    printf '\n### %s (%s test lines, default training)\n\n' "$name" "$lines"
    echo "| recommend | HR@10 | MRR | NDCG@10 |"
    echo "|---|---|---|---|"
    hr_row "defaults (context 5, blend $("$I2V" info -m "$model" | awk '$1 == "recommend" { print $5 }'))" --train "$W/train.txt"
    baseline_rows >"$W/baselines.md"
    hr_row "--context 1" --context 1
    hr_row "--context 3" --context 3
    hr_row "--context 10" --context 10
    hr_row "--blend 0 (the model alone)" --blend 0
    hr_row "--blend 1" --blend 1
    hr_row "--blend 2" --blend 2
    hr_row "input . output alone, last item (--score dot --blend 0 --context 1)" \
        --score dot --blend 0 --context 1
    cat "$W/baselines.md"
}

echo "## Recommendation quality (leave-last-out, HR@10 ± its standard error)"
"$BUILD/gensessions" --seed 1 -o "$W/gen1.txt"
quality "generated sessions, gensessions defaults (2,000 items, 20 groups, 20,000 sessions)" "$W/gen1.txt"
"$BUILD/gensessions" --seed 2 --min-len 10 --max-len 60 --noise 0.3 --switch 0.1 -o "$W/gen2.txt"
quality "generated sessions, long and noisy (10-60 events, noise 0.3, switch 0.1)" "$W/gen2.txt"
if [ -f "$DATA/brown.txt" ]; then
    quality "Brown corpus (words; the last word of each sentence)" "$DATA/brown.txt"
fi
if [ -n "${ML100K:-}" ] && [ -f "$ML100K" ]; then
    { printf 'user\titem\trating\ttime\n'; awk -F'\t' '$1 != 0' "$ML100K"; } >"$W/ml.tsv"
    "$I2V" sessions -q -i "$W/ml.tsv" --user user --item item --time time >"$W/ml.txt"
    quality "MovieLens 100k (943 users, each user's ratings in time order)" "$W/ml.txt"
fi

# seconds CMD...: wall time of one run.
seconds() {
    /usr/bin/time -f "%e" -o "$W/time" "$@" >/dev/null 2>"$W/time.err" || { cat "$W/time.err" >&2; exit 1; }
    tail -n 1 "$W/time"
}

printf '\n## Throughput (%s threads)\n\n' "$THREADS"
"$BUILD/genmodel" --items 100000 --dim 128 -o "$W/random.bin"
"$I2V" convert -m "$W/random.bin" -o "$W/random.i2v" 2>/dev/null
"$I2V" similar -m "$W/random.i2v" --all --shard 1/20 -k 10 | cut -f1 | uniq >"$W/q5000.txt"
all=$(seconds "$I2V" similar -m "$W/random.i2v" --all --shard 1/20 -k 10 -t "$THREADS")
stdin=$(seconds sh -c "'$I2V' similar -m '$W/random.i2v' -k 10 -t $THREADS <'$W/q5000.txt'")
"$I2V" similar -m "$W/random.i2v" --all --shard 1/20 -k 10 -t "$THREADS" >"$W/all.tsv"
"$I2V" similar -m "$W/random.i2v" -k 10 -t "$THREADS" <"$W/q5000.txt" >"$W/stdin.tsv"
same=no
cmp -s "$W/all.tsv" "$W/stdin.tsv" && same=yes
echo "| what | seconds | per second |"
echo "|---|---|---|"
awk -v a="$all" -v s="$stdin" 'BEGIN {
    printf "| similar --all --shard 1/20 (5,000 items) on 100,000 x 128 | %.2f | %.0f |\n", a, 5000 / a
    printf "| the same 5,000 items from standard input | %.2f | %.0f |\n", s, 5000 / s
}'
"$BUILD/gensessions" --seed 4 --items 100000 --groups 500 --sessions 300000 -o "$W/big.txt"
"$I2V" split -q -i "$W/big.txt" --train "$W/bigtrain.txt" --test "$W/bigtest.txt"
"$I2V" train -q -i "$W/bigtrain.txt" -o "$W/big.i2v" --dim 128 --epochs 1 --threads "$THREADS"
head -n 5000 "$W/bigtest.txt" | awk '{ NF = NF - 1; print }' >"$W/h5000.txt"
items=$("$I2V" info -m "$W/big.i2v" | awk '$1 == "items" { print $2 }')
rec=$(seconds sh -c "'$I2V' recommend -m '$W/big.i2v' -k 10 -t $THREADS <'$W/h5000.txt'")
awk -v r="$rec" -v n="$items" 'BEGIN {
    printf "| recommend, 5,000 histories, %d items x 128 (output vectors, successors) | %.2f | %.0f |\n", n, r, 5000 / r
}'
awk -v a="$all" -v s="$stdin" -v same="$same" 'BEGIN {
    printf "\nstandard input / --all: %.2fx; the same bytes: %s\n", s / a, same
}'
