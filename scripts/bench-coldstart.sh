#!/bin/sh
# Cold start on planted data: how well `item2vec coldstart` places items
# that were never seen in training, from their features alone.
#
#   scripts/bench-coldstart.sh [ITEMS] [GROUPS] [SESSIONS]
#
# Planted sessions (default 20,000 items in 100 groups, 30,000 sessions,
# noise 0.4, switch 0.15: a long tail of rare items, where a model trained
# on everything reaches a neighbour purity near 0.84), and features from
# genfeatures: the item's group as a category, a brand shared by a few
# groups, three noise tags.  10% of the items are chosen as cold: every
# occurrence is removed from the sessions before training (their features
# are kept).  Then neighbour purity@10 of those cold items, i.e. the share
# of their 10 nearest neighbours (cosine) that are in their planted group,
# measured among all items and among the items seen in training only, for:
# random vectors, coldstart --method mean, coldstart ridge, and the same
# items in a model trained with them (the ceiling).  Three feature sets:
# exact categories, 20% of categories wrong, no category at all.  Also
# what --fuse does to the purity of the known items, and the time of the
# conjugate-gradient path on a large random catalogue (200k items, ~49k
# features; SCALE=0 skips it).  Prints Markdown.
set -eu
cd "$(dirname "$0")/.."
ITEMS=${1:-20000}
GROUPS=${2:-100}
SESSIONS=${3:-30000}
make -s build/item2vec build/gensessions build/genfeatures
I2V=build/item2vec
W=$(mktemp -d "${TMPDIR:-/tmp}/item2vec-bench-cold.XXXXXX")
trap 'rm -rf "$W"' EXIT
TRAIN="--dim 100 --window 5 --negative 5 --epochs 5 --min-count 5 --threads 1 --seed 1"
K=10

build/gensessions --items "$ITEMS" --groups "$GROUPS" --sessions "$SESSIONS" --noise 0.4 \
    --switch 0.15 --seed 11 -o "$W/sessions.txt" --truth "$W/truth.tsv"
build/genfeatures --truth "$W/truth.tsv" --cold "$W/cold.txt" --seed 7 -o "$W/exact.tsv"
build/genfeatures --truth "$W/truth.tsv" --mislabel 0.2 --seed 7 -o "$W/mislabel.tsv"
sed 's/\tcategory:[^ ]* /\t/' "$W/exact.tsv" >"$W/nocategory.tsv"

# The sessions without the cold items (a session left empty is dropped).
awk 'NR == FNR { cold[$1] = 1; next }
     { out = ""; for (i = 1; i <= NF; i++) if (!($i in cold)) out = out (out == "" ? "" : " ") $i
       if (out != "") print out }' "$W/cold.txt" "$W/sessions.txt" >"$W/warm.txt"
$I2V train -q -i "$W/sessions.txt" -o "$W/full.i2v" $TRAIN
$I2V train -q -i "$W/warm.txt" -o "$W/warm.i2v" $TRAIN
$I2V convert -m "$W/warm.i2v" -o "$W/warm.txt.vec" 2>/dev/null
known=$(head -1 "$W/warm.txt.vec" | cut -d' ' -f1)
dim=$(head -1 "$W/warm.txt.vec" | cut -d' ' -f2)
$I2V convert -m "$W/full.i2v" -o "$W/full.vec" 2>/dev/null
awk 'NR > 1 { print $1 }' "$W/full.vec" | sort >"$W/full.items"
sort "$W/cold.txt" | comm -12 - "$W/full.items" >"$W/cold-in-full.txt"

# Random placement: uniform random vectors for the cold items.
awk -v n="$known" -v d="$dim" 'NR == FNR { cold[++c] = $1; next }
     FNR == 1 { srand(5); print n + c, d; next } { print }
     END { for (i = 1; i <= c; i++) { line = cold[i]
               for (j = 0; j < d; j++) line = line " " (2 * rand() - 1)
               print line } }' "$W/cold.txt" "$W/warm.txt.vec" >"$W/random.vec"

