# item2vec index from the outside: added in place, described and verified,
# used by similar (one query, standard input, --all) and analogy (3CosAdd)
# with answers close to
# the exact scan's, the same bytes for one thread and one seed, dropped by
# the word2vec formats with a note, and a damaged graph refused.
. tests/cli/lib.sh

M=$T/m.i2v
if ! "$I2V" train -q -i data/sessions.txt -o "$M" --dim 16 --epochs 2 --threads 2 2>"$T/err"; then
    fail "train a model to index" "$(cat "$T/err")"
    exit 0
fi
cp "$M" "$T/plain.i2v"

run "$I2V" index -q -m "$M" -o "$M" -t 2
[ "$rc" -eq 0 ] && "$I2V" info -m "$M" | grep -q '^index *yes, HNSW' &&
    pass "index -m M -o M adds the index in place; info describes it" ||
    fail "index -m M -o M adds the index in place" "exit $rc: $(cat "$T/err")"
run "$I2V" info -m "$M" --verify
[ "$rc" -eq 0 ] && grep -q '^verified *yes' "$T/out" && pass "info --verify checks the index" ||
    fail "info --verify checks the index" "exit $rc: $(cat "$T/err")"
"$I2V" info -m "$T/plain.i2v" | grep -q '^index *no$' && pass "a model without one says index no" ||
    fail "a model without one says index no" "$("$I2V" info -m "$T/plain.i2v" | grep index)"

# recall LIST EXACT: the share of EXACT's (query, item) pairs LIST has.
recall() {
    awk -F'\t' 'NR == FNR { want[$1 "\t" $3] = 1; n++; next } ($1 "\t" $3) in want { hit++ }
        END { printf "%.4f\n", n ? hit / n : 0 }' "$2" "$1"
}
"$I2V" similar -m "$M" --all -k 10 --exact >"$T/exact.tsv"
"$I2V" similar -m "$M" --all -k 10 >"$T/index.tsv"
r=$(recall "$T/index.tsv" "$T/exact.tsv")
awk -v r="$r" 'BEGIN { exit !(r >= 0.95) }' && pass "similar --all through the index: recall@10 $r against --exact" ||
    fail "similar --all through the index: recall@10 >= 0.95" "recall $r"
"$I2V" similar -m "$T/plain.i2v" --all -k 10 >"$T/plain.tsv"
cmp -s "$T/plain.tsv" "$T/exact.tsv" && pass "--exact answers as a model without an index" ||
    fail "--exact answers as a model without an index" "outputs differ"
"$I2V" similar -m "$M" --all -k 10 --ef 10 >"$T/low.tsv"
low=$(recall "$T/low.tsv" "$T/exact.tsv")
awk -v r="$r" -v l="$low" 'BEGIN { exit !(l <= r) }' && pass "a shorter --ef finds no more ($low)" ||
    fail "a shorter --ef finds no more" "ef 10: $low, default: $r"
