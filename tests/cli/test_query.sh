# Black-box tests of `similar` and `analogy`: what a user sees on stdout,
# stderr and in the exit code, and agreement with gensim when it is there.
. tests/cli/lib.sh

M=$T/m.i2v
if ! "$I2V" train -i data/sessions.txt -o "$M" --dim 16 --epochs 2 --threads 1 -q 2>"$T/err"; then
    fail "train a model to query" "$(cat "$T/err")"
    exit 0
fi

# similar ITEM: k rows of query<TAB>rank<TAB>item<TAB>score, 6 decimals.
run "$I2V" similar -m "$M" -k 7 item_1
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 7 ] &&
    awk -F'\t' 'NF != 4 || $1 != "item_1" || $2 != NR || $3 == "item_1" ||
                $4 !~ /^-?[01]\.[0-9][0-9][0-9][0-9][0-9][0-9]$/ { bad = 1 }
                END { exit bad }' "$T/out"; then
    pass "similar prints k TSV rows with 6-decimal scores"
else
    fail "similar prints k TSV rows with 6-decimal scores" "exit $rc: $(head -3 "$T/out")"
fi

run "$I2V" similar -m "$M" -k 3 item_1 item_2
if [ "$rc" -eq 0 ] && [ "$(cut -f1 "$T/out" | uniq | tr '\n' ,)" = "item_1,item_2," ]; then
    pass "each ITEM argument is one query"
else
    fail "each ITEM argument is one query" "$(cat "$T/out")"
fi

# Scores are sorted, best first.
run "$I2V" similar -m "$M" -k 50 item_3
if sort -t"$(printf '\t')" -k4,4gr -s "$T/out" | cmp -s - "$T/out"; then
    pass "answers come best first"
else
    fail "answers come best first"
fi

# Standard input: one query per line, items joined, -ITEM subtracted.
printf 'item_1   item_2\nitem_3 -item_4\n' >"$T/in"
run "$I2V" similar -m "$M" -k 2 <"$T/in"
if [ "$rc" -eq 0 ] && [ "$(cut -f1 "$T/out" | uniq | tr '\n' ,)" = "item_1 item_2,item_3 -item_4," ] &&
    ! cut -f3 "$T/out" | grep -qx -e item_1 -e item_2 -e item_3 -e item_4; then
    pass "stdin lines are queries: mean of items, -ITEM subtracts, query items left out"
else
    fail "stdin lines are queries: mean of items, -ITEM subtracts, query items left out" "$(cat "$T/out" "$T/err")"
fi

# The mean query: the argument "a b" and the line "a b" agree.
run "$I2V" similar -m "$M" -k 4 "item_5 item_6"
cp "$T/out" "$T/arg"
echo "item_5 item_6" >"$T/in"
run "$I2V" similar -m "$M" -k 4 <"$T/in"
if cmp -s "$T/arg" "$T/out"; then
    pass "an argument with spaces is the same query as the line"
else
    fail "an argument with spaces is the same query as the line"
fi

# Unknown items: named on stderr, other queries answered, exit 1.
printf 'item_1\nno_such_item\n\nitem_2 also_missing\nitem_3\n' >"$T/in"
run "$I2V" similar -m "$M" -k 1 <"$T/in"
if [ "$rc" -eq 1 ] && [ "$(cut -f1 "$T/out" | tr '\n' ,)" = "item_1,item_3," ] &&
    grep -q "line 2: 'no_such_item' is not in the model" "$T/err" &&
    grep -q "line 3: empty query" "$T/err" &&
    grep -q "line 4: 'also_missing' is not in the model" "$T/err"; then
    pass "unknown items and empty lines are reported, the rest answered, exit 1"
else
    fail "unknown items and empty lines are reported, the rest answered, exit 1" "exit $rc: $(cat "$T/out" "$T/err")"
fi
expect_fail "an unknown item argument exits 1" 1 "'nope' is not in the model" \
    "$I2V" similar -m "$M" nope