# share_in_group: purity of `similar` answers read on stdin.
share_in_group() {
    awk -F '\t' -v truth="$W/truth.tsv" '
        BEGIN { while ((getline l < truth) > 0) { split(l, a, "\t"); g[a[1]] = a[2] } }
        { n++; same += g[$1] == g[$3] } END { printf "%.3f", same / n }'
}
# purity MODEL ITEMS: purity@K of ITEMS among all items, then among the
# items seen in training only.  The models cold start writes have those
# first (--restrict); in the full model they are found by name.
purity() {
    all=$($I2V similar -m "$1" -k $K <"$2" | share_in_group)
    if [ "$1" = "$W/full.i2v" ]; then
        seen=$($I2V similar -m "$1" -k 200 <"$2" |
            awk -F '\t' -v k=$K -v coldf="$W/cold.txt" '
                BEGIN { while ((getline l < coldf) > 0) cold[l] = 1 }
                !($3 in cold) && kept[$1]++ < k' | share_in_group)
    else
        seen=$($I2V similar -m "$1" -k $K --restrict "$known" <"$2" | share_in_group)
    fi
    echo "$all $seen"
}
row() { # LABEL MODEL ITEMS
    p=$(purity "$2" "$3")
    echo "| $1 | ${p% *} | ${p#* } |"
}
coldstart() { # FEATURES OUT [options]; the summary goes to $W/log
    f=$1 o=$2
    shift 2
    $I2V coldstart -m "$W/warm.i2v" --features "$f" -o "$o" "$@" 2>"$W/log"
}

start=$(date +%s.%N)
coldstart "$W/exact.tsv" "$W/ridge-exact.i2v"
end=$(date +%s.%N)
placed=$(sed -n 's/.*placed \([0-9]*\) cold items.*/\1/p' "$W/log")
coldstart "$W/exact.tsv" "$W/mean-exact.i2v" --method mean
for lambda in 0.1 10 100; do
    coldstart "$W/exact.tsv" "$W/ridge-exact-$lambda.i2v" --lambda $lambda
done
coldstart "$W/mislabel.tsv" "$W/ridge-mislabel.i2v"
coldstart "$W/mislabel.tsv" "$W/mean-mislabel.i2v" --method mean
coldstart "$W/nocategory.tsv" "$W/ridge-nocategory.i2v"
coldstart "$W/nocategory.tsv" "$W/mean-nocategory.i2v" --method mean

n_cold=$(wc -l <"$W/cold.txt")
n_full=$(wc -l <"$W/cold-in-full.txt")
echo "## Cold start benchmark — $(date -u +%Y-%m-%d)"
echo
echo "Planted sessions: $ITEMS items in $GROUPS groups, $SESSIONS sessions (noise 0.4, switch 0.15);"
echo "$n_cold items (10%) hidden from training, $known items in the model trained without"
echo "them (dim $dim, 5 epochs, min-count 5); coldstart places $placed items: the hidden ones and"
echo "those under min-count.  Features per item: category = planted group,"
echo "a brand shared by ~$(( 2 * GROUPS / 40 )) groups, 3 noise tags out of 100.  Neighbour purity@$K of the cold items:"
echo "share of their $K nearest neighbours in their planted group, among all items / among"
echo "the items seen in training only.  Chance level: 1/$GROUPS = $(awk -v g="$GROUPS" 'BEGIN { printf "%.3f", 1 / g }')."
echo
echo "| placement of the cold items | purity@$K, all items | purity@$K, known items only |"
echo "|---|---|---|"
row "random vectors" "$W/random.vec" "$W/cold.txt"
row "coldstart --method mean" "$W/mean-exact.i2v" "$W/cold.txt"
row "coldstart (ridge, lambda 1)" "$W/ridge-exact.i2v" "$W/cold.txt"
for lambda in 0.1 10 100; do
    row "coldstart --lambda $lambda" "$W/ridge-exact-$lambda.i2v" "$W/cold.txt"
done
row "coldstart, 20% of categories wrong" "$W/ridge-mislabel.i2v" "$W/cold.txt"
row "coldstart --method mean, 20% wrong" "$W/mean-mislabel.i2v" "$W/cold.txt"
row "coldstart, no category (brand + tags)" "$W/ridge-nocategory.i2v" "$W/cold.txt"
row "coldstart --method mean, no category" "$W/mean-nocategory.i2v" "$W/cold.txt"
row "trained with them (full model; the $n_full that reach min-count)" "$W/full.i2v" \
    "$W/cold-in-full.txt"
row "coldstart (ridge), the same $n_full items" "$W/ridge-exact.i2v" "$W/cold-in-full.txt"
echo
awk -v a="$start" -v b="$end" 'BEGIN { printf "coldstart (ridge, exact features) took %.2f s wall.\n", b - a }'

# --fuse on the known items: purity of the items the warm model has.
awk 'NR > 1 { print $1 }' "$W/warm.txt.vec" >"$W/known.txt"
echo
echo "--fuse on the $known known items (purity@$K among the known items; features with 20% of"
echo "categories wrong):"
echo
echo "| known items | purity@$K |"
echo "|---|---|"
p=$(purity "$W/warm.i2v" "$W/known.txt")
echo "| behaviour only (no --fuse) | ${p#* } |"
for a in 0.7 0.5 0; do
    coldstart "$W/mislabel.tsv" "$W/fuse-$a.i2v" --fuse $a
    p=$(purity "$W/fuse-$a.i2v" "$W/known.txt")
    echo "| --fuse $a | ${p#* } |"
done

[ "${SCALE:-1}" = 0 ] && exit 0
# The conjugate-gradient path: 200k random items of dim 100 and 20k cold
# ones, each with a category of 500 and 8 tags of ~50k (skewed).
make -s build/genmodel
build/genmodel --items 200000 --dim 100 -o "$W/big.bin"
awk 'BEGIN { srand(3); for (i = 1; i <= 220000; i++) { line = "item_" i "\tcat:" int(rand() * 500)
             for (k = 0; k < 8; k++) line = line " tag:" int(rand() * rand() * 50000)
             print line } }' >"$W/big.tsv"
/usr/bin/time -f "%e %M" -o "$W/time" $I2V coldstart -m "$W/big.bin" --features "$W/big.tsv" \
    -o "$W/big-cold.i2v" 2>"$W/log"
echo
sed -n 's/.*fitted \([0-9]*\) features on \([0-9]*\) items .*conjugate gradient, \([0-9]*\) iterations.*/\1 \2 \3/p' \
    "$W/log" | {
    read -r features items iterations
    read -r wall kb <"$W/time"
    echo "Large catalogue: $items known items (dim 100), $features features, 20,000 cold items:"
    awk -v w="$wall" -v k="$kb" -v it="$iterations" 'BEGIN {
        printf "conjugate gradient, %d iterations; %.1f s wall, %.0f MB peak, whole command.\n",
               it, w, k / 1024 }'
}
