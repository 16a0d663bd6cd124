# Black-box tests of model files: `convert`, `info`, and what damaged or
# foreign files do to the commands that read them.
. tests/cli/lib.sh

M=$T/m.i2v
if ! "$I2V" train -i data/sessions.txt -o "$M" --dim 12 --epochs 1 --threads 1 -q 2>"$T/err"; then
    fail "train a model to convert" "$(cat "$T/err")"
    exit 0
fi

# info: one "key value" line per fact.
run "$I2V" info -m "$M"
if [ "$rc" -eq 0 ] && grep -q '^format  *native (version 2)$' "$T/out" &&
    grep -q '^dimensions  *12$' "$T/out" && grep -q '^items  *[0-9][0-9]*$' "$T/out" &&
    grep -q '^output-weights  *yes$' "$T/out" && grep -q '^counts  *yes' "$T/out" &&
    grep -q '^training  *window 5, negative 5, epochs 1,' "$T/out" &&
    grep -q "^size  *$(wc -c <"$M") bytes$" "$T/out"; then
    pass "info shows format, size, items, dimensions, counts, output weights, parameters"
else
    fail "info shows format, size, items, dimensions, counts, output weights, parameters" "$(cat "$T/out" "$T/err")"
fi
expect_ok "info --verify passes on a sound model" "$I2V" info -m "$M" --verify
grep -q '^verified  *yes' "$T/out" && pass "info --verify says so" || fail "info --verify says so"

# convert: every format to every other, the answers never change.
"$I2V" similar -m "$M" -k 5 item_1 item_2 >"$T/want"
for chain in "bin txt i2v" "txt bin i2v" "i2v txt bin" "bin i2v txt"; do
    src=$M
    ok=1
    for ext in $chain; do
        dst=$T/c.$(echo "$chain" | tr ' ' _).$ext
        "$I2V" convert -m "$src" -o "$dst" 2>"$T/err" || { ok=0; break; }
        "$I2V" similar -m "$dst" -k 5 item_1 item_2 | cmp -s - "$T/want" || { ok=0; break; }
        src=$dst
    done
    if [ $ok -eq 1 ]; then
        pass "convert $chain keeps every answer"
    else
        fail "convert $chain keeps every answer" "at $dst: $(cat "$T/err")"
    fi
done
run "$I2V" info -m "$T/c.bin_txt_i2v.bin"
if grep -q '^format  *word2vec-binary$' "$T/out" && grep -q '^output-weights  *no$' "$T/out" &&
    grep -q '^training  *not recorded' "$T/out"; then
    pass "info on word2vec binary says what the format lacks"
else
    fail "info on word2vec binary says what the format lacks" "$(cat "$T/out")"
fi
run "$I2V" info -m "$T/c.i2v_txt_bin.txt"
grep -q '^format  *word2vec-text$' "$T/out" && pass "info recognises word2vec text" ||
    fail "info recognises word2vec text" "$(cat "$T/out")"

expect_fail "convert to word2vec says what is dropped" 0 \
    "note: .*m.bin is word2vec-binary, which keeps no item counts, training parameters, output weights or successors" \
    "$I2V" convert -m "$M" -o "$T/m.bin"
run "$I2V" convert -m "$T/m.bin" -o "$T/back.i2v"
if [ "$rc" -eq 0 ] && [ ! -s "$T/err" ]; then
    pass "convert word2vec to native says nothing"
else
    fail "convert word2vec to native says nothing" "$(cat "$T/err")"
fi
run "$I2V" convert -m "$M" -o - --format text
if [ "$rc" -eq 0 ] && head -1 "$T/out" | grep -q '^[0-9][0-9]* 12$'; then
    pass "convert -o - writes standard output"
else
    fail "convert -o - writes standard output"
fi
run "$I2V" convert -m "$M" -o - --format native
if [ "$rc" -eq 0 ] && cmp -s "$T/out" "$M"; then
    pass "convert native to native on stdout gives the same bytes"
else
    fail "convert native to native on stdout gives the same bytes"
fi
expect_fail "convert to a full device exits 1" 1 "/dev/full: write failed: No space left" \
    "$I2V" convert -m "$M" -o /dev/full --format native
expect_fail "convert into a missing directory exits 1" 1 "the directory does not exist" \
    "$I2V" convert -m "$M" -o "$T/no/such/dir.i2v"
expect_fail "convert --format bad is a usage error" 2 "not one of bin, text, native" \
    "$I2V" convert -m "$M" -o "$T/x" --format bad
expect_fail "convert needs -o" 2 "-o OUT is required" "$I2V" convert -m "$M"
if ls "$T" | grep -q 'tmp-'; then
    fail "failed converts leave no temporary file" "$(ls "$T")"
else
    pass "failed converts leave no temporary file"
fi

# Damage: the header and small sections are checked on open, vectors by
# --verify; a NaN met by a query stops it naming the row.
size=$(wc -c <"$M")
input_at=$(od -An -t u8 -j $((128 + 6 * 32)) -N 8 "$M" | tr -d ' ')
cp "$M" "$T/nan.i2v"
printf '\000\000\300\177' | dd of="$T/nan.i2v" bs=1 seek=$((input_at + 4)) conv=notrunc 2>/dev/null
expect_fail "a NaN in the vectors stops a query, naming the row" 1 \
    "nan.i2v: row 1 \(item 'item_1'\) holds a NaN or infinite value: the model is damaged" \
    "$I2V" similar -m "$T/nan.i2v" item_2