expect_fail "a query whose items cancel out is refused" 1 "zero" \
    "$I2V" similar -m "$M" "item_1 -item_1"

# Usage errors: exit 2.
expect_fail "-k 0 is a usage error" 2 "out of range" "$I2V" similar -m "$M" -k 0 item_1
expect_fail "-k -3 is a usage error" 2 "negative" "$I2V" similar -m "$M" -k -3 item_1
expect_fail "-k x is a usage error" 2 "not a whole number" "$I2V" similar -m "$M" -k x item_1
for bad in 0/4 5/4 x/y 1/0 3/ /3 -1/4 1/4/2 " 1/4"; do
    expect_fail "--shard '$bad' is a usage error" 2 "shard" \
        "$I2V" similar -m "$M" --all --shard "$bad"
done
expect_fail "--shard needs --all" 2 "use it with --all" "$I2V" similar -m "$M" --shard 1/2 item_1
expect_fail "--all takes no ITEM" 2 "give no ITEM" "$I2V" similar -m "$M" --all item_1
expect_fail "-m is required" 2 "-m MODEL is required" "$I2V" similar item_1
expect_fail "unknown option" 2 "unknown" "$I2V" similar -m "$M" --bogus item_1

# Missing, truncated, foreign models: exit 1 naming the file.
expect_fail "a missing model exits 1" 1 "$T/none.i2v: cannot open: No such file" \
    "$I2V" similar -m "$T/none.i2v" item_1
head -c 5000 "$M" >"$T/cut.i2v"
expect_fail "a truncated model exits 1" 1 "cut.i2v: truncated: 5000 of [0-9]+ bytes" \
    "$I2V" similar -m "$T/cut.i2v" item_1
printf 'hello world\n' >"$T/junk.i2v"
expect_fail "a file that is no model exits 1" 1 "junk.i2v: not a word2vec model" \
    "$I2V" similar -m "$T/junk.i2v" item_1
expect_fail "a directory as model exits 1" 1 "cannot read: Is a directory" \
    "$I2V" similar -m "$T" item_1

# --all: every item in model order, itself excluded; shards concatenate
# to the whole; threads change nothing; rows equal single queries.
run "$I2V" similar -m "$M" --all -k 5 --threads 2
cp "$T/out" "$T/all"
items=$("$I2V" info -m "$M" | awk '$1 == "items" { print $2 }')
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$T/all")" -eq $((items * 5)) ] &&
    awk -F'\t' '$1 == $3 { bad = 1 } END { exit bad }' "$T/all"; then
    pass "--all answers every item, never with itself"
else
    fail "--all answers every item, never with itself" "exit $rc, $(wc -l <"$T/all") lines for $items items"
fi
for n in 3 7; do
    : >"$T/shards"
    i=1
    while [ $i -le $n ]; do
        "$I2V" similar -m "$M" --all -k 5 --shard $i/$n --threads 1 >>"$T/shards" || echo "shard $i failed" >&2
        i=$((i + 1))
    done
    if cmp -s "$T/shards" "$T/all"; then
        pass "shards 1..$n concatenated equal --all"
    else
        fail "shards 1..$n concatenated equal --all"
    fi
done
grep -m 5 "^item_7	" "$T/all" >"$T/from_all"
"$I2V" similar -m "$M" -k 5 item_7 >"$T/single"
if cmp -s "$T/from_all" "$T/single"; then
    pass "--all prints what a single query prints, bit for bit"
else
    fail "--all prints what a single query prints, bit for bit" "$(paste "$T/from_all" "$T/single" | head -3)"
fi
run "$I2V" similar -m "$M" -k 3 --restrict 100 item_1
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 3 ]; then
    pass "--restrict limits the answers"
else
    fail "--restrict limits the answers"
fi

