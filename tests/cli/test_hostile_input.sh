# Hostile sequence and log inputs for `vocab`, `train` and `sessions`:
# what upstream jobs really produce (garbage, NUL bytes, broken UTF-8,
# CRLF, one enormous line, enormous items, millions of distinct items) is
# counted exactly or refused with a message; nothing dies by a signal.
# (test_train.sh covers missing, directory, empty and blank inputs of train.)
. tests/cli/lib.sh
. tests/cli/hostile_lib.sh

# --- what vocab does with odd bytes -------------------------------------------
printf '\n  \n\t\r\n' >"$T/blank.txt"
expect_fail "vocab: a blank-only input is an error naming it" 1 "blank.txt: no items" \
    "$I2V" vocab -i "$T/blank.txt"

printf 'a\000b\000\000a\n\000\n' >"$T/nul.txt"
run "$I2V" vocab -i "$T/nul.txt"
if [ "$rc" -eq 0 ] && [ "$(cat "$T/out")" = "$(printf 'a\t2\nb\t1')" ]; then
    pass "vocab: NUL bytes separate items like blanks"
else
    fail "vocab: NUL bytes separate items like blanks" "exit $rc: $(od -c "$T/out" | head -3)"
fi

printf '\377\376 caf\303\251 \200\n\303\n' >"$T/utf8.txt"
printf 'caf\303\251\t1\n\200\t1\n\303\t1\n\377\376\t1\n' >"$T/utf8.want"
run "$I2V" vocab -i "$T/utf8.txt"
if [ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/utf8.want"; then
    pass "vocab: invalid UTF-8 passes through byte for byte"
else
    fail "vocab: invalid UTF-8 passes through byte for byte" "exit $rc: $(od -c "$T/out" | head -3)"
fi

printf 'a b\r\nb\r\n\r\n' >"$T/crlf.txt"
run "$I2V" vocab -i "$T/crlf.txt"
if [ "$rc" -eq 0 ] && [ "$(cat "$T/out")" = "$(printf 'b\t2\na\t1')" ]; then
    pass "vocab: CRLF line ends leave no CR in items"
else
    fail "vocab: CRLF line ends leave no CR in items" "$(od -c "$T/out" | head -3)"
fi

if can_drop_root; then
    printf 'a b\n' >"$T/locked.txt"
    chmod 000 "$T/locked.txt"
    chmod 755 "$T"
    expect_fail "vocab: an unreadable input names the file and the reason" 1 \
        "locked.txt: cannot open: Permission denied" $NOBODY "$I2V" vocab -i "$T/locked.txt"
    expect_fail "sessions: an unreadable input names the file and the reason" 1 \
        "locked.txt: cannot open: Permission denied" \
        $NOBODY "$I2V" sessions -i "$T/locked.txt" --user 1 --item 2 --time 3
    chmod 700 "$T"
else
    skip "vocab: an unreadable input names the file and the reason" "root without setpriv"
fi
expect_fail "sessions: a directory as input is named" 1 "is a directory" \
    "$I2V" sessions -i "$T" --user 1 --item 2 --time 3
# A directory on standard input: the reason is given (it once said only
# "reading standard input failed").
"$I2V" train -q -i data/sessions.txt -o "$T/m.i2v" --dim 4 --epochs 1 --threads 1
for cmd in "vocab -i -" "train -q -i - -o $T/stdin.i2v" "sessions -i - --user 1 --item 2 --time 3" \
    "similar -m $T/m.i2v" "analogy -m $T/m.i2v"; do
    "$I2V" $cmd <"$T" >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" -eq 1 ] && grep -q "standard input: .*Is a directory" "$T/err"; then
        pass "${cmd%% *}: a directory on standard input: exit 1 with the reason"
    else
        fail "${cmd%% *}: a directory on standard input: exit 1 with the reason" "exit $rc: $(cat "$T/err")"
    fi
done

# --- binary garbage -------------------------------------------------------------
# A compressed file given by mistake: every byte value, NULs included.
gzip -nc <data/sessions.txt >"$T/garbage"
run "$I2V" vocab -i "$T/garbage"
if [ "$rc" -eq 0 ] && [ -s "$T/out" ] && ! cut -f1 "$T/out" | grep -q '^$'; then
    pass "vocab: binary garbage is counted, never an empty item"
else
    fail "vocab: binary garbage is counted, never an empty item" "exit $rc: $(head -c 300 "$T/err")"
fi
run "$I2V" train -q -i "$T/garbage" -o "$T/garbage.i2v" --min-count 1 --dim 4 --epochs 1
if [ "$rc" -eq 0 ] && "$I2V" info -m "$T/garbage.i2v" --verify >/dev/null 2>&1; then
    pass "train: binary garbage gives a sound model"
else
    fail "train: binary garbage gives a sound model" "exit $rc: $(head -c 300 "$T/err")"
fi
expect_fail "sessions: binary garbage has no valid row: exit 1 naming the file" 1 \
    "garbage: no valid row" "$I2V" sessions -i "$T/garbage" --user 1 --item 2 --time 3
printf 'user,item,time\nu\377,\000x\001,5\n' >"$T/nul.csv"
run "$I2V" sessions -i "$T/nul.csv" --user user --item item --time time --with-user
if [ "$rc" -eq 0 ] && [ "$(od -An -c "$T/out" | tr -s ' ')" = " u 377 \t _ x 001 \n" ]; then
    pass "sessions: a NUL in an item becomes _, other bytes pass through"
else
    fail "sessions: a NUL in an item becomes _, other bytes pass through" "$(od -c "$T/out")"
fi

# --- a single line of 100 MB -------------------------------------------------------
# 2439025 copies of a 40-byte group of ten items, one line: 100,000,025 bytes.
if heavy "vocab: a single 100 MB line is counted exactly"; then
    yes 'a1 b22 c333 d4444 e55555 f6 g7 h8 i9 j10' | head -n 2439025 | tr '\n' ' ' >"$T/line"
    echo >>"$T/line"
    run "$I2V" vocab -i "$T/line"
    if [ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 10 ] &&
        [ "$(cut -f2 "$T/out" | sort -u)" = 2439025 ]; then
        pass "vocab: a single 100 MB line is counted exactly"
    else
        fail "vocab: a single 100 MB line is counted exactly" "exit $rc: $(head -c 300 "$T/out" "$T/err")"
    fi
    run "$I2V" train -q -i "$T/line" -o "$T/line.bin" --dim 4 --epochs 1 --threads 2
    if [ "$rc" -eq 0 ] && [ "$(head -n 1 "$T/line.bin")" = "10 4" ]; then
        pass "train: a single 100 MB line is one sequence, trained whole"
    else
        fail "train: a single 100 MB line is one sequence, trained whole" "exit $rc: $(cat "$T/err")"
    fi
    { echo 'user,item,time'; tr ' ' , <"$T/line"; echo 'u,a,1'; } >"$T/line.csv"
    rm -f "$T/line"
    run "$I2V" sessions -i "$T/line.csv" --user user --item item --time time
    if [ "$rc" -eq 0 ] && [ "$(cat "$T/out")" = a ] && grep -q "line 2: .*fields" "$T/err"; then
        pass "sessions: a 100 MB row is reported as malformed, the rest still read"
    else
        fail "sessions: a 100 MB row is reported as malformed, the rest still read" "exit $rc: $(head -c 300 "$T/err")"
    fi
    rm -f "$T/line.csv"
fi

# --- long items ---------------------------------------------------------------------
# 1 MB is used whole; beyond I2V_MAX_ITEM_BYTES (64 MiB) is refused, never cut.
if heavy "train: a 1 MB item is kept whole"; then
    { head -c 1000000 /dev/zero | tr '\0' x; echo ' a b'; } >"$T/mb"
    for i in 1 2 3 4; do cat "$T/mb"; done >"$T/mb4"
    run "$I2V" vocab -i "$T/mb4"
    if [ "$rc" -eq 0 ] && [ "$(awk -F'\t' '{ print length($1) "x" $2 }' "$T/out" | sort | tr '\n' ' ')" = "1000000x4 1x4 1x4 " ]; then
        pass "vocab: a 1 MB item is counted whole"
    else
        fail "vocab: a 1 MB item is counted whole" "exit $rc"
    fi
    run "$I2V" train -q -i "$T/mb4" -o "$T/mb.i2v" --min-count 1 --dim 4 --epochs 1
    if [ "$rc" -eq 0 ] && "$I2V" similar -m "$T/mb.i2v" -k 2 a >"$T/out" 2>"$T/err" &&
        [ "$(cut -f3 "$T/out" | awk '{ print length($0) }' | sort -n | tail -n 1)" = 1000000 ]; then
        pass "train: a 1 MB item is kept whole"
    else
        fail "train: a 1 MB item is kept whole" "exit $rc: $(head -c 300 "$T/err")"
    fi
    rm -f "$T/mb" "$T/mb4"
fi
if heavy "vocab and train: an item over 64 MiB is refused"; then
    { echo 'a b'; head -c 70000000 /dev/zero | tr '\0' y; echo; } >"$T/huge"
    expect_fail "vocab: an item over 64 MiB is refused, naming the line" 1 \
        "huge: line 2: an item is longer than 67108864 bytes" "$I2V" vocab -i "$T/huge"
    expect_fail "train: an item over 64 MiB is refused, naming the line" 1 \
        "huge: line 2: an item is longer than 67108864 bytes" \
        "$I2V" train -q -i "$T/huge" -o "$T/huge.bin" --min-count 1
    expect_absent "train: a refused input writes no model" "$T/huge.bin"
    rm -f "$T/huge"
fi

# --- two million distinct items, --max-vocab 100000 -------------------------------
# Counting is exact before the cap: an item seen once early and often late
# keeps its whole count (word2vec's pruning while counting would lose it).
if heavy "vocab: --max-vocab keeps the most frequent of 2 million items, counts exact"; then
    awk 'BEGIN { print "late"; for (i = 0; i < 2000000; i++) printf "i%d f%d\n", i, i % 7;
                 for (i = 0; i < 150; i++) print "late" }' >"$T/many"
    run "$I2V" vocab -i "$T/many" --max-vocab 100000
    want=$(printf 'f0\t285715\nf1\t285715\nf2\t285714\nf3\t285714\nf4\t285714\nf5\t285714\nf6\t285714\nlate\t151\ni0\t1\ni1\t1\ni10\t1')
    if [ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 100000 ] && [ "$(head -n 11 "$T/out")" = "$want" ]; then
        pass "vocab: --max-vocab keeps the most frequent of 2 million items, counts exact"
    else
        fail "vocab: --max-vocab keeps the most frequent of 2 million items, counts exact" "exit $rc: $(head -n 11 "$T/out")"
    fi
    run "$I2V" train -q -i "$T/many" -o "$T/many.i2v" --max-vocab 100000 --min-count 1 --dim 4 --epochs 1
    if [ "$rc" -eq 0 ] && "$I2V" info -m "$T/many.i2v" >"$T/out" &&
        grep -q '^items  *100000$' "$T/out" &&
        grep -q "^counts  *yes, $((2000000 + 151 + 99992)) occurrences" "$T/out"; then
        pass "train: --max-vocab 100000 of 2 million items keeps exact counts"
    else
        fail "train: --max-vocab 100000 of 2 million items keeps exact counts" "exit $rc: $(cat "$T/out" "$T/err")"
    fi
    rm -f "$T/many"
