#!/bin/sh
# The nearest-neighbour index measured from the outside:
#
#   scripts/bench-index.sh      (BUILD, THREADS; SIZES "100000 1000000",
#                                DIMS "64 128", QUERIES 10000, EFS "16 32 64 128 256";
#                                KEEP=DIR keeps the sessions and trained models
#                                there and uses them again)
#
# For each size and dimension: generated sessions over that many items
# (groups of 100), a model trained by item2vec on them, then
#   - `index` on THREADS threads: wall time, peak memory, bytes per item;
#   - QUERIES random items answered from standard input, exactly (the
#     blocked scan) and through the index at each --ef, on 1 and THREADS
#     threads: queries/s and recall@10 against the exact answers;
#   - one `similar` process, warm page cache (hyperfine when installed);
#   - `similar --all` through the index against the exact --all, the
#     exact one on a shard and extrapolated when the model is large;
#   - QUERIES histories (the first half of sessions drawn at random)
#     through `recommend`, exactly and through the index at each --ef, on
#     THREADS threads: histories/s and recall@10 against the exact answers.
# Prints Markdown on stdout.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
THREADS=${THREADS:-2}
SIZES=${SIZES:-100000 1000000}
DIMS=${DIMS:-64 128}
QUERIES=${QUERIES:-10000}
EFS=${EFS:-16 32 64 128 256}
I2V=$BUILD/item2vec
make -s "$I2V" "$BUILD/gensessions"
W=$(mktemp -d "${TMPDIR:-/tmp}/item2vec-bench-index.XXXXXX")
trap 'rm -rf "$W"' EXIT

# timed OUT CMD...: wall seconds and peak MB of one run ("s mb"), stdout in OUT.
timed() {
    out=$1
    shift
    /usr/bin/time -f "%e %M" -o "$W/time" "$@" >"$out" 2>"$W/err" || {
        cat "$W/err" >&2
        exit 1
    }
    awk '{ printf "%s %.0f\n", $1, $2 / 1024 }' "$W/time"
}

# recall GOT WANT: the share of WANT's (query, item) pairs GOT has.
recall() {
    awk -F'\t' 'NR == FNR { want[$1 "\t" $3] = 1; n++; next } ($1 "\t" $3) in want { hit++ }
        END { printf "%.4f", n ? hit / n : 0 }' "$2" "$1"
}