# --json: one object per answer, the same fields.
run "$I2V" similar -m "$M" -k 2 --json item_1
if [ "$rc" -eq 0 ] && grep -q '^{"query":"item_1","rank":1,"item":"[^"]*","score":[0-9.-]*}$' "$T/out"; then
    if [ -x /usr/bin/python3 ] &&
        ! /usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$T/out"; then
        fail "--json prints JSON lines" "python cannot parse: $(cat "$T/out")"
    else
        pass "--json prints JSON lines"
    fi
else
    fail "--json prints JSON lines" "$(cat "$T/out")"
fi

# analogy: arguments, stdin batch, 3CosMul, questions-words lines.
run "$I2V" analogy -m "$M" -k 4 item_1 item_2 item_3
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 4 ] &&
    awk -F'\t' '$1 != "item_1 item_2 item_3" || $3 ~ /^item_[123]$/ { bad = 1 } END { exit bad }' "$T/out"; then
    pass "analogy A B C answers, leaving out A, B and C"
else
    fail "analogy A B C answers, leaving out A, B and C" "$(cat "$T/out" "$T/err")"
fi
cp "$T/out" "$T/add"
run "$I2V" analogy -m "$M" -k 4 --method mul item_1 item_2 item_3
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 4 ] && ! cmp -s "$T/out" "$T/add"; then
    pass "analogy --method mul scores by 3CosMul"
else
    fail "analogy --method mul scores by 3CosMul"
fi
printf ': section\nitem_1 item_2 item_3 item_4\nitem_1 item_2\nitem_1 zzz item_3\nitem_1 item_2 item_3\n' >"$T/in"
run "$I2V" analogy -m "$M" -k 4 <"$T/in"
if [ "$rc" -eq 1 ] && [ "$(wc -l <"$T/out")" -eq 8 ] &&
    head -4 "$T/out" | cmp -s - "$T/add" &&
    grep -q "line 3: 2 items; a question is 'A B C'" "$T/err" &&
    grep -q "line 4: 'zzz' is not in the model" "$T/err"; then
    pass "analogy reads A B C lines, skips ':' titles, ignores a 4th field, reports bad lines"
else
    fail "analogy reads A B C lines, skips ':' titles, ignores a 4th field, reports bad lines" "exit $rc: $(cat "$T/out" "$T/err")"
fi
expect_fail "analogy with two items is a usage error" 2 "three items" \
    "$I2V" analogy -m "$M" item_1 item_2
expect_fail "analogy arguments are exactly three items" 1 "arguments: 4 items" \
    "$I2V" analogy -m "$M" "item_1 item_2" item_3 item_4
expect_fail "analogy --method bad is a usage error" 2 "not add or mul" \
    "$I2V" analogy -m "$M" --method bad item_1 item_2 item_3

# gensim: the same answers from the same word2vec files, and gensim reads
# our files value for value.
if ! have_gensim; then
    skip "gensim agrees with similar and analogy" "python3 cannot import gensim"
    exit 0
fi
"$I2V" convert -m "$M" -o "$T/m.bin" 2>/dev/null
"$I2V" convert -m "$M" -o "$T/m.txt" 2>/dev/null
for item in item_1 item_2 item_10 item_100 item_1000; do
    "$I2V" similar -m "$T/m.bin" -k 10 "$item"
done >"$T/ours_similar"
printf 'item_1 -item_2\nitem_3 item_4 -item_5\n' | "$I2V" similar -m "$T/m.bin" -k 10 >>"$T/ours_similar"
printf 'item_1 item_2 item_3\nitem_10 item_20 item_30\n' | "$I2V" analogy -m "$T/m.bin" -k 10 >"$T/ours_add"
printf 'item_1 item_2 item_3\nitem_10 item_20 item_30\n' | "$I2V" analogy -m "$T/m.bin" -k 10 --method mul >"$T/ours_mul"
cat >"$T/compare.py" <<'EOF'
import struct, sys
from gensim.models import KeyedVectors
import numpy as np

d = sys.argv[1]
kv = KeyedVectors.load_word2vec_format(d + "/m.bin", binary=True)
kt = KeyedVectors.load_word2vec_format(d + "/m.txt", binary=False)
problems = []