# Scores are the exact scan's: every answer of both lists agrees where both have it.
bad=$(awk -F'\t' 'NR == FNR { s[$1 "\t" $3] = $4; next } ($1 "\t" $3) in s && s[$1 "\t" $3] != $4 { n++ }
    END { print n + 0 }' "$T/exact.tsv" "$T/index.tsv")
[ "$bad" -eq 0 ] && pass "answers through the index carry the exact scores" ||
    fail "answers through the index carry the exact scores" "$bad differ"
head -n 50 "$T/exact.tsv" | cut -f 1 | uniq >"$T/queries"
"$I2V" similar -m "$M" -k 10 <"$T/queries" >"$T/stdin.tsv"
"$I2V" similar -m "$M" -k 10 $(head -n 3 "$T/queries") >"$T/args.tsv"
grep -F -f "$T/queries" "$T/index.tsv" | awk -F'\t' 'NR == FNR { q[$1] = 1; next } $1 in q' "$T/queries" - >"$T/want.tsv"
cmp -s "$T/stdin.tsv" "$T/want.tsv" && head -n 30 "$T/want.tsv" | cmp -s "$T/args.tsv" - &&
    pass "queries from standard input and arguments answer as --all through the index" ||
    fail "queries from standard input and arguments answer as --all through the index" "outputs differ"

# analogy (3CosAdd) through the index: the scan's answers found, the scan's
# scores; --exact as a model without an index; 3CosMul scans, with a note.
cut -f 1 "$T/exact.tsv" | uniq | head -n 90 | paste -d ' ' - - - >"$T/questions"
"$I2V" analogy -m "$M" --exact <"$T/questions" >"$T/an-exact.tsv"
"$I2V" analogy -m "$M" <"$T/questions" >"$T/an-index.tsv"
"$I2V" analogy -m "$T/plain.i2v" <"$T/questions" >"$T/an-plain.tsv"
ar=$(recall "$T/an-index.tsv" "$T/an-exact.tsv")
abad=$(awk -F'\t' 'NR == FNR { s[$1 "\t" $3] = $4; next } ($1 "\t" $3) in s && s[$1 "\t" $3] != $4 { n++ }
    END { print n + 0 }' "$T/an-exact.tsv" "$T/an-index.tsv")
[ -s "$T/an-exact.tsv" ] && awk -v r="$ar" 'BEGIN { exit !(r >= 0.95) }' && [ "$abad" -eq 0 ] &&
    pass "analogy through the index: recall@10 $ar against --exact, the exact scores" ||
    fail "analogy through the index: recall@10 >= 0.95, the exact scores" "recall $ar, $abad scores differ"
cmp -s "$T/an-exact.tsv" "$T/an-plain.tsv" && pass "analogy --exact answers as a model without an index" ||
    fail "analogy --exact answers as a model without an index" "outputs differ"
set -- $(head -n 1 "$T/questions")
"$I2V" analogy -m "$M" "$1" "$2" "$3" >"$T/an-args.tsv"
grep -F "$1 $2 $3	" "$T/an-index.tsv" | cmp -s "$T/an-args.tsv" - &&
    pass "analogy from arguments answers as from standard input through the index" ||
    fail "analogy from arguments answers as from standard input through the index" "outputs differ"
run "$I2V" analogy -m "$M" --method mul "$1" "$2" "$3"
"$I2V" analogy -m "$T/plain.i2v" --method mul "$1" "$2" "$3" >"$T/mul-plain.tsv"
[ "$rc" -eq 0 ] && grep -q "3CosMul does not go through the index" "$T/err" && cmp -s "$T/out" "$T/mul-plain.tsv" &&
    pass "analogy --method mul on an indexed model scans, with a note" ||
    fail "analogy --method mul on an indexed model scans, with a note" "exit $rc: $(cat "$T/err")"
expect_fail "analogy --ef 0: a usage error" 2 "--ef" "$I2V" analogy -m "$M" --ef 0 "$1" "$2" "$3"

"$I2V" index -q -m "$T/plain.i2v" -o "$T/a.i2v" -t 1 --seed 3
"$I2V" index -q -m "$T/plain.i2v" -o "$T/b.i2v" -t 1 --seed 3
cmp -s "$T/a.i2v" "$T/b.i2v" && pass "one thread, one seed: the same bytes" ||
    fail "one thread, one seed: the same bytes" "files differ"
run "$I2V" index -q -m "$M" -o "$T/none.i2v" --drop
[ "$rc" -eq 0 ] && "$I2V" info -m "$T/none.i2v" | grep -q '^index *no$' && pass "index --drop takes it out" ||
    fail "index --drop takes it out" "exit $rc"

expect_fail "index -o NAME.bin: refused, the word2vec formats keep no index" 2 "native format only" \
    "$I2V" index -m "$M" -o "$T/x.bin"
expect_fail "--ef 0: a usage error" 2 "--ef" "$I2V" similar -m "$M" --ef 0 item_1
expect_fail "--M 1: a usage error" 2 "--M" "$I2V" index -m "$M" -o "$T/y.i2v" --M 1
run "$I2V" convert -m "$M" -o "$T/m.bin"
[ "$rc" -eq 0 ] && grep -q "index" "$T/err" && pass "convert to word2vec: the index is dropped with a note" ||
    fail "convert to word2vec: the index is dropped with a note" "exit $rc: $(cat "$T/err")"
run "$I2V" train -q -i data/sessions.txt --resume "$M" -o "$T/r.i2v" --epochs 1
[ "$rc" -eq 0 ] && grep -q "index is not carried over" "$T/err" &&
    "$I2V" info -m "$T/r.i2v" | grep -q '^index *no$' &&
    pass "train --resume: the index is not carried over, and says so" ||
    fail "train --resume: the index is not carried over, and says so" "exit $rc: $(cat "$T/err")"

# A byte of the graph's last rows changed: its node fails its check.
size=$(wc -c <"$M")
cp "$M" "$T/bad.i2v"
printf '\377\376' | dd of="$T/bad.i2v" bs=1 seek=$((size - 40)) conv=notrunc 2>/dev/null
expect_fail "a damaged graph: info --verify exit 1" 1 "damaged|checksum" "$I2V" info -m "$T/bad.i2v" --verify
run "$I2V" similar -m "$T/bad.i2v" --all -k 10
[ "$rc" -eq 1 ] && grep -q "index (graph section) is damaged" "$T/err" &&
    pass "a damaged graph: similar --all exit 1 naming the index, no signal" ||
    fail "a damaged graph: similar --all exit 1 naming the index" "exit $rc: $(head -c 300 "$T/err")"
run "$I2V" similar -m "$T/bad.i2v" --exact -k 3 item_1
[ "$rc" -eq 0 ] && pass "... and --exact still answers from the vectors" ||
    fail "... and --exact still answers from the vectors" "exit $rc"
# The graph's header damaged (a reserved byte set): every walk refuses it,
# so analogy through the index is exit 1 naming it, and --exact answers.
at=$(LC_ALL=C grep -obUa 'I2VG' "$M" | tail -n 1 | cut -d: -f 1)
cp "$M" "$T/bad-head.i2v"
printf '\001' | dd of="$T/bad-head.i2v" bs=1 seek=$((at + 56)) conv=notrunc 2>/dev/null
set -- $(head -n 1 "$T/questions")
run "$I2V" analogy -m "$T/bad-head.i2v" "$1" "$2" "$3"
[ "$rc" -eq 1 ] && grep -q "index (graph section) is damaged" "$T/err" &&
    pass "a damaged graph header: analogy exit 1 naming the index" ||
    fail "a damaged graph header: analogy exit 1 naming the index" "exit $rc: $(head -c 300 "$T/err")"
"$I2V" analogy -m "$T/plain.i2v" "$1" "$2" "$3" >"$T/an-args-plain.tsv"
run "$I2V" analogy -m "$T/bad-head.i2v" --exact "$1" "$2" "$3"
[ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/an-args-plain.tsv" && pass "... and analogy --exact answers from the vectors" ||
    fail "... and analogy --exact answers from the vectors" "exit $rc: $(head -c 300 "$T/err")"

# recommend through the index: the scan's answers found (recall against
# --exact), with the scan's scores, for each scoring; --exact as a model
# without an index; a damaged graph refused, --exact still answering.
awk 'NR % 7 == 0 { n = NF < 6 ? NF - 1 : 5; s = $1; for (i = 2; i <= n; i++) s = s " " $i; print s }' \
    data/sessions.txt | head -n 300 >"$T/histories"
for score in predict dot cosine; do
    "$I2V" recommend -m "$M" --score "$score" --exact <"$T/histories" >"$T/rec-exact.tsv"
    "$I2V" recommend -m "$M" --score "$score" <"$T/histories" >"$T/rec-index.tsv"
    rr=$(recall "$T/rec-index.tsv" "$T/rec-exact.tsv")
    rbad=$(awk -F'\t' 'NR == FNR { s[$1 "\t" $3] = $4; next } ($1 "\t" $3) in s && s[$1 "\t" $3] != $4 { n++ }
        END { print n + 0 }' "$T/rec-exact.tsv" "$T/rec-index.tsv")
    [ -s "$T/rec-exact.tsv" ] && awk -v r="$rr" 'BEGIN { exit !(r >= 0.95) }' && [ "$rbad" -eq 0 ] &&
        pass "recommend --score $score through the index: recall@10 $rr against --exact, the exact scores" ||
        fail "recommend --score $score through the index: recall@10 >= 0.95, the exact scores" "recall $rr, $rbad scores differ"
done
"$I2V" recommend -m "$T/plain.i2v" <"$T/histories" >"$T/rec-plain.tsv"
"$I2V" recommend -m "$M" --exact <"$T/histories" >"$T/rec-exact.tsv"
cmp -s "$T/rec-plain.tsv" "$T/rec-exact.tsv" && pass "recommend --exact answers as a model without an index" ||
    fail "recommend --exact answers as a model without an index" "outputs differ"
"$I2V" recommend -m "$M" --ef 10 <"$T/histories" >"$T/rec-low.tsv"
"$I2V" recommend -m "$M" <"$T/histories" >"$T/rec-index.tsv"
lo=$(recall "$T/rec-low.tsv" "$T/rec-exact.tsv")
hi=$(recall "$T/rec-index.tsv" "$T/rec-exact.tsv")
awk -v h="$hi" -v l="$lo" 'BEGIN { exit !(l <= h) }' && pass "recommend: a shorter --ef finds no more ($lo)" ||
    fail "recommend: a shorter --ef finds no more" "ef 10: $lo, default: $hi"
expect_fail "recommend --ef 0: a usage error" 2 "--ef" "$I2V" recommend -m "$M" --ef 0 </dev/null
run "$I2V" recommend -m "$T/bad-head.i2v" <"$T/histories"
[ "$rc" -eq 1 ] && grep -q "index (graph section) is damaged" "$T/err" &&
    pass "a damaged graph header: recommend exit 1 naming the index" ||
    fail "a damaged graph header: recommend exit 1 naming the index" "exit $rc: $(head -c 300 "$T/err")"
run "$I2V" recommend -m "$T/bad-head.i2v" --exact <"$T/histories"
[ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/rec-plain.tsv" && pass "... and recommend --exact answers from the vectors" ||
    fail "... and recommend --exact answers from the vectors" "exit $rc: $(head -c 300 "$T/err")"
