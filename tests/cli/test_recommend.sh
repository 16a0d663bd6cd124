# item2vec recommend from the outside: the output's shape, what a history
# may hold, what a model may lack, and that eval --next-item counts exactly
# the hits recommend answers.
. tests/cli/lib.sh

M=$T/model.i2v
"$I2V" split -q -i data/sessions.txt --train "$T/train.txt" --test "$T/test.txt" || exit 1
if ! "$I2V" train -q -i "$T/train.txt" -o "$M" --dim 16 --epochs 2 --threads 2 2>"$T/err"; then
    fail "train a model to recommend from" "$(cat "$T/err")"
    exit 0
fi
head -n 300 "$T/test.txt" >"$T/test300.txt"
# The histories: every test line without its target.
awk '{ NF = NF - 1; print }' "$T/test300.txt" >"$T/histories.txt"

# --- output ----------------------------------------------------------------
run sh -c "'$I2V' recommend -m '$M' -k 5 <'$T/histories.txt'"
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 1500 ] &&
    awk -F'\t' 'NF != 4 || $2 < 1 || $2 > 5 || $1 != int((NR - 1) / 5) + 1 { exit 1 }' "$T/out"; then
    pass "recommend: k TSV rows per history, the query being the line number"
else
    fail "recommend: k TSV rows per history, the query being the line number" "exit $rc: $(head -c 300 "$T/err")"
fi
cp "$T/out" "$T/all.tsv"

# An answer never depends on the block: one line at a time gives the same.
: >"$T/one-by-one.tsv"
n=0
while IFS= read -r history; do
    n=$((n + 1))
    printf '%s\n' "$history" | "$I2V" recommend -m "$M" -k 5 | awk -v n="$n" 'BEGIN { OFS = FS = "\t" } { $1 = n; print }' >>"$T/one-by-one.tsv"
    [ "$n" -eq 40 ] && break
done <"$T/histories.txt"
head -n 200 "$T/all.tsv" >"$T/all40.tsv"
cmp -s "$T/all40.tsv" "$T/one-by-one.tsv" && pass "recommend: answers in a block equal answers alone" ||
    fail "recommend: answers in a block equal answers alone" "$(diff "$T/all40.tsv" "$T/one-by-one.tsv" | head -5)"

# No history item is answered, unless --keep-seen.
awk 'NR == FNR { seen[FNR] = " " $0 " "; next } index(seen[$1], " " $3 " ") { bad = 1 } END { exit bad }' \
    FS='\n' "$T/histories.txt" FS='\t' "$T/all.tsv" && pass "recommend: items of the history are not answered" ||
    fail "recommend: items of the history are not answered"
printf 'item_1 item_21 item_41\n' >"$T/group.txt"
run sh -c "'$I2V' recommend -m '$M' -k 30 --keep-seen <'$T/group.txt'"
[ "$rc" -eq 0 ] && cut -f3 "$T/out" | grep -qx 'item_21' && pass "recommend --keep-seen may answer items of the history" ||
    fail "recommend --keep-seen may answer items of the history" "$(head -5 "$T/out")"

# --with-user: the user is the query column.
printf 'alice\titem_1 item_21\nbob\titem_2\n' >"$T/users.tsv"
run "$I2V" recommend -m "$M" -k 3 --with-user -i "$T/users.tsv"
[ "$rc" -eq 0 ] && [ "$(cut -f1 "$T/out" | uniq | tr '\n' ' ')" = "alice bob " ] &&
    pass "recommend --with-user: the user is the query" || fail "recommend --with-user: the user is the query" "$(cat "$T/out" "$T/err")"

run sh -c "'$I2V' recommend -m '$M' -k 2 --json <'$T/group.txt'"
if [ "$rc" -eq 0 ] && /usr/bin/python3 - "$T/out" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r['rank'] for r in rows] == [1, 2] and all(r['query'] == '1' for r in rows), rows
assert all(isinstance(r['score'], float) and r['item'].startswith('item_') for r in rows), rows
EOF
then pass "recommend --json: one object per answer"; else fail "recommend --json: one object per answer" "$(cat "$T/out")"; fi

# --- what a history may hold -------------------------------------------------
printf 'item_1 no_such_item item_21\n' >"$T/unknown.txt"
run sh -c "'$I2V' recommend -m '$M' -k 3 <'$T/unknown.txt'"
[ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 3 ] && grep -q "1 of 3 history items are not in the model" "$T/err" &&
    pass "recommend: unknown history items are skipped and counted" ||
    fail "recommend: unknown history items are skipped and counted" "exit $rc: $(cat "$T/err")"
