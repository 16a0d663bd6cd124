# item2vec tune from the outside: what it refuses and why, what it
# reports, that the model it writes holds the winning settings, that a run
# with its plan fixed repeats itself byte for byte, and that a failure
# leaves the user's files alone.
. tests/cli/lib.sh

head -n 3000 data/sessions.txt >"$T/s.txt"
QUICK="--trials 4 --max-epochs 3 --threads 1 --validation 300 --budget 5m -q"

# --- refusals ---------------------------------------------------------------
expect_fail "tune: a budget of 0 is a usage error" 2 "budget" \
    "$I2V" tune -i "$T/s.txt" -o "$T/m.i2v" --budget 0
expect_fail "tune: a budget that is not a time is a usage error" 2 "not a time" \
    "$I2V" tune -i "$T/s.txt" -o "$T/m.i2v" --budget 5x
expect_fail "tune: an unknown metric is a usage error naming the choices" 2 "hr, mrr, ndcg" \
    "$I2V" tune -i "$T/s.txt" -o "$T/m.i2v" --metric accuracy
expect_fail "tune: --metric purity without --groups is a usage error" 2 "needs --groups" \
    "$I2V" tune -i "$T/s.txt" -o "$T/m.i2v" --metric purity
expect_fail "tune: --metric spearman without --pairs is a usage error" 2 "needs --pairs" \
    "$I2V" tune -i "$T/s.txt" -o "$T/m.i2v" --metric spearman
expect_fail "tune: a word2vec output name is refused (successors would be lost)" 2 "native" \
    "$I2V" tune -i "$T/s.txt" -o "$T/m.bin"
expect_fail "tune: a missing --groups file is named" 1 "nogroups.tsv" \
    "$I2V" tune -i "$T/s.txt" -o "$T/m.i2v" --metric purity --groups "$T/nogroups.tsv"
expect_fail "tune: a grid naming no parameter is a usage error" 2 "not a training parameter" \
    "$I2V" tune -i "$T/s.txt" -o "$T/m.i2v" --grid "colour=1,2"
expect_fail "tune: a grid value out of range is a usage error naming it" 2 "window" \
    "$I2V" tune -i "$T/s.txt" -o "$T/m.i2v" --grid "window=2,-1"

printf 'a b\nb c\nc d\nd a\n' >"$T/tiny.txt"
echo "precious" >"$T/kept.i2v"
expect_fail "tune: an input too small to hold out validation lines is named, exit 1" 1 \
    "tiny.txt.*too few" "$I2V" tune -i "$T/tiny.txt" -o "$T/kept.i2v" $QUICK
[ "$(cat "$T/kept.i2v")" = precious ] && pass "tune: a failed run leaves the output file as it was" ||
    fail "tune: a failed run leaves the output file as it was"

# --- a run ------------------------------------------------------------------
run "$I2V" tune -i "$T/s.txt" -o "$T/m1.i2v" $QUICK
if [ "$rc" -eq 0 ] && grep -q '^tuned ' "$T/out" && grep -q '^defaults ' "$T/out" &&
    grep -q '^transition ' "$T/out" && grep -q '^popular ' "$T/out" &&
    grep -q '^item2vec train -i .*s.txt -o .*m1.i2v --dim ' "$T/out"; then
    pass "tune: the table has the tuned row, the defaults, both baselines and the train command"
else
    fail "tune: the table has the tuned row, the defaults, both baselines and the train command" \
        "exit $rc: $(head -c 600 "$T/out") $(head -c 300 "$T/err")"
fi
[ ! -s "$T/err" ] && pass "tune: -q prints nothing on stderr" || fail "tune: -q prints nothing on stderr" "$(head -c 300 "$T/err")"
cp "$T/out" "$T/table1.txt"

