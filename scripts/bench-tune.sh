#!/bin/sh
# The settings search measured from the outside:
#
#   scripts/bench-tune.sh     (THREADS, BUILD, SHARED_DATA override; BUDGET, 10m,
#                              the first data set's; SHORT, 2m, the others';
#                              GRID=0 skips the exhaustive grid, GRID=only
#                              runs the second data set and the grid alone;
#                              ML100K=/path/to/u.data adds MovieLens 100k)
#
# Each data set is split into training and test sequences; `tune` sees the
# training part only (it holds out its own validation lines from it), and
# the model it writes is scored on the test lines by `eval --next-item`
# as `recommend` answers (the serving settings from the model's header),
# beside a model trained with the defaults and both baselines: HR@10 with
# its standard error sqrt(p(1-p)/n); a difference within the larger of the
# two errors is a tie.  The wall time of each tune run is given beside its
# budget.  Data: generated sessions at the generator's defaults; long
# sessions where popular items dominate and each item is often followed by
# its usual successor (the order carries information); the Brown corpus
# (whole sentences held out: the last word of a sentence); MovieLens 100k
# when ML100K names its u.data.
# The grid: `tune --grid` over a lattice of the same space on the second
# data set, every point trained in full, against the search's choice:
# test HR@10 of both and their wall times.
# Prints Markdown on stdout.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DATA=${SHARED_DATA:-../shared/data}
THREADS=${THREADS:-2}
BUDGET=${BUDGET:-10m}
SHORT=${SHORT:-2m}
GRID=${GRID:-1}
I2V=$BUILD/item2vec
W=$(mktemp -d "${TMPDIR:-/tmp}/item2vec-bench-tune.XXXXXX")
trap 'rm -rf "$W"' EXIT
make -s "$I2V" "$BUILD/gensessions"

# hr MODEL TEST TRAIN: "lines hr" of the model as recommend answers, and
# of the two baselines: "lines model popular transition".
hr() {
    "$I2V" eval -m "$1" --next-item "$2" --train "$3" --json >"$W/eval.json"
    sed 's/"model_alone": {[^}]*}, //' "$W/eval.json" |
        sed -n 's/.*"lines": \([0-9]*\),.*"model": {"hits": [0-9]*, "hr": \([^,]*\),.*"popular": {"hits": [0-9]*, "hr": \([^,]*\),.*"transition": {"hits": [0-9]*, "hr": \([^,]*\),.*/\1 \2 \3 \4/p'
}

# seconds CMD...: wall time of one run, its stdout in $W/stdout.
seconds() {
    /usr/bin/time -f "%e" -o "$W/time" "$@" >"$W/stdout" 2>"$W/time.err" || {
        cat "$W/time.err" >&2
        exit 1
    }
    tail -n 1 "$W/time"
}

# budget_sec TIME: 10m -> 600.
budget_sec() {
    case $1 in
    *h) echo "$1" | awk '{ print $0 * 3600 }' ;;
    *m) echo "$1" | awk '{ print $0 * 60 }' ;;
    *) echo "$1" | awk '{ print $0 + 0 }' ;;
    esac
}

echo "## The settings search (HR@10 on test lines tune never saw, ± one standard error)"
echo
echo "| data | test lines | defaults | tuned | transition | popular | tuned vs defaults | tuned vs transition | budget | wall time |"
echo "|---|---|---|---|---|---|---|---|---|---|"

# dataset NAME SEQUENCES BUDGET SPLIT-OPTIONS...: one row; the tuned model
# stays in $W/tuned.i2v, its table in $W/table.txt.
dataset() {
    name=$1 seqs=$2 budget=$3
    shift 3
    "$I2V" split -q -i "$seqs" --train "$W/train.txt" --test "$W/test.txt" "$@"
    "$I2V" train -q -i "$W/train.txt" -o "$W/defaults.i2v" --threads "$THREADS"
    set -- $(hr "$W/defaults.i2v" "$W/test.txt" "$W/train.txt")
    lines=$1 defaults=$2 popular=$3 transition=$4
    wall=$(seconds "$I2V" tune -q -i "$W/train.txt" -o "$W/tuned.i2v" --threads "$THREADS" \
        --budget "$budget")
    cp "$W/stdout" "$W/table.txt"
    set -- $(hr "$W/tuned.i2v" "$W/test.txt" "$W/train.txt")
    tuned=$2
    awk -v name="$name" -v n="$lines" -v d="$defaults" -v t="$tuned" -v tr="$transition" \
        -v p="$popular" -v b="$budget" -v bs="$(budget_sec "$budget")" -v w="$wall" '
    function se(x) { return sqrt(x * (1 - x) / n) }
    function versus(a, b,    e) {
        e = se(a) > se(b) ? se(a) : se(b)
        return sprintf("%+.4f (%s)", a - b, a - b > e ? "ahead" : b - a > e ? "behind" : "tie")
    }
    BEGIN {
        printf "| %s | %d | %.4f ± %.4f | %.4f ± %.4f | %.4f ± %.4f | %.4f | %s | %s | %s | %.0f s (%.0f%%) |\n",
            name, n, d, se(d), t, se(t), tr, se(tr), p, versus(t, d), versus(t, tr), b, w, 100 * w / bs
    }'
    grep '^item2vec train' "$W/table.txt" |
        sed "s|$W/train.txt|TRAIN|; s|$W/tuned.i2v|MODEL|; s/^/    $name: /" >>"$W/commands.txt"
}

