# The edges a new user meets first: help and typos, logs without a header,
# display names beside ids, a model through a pipe, 0-based shards and the
# GNU parallel recipe.
. tests/cli/lib.sh

M=$T/m.i2v
head -n 3000 data/sessions.txt >"$T/s.txt"
if ! "$I2V" train -q -i "$T/s.txt" -o "$M" --dim 8 --epochs 1 --threads 1 2>"$T/err"; then
    fail "train a model to work with" "$(cat "$T/err")"
    exit 0
fi

# --- help and typos ---------------------------------------------------------
expect_fail "a mistyped command names the closest one" 2 "Did you mean" "$I2V" trian
grep -q '^  train$' "$T/err" && pass "... and it is train" || fail "... and it is train" "$(cat "$T/err")"
expect_fail "a mistyped long option names the closest one" 2 "'--topk' is unknown; did you mean '--top'" \
    "$I2V" similar -m "$M" --topk 3 item_1
run "$I2V" help recommend
[ "$rc" -eq 0 ] && grep -q '^Usage: item2vec recommend' "$T/out" && pass "item2vec help CMD prints CMD's help" ||
    fail "item2vec help CMD prints CMD's help" "exit $rc"
for cmd in vocab train similar recommend analogy eval index convert info sessions split coldstart plot tune; do
    run "$I2V" "$cmd" --help
    n=$(sed -n '/^Examples:$/,$p' "$T/out" | grep -c '^  item2vec ')
    [ "$rc" -eq 0 ] && [ "$n" -ge 2 ] && pass "$cmd --help ends with examples ($n)" ||
        fail "$cmd --help ends with examples" "exit $rc, $n example lines"
done

# --- a log without a header ---------------------------------------------------
printf '1\t10\t5\t881250949\n1\t11\t3\t881250950\n2\t10\t4\t881250951\n2\t12\t4\t881250999\n' >"$T/u.data"
run "$I2V" sessions -i "$T/u.data" --user 1 --item 2 --time 4
[ "$rc" -eq 0 ] && [ "$(cat "$T/out" | tr '\n' ' ')" = "10 11 10 12 " ] &&
    grep -q 'read line 1 as data: its time field (column 4) .881250949. is a time' "$T/err" &&
    pass "sessions: a log without a header keeps its first row, and says why" ||
    fail "sessions: a log without a header keeps its first row, and says why" "exit $rc: $(cat "$T/out") $(cat "$T/err")"
{ printf 'u\ti\tr\tt\n'; cat "$T/u.data"; } >"$T/u-header.tsv"
run "$I2V" sessions -i "$T/u-header.tsv" --user 1 --item 2 --time 4
[ "$rc" -eq 0 ] && [ "$(wc -w <"$T/out")" -eq 4 ] && grep -q "took line 1 as the header" "$T/err" &&
    pass "sessions: a header line with columns by number is found and said" ||
    fail "sessions: a header line with columns by number is found and said" "exit $rc: $(cat "$T/err")"
run "$I2V" sessions -q -i "$T/u.data" --header yes --user 1 --item 2 --time 4
[ "$rc" -eq 0 ] && [ "$(wc -w <"$T/out")" -eq 3 ] && pass "sessions --header yes takes the first line as the header" ||
    fail "sessions --header yes takes the first line as the header" "exit $rc"
run "$I2V" sessions -q -i "$T/u.data" --header no --user 1 --item 2 --time 4
[ "$rc" -eq 0 ] && [ "$(wc -w <"$T/out")" -eq 4 ] && pass "sessions --header no reads every line as data" ||
    fail "sessions --header no reads every line as data" "exit $rc"
expect_fail "sessions --header no wants columns by number" 2 "must be a 1-based number, not 'user'" \
    "$I2V" sessions -i "$T/u.data" --header no --user user --item 2 --time 4
expect_fail "sessions --header maybe is refused" 2 "not one of yes, no, auto" \
    "$I2V" sessions -i "$T/u.data" --header maybe --user 1 --item 2 --time 4

# --- names beside ids -----------------------------------------------------------
printf 'item_1\tStar Wars (1977)\nitem_2\tFargo (1996)\nitem_3\tFargo (1996)\nbad line\n' >"$T/names.tsv"
run "$I2V" similar -m "$M" --names "$T/names.tsv" -k 200 item_2
awk -F'\t' 'NF != 5 { bad = 1 } $3 == "item_1" && $5 != "Star Wars (1977)" { bad = 1 }
            $3 == "item_7" && $5 != "" { bad = 1 } END { exit bad }' "$T/out" && [ "$rc" -eq 0 ] &&
    grep -q "not item<TAB>name" "$T/err" &&
    pass "similar --names: a fifth column with each answer's name (empty when none)" ||
    fail "similar --names: a fifth column with each answer's name (empty when none)" "exit $rc: $(head -3 "$T/out")"