# The model holds the winning settings: train with the printed command on
# the same input gives the same dimensions, window and epochs.
cmd=$(grep '^item2vec train' "$T/table1.txt")
for p in dim window negative epochs context blend; do
    want=$(printf '%s\n' "$cmd" | sed -n "s/.* --$p \([^ ]*\).*/\1/p")
    got=$("$I2V" info -m "$T/m1.i2v" | awk -v p="$p" '
        $1 == "dimensions" && p == "dim" { print $2 }
        $1 == "training" || $1 == "recommend" {
            sub(/^[a-z]+ +/, ""); n = split($0, kv, /, /)
            for (i = 1; i <= n; i++) { split(kv[i], f, " "); if (f[1] == p) print f[2] }
        }')
    if [ -n "$want" ] && [ -n "$got" ] && awk -v a="$want" -v b="$got" 'BEGIN { exit !(a + 0 == b + 0) }'; then
        pass "tune: the model's header has the winning --$p ($want)"
    else
        fail "tune: the model's header has the winning --$p" "command $want, info '$got'"
    fi
done

# The same plan and seed with one thread: the same model bytes.
run "$I2V" tune -i "$T/s.txt" -o "$T/m2.i2v" $QUICK
cmp -s "$T/m1.i2v" "$T/m2.i2v" && pass "tune: a repeated run with its plan fixed writes the same bytes" ||
    fail "tune: a repeated run with its plan fixed writes the same bytes"
cmp -s "$T/table1.txt" "$T/out" ||
    { sed 's/; [0-9.]* s searching, [0-9.]* s in all//; s/m1[.]i2v/MODEL/' "$T/table1.txt" >"$T/a"
      sed 's/; [0-9.]* s searching, [0-9.]* s in all//; s/m2[.]i2v/MODEL/' "$T/out" >"$T/b"
      cmp -s "$T/a" "$T/b"; } && pass "tune: ... and the same table but for the times" ||
    fail "tune: ... and the same table but for the times" "$(diff "$T/a" "$T/b" | head -5)"

# Progress: one line per scoring on stderr.
run "$I2V" tune -i "$T/s.txt" -o "$T/m3.i2v" --trials 4 --max-epochs 3 --threads 1 --validation 300 --json
n=$(grep -c '^tune: candidate [0-9]* round [0-9]*: dim .*: hr@10 [0-9.]* +- [0-9.]*, [0-9.]* s$' "$T/err")
trials=$(grep -o '"seconds"' "$T/out" | wc -l)
# Every trial has "seconds" once; best and defaults add two.
[ "$rc" -eq 0 ] && [ "$n" -ge 5 ] && [ "$n" -eq $((trials - 2)) ] &&
    pass "tune: one stderr line per scoring ($n), as many as the report's trials" ||
    fail "tune: one stderr line per scoring" "exit $rc, $n lines, $trials seconds fields: $(head -c 300 "$T/err")"
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
assert r["metric"] == "hr" and r["candidates"] == 4 and r["brackets"] == 1
assert r["best"]["score"] >= r["defaults"]["score"]
assert "transition" in r and "popular" in r and len(r["trials"]) >= 5
assert r["best"]["params"]["dim"] > 0' "$T/out" 2>"$T/py" &&
        pass "tune --json: one valid object with the trials, the best, the defaults, the baselines" ||
        fail "tune --json: one valid object with the trials, the best, the defaults, the baselines" "$(cat "$T/py")"
else
    skip "tune --json: one valid object" "python3 is not installed"
fi

# -o -: the model on stdout, the report on stderr.
"$I2V" tune -i "$T/s.txt" -o - $QUICK >"$T/stdout.i2v" 2>"$T/err"
cmp -s "$T/stdout.i2v" "$T/m1.i2v" && grep -q '^tuned ' "$T/err" &&
    pass "tune -o -: the model on stdout (the same bytes), the table on stderr" ||
    fail "tune -o -: the model on stdout (the same bytes), the table on stderr" "$(head -c 300 "$T/err")"

# Purity against the generator's groups.
run "$I2V" tune -i "$T/s.txt" -o "$T/p.i2v" --metric purity --groups data/truth.tsv $QUICK
[ "$rc" -eq 0 ] && grep -q '^# purity@10 on all 3000 sequences' "$T/out" &&
    ! grep -q '^transition' "$T/out" &&
    pass "tune --metric purity: scored on all the input, no next-item baselines" ||
    fail "tune --metric purity: scored on all the input, no next-item baselines" "exit $rc: $(head -c 300 "$T/out") $(head -c 300 "$T/err")"

# A grid: every combination, the winner's values from it.
run "$I2V" tune -i "$T/s.txt" -o "$T/g.i2v" --grid "window=1,3" --grid "blend=0,2" --threads 1 --validation 300 -q
if [ "$rc" -eq 0 ] && grep -q '^# grid: 2 combinations' "$T/out" &&
    "$I2V" info -m "$T/g.i2v" | grep -Eq '^training +window [13],'; then
    pass "tune --grid: every combination trained, the winner's window from the grid"
else
    fail "tune --grid: every combination trained, the winner's window from the grid" "exit $rc: $(head -c 300 "$T/out") $(head -c 300 "$T/err")"
fi