: >"$W/commands.txt"
if [ "$GRID" != only ]; then
    "$BUILD/gensessions" --seed 1 -o "$W/gen1.txt"
    dataset "generated, the generator's defaults" "$W/gen1.txt" "$BUDGET"
fi
"$BUILD/gensessions" --seed 2 --min-len 20 --max-len 80 --zipf 1.5 --chain 0.3 \
    --sessions 10000 -o "$W/gen2.txt"
dataset "generated, long sessions, popular items, ordered (--chain 0.3)" "$W/gen2.txt" "$SHORT"
cp "$W/train.txt" "$W/gen2-train.txt"
cp "$W/test.txt" "$W/gen2-test.txt"
tune_wall=$(tail -n 1 "$W/time")
tuned2=$(hr "$W/tuned.i2v" "$W/gen2-test.txt" "$W/gen2-train.txt" | awk '{ print $1, $2 }')
if [ "$GRID" != only ] && [ -f "$DATA/brown.txt" ]; then
    dataset "Brown corpus (10% of sentences held out)" "$DATA/brown.txt" "$SHORT" --ratio 0.1
fi
if [ "$GRID" != only ] && [ -n "${ML100K:-}" ] && [ -f "$ML100K" ]; then
    { printf 'user\titem\trating\ttime\n'; awk -F'\t' '$1 != 0' "$ML100K"; } >"$W/ml.tsv"
    "$I2V" sessions -q -i "$W/ml.tsv" --user user --item item --time time >"$W/ml.txt"
    dataset "MovieLens 100k (each user's last rating)" "$W/ml.txt" "$SHORT"
fi
echo
echo "The winning settings, as tune prints them:"
echo
cat "$W/commands.txt"

[ "$GRID" = 0 ] && exit 0
# The exhaustive grid on the second data set: 3 x 3 x 2 x 2 x 2 = 72
# trainings, each tried with 3 x 3 serving settings.
printf '\n## The search against an exhaustive grid (second data set)\n\n'
grid_wall=$(seconds "$I2V" tune -q -i "$W/gen2-train.txt" -o "$W/grid.i2v" --threads "$THREADS" \
    --budget 6h --grid "ns-exponent=-0.5,0.25,1 window=1,3,7 epochs=10,40 sample=0,0.001" \
    --grid "negative=5,15 context=1,3,5 blend=0.5,2,5")
grep '^# grid' "$W/stdout" | sed 's/^# /    /'
set -- $tuned2 $(hr "$W/grid.i2v" "$W/gen2-test.txt" "$W/gen2-train.txt" | awk '{ print $2 }')
awk -v n="$1" -v t="$2" -v g="$3" -v tw="$tune_wall" -v gw="$grid_wall" '
function se(x) { return sqrt(x * (1 - x) / n) }
BEGIN {
    e = se(t) > se(g) ? se(t) : se(g)
    print "| run | test HR@10 | wall time |"
    print "|---|---|---|"
    printf "| tune --grid, 72 trainings x 9 serving settings | %.4f ± %.4f | %.0f s |\n", g, se(g), gw
    printf "| tune, the search | %.4f ± %.4f | %.0f s |\n", t, se(t), tw
    verdict = (t - g > e) ? "ahead" : (g - t > e) ? "behind" : "tie, within one standard error"
    printf "\nsearch - grid: %+.4f (%s); time: %.2f of the grid'"'"'s\n", t - g, verdict, tw / gw
}'