# Our .bin parsed by hand: gensim's .bin and .txt loads hold exactly it.
raw = open(d + "/m.bin", "rb").read()
nl = raw.index(b"\n")
n, dim = map(int, raw[:nl].split())
at = nl + 1
for i in range(n):
    sp = raw.index(b" ", at)
    key = raw[at:sp].decode()
    vec = np.frombuffer(raw[sp + 1:sp + 1 + 4 * dim], dtype="<f4")
    at = sp + 1 + 4 * dim + 1
    if kv.index_to_key[i] != key or kt.index_to_key[i] != key:
        problems.append("row %d: key %s" % (i, key))
    elif not (np.array_equal(kv.vectors[i], vec) and np.array_equal(kt.vectors[i], vec)):
        problems.append("row %d (%s): values differ" % (i, key))

def check(path, answer):
    rows = {}
    for line in open(path):
        q, rank, item, score = line.rstrip("\n").split("\t")
        rows.setdefault(q, []).append((item, float(score)))
    for q, ours in rows.items():
        theirs = answer(q)
        for (oi, os_), (ti, ts) in zip(ours, theirs):
            if abs(os_ - ts) > 1e-5 + 5e-7:
                problems.append("%s: %s %.6f vs gensim %s %.6f" % (q, oi, os_, ti, ts))
            elif oi != ti and abs(os_ - ts) > 1e-6:
                problems.append("%s: %s vs gensim %s" % (q, oi, ti))
        if len(ours) != len(theirs):
            problems.append("%s: %d answers vs %d" % (q, len(ours), len(theirs)))

def similar(q):
    words = q.split(" ")
    pos = [w for w in words if not w.startswith("-")]
    neg = [w[1:] for w in words if w.startswith("-")]
    return kv.most_similar(positive=pos, negative=neg, topn=10)

def analogy(method):
    def answer(q):
        a, b, c = q.split(" ")
        return method(positive=[b, c], negative=[a], topn=10)
    return answer

check(d + "/ours_similar", similar)
check(d + "/ours_add", analogy(kv.most_similar))
check(d + "/ours_mul", analogy(kv.most_similar_cosmul))

# gensim's own binary output (no newline after vectors) reads back.
kv.save_word2vec_format(d + "/g.bin", binary=True)
for p in problems[:10]:
    print(p)
sys.exit(1 if problems else 0)
EOF
if /usr/bin/python3 "$T/compare.py" "$T" >"$T/py" 2>&1; then
    pass "gensim loads our .bin and .txt with identical values"
    pass "similar and analogy (add, mul) agree with gensim: same top-10, scores within 1e-5"
else
    fail "gensim agrees with similar and analogy" "$(head -c 800 "$T/py")"
fi
run "$I2V" similar -m "$T/g.bin" -k 10 item_1
if [ "$rc" -eq 0 ] && "$I2V" similar -m "$T/m.bin" -k 10 item_1 | cmp -s - "$T/out"; then
    pass "a model saved by gensim answers the same"
else
    fail "a model saved by gensim answers the same" "exit $rc: $(head -c 300 "$T/err")"
fi

# --json stays valid JSON (valid UTF-8) whatever bytes the item names hold.
printf 'a\377b q"x c\nc a\377b q"x\n' >"$T/bytes.txt"
"$I2V" train -q -i "$T/bytes.txt" -o "$T/bytes.i2v" --min-count 1 --dim 4 --epochs 1
run "$I2V" similar -m "$T/bytes.i2v" --json -k 2 c
if [ $rc -eq 0 ] && /usr/bin/python3 -c '
import sys, json
for line in sys.stdin.buffer.read().decode("utf-8").splitlines():
    json.loads(line)
' <"$T/out" 2>/dev/null; then
    pass similar_json_is_valid_utf8_for_any_item_bytes
else
    fail similar_json_is_valid_utf8_for_any_item_bytes "exit $rc: $(cat "$T/out" "$T/err")"
fi
