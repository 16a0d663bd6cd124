#!/bin/sh
# Deterministic training beside Hogwild: speed, identical bytes, quality.
#
#   scripts/bench-deterministic.sh [REPEAT] [RUNS]
#
# The Brown corpus (brown.txt in SHARED_DATA) concatenated REPEAT times
# (default 10: 10.1M tokens), skip-gram, negative 5, dim 100, window 5,
# sample 1e-3, min-count 5, one epoch: Hogwild and --deterministic on 2
# and 1 threads, interleaved RUNS times (default 3), median wall time of
# the whole process.  Then WordSim-353 Spearman of each 2-thread model,
# and on planted sessions (5,000 items, 50 groups, 30,000 sessions, 5
# epochs, leave-last-out) neighbour purity@10 and next-item HR@10 with
# their standard errors.  Prints a Markdown report on stdout.
set -eu
cd "$(dirname "$0")/.."
REPEAT=${1:-10}
RUNS=${2:-3}
SHARED_DATA=${SHARED_DATA:-../shared/data}
BROWN=$SHARED_DATA/brown.txt
make -s build/item2vec build/gensessions
I2V=build/item2vec
W=$(mktemp -d "${TMPDIR:-/tmp}/item2vec-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

for _ in $(seq "$REPEAT"); do cat "$BROWN"; done >"$W/corpus.txt"
tokens=$(wc -w <"$W/corpus.txt")
SETTINGS="--dim 100 --window 5 --negative 5 --sample 1e-3 --min-count 5 --epochs 1"

# timed NAME CMD...: appends "NAME wall rss_kb" to the results.
timed() {
    name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$W/time" "$@" >"$W/log" 2>&1 || {
        echo "$name failed:" >&2
        tail -n 5 "$W/log" >&2
        exit 1
    }
    echo "$name $(cat "$W/time")" >>"$W/results"
}
for run in $(seq "$RUNS"); do
    timed hog2 $I2V train -q -i "$W/corpus.txt" -o "$W/hog2.bin" $SETTINGS --threads 2
    timed det2 $I2V train -q -i "$W/corpus.txt" -o "$W/det2.bin" $SETTINGS --threads 2 --deterministic
    timed hog1 $I2V train -q -i "$W/corpus.txt" -o "$W/hog1.bin" $SETTINGS --threads 1
    timed det1 $I2V train -q -i "$W/corpus.txt" -o "$W/det1.bin" $SETTINGS --threads 1 --deterministic
    [ "$run" = 1 ] && cp "$W/det2.bin" "$W/det2_first.bin"
done
median() { awk -v n="$1" '$1 == n { print $2 }' "$W/results" | sort -n |
           awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
peak() { awk -v n="$1" '$1 == n && $3 > m { m = $3 } END { printf "%.0f", m / 1024 }' "$W/results"; }
same() { cmp -s "$1" "$2" && echo identical || echo DIFFERENT; }

spearman() { $I2V eval -m "$1" --pairs "$SHARED_DATA/wordsim353.tsv" --json |
             /usr/bin/python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["pairs"]["spearman"])'; }

# Planted sessions.
build/gensessions --items 5000 --groups 50 --sessions 30000 --noise 0.4 --switch 0.15 \
    --seed 11 -o "$W/sessions.txt" --truth "$W/truth.tsv"
$I2V split -q -i "$W/sessions.txt" --train "$W/train.txt" --test "$W/test.txt"
PSET="--dim 100 --window 5 --negative 5 --sample 1e-3 --min-count 5 --epochs 5 --threads 2"
$I2V train -q -i "$W/train.txt" -o "$W/hog_s.i2v" $PSET
$I2V train -q -i "$W/train.txt" -o "$W/det_s.i2v" $PSET --deterministic
$I2V train -q -i "$W/train.txt" -o "$W/det_s1.i2v" $PSET --deterministic --threads 1
planted() {
    $I2V eval -m "$1" --groups "$W/truth.tsv" --next-item "$W/test.txt" --train "$W/train.txt" \
        -k 10 --json | /usr/bin/python3 -c '
import json, math, sys
r = json.load(sys.stdin)
p = r["purity"]["purity"]; n = r["purity"]["used"] * 10
hr = r["next_item"]["model_alone"]["hr"]; lines = r["next_item"]["lines"]
print("%.4f ± %.4f | %.4f ± %.4f" % (p, math.sqrt(p * (1 - p) / n), hr,
                                     math.sqrt(hr * (1 - hr) / lines)))'
}

h2=$(median hog2) d2=$(median det2) h1=$(median hog1) d1=$(median det1)
echo "## Deterministic training — $(date -u +%Y-%m-%d), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo
echo "Brown x$REPEAT ($tokens tokens), skip-gram, dim 100, window 5, negative 5, sample 1e-3,"
echo "min-count 5, 1 epoch; median of $RUNS interleaved runs, whole process."
echo
echo "| training | threads | wall (s) | peak memory (MB) | WordSim-353 Spearman |"
echo "|---|---|---|---|---|"
echo "| Hogwild | 2 | $h2 | $(peak hog2) | $(spearman "$W/hog2.bin") |"
echo "| --deterministic | 2 | $d2 | $(peak det2) | $(spearman "$W/det2.bin") |"
echo "| Hogwild | 1 | $h1 | $(peak hog1) | $(spearman "$W/hog1.bin") |"
echo "| --deterministic | 1 | $d1 | $(peak det1) | $(spearman "$W/det1.bin") |"
echo
awk -v h="$h2" -v d="$d2" 'BEGIN { printf "- deterministic vs Hogwild, 2 threads: %.2fx the speed\n", h / d }'
awk -v a="$d1" -v b="$d2" 'BEGIN { printf "- deterministic, 2 threads vs 1: %.2fx\n", a / b }'
awk -v a="$h1" -v b="$h2" 'BEGIN { printf "- Hogwild, 2 threads vs 1: %.2fx\n", a / b }'
echo "- deterministic model, 1 thread vs 2 threads: $(same "$W/det1.bin" "$W/det2.bin");" \
     "first run vs last: $(same "$W/det2_first.bin" "$W/det2.bin")"
echo "- Hogwild model, 1 thread vs 2 threads: $(same "$W/hog1.bin" "$W/hog2.bin")"
echo
echo "Planted sessions (5 epochs, 2 threads; HR@10 of the model alone, no successor blend):"
echo
echo "| training | neighbour purity@10 | next-item HR@10 |"
echo "|---|---|---|"
echo "| Hogwild | $(planted "$W/hog_s.i2v") |"
echo "| --deterministic | $(planted "$W/det_s.i2v") |"
echo
echo "- planted model, deterministic on 1 thread vs 2: $(same "$W/det_s1.i2v" "$W/det_s.i2v")"
