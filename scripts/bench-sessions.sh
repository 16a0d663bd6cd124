#!/bin/sh
# Benchmark of `item2vec sessions` (not a test): generates a synthetic log
# with build/genevents, turns it into sessions once per memory budget, and
# reports events per second, peak resident memory and sorted runs on disk.
# The outputs of all budgets must be identical.  Everything it writes goes
# to one temporary directory, removed at the end.
#
#   scripts/bench-sessions.sh                      # 20 million events, 1G and 64M
#   EVENTS=2000000 MEMS="1G 16M" scripts/bench-sessions.sh
#
# Environment: EVENTS (20000000), USERS (1000000), ITEMS (100000),
# MEMS ("1G 64M"), TIME_FORMAT (s, ms or iso; default s), BUILD (build),
# TMPDIR (where the log, the outputs and the sorted runs go).
set -eu
cd "$(dirname "$0")/.."
EVENTS=${EVENTS:-20000000}
USERS=${USERS:-1000000}
ITEMS=${ITEMS:-100000}
MEMS=${MEMS:-"1G 64M"}
TIME_FORMAT=${TIME_FORMAT:-s}
BUILD=${BUILD:-build}
BIN=$BUILD/item2vec
GEN=$BUILD/genevents

[ -x /usr/bin/time ] || { echo "bench-sessions: needs /usr/bin/time (GNU time) for peak memory" >&2; exit 1; }
make -s "$BIN" "$GEN"

W=$(mktemp -d "${TMPDIR:-/tmp}/item2vec-bench-sessions.XXXXXX")
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

# seconds FILE: the wall-clock time GNU time -v wrote, in seconds.
seconds() {
    sed -n 's/.*Elapsed (wall clock) time.*: //p' "$1" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'
}
peak_mib() {
    sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" | awk '{ printf "%.0f", $1 / 1024 }'
}

echo "generating $EVENTS events ($USERS users, $ITEMS items, time format $TIME_FORMAT)..."
/usr/bin/time -v "$GEN" --events "$EVENTS" --users "$USERS" --items "$ITEMS" \
    --groups 200 --concurrent 20000 --time-format "$TIME_FORMAT" -o "$W/log.csv" 2>"$W/gen.time"
log_mib=$(du -m "$W/log.csv" | cut -f1)
echo "log: $log_mib MiB in $(seconds "$W/gen.time") s"
echo
printf '%-6s %9s %12s %10s %6s\n' mem seconds events/s "peak MiB" runs
first=
for mem in $MEMS; do
    mkdir -p "$W/runs"
    /usr/bin/time -v "$BIN" sessions -i "$W/log.csv" --user user_id --item item_id --time ts \
        --gap 30m --mem "$mem" --tmpdir "$W/runs" -o "$W/out-$mem.txt" 2>"$W/run-$mem.log"
    secs=$(seconds "$W/run-$mem.log")
    runs=$(sed -n 's/.*; \([0-9]*\) sorted runs on disk).*/\1/p' "$W/run-$mem.log")
    printf '%-6s %9s %12.0f %10s %6s\n' "$mem" "$secs" "$(echo "$EVENTS $secs" | awk '{ print $1 / $2 }')" \
        "$(peak_mib "$W/run-$mem.log")" "${runs:-0}"
    if [ -z "$first" ]; then
        first=$mem
    elif ! cmp -s "$W/out-$first.txt" "$W/out-$mem.txt"; then
        echo "bench-sessions: --mem $mem gave a different output than --mem $first" >&2
        exit 1
    fi
    [ -z "$(ls -A "$W/runs")" ] || { echo "bench-sessions: sorted runs left behind" >&2; exit 1; }
done
echo
grep 'events of' "$W/run-$first.log" | sed 's/^item2vec sessions: //'
echo "outputs identical across budgets: yes ($(wc -l <"$W/out-$first.txt") sessions)"