echo "## The nearest-neighbour index (HNSW), $(nproc) cores"
echo
K=${KEEP:-$W}
mkdir -p "$K"
for size in $SIZES; do
    S=$K/s-$size.txt
    [ -s "$S" ] || "$BUILD/gensessions" --seed 11 --items "$size" --groups $((size / 100)) \
        --sessions $((size * 2)) --min-len 5 --max-len 40 -o "$S"
    for dim in $DIMS; do
        M=$K/m-$size-$dim.i2v
        if [ ! -s "$M" ] || [ ! -s "$M.train-seconds" ]; then
            set -- $(timed /dev/null "$I2V" train -q -i "$S" -o "$M" --dim "$dim" --epochs 3 \
                --min-count 1 --threads "$THREADS")
            echo "$1" >"$M.train-seconds"
        fi
        train_s=$(cat "$M.train-seconds")
        items=$("$I2V" info -m "$M" | awk '$1 == "items" { print $2 }')
        set -- $(timed /dev/null "$I2V" index -q -m "$M" -o "$W/x.i2v" -t "$THREADS")
        build_s=$1 build_mb=$2
        bytes=$("$I2V" info -m "$W/x.i2v" | sed -n 's/^index.* \([0-9]*\) bytes (\([0-9.]*\) an item).*/\2/p')
        echo "### $items items x $dim dimensions (trained in $train_s s)"
        echo
        echo "Index built in $build_s s on $THREADS threads, peak $build_mb MB; $bytes bytes an item."
        echo
        # QUERIES item occurrences drawn at random from the sessions: popular
        # items are asked about more often, as in use.
        words=$(wc -w <"$S")
        awk -v p="$(awk -v q="$QUERIES" -v w="$words" 'BEGIN { print 2 * q / w }')" -v seed=5 '
            BEGIN { srand(seed) } { for (i = 1; i <= NF; i++) if (rand() < p) print $i }' "$S" |
            head -n "$QUERIES" >"$W/q.txt"
        echo "| search | threads | queries/s | recall@10 |"
        echo "|---|---|---|---|"
        for t in 1 "$THREADS"; do
            set -- $(timed "$W/exact.tsv" "$I2V" similar -m "$M" -k 10 -t "$t" <"$W/q.txt")
            exact_qps=$(awk -v s="$1" -v n="$QUERIES" 'BEGIN { printf "%.0f", n / s }')
            echo "| exact (blocked scan) | $t | $exact_qps | 1 |"
            for ef in $EFS; do
                set -- $(timed "$W/ann.tsv" "$I2V" similar -m "$W/x.i2v" -k 10 --ef "$ef" -t "$t" <"$W/q.txt")
                qps=$(awk -v s="$1" -v n="$QUERIES" 'BEGIN { printf "%.0f", n / s }')
                echo "| index, --ef $ef | $t | $qps ($(awk -v a="$qps" -v b="$exact_qps" 'BEGIN { printf "%.1fx", a / b }')) | $(recall "$W/ann.tsv" "$W/exact.tsv") |"
            done
        done
        echo
        one=$(head -n 1 "$W/q.txt")
        if command -v hyperfine >/dev/null 2>&1; then
            hyperfine -N -w 3 -r 20 --export-json "$W/h.json" \
                "$I2V similar -m $W/x.i2v $one" "$I2V similar -m $W/x.i2v --exact $one" >/dev/null 2>&1
            awk '/"command"/ { c = ($0 ~ /--exact/) ? "exact scan" : "index" } /"median"/ { gsub(/[^0-9.e-]/, "", $2); printf "One similar process, warm (median of 20): %s %.1f ms\n", c, $2 * 1000 }' "$W/h.json"
            echo
        fi
        set -- $(timed "$W/all-ann.tsv" "$I2V" similar -m "$W/x.i2v" --all -k 10 -t "$THREADS")
        all_s=$1
        if [ "$items" -le 200000 ]; then
            set -- $(timed "$W/all-exact.tsv" "$I2V" similar -m "$M" --all -k 10 -t "$THREADS")
            exact_all="$1 s"
            r=$(recall "$W/all-ann.tsv" "$W/all-exact.tsv")
        else
            set -- $(timed "$W/part.tsv" "$I2V" similar -m "$M" --all -k 10 -t "$THREADS" --shard 1/100)
            exact_all="$(awk -v s="$1" 'BEGIN { printf "%.0f", s * 100 }') s (shard 1 of 100: $1 s, times 100)"
            awk -F'\t' 'NR == FNR { q[$1] = 1; next } $1 in q' "$W/part.tsv" "$W/all-ann.tsv" >"$W/all-ann-part.tsv"
            r=$(recall "$W/all-ann-part.tsv" "$W/part.tsv")
        fi
        echo "similar --all -k 10 on $THREADS threads: through the index $all_s s, exact $exact_all; recall@10 $r."
        echo
        awk -v p="$(awk -v q="$QUERIES" -v n="$(wc -l <"$S")" 'BEGIN { print 2 * q / n }')" -v seed=9 '
            BEGIN { srand(seed) } NF >= 4 && rand() < p { h = $1; for (i = 2; i <= int(NF / 2); i++) h = h " " $i; print h }' \
            "$S" | head -n "$QUERIES" >"$W/h.txt"
        echo "| recommend ($(wc -l <"$W/h.txt") histories) | threads | histories/s | recall@10 |"
        echo "|---|---|---|---|"
        set -- $(timed "$W/rec-exact.tsv" "$I2V" recommend -m "$W/x.i2v" --exact -t "$THREADS" <"$W/h.txt")
        exact_hps=$(awk -v s="$1" -v n="$(wc -l <"$W/h.txt")" 'BEGIN { printf "%.0f", n / s }')
        echo "| exact (blocked scan) | $THREADS | $exact_hps | 1 |"
        for ef in $EFS; do
            set -- $(timed "$W/rec-ann.tsv" "$I2V" recommend -m "$W/x.i2v" --ef "$ef" -t "$THREADS" <"$W/h.txt")
            hps=$(awk -v s="$1" -v n="$(wc -l <"$W/h.txt")" 'BEGIN { printf "%.0f", n / s }')
            echo "| index, --ef $ef | $THREADS | $hps ($(awk -v a="$hps" -v b="$exact_hps" 'BEGIN { printf "%.1fx", a / b }')) | $(recall "$W/rec-ann.tsv" "$W/rec-exact.tsv") |"
        done
        echo
    done
done