fi

# --- eval task files and split inputs ----------------------------------------------
: >"$T/empty.txt"
printf 'item_1 item_2 item_3\nitem_4 item_5\n' >"$T/seq.txt"
for task in analogies pairs next-item groups; do
    expect_fail "eval --$task: a missing file is named" 1 "nope.txt: cannot open: No such file" \
        "$I2V" eval -m "$T/m.i2v" --$task "$T/nope.txt"
    expect_fail "eval --$task: a directory is named" 1 "cannot read: it is a directory" \
        "$I2V" eval -m "$T/m.i2v" --$task "$T"
    expect_fail "eval --$task: an empty file has nothing to evaluate" 1 "empty.txt: no " \
        "$I2V" eval -m "$T/m.i2v" --$task "$T/empty.txt"
    run "$I2V" eval -m "$T/m.i2v" --$task "$T/garbage"
    if [ "$rc" -le 1 ] && grep -q "garbage: .*malformed\|garbage: no " "$T/err"; then
        pass "eval --$task: binary garbage is reported as malformed lines"
    else
        fail "eval --$task: binary garbage is reported as malformed lines" "exit $rc: $(head -c 300 "$T/err")"
    fi
done
expect_fail "eval --train: an empty training file is named" 1 "empty.txt: no items" \
    "$I2V" eval -m "$T/m.i2v" --next-item "$T/seq.txt" --train "$T/empty.txt"
