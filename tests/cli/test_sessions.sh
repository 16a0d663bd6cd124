#!/bin/sh
# item2vec sessions, black-box: columns, delimiters, malformed rows, --strict,
# option errors, atomic output, sorting on disk with a small --mem.
. "$(dirname "$0")/lib.sh"

S="$I2V sessions"

cat >"$T/log.csv" <<'EOF'
ts,user_id,item_id,action
1700000100,bob,shoe,view
1700000000,ann,"red hat",view
1700000050,ann,scarf,cart
1700009000,ann,boot,view
1700000000,bob,sock,view
EOF
printf 'red_hat scarf\nboot\nsock shoe\n' >"$T/want"

# expect_output NAME CMD...: exit 0 and stdout equal to $T/want.
expect_output() {
    name=$1
    shift
    run "$@"
    if [ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/want"; then
        pass "$name"
    else
        fail "$name" "exit $rc; stdout: $(head -c 300 "$T/out"); stderr: $(head -c 300 "$T/err")"
    fi
}

expect_output "sessions: columns by name, gap splits, blanks in items become _" \
    $S -i "$T/log.csv" --user user_id --item item_id --time ts --gap 30m
expect_output "sessions: columns by 1-based number" \
    $S -i "$T/log.csv" --user 2 --item 3 --time 1 --gap 1800
expect_output "sessions: standard input" \
    sh -c "$S -i - --user user_id --item item_id --time ts --gap 0.5h <'$T/log.csv'"
grep -q "1 item value contained blanks" "$T/err" && pass "sessions: renamed items are reported" ||
    fail "sessions: renamed items are reported" "$(cat "$T/err")"

tr ',' '\t' <"$T/log.csv" >"$T/log.tsv"
expect_output "sessions: TSV delimiter detected" \
    $S -i "$T/log.tsv" --user user_id --item item_id --time ts --gap 30m
tr ',' ';' <"$T/log.csv" >"$T/log.ssv"
expect_output "sessions: --delim semicolon" \
    $S -i "$T/log.ssv" --delim ';' --user user_id --item item_id --time ts --gap 30m

printf 'ann\tred_hat scarf\nann\tboot\nbob\tsock shoe\n' >"$T/want"
expect_output "sessions: --with-user" \
    $S -i "$T/log.csv" --user user_id --item item_id --time ts --gap 30m --with-user

# Malformed rows: reported by line, skipped, the run succeeds.
cat >"$T/bad.csv" <<'EOF'
user,item,time
u1,a,2024-01-02T03:04:05Z
u1,b
u1,c,last tuesday
u1,"d"x,2024-01-02T03:04:06Z
u1,e,2024-01-02T03:04:07+00:00
EOF
printf 'a e\n' >"$T/want"
expect_output "sessions: malformed rows are skipped" $S -i "$T/bad.csv" --user user --item item --time time
if grep -q "3 malformed rows skipped" "$T/err" && grep -q "line 3: missing field" "$T/err" &&
    grep -q "line 4: .*'last tuesday'" "$T/err" && grep -q "line 5: .*quot" "$T/err"; then
    pass "sessions: malformed rows are reported with line numbers"
else
    fail "sessions: malformed rows are reported with line numbers" "$(cat "$T/err")"
fi
expect_fail "sessions: --strict stops at the first malformed row" 1 "bad.csv:3: missing field" \
    $S -i "$T/bad.csv" --user user --item item --time time --strict

if [ -x "$BUILD/genevents" ]; then
    "$BUILD/genevents" --events 3000 --malformed 0.01 -o "$T/many.csv"
    run $S -i "$T/many.csv" --user user_id --item item_id --time ts
    if [ "$rc" -eq 0 ] && grep -q "30 malformed rows skipped" "$T/err" &&
        [ "$(grep -c '^  line ' "$T/err")" -eq 10 ] && grep -q "and 20 more" "$T/err"; then
        pass "sessions: the first 10 malformed rows and the total"
    else
        fail "sessions: the first 10 malformed rows and the total" "$(head -c 600 "$T/err")"
    fi
else
    skip "sessions: the first 10 malformed rows and the total" "no $BUILD/genevents"
fi

# Usage errors: exit 2 with a message naming the option or column.
L="-i $T/log.csv --user user_id --item item_id --time ts"
expect_fail "sessions: unknown column" 2 "no column named 'when'" \
    $S -i "$T/log.csv" --user user_id --item item_id --time when
expect_fail "sessions: column number out of range" 2 "column 9 is out of range" \
    $S -i "$T/log.csv" --user user_id --item item_id --time 9
expect_fail "sessions: --time is required" 2 "--time are all required" \
    $S -i "$T/log.csv" --user user_id --item item_id
expect_fail "sessions: bad --gap" 2 "--gap: '5x'" $S $L --gap 5x
expect_fail "sessions: negative --gap" 2 "--gap: '-1m'" $S $L --gap -1m
expect_fail "sessions: bad --mem" 2 "--mem: '12Q'" $S $L --mem 12Q
expect_fail "sessions: --mem too small" 2 "--mem: '1K' is out of range" $S $L --mem 1K
expect_fail "sessions: --min-len 0" 2 "--min-len" $S $L --min-len 0
expect_fail "sessions: --max-len below --min-len" 2 "--max-len 2 is below --min-len 3" \
    $S $L --min-len 3 --max-len 2
expect_fail "sessions: bad --delim" 2 "--delim: '\"'" $S $L --delim '"'
expect_fail "sessions: unknown option" 2 "unknown" $S $L --frobnicate
expect_ok "sessions: --help" $S --help
grep -q -- "--gap DURATION" "$T/out" && pass "sessions: --help documents --gap" ||
    fail "sessions: --help documents --gap"

# Empty input and a header alone are runtime errors.
: >"$T/empty.csv"
expect_fail "sessions: empty input" 1 "empty" $S -i "$T/empty.csv" --user u --item i --time t
echo "u,i,t" >"$T/header.csv"
expect_fail "sessions: header only" 1 "no data rows" $S -i "$T/header.csv" --user u --item i --time t
expect_fail "sessions: missing input file" 1 "cannot open" \
    $S -i "$T/nope.csv" --user u --item i --time t

# -o: written on success; on failure the old file stays and no temp is left.
mkdir "$T/outdir"
echo "precious" >"$T/outdir/s.txt"
run $S -i "$T/bad.csv" --user user --item item --time time --strict -o "$T/outdir/s.txt"
if [ "$rc" -eq 1 ] && [ "$(cat "$T/outdir/s.txt")" = precious ] &&
    [ "$(ls -A "$T/outdir")" = s.txt ]; then
    pass "sessions: a failed run keeps the existing output"
else
    fail "sessions: a failed run keeps the existing output" "rc $rc; $(ls -A "$T/outdir")"
fi
run $S $L --gap 30m -o "$T/outdir/s.txt"
printf 'red_hat scarf\nboot\nsock shoe\n' >"$T/want"
if [ "$rc" -eq 0 ] && cmp -s "$T/outdir/s.txt" "$T/want" && [ "$(ls -A "$T/outdir")" = s.txt ]; then
    pass "sessions: -o writes the file"
else
    fail "sessions: -o writes the file" "rc $rc; $(cat "$T/err")"
fi

# A small --mem sorts through runs on disk: same output, nothing left behind.
if [ -x "$BUILD/genevents" ]; then
    "$BUILD/genevents" --events 40000 --users 500 --time-format iso -o "$T/big.csv"
    mkdir "$T/tmp"
    B="-i $T/big.csv --user user_id --item item_id --time ts --gap 30m --dedup --max-len 50"
    run $S $B -o "$T/in-memory.txt"
    run $S $B --mem 64K --tmpdir "$T/tmp" -o "$T/on-disk.txt"
    if [ "$rc" -eq 0 ] && cmp -s "$T/in-memory.txt" "$T/on-disk.txt" &&
        grep -q "sorted runs on disk" "$T/err" && [ -z "$(ls -A "$T/tmp")" ]; then
        pass "sessions: --mem 64K sorts on disk with the same output"
    else
        fail "sessions: --mem 64K sorts on disk with the same output" "rc $rc; $(cat "$T/err")"
    fi
    expect_fail "sessions: an unusable --tmpdir is named" 1 "$T/no-such-dir" \
        $S $B --mem 64K --tmpdir "$T/no-such-dir"
    run sh -c "$S $B -q | $I2V vocab -i - --min-count 1"
    [ "$rc" -eq 0 ] && [ -s "$T/out" ] && pass "sessions: output feeds item2vec vocab" ||
        fail "sessions: output feeds item2vec vocab" "rc $rc; $(cat "$T/err")"
else
    skip "sessions: --mem 64K sorts on disk with the same output" "no $BUILD/genevents"
fi