printf 'item_1\nzzz yyy\n\nitem_2\n' >"$T/mixed.txt"
run sh -c "'$I2V' recommend -m '$M' -k 2 <'$T/mixed.txt'"
if [ "$rc" -eq 1 ] && [ "$(cut -f1 "$T/out" | uniq | tr '\n' ' ')" = "1 4 " ] &&
    grep -q "line 2: no item of the history is in the model; skipped" "$T/err" &&
    grep -q "line 3: empty history; skipped" "$T/err" && grep -q "2 of 4 lines were skipped" "$T/err"; then
    pass "recommend: histories without a known item are named, skipped, and make exit 1"
else
    fail "recommend: histories without a known item are named, skipped, and make exit 1" "exit $rc: $(cat "$T/out" "$T/err")"
fi
awk 'BEGIN { for (i = 0; i < 110000; i++) printf "item_%d ", i % 1999 + 1; print "" }' >"$T/long.txt"
run sh -c "'$I2V' recommend -m '$M' -k 4 --keep-seen <'$T/long.txt'"
[ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 4 ] && [ "$(wc -c <"$T/long.txt")" -gt 1000000 ] &&
    pass "recommend: a history of 1 MB is answered" || fail "recommend: a history of 1 MB is answered" "exit $rc: $(cat "$T/err")"
expect_fail "recommend -k 0 is a usage error" 2 "-k: '0' is out of range" "$I2V" recommend -m "$M" -k 0
expect_fail "recommend --blend -1 is a usage error" 2 "--blend: '-1' is out of range" "$I2V" recommend -m "$M" --blend -1
expect_fail "recommend --score best is a usage error" 2 "--score: 'best' is not predict, dot or cosine" \
    "$I2V" recommend -m "$M" --score best
expect_fail "recommend needs a model" 2 "-m MODEL is required" "$I2V" recommend
run sh -c "'$I2V' recommend -m '$M' -k 5000 <'$T/group.txt'"
[ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 1997 ] && pass "recommend: -k above the vocabulary answers every other item" ||
    fail "recommend: -k above the vocabulary answers every other item" "exit $rc, $(wc -l <"$T/out") rows"

# --- what a model may lack ---------------------------------------------------
"$I2V" convert -m "$M" -o "$T/model.bin" 2>/dev/null
run sh -c "'$I2V' recommend -m '$T/model.bin' -k 3 <'$T/group.txt'"
[ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 3 ] && grep -q "no output vectors.*recommending by cosine" "$T/err" &&
    pass "recommend: a word2vec model is answered by cosine, with a note" ||
    fail "recommend: a word2vec model is answered by cosine, with a note" "exit $rc: $(cat "$T/err")"
expect_fail "recommend --score predict on a word2vec model is refused" 2 "no output vectors" \
    sh -c "'$I2V' recommend -m '$T/model.bin' --score predict <'$T/group.txt'"
"$I2V" train -q -i "$T/train.txt" -o "$T/plain.i2v" --dim 16 --epochs 1 --successors 0 || exit 1
run sh -c "'$I2V' recommend -m '$T/plain.i2v' -k 3 <'$T/group.txt'"
[ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 3 ] && grep -q "keeps no successors: the model's score alone" "$T/err" &&
    pass "recommend: a model without successors answers by the model alone, with a note" ||
    fail "recommend: a model without successors answers by the model alone, with a note" "exit $rc: $(cat "$T/err")"
# A damaged successors section: its place is the 9th entry of the section table.
cp "$M" "$T/damaged.i2v"
at=$(od -An -t u8 -j 384 -N 8 "$T/damaged.i2v" | tr -d ' ')
printf '\377\377' | dd of="$T/damaged.i2v" bs=1 seek=$((at + 200)) conv=notrunc 2>/dev/null
expect_fail "recommend: a damaged successors section is exit 1 naming it" 1 "successors" \
    sh -c "'$I2V' recommend -m '$T/damaged.i2v' <'$T/group.txt'"
expect_fail "info --verify finds a damaged successors section" 1 "successors" \
    "$I2V" info -m "$T/damaged.i2v" --verify
run sh -c "'$I2V' recommend -m '$T/damaged.i2v' --blend 0 <'$T/group.txt'"
[ "$rc" -eq 0 ] && pass "recommend --blend 0 reads no successors" || fail "recommend --blend 0 reads no successors" "$(cat "$T/err")"

# --- eval counts what recommend answers ----------------------------------------
run "$I2V" eval -m "$M" --next-item "$T/test300.txt" --json
hits=$(sed -n 's/.*"model": {"hits": \([0-9]*\),.*/\1/p' "$T/out")
run sh -c "'$I2V' recommend -m '$M' -k 10 <'$T/histories.txt'"
answered=$(awk 'NR == FNR { target[FNR] = $NF; next } $3 == target[$1] { n++ } END { print n + 0 }' \
    "$T/test300.txt" FS='\t' "$T/out")
[ -n "$hits" ] && [ "$hits" = "$answered" ] && pass "eval --next-item hits are the targets recommend answers ($hits)" ||
    fail "eval --next-item hits are the targets recommend answers" "eval $hits, recommend $answered"