# Found by fuzzing: training data without two consecutive items handed
# qsort a NULL array (undefined behaviour, seen under check-sanitize).
printf 'item_1\n\nitem_2\n' >"$T/single.txt"
expect_ok "eval --train: training sequences of one item each give baselines" \
    "$I2V" eval -m "$T/m.i2v" --next-item "$T/seq.txt" --train "$T/single.txt"

expect_fail "split: a missing input is named" 1 "nope.txt: cannot open: No such file" \
    "$I2V" split -q -i "$T/nope.txt" --train "$T/tr.txt" --test "$T/te.txt"
expect_fail "split: a directory input is named" 1 "is a directory" \
    "$I2V" split -q -i "$T" --train "$T/tr.txt" --test "$T/te.txt"
expect_fail "split: an empty input has no sequence" 1 "no sequence" \
    "$I2V" split -q -i "$T/empty.txt" --train "$T/tr.txt" --test "$T/te.txt"
expect_fail "split: a blank input has no sequence" 1 "no sequence" \
    "$I2V" split -q -i "$T/blank.txt" --train "$T/tr.txt" --test "$T/te.txt"
[ ! -e "$T/tr.txt" ] && [ ! -e "$T/te.txt" ] && [ -z "$(temp_files "$T")" ] &&
    pass "split: a refused input writes neither file" || fail "split: a refused input writes neither file" "$(ls "$T")"
