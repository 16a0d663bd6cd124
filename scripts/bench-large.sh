#!/bin/sh
# A large input, end to end: generated sessions streamed into `train`
# through a pipe (standard input is spooled once as item ids), with 10
# million distinct items counted and the vocabulary capped at 1 million.
#
#   scripts/bench-large.sh [SESSIONS]   (THREADS, BUILD, DIM, TMPDIR override)
#
# SESSIONS (default 10,000,000) of 10..90 events, 50 on average: 500
# million item occurrences.  Reports the wall time, peak memory, the
# disk the run took at the most (the spool), what train counted, and that
# the model verifies.  Prints Markdown on stdout.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
THREADS=${THREADS:-2}
DIM=${DIM:-32}
SESSIONS=${1:-10000000}
I2V=$BUILD/item2vec
make -s "$I2V" "$BUILD/gensessions"
W=$(mktemp -d "${TMPDIR:-/tmp}/item2vec-bench-large.XXXXXX")
trap 'kill "$watch" 2>/dev/null; rm -rf "$W"' EXIT
mkdir "$W/tmp"

# The spool is unlinked as soon as it is made, so no directory listing
# shows it: the file system's used space above its level at the start,
# sampled every second, is what the run took on disk.
used_kb() { df -Pk "$W/tmp" | awk 'NR == 2 { print $3 }'; }
base=$(used_kb)
( peak=0
  while :; do
      s=$(($(used_kb) - base))
      [ "$s" -gt "$peak" ] && peak=$s && echo "$peak" >"$W/peak-disk"
      sleep 1
  done ) &
watch=$!

start=$(date +%s)
"$BUILD/gensessions" --items 10000000 --groups 10000 --sessions "$SESSIONS" --min-len 10 \
    --max-len 90 --seed 7 |
    /usr/bin/time -v -o "$W/time" "$I2V" train -i - -o "$W/big.i2v" --tmpdir "$W/tmp" \
        --max-vocab 1000000 --min-count 1 --dim "$DIM" --epochs 1 --threads "$THREADS" \
        2>"$W/train.log"
end=$(date +%s)
kill "$watch" 2>/dev/null || true
verify=fails
"$I2V" info -m "$W/big.i2v" --verify >"$W/info.txt" 2>&1 && verify=passes

echo "## Large input: $SESSIONS generated sessions through a pipe"
echo
echo '```'
grep -v '^epoch' "$W/train.log" | head -n 5
grep '^epoch' "$W/train.log" | tail -n 1
echo '```'
echo
echo "| measure | value |"
echo "|---|---|"
echo "| wall time, generation and training | $((end - start)) s |"
awk -F': ' '/Maximum resident set size/ { printf "| peak memory of train | %.0f MB |\n", $2 / 1024 }
            /Elapsed \(wall clock\)/ { printf "| wall time of train | %s |\n", $2 }' "$W/time"
printf '| disk taken at the most (the spool; other writers on the disk count too) | %.2f GB |\n' \
    "$(awk '{ print $1 / 1048576 }' "$W/peak-disk" 2>/dev/null || echo 0)"
printf '| model file | %.0f MB |\n' "$(du -k "$W/big.i2v" | awk '{ print $1 / 1024 }')"
awk '$1 == "items" { printf "| items kept | %s |\n", $2 }
     $1 == "counts" { sub(/^counts +/, ""); printf "| counts | %s |\n", $0 }' "$W/info.txt"
echo "| info --verify | $verify |"
