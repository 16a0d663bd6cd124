#!/bin/sh
# Query benchmark (not a test): how long users wait for answers.
#
#   scripts/bench-query.sh            # after `make`; about a minute or two
#
# 1. A random 1,000,000 x 128 model (word2vec binary, 525 MB) from
#    build/genmodel, converted to native (.i2v, 548 MB).
# 2. Parse speed of the word2vec binary: `item2vec info` opens it (reads
#    every byte, builds the item index and the norms); MB/s = size / wall.
# 3. One `item2vec similar` process on the native file, warm page cache:
#    start, map, check the small sections, scan 512 MB of vectors, print.
# 4. `similar --all -k 10` on a 100,000 x 128 model, all threads.
# 5. gensim, when python3 can import it: load_word2vec_format of the same
#    .bin, then its first most_similar, with peak memory.
#
# Each timing is repeated REPEAT times (default 5; --all 1 time) and the
# minimum and median are shown: the machine may be shared, and the minimum
# is the closest to what the code costs.  Files go to a temporary directory
# (TMPDIR or /tmp) that is removed at the end.  Environment: ITEMS, DIM,
# ALL_ITEMS, REPEAT, THREADS, I2V, GENMODEL.
set -eu
cd "$(dirname "$0")/.."
I2V=${I2V:-build/item2vec}
GENMODEL=${GENMODEL:-build/genmodel}
ITEMS=${ITEMS:-1000000}
DIM=${DIM:-128}
ALL_ITEMS=${ALL_ITEMS:-100000}
REPEAT=${REPEAT:-5}
THREADS=${THREADS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
for tool in "$I2V" "$GENMODEL"; do
    [ -x "$tool" ] || { echo "bench-query: $tool is missing; run make first" >&2; exit 2; }
done

D=$(mktemp -d "${TMPDIR:-/tmp}/item2vec-bench.XXXXXX")
trap 'rm -rf "$D"' EXIT INT TERM

now() { date +%s.%N; }

# seconds CMD...: runs CMD (output discarded) REPEAT times; prints
# "min median" in seconds.
seconds() {
    : >"$D/times"
    i=0
    while [ $i -lt "$REPEAT" ]; do
        start=$(now)
        "$@" >/dev/null
        end=$(now)
        echo "$start $end" | awk '{ printf "%.4f\n", $2 - $1 }' >>"$D/times"
        i=$((i + 1))
    done
    sort -n "$D/times" | awk '{ t[NR] = $1 } END { printf "%.3f %.3f\n", t[1], t[int((NR + 1) / 2)] }'
}

warm() { cat "$@" >/dev/null; }

echo "item2vec query benchmark: $ITEMS x $DIM, $(getconf _NPROCESSORS_ONLN) CPUs, $(uname -m)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"

"$GENMODEL" --items "$ITEMS" --dim "$DIM" -o "$D/big.bin"
"$I2V" convert -m "$D/big.bin" -o "$D/big.i2v"
bin_bytes=$(wc -c <"$D/big.bin")
warm "$D/big.bin" "$D/big.i2v"

set -- $(seconds "$I2V" info -m "$D/big.bin")
echo "word2vec binary parse ($bin_bytes bytes): min $1 s, median $2 s;" \
    "$(awk -v b="$bin_bytes" -v t="$1" 'BEGIN { printf "%.0f", b / t / 1e6 }') MB/s at best," \
    "$(awk -v b="$bin_bytes" -v t="$2" 'BEGIN { printf "%.0f", b / t / 1e6 }') MB/s median (target >= 400)"

set -- $(seconds "$I2V" similar -m "$D/big.i2v" -k 10 item_1)
echo "one similar process, native, warm cache: min $1 s, median $2 s (target < 0.15)"

set -- $(seconds "$I2V" similar -m "$D/big.bin" -k 10 item_1)
echo "one similar process, word2vec binary (parsed each time): min $1 s, median $2 s"
if [ -x /usr/bin/time ]; then
    rss=$(/usr/bin/time -f %M "$I2V" similar -m "$D/big.i2v" item_1 2>&1 >/dev/null | tail -1)
    echo "one similar process, native: peak RSS $((rss / 1024)) MB (mapped file pages, shared" \
        "with the page cache, included)"
fi

"$GENMODEL" --items "$ALL_ITEMS" --dim "$DIM" --seed 2 -o "$D/mid.bin"
"$I2V" convert -m "$D/mid.bin" -o "$D/mid.i2v"
warm "$D/mid.i2v"
set -- $(REPEAT=1 seconds "$I2V" similar -m "$D/mid.i2v" --all -k 10 --threads "$THREADS")
echo "similar --all -k 10, $ALL_ITEMS x $DIM, $THREADS threads: $1 s (target < 60)"

if /usr/bin/python3 -c 'import gensim' >/dev/null 2>&1; then
    /usr/bin/python3 - "$D/big.bin" <<'EOF'
import resource, sys, time
from gensim.models import KeyedVectors
t0 = time.time()
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
t1 = time.time()
kv.most_similar("item_1", topn=10)
t2 = time.time()
kv.most_similar("item_2", topn=10)
t3 = time.time()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("gensim: load %.2f s, first most_similar %.2f s, second %.3f s, peak %.0f MB"
      % (t1 - t0, t2 - t1, t3 - t2, peak))
EOF
else
    echo "gensim: skipped (python3 cannot import gensim)"
fi