printf 'a\000b c\r\n\377\376 d\r\n\r\n' >"$T/odd.txt"
run "$I2V" split -q -i "$T/odd.txt" --train "$T/tr.txt" --test "$T/te.txt"
if [ "$rc" -eq 0 ] && [ "$(cat "$T/tr.txt")" = "$(printf 'a b\n\377\376')" ] &&
    [ "$(cat "$T/te.txt")" = "$(printf 'a b c\n\377\376 d')" ]; then
    pass "split: NUL and CR separate items, other bytes pass through"
else
    fail "split: NUL and CR separate items, other bytes pass through" "exit $rc: $(od -c "$T/tr.txt" "$T/te.txt" | head)"
fi
run "$I2V" split -q -i "$T/garbage" --train "$T/tr.txt" --test "$T/te.txt" --ratio 0.3
in_items=$(tr '\000\r' '  ' <"$T/garbage" | LC_ALL=C wc -w)
out_items=$(cat "$T/tr.txt" "$T/te.txt" | LC_ALL=C wc -w)
[ "$rc" -eq 0 ] && [ "$in_items" -eq "$out_items" ] && pass "split --ratio: binary garbage keeps every item" ||
    fail "split --ratio: binary garbage keeps every item" "exit $rc: $in_items in, $out_items out"

# --- coldstart features and plot item lists ------------------------------------------
for case in "coldstart -m $T/m.i2v -o $T/cold.i2v -f" "plot -m $T/m.i2v -o $T/map.svg --method pca --items" \
    "plot -m $T/m.i2v -o $T/map.svg --method pca --groups"; do
    name="${case%% *} ${case##* }"
    expect_fail "$name: a missing file is named" 1 "nope.txt: cannot open: No such file" $I2V $case "$T/nope.txt"
    expect_fail "$name: a directory is named" 1 "cannot read: it is a directory" $I2V $case "$T"
done
expect_fail "coldstart -f: an empty file has no features" 1 "empty.txt: empty file" \
    $I2V coldstart -m "$T/m.i2v" -o "$T/cold.i2v" -f "$T/empty.txt"
expect_fail "coldstart -f: binary garbage is reported line by line, nothing placed" 1 "garbage: .*malformed lines skipped" \
    $I2V coldstart -m "$T/m.i2v" -o "$T/cold.i2v" -f "$T/garbage"
expect_absent "coldstart: a refused features file writes no model" "$T/cold.i2v"
expect_fail "plot --items: an empty list is an error" 1 "empty.txt: no item listed" \
    $I2V plot -m "$T/m.i2v" -o "$T/map.svg" --method pca --items "$T/empty.txt"
expect_absent "plot: a refused item list writes no map" "$T/map.svg"
run $I2V plot -m "$T/m.i2v" -o "$T/map.svg" --method pca --groups "$T/garbage"
[ "$rc" -eq 0 ] && grep -q "garbage: .*malformed lines skipped" "$T/err" &&
    pass "plot --groups: binary garbage lines are skipped and reported" ||
    fail "plot --groups: binary garbage lines are skipped and reported" "exit $rc: $(head -c 300 "$T/err")"
