#!/bin/sh
# bench-plot.sh — how long `item2vec plot` takes to project: exact t-SNE
# at 1,000, 2,000 and 5,000 items on one thread and on all, and PCA, on a
# model of planted sessions (5,000 items in 50 groups, 64 dimensions).
# The times are those plot reports for the projection alone (wall clock);
# drawing the SVG takes milliseconds.  Usage: scripts/bench-plot.sh [DIR]
# (DIR keeps the data and maps; default: a temporary directory).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${I2V:-$here/build/item2vec}
gen=$here/build/gensessions
[ -x "$bin" ] && [ -x "$gen" ] || { echo "bench-plot.sh: run 'make' first" >&2; exit 1; }
if [ $# -gt 0 ]; then
    dir=$1
    mkdir -p "$dir"
else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/item2vec-bench-plot.XXXXXX")
    trap 'rm -rf "$dir"' EXIT
fi
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)

"$gen" --items 5000 --groups 50 --sessions 60000 --seed 1 -o "$dir/sessions.txt" \
    --truth "$dir/truth.tsv"
"$bin" train -q -i "$dir/sessions.txt" -o "$dir/model.i2v" --dim 64 --epochs 5

# seconds METHOD TOP THREADS: the projection time plot reports.
seconds() {
    "$bin" plot -m "$dir/model.i2v" -o "$dir/map-$1-$2-$3.svg" --method "$1" --top "$2" \
        --threads "$3" --groups "$dir/truth.tsv" 2>&1 |
        sed -n 's/.*, \([0-9.]*\) s; .*/\1/p'
}

printf '%-6s %6s %12s %12s\n' method items "1 thread" "$cpus threads"
for top in 1000 2000 5000; do
    printf '%-6s %6s %11ss %11ss\n' t-SNE "$top" "$(seconds tsne "$top" 1)" \
        "$(seconds tsne "$top" "$cpus")"
done
printf '%-6s %6s %11ss\n' PCA 5000 "$(seconds pca 5000 1)"