run "$I2V" similar -m "$M" --names "$T/names.tsv" -k 3 'Star Wars (1977)'
"$I2V" similar -m "$M" -k 3 item_1 | cut -f2- >"$T/by-id"
cut -f2-4 "$T/out" >"$T/by-name"
[ "$rc" -eq 0 ] && cmp -s "$T/by-id" "$T/by-name" && [ "$(cut -f1 "$T/out" | sort -u)" = 'Star Wars (1977)' ] &&
    pass "similar --names: a query by a unique name answers as its item" ||
    fail "similar --names: a query by a unique name answers as its item" "exit $rc: $(cat "$T/err")"
expect_fail "similar --names: a name of several items is refused, saying so" 1 "name of several items" \
    "$I2V" similar -m "$M" --names "$T/names.tsv" 'Fargo (1996)'
run "$I2V" similar -m "$M" --names "$T/names.tsv" --json -k 1 item_2
grep -q '"name":' "$T/out" && pass "similar --names --json: a name field" || fail "similar --names --json: a name field" "$(cat "$T/out")"
printf 'item_5 item_9\n' | "$I2V" recommend -m "$M" --names "$T/names.tsv" -k 300 >"$T/rec" 2>"$T/err"
awk -F'\t' 'NF != 5 { bad = 1 } $3 == "item_1" && $5 != "Star Wars (1977)" { bad = 1 } END { exit bad }' "$T/rec" &&
    pass "recommend --names: the same fifth column" || fail "recommend --names: the same fifth column" "$(head -3 "$T/rec")"
run "$I2V" plot -q -m "$M" --method pca --top 50 --labels 50 --names "$T/names.tsv" -o "$T/map.svg"
[ "$rc" -eq 0 ] && grep -q 'Star Wars (1977)' "$T/map.svg" && pass "plot --names: names as labels and titles" ||
    fail "plot --names: names as labels and titles" "exit $rc"

# --- a model through a pipe --------------------------------------------------
"$I2V" similar -m "$M" -k 3 item_1 >"$T/direct"
run sh -c "cat '$M' | '$I2V' similar -m - -k 3 item_1"
[ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/direct" && pass "similar -m - reads the model from standard input" ||
    fail "similar -m - reads the model from standard input" "exit $rc: $(cat "$T/err")"
run sh -c "'$I2V' train -q -i '$T/s.txt' -o - --dim 8 --epochs 1 --threads 1 | '$I2V' similar -m - -k 3 item_1"
[ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 3 ] && pass "train -o - | similar -m -" ||
    fail "train -o - | similar -m -" "exit $rc: $(cat "$T/err")"
run sh -c "'$I2V' convert -m '$M' -o - | '$I2V' info -m -"
[ "$rc" -eq 0 ] && grep -q '^items' "$T/out" && pass "convert -o - | info -m -" || fail "convert -o - | info -m -" "exit $rc"
expect_fail "similar -m - with queries on standard input too is refused" 2 "standard input can be read once" \
    sh -c "cat '$M' | '$I2V' similar -m -"

# --- shards -----------------------------------------------------------------------
"$I2V" similar -m "$M" --all -k 3 -t 1 >"$T/all.tsv"
for i in 0 1 2; do
    "$I2V" similar -m "$M" --all -k 3 -t 1 --shard-index $i --shards 3
done >"$T/zero-based.tsv"
cmp -s "$T/all.tsv" "$T/zero-based.tsv" && pass "--shard-index 0..N-1 --shards N concatenated equal --all" ||
    fail "--shard-index 0..N-1 --shards N concatenated equal --all"
"$I2V" similar -m "$M" --all -k 3 -t 1 --shard 2/3 >"$T/one"
"$I2V" similar -m "$M" --all -k 3 -t 1 --shard-index 1 --shards 3 >"$T/zero"
cmp -s "$T/one" "$T/zero" && pass "--shard 2/3 is --shard-index 1 --shards 3" || fail "--shard 2/3 is --shard-index 1 --shards 3"
expect_fail "--shard-index past the shards is refused" 2 "numbered 0..2" \
    "$I2V" similar -m "$M" --all --shard-index 3 --shards 3
if command -v parallel >/dev/null 2>&1; then
    run env I2V="$I2V" sh scripts/batch/parallel.sh "$M" 4
    "$I2V" similar -m "$M" --all -t 1 >"$T/all10.tsv"
    [ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/all10.tsv" &&
        pass "scripts/batch/parallel.sh: 4 shards through GNU parallel equal --all" ||
        fail "scripts/batch/parallel.sh: 4 shards through GNU parallel equal --all" "exit $rc: $(head -c 300 "$T/err")"
else
    skip "scripts/batch/parallel.sh" "GNU parallel is not installed (Debian package parallel)"
fi
