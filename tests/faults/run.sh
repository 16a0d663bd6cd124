#!/bin/sh
# make check-faults: every subcommand on a small input, with its Nth
# allocation or I/O call made to fail, for N = 1, 2, 3 ... until a run no
# longer reaches call N.
#
#   tests/faults/run.sh FAULT-BINARY PLAIN-BINARY GENSESSIONS
#
# FAULT-BINARY is item2vec built with AddressSanitizer and linked with
# tests/faults/shim.c.  A run with a call failed passes when it
#   - exits 1 with a message from item2vec on stderr, or exits 0 with the
#     output the run without failures gives (a failure it could work
#     around), or, for a query (stdout), exits 1 after part of its answers;
#   - dies of no signal and draws no report from AddressSanitizer (a leak
#     included);
#   - leaves no temporary file behind, and the previous output file as it
#     was (for commands that write one).
# Prints one line per subcommand: injection points reached and passed; the
# last line is "N passed, N failed" over all runs.
set -u
FAULT=$1
PLAIN=$2
GEN=$3
T=$(mktemp -d "${TMPDIR:-/tmp}/item2vec-faults.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
export ASAN_OPTIONS=detect_leaks=1:exitcode=23:abort_on_error=0
total_pass=0 total_fail=0

# The inputs: small, so that a run makes few calls.
"$GEN" --items 60 --groups 4 --sessions 120 --min-len 3 --max-len 8 --seed 3 -o "$T/s.txt" \
    --truth "$T/truth.tsv" || exit 1
"$PLAIN" split -q -i "$T/s.txt" --train "$T/train.txt" --test "$T/test.txt" || exit 1
head -n 5 "$T/test.txt" | awk '{ NF = NF - 1; print }' >"$T/histories.txt"
M="--dim 8 --epochs 1 --threads 1 --min-count 1 -q"
"$PLAIN" train -i "$T/s.txt" -o "$T/model.i2v" $M || exit 1
"$PLAIN" convert -m "$T/model.i2v" -o "$T/model.txt" || exit 1
"$PLAIN" index -q -t 1 -m "$T/model.i2v" -o "$T/indexed.i2v" || exit 1
printf 'user,item,time\nu1,a,1\nu1,b,2\nu2,a,5\nu2,c,9\nu1,c,3000\n' >"$T/events.csv"
printf 'item_1 item_2 3\nitem_3 item_5 1\nitem_2 item_9 2\nitem_4 item_8 5\n' >"$T/pairs.txt"
printf 'item_1 item_2 item_3 item_4\nitem_5 item_6 item_7 item_8\n' >"$T/questions.txt"
awk '{ print $1 "\tcolour_" ($1 ~ /[02468]$/ ? "even" : "odd") }' "$T/truth.tsv" | head -n 20 \
    >"$T/features.tsv"
printf 'new_1\tcolour_even\nnew_2\tcolour_odd\n' >>"$T/features.tsv"

# scenario NAME OUTPUT CMD...: OUTPUT is the file the command writes (-
# for standard output; $also names a second one).  The first run, without
# failures, gives the call count and the reference output.
also=''
scenario() {
    name=$1 out=$2
    shift 2
    rm -f "$T/count"
    if [ "$out" != - ]; then echo previous >"$out"; fi
    ITEM2VEC_FAULT_COUNT=$T/count "$FAULT" "$@" >"$T/ref.stdout" 2>"$T/ref.stderr"
    rc=$?
    if [ "$rc" -ne 0 ] || [ ! -f "$T/count" ]; then
        echo "FAIL: $name: the run without failures exits $rc: $(head -c 300 "$T/ref.stderr")"
        total_fail=$((total_fail + 1))
        return
    fi
    calls=$(cat "$T/count")
    [ "$out" != - ] && cp "$out" "$T/ref.out"
    points=0 passed=0
    n=1
    while [ "$n" -le "$calls" ]; do
        points=$((points + 1))
        if [ "$out" != - ]; then echo previous >"$out"; fi
        if [ -n "$also" ]; then echo previous >"$also"; fi
        ITEM2VEC_FAULT_AT=$n "$FAULT" "$@" >"$T/stdout" 2>"$T/stderr"
        rc=$?
        why=''
        if [ "$rc" -ge 128 ]; then
            why="died of signal $((rc - 128))"
        elif [ "$rc" -eq 23 ] || grep -q 'Sanitizer' "$T/stderr"; then
            why="AddressSanitizer: $(grep -m1 'ERROR\|SUMMARY' "$T/stderr")"
        elif [ "$rc" -eq 0 ]; then
            if [ "$out" = - ]; then
                cmp -s "$T/stdout" "$T/ref.stdout" || why="exit 0 with other output"
            else
                cmp -s "$out" "$T/ref.out" || why="exit 0 with another output file"
            fi
        elif [ "$rc" -eq 1 ]; then
            grep -q '^item2vec' "$T/stderr" || why="exit 1 without a message"
            for f in $out $also; do
                if [ "$f" != - ] && [ "$(cat "$f" 2>/dev/null)" != previous ]; then
                    why="exit 1 but the previous $f was changed"
                fi
            done
        else
            why="exit $rc"
        fi
        if ls -a "$T" | grep -q '\.tmp-'; then
            why="${why:+$why; }a temporary file was left"
            rm -f "$T"/.*.tmp-*
        fi
        if [ -z "$why" ]; then
            passed=$((passed + 1))
            total_pass=$((total_pass + 1))
        else
            total_fail=$((total_fail + 1))
            echo "FAIL: $name, call $n of $calls: $why" >&2
            head -c 300 "$T/stderr" | sed 's/^/    /' >&2
        fi
        n=$((n + 1))
    done
    printf '%-12s %5d injection points, %5d passed\n' "$name" "$points" "$passed"
}

scenario vocab - vocab -i "$T/s.txt"
scenario train "$T/out.i2v" train -i "$T/train.txt" -o "$T/out.i2v" $M
scenario train-bin "$T/out.bin" train -i "$T/train.txt" -o "$T/out.bin" $M
scenario train-deterministic "$T/out.i2v" train -i "$T/train.txt" -o "$T/out.i2v" $M --deterministic
scenario resume "$T/out.i2v" train -i "$T/test.txt" --resume "$T/model.i2v" -o "$T/out.i2v" $M
scenario similar - similar -m "$T/model.i2v" -k 3 -t 1 item_1 item_2
scenario similar-txt - similar -m "$T/model.txt" -k 3 -t 1 item_1
scenario similar-index - similar -m "$T/indexed.i2v" -k 3 -t 1 item_1 item_2
scenario index "$T/out.i2v" index -q -t 1 -m "$T/model.i2v" -o "$T/out.i2v"
scenario analogy - analogy -m "$T/model.i2v" -k 2 -t 1 item_1 item_2 item_3
scenario recommend - recommend -m "$T/model.i2v" -k 3 -t 1 -i "$T/histories.txt"
scenario eval - eval -m "$T/model.i2v" --next-item "$T/test.txt" --train "$T/train.txt" \
    --pairs "$T/pairs.txt" --analogies "$T/questions.txt" --dims
scenario info - info -m "$T/model.i2v" --verify
scenario info-index - info -m "$T/indexed.i2v" --verify
scenario convert "$T/out.txt" convert -m "$T/model.i2v" -o "$T/out.txt"
scenario sessions "$T/out.txt" sessions -q -i "$T/events.csv" --user user --item item \
    --time time -o "$T/out.txt"
also=$T/out2.txt
scenario split "$T/out.txt" split -q -i "$T/s.txt" --train "$T/out.txt" --test "$T/out2.txt"
also=''
scenario coldstart "$T/out.i2v" coldstart -q -m "$T/model.i2v" -f "$T/features.tsv" \
    -o "$T/out.i2v"
scenario plot "$T/out.svg" plot -q -m "$T/model.i2v" --method pca -o "$T/out.svg"
scenario tune "$T/out.i2v" tune -q -i "$T/s.txt" -o "$T/out.i2v" --trials 2 --max-epochs 1 \
    --threads 1 --validation 20 --min-count 1
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