printf 'item_2\nitem_3\nitem_4\n' >"$T/in"
run "$I2V" similar -m "$T/nan.i2v" <"$T/in"
if [ "$rc" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && [ ! -s "$T/out" ]; then
    pass "a damaged model stops a batch of queries at the first, with one message"
else
    fail "a damaged model stops a batch of queries at the first, with one message" "exit $rc: $(cat "$T/err")"
fi
expect_ok "info without --verify still describes a damaged model" "$I2V" info -m "$T/nan.i2v"
expect_fail "info --verify finds damaged vectors" 1 "checksum of the input vectors section does not match" \
    "$I2V" info -m "$T/nan.i2v" --verify
expect_fail "convert refuses a damaged model" 1 "input vectors" \
    "$I2V" convert -m "$T/nan.i2v" -o "$T/from_nan.bin"
[ ! -e "$T/from_nan.bin" ] && pass "a refused convert writes nothing" || fail "a refused convert writes nothing"
cp "$M" "$T/flip.i2v"
printf 'X' | dd of="$T/flip.i2v" bs=1 seek=600 conv=notrunc 2>/dev/null
expect_fail "damage to a small section is found on open" 1 "corrupted native model: checksum of the" \
    "$I2V" similar -m "$T/flip.i2v" item_1
head -c $((size - 1)) "$M" >"$T/short.i2v"
expect_fail "a model one byte short is truncated" 1 "short.i2v: truncated: $((size - 1)) of $size bytes" \
    "$I2V" info -m "$T/short.i2v"
cp "$M" "$T/version.i2v"
printf '\011' | dd of="$T/version.i2v" bs=1 seek=8 conv=notrunc 2>/dev/null
expect_fail "an unknown native version is refused" 1 "version 9 is not supported" \
    "$I2V" info -m "$T/version.i2v"

# word2vec files from elsewhere: errors name the line or row and the item.
printf '2 3\na 1 2 3\nb 1 2\n' >"$T/short.txt"
expect_fail "a short text row is refused" 1 "short.txt: line 3 \(item 'b'\): 2 values, expected 3" \
    "$I2V" similar -m "$T/short.txt" a
printf '2 2\na 1 2\na 3 4\n' >"$T/dup.txt"
expect_fail "a duplicate item is refused" 1 "dup.txt: item 'a' appears twice" \
    "$I2V" info -m "$T/dup.txt"
printf '2 2\na 1 2\nb inf 4\n' >"$T/inf.txt"
expect_fail "an infinite value is refused" 1 "inf.txt: line 3 \(item 'b'\): NaN or infinite value" \
    "$I2V" info -m "$T/inf.txt"
printf '5 2\na 1 2\nb 3 4\n' >"$T/few.txt"
expect_fail "fewer rows than the header says is refused" 1 "few.txt" "$I2V" info -m "$T/few.txt"
printf '1 2\na 1 2\nb 3 4\n' >"$T/many.txt"
expect_fail "more rows than the header says is refused" 1 "unexpected data after the 1 items" \
    "$I2V" info -m "$T/many.txt"
: >"$T/empty.bin"
expect_fail "an empty file is no model" 1 "empty.bin: empty file, not a model" \
    "$I2V" info -m "$T/empty.bin"

# A model read from a pipe (not mappable) works too.
cat "$M" | "$I2V" similar -m /dev/stdin -k 5 item_1 item_2 >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/want"; then
    pass "a native model can be read from a pipe"
else
    fail "a native model can be read from a pipe" "exit $rc: $(cat "$T/err")"
fi

# A text model whose rows are longer than the bytes sniffed for the format.
awk 'BEGIN { print "3 9000"; for (i = 0; i < 3; i++) { printf "w%d", i;
     for (j = 0; j < 9000; j++) printf " %.9f", sin(i * 9000 + j) / 3; printf "\n" } }' >"$T/wide.txt"
run "$I2V" similar -m "$T/wide.txt" -k 2 w0
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 2 ] && "$I2V" info -m "$T/wide.txt" | grep -q 'word2vec-text'; then
    pass "a text model with 120 kB rows is recognised as text"
else
    fail "a text model with 120 kB rows is recognised as text" "exit $rc: $(cat "$T/err")"
fi

# A native model of format version 1 (tests/data/model-v1.i2v, written by
# an item2vec of that version) is still read, verified, answered,
# continued and converted; what it is written to is version 2.
V1=tests/data/model-v1.i2v
run "$I2V" info -m "$V1" --verify
if [ "$rc" -eq 0 ] && grep -q '^format  *native (version 1)$' "$T/out" &&
    grep -q '^successors  *no$' "$T/out" && grep -q '^verified  *yes' "$T/out"; then
    pass "a version 1 native model is read and verified"
else
    fail "a version 1 native model is read and verified" "$(cat "$T/out" "$T/err")"
fi
run "$I2V" similar -m "$V1" -k 3 a
[ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 3 ] && pass "a version 1 native model answers queries" ||
    fail "a version 1 native model answers queries" "$(cat "$T/err")"
printf 'a b c d\nd c b a\n' >"$T/more.txt"
run "$I2V" train -q -i "$T/more.txt" --resume "$V1" -o "$T/v2.i2v" --min-count 1 --threads 1
if [ "$rc" -eq 0 ] && "$I2V" info -m "$T/v2.i2v" | grep -q '^format  *native (version 2)$'; then
    pass "a version 1 native model is continued into version 2"
else
    fail "a version 1 native model is continued into version 2" "$(cat "$T/err")"
fi
