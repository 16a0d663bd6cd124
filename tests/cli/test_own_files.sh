# What a careful user can still get wrong, and the program must not make
# worse: an output naming one of the command's own inputs (by its name,
# through ./, a symlink or a hard link), two outputs that are one file,
# standard output redirected into an input, closed standard descriptors,
# output names as long as the file system allows, item names no file can
# carry, and long epochs in a log.
. tests/cli/lib.sh
# The tests below run inside $T: the binary by its absolute path.
case $I2V in /*) ;; *) I2V=$(pwd)/$I2V ;; esac

M=$T/m.i2v
head -n 2000 data/sessions.txt >"$T/s.txt"
if ! "$I2V" train -q -i "$T/s.txt" -o "$M" --dim 8 --epochs 1 --threads 1 2>"$T/err"; then
    fail "train a model to work with" "$(cat "$T/err")"
    exit 0
fi
printf 'user,item,time\nu1,a,1\nu1,b,2\nu2,a,5\nu2,c,9\n' >"$T/e.csv"
printf 'item_1\tx\nitem_2\ty\nnew_1\tx\n' >"$T/f.tsv"
cp "$T/s.txt" "$T/s.orig"
cp "$M" "$T/m.orig"
cp "$T/e.csv" "$T/e.orig"
cp "$T/f.tsv" "$T/f.orig"
ln -s "$T/s.txt" "$T/link.txt"
ln "$T/s.txt" "$T/hard.txt"
ln -s "$M" "$T/mlink.i2v"
cd "$T" || exit 1

unchanged() {
    cmp -s s.txt s.orig && cmp -s "$M" m.orig && cmp -s e.csv e.orig && cmp -s f.tsv f.orig
}

# --- an output that is an input --------------------------------------------
# expect_refused NAME CMD...: exit 2, a message naming both, every file as it was.
expect_refused() {
    name=$1
    shift
    run "$@"
    if [ "$rc" -eq 2 ] && grep -q 'is the same file as\|are the same file' "$T/err" && unchanged; then
        pass "$name"
    else
        fail "$name" "exit $rc: $(head -c 300 "$T/err")"
    fi
    cp s.orig s.txt 2>/dev/null
}
for out in s.txt ./s.txt "$T/s.txt" link.txt hard.txt; do
    expect_refused "train -i s.txt -o $out: refused, the input kept" \
        "$I2V" train -q -i s.txt -o "$out" --dim 8 --epochs 1
done
expect_refused "train --resume M -o the -i file: refused" \
    "$I2V" train -q -i s.txt --resume "$M" -o ./s.txt --epochs 1
ln s.txt same.i2v
expect_refused "tune -i s.txt -o a hard link to it: refused" "$I2V" tune -q -i s.txt -o same.i2v
expect_refused "sessions -o its own input through ./" \
    "$I2V" sessions -q -i e.csv --user user --item item --time time -o ./e.csv
expect_refused "split --train its own input" "$I2V" split -q -i s.txt --train hard.txt --test t.txt
expect_refused "split --train a --test ./a: one file" "$I2V" split -q -i s.txt --train a.txt --test ./a.txt
expect_refused "convert -m M -o a symlink to M" "$I2V" convert -m "$M" -o mlink.i2v
expect_refused "coldstart -o its own features file" "$I2V" coldstart -q -m "$M" -f f.tsv -o ./f.tsv
expect_refused "coldstart -o its own model" "$I2V" coldstart -q -m mlink.i2v -f f.tsv -o "$M"
expect_refused "plot -o its own model" "$I2V" plot -q -m "$M" --method pca -o "$M"
expect_refused "plot -o and --coords one file" "$I2V" plot -q -m "$M" --method pca -o p.svg --coords ./p.svg
cp "$M" "$T/m2.i2v"
run sh -c "'$I2V' similar -m '$T/m2.i2v' item_1 >>'$T/m2.i2v'"
[ "$rc" -eq 2 ] && cmp -s "$T/m2.i2v" "$M" && grep -q 'standard output is the same file as -m' "$T/err" &&
    pass "similar >> its own model: refused before a byte is written" ||
    fail "similar >> its own model: refused before a byte is written" "exit $rc: $(cat "$T/err")"
run sh -c "'$I2V' vocab -i s.txt >>s.txt"
[ "$rc" -eq 2 ] && cmp -s s.txt s.orig && pass "vocab -i s.txt >> s.txt: refused" ||
    fail "vocab -i s.txt >> s.txt: refused" "exit $rc: $(cat "$T/err")"
cp s.orig s.txt
cp "$M" r.i2v
expect_ok "train --resume M -o M stays allowed" "$I2V" train -q -i s.txt --resume r.i2v -o ./r.i2v --epochs 1
"$I2V" info -m r.i2v --verify >/dev/null 2>&1 && pass "train --resume M -o M: the new M verifies" ||
    fail "train --resume M -o M: the new M verifies"
run sh -c "'$I2V' sessions -q -i /dev/stdin --user user --item item --time time -o /dev/null <e.csv"
[ "$rc" -eq 0 ] && pass "devices are never compared: -o /dev/null beside any input" ||
    fail "devices are never compared: -o /dev/null beside any input" "exit $rc: $(cat "$T/err")"

# --- closed standard descriptors ----------------------------------------------
# Each command with stdin, stdout or stderr closed: it runs, and what it
# writes to files is whole.
for closed in '0<&-' '1>&-' '2>&-'; do
    run sh -c "'$I2V' train -i s.txt -o c.i2v --dim 8 --epochs 1 --threads 1 $closed"
    [ "$rc" -eq 0 ] && "$I2V" info -m c.i2v --verify >/dev/null 2>&1 &&
        pass "train with $closed: a sound model, no progress inside it" ||
        fail "train with $closed: a sound model, no progress inside it" "exit $rc: $(head -c 200 "$T/err")"
    rm -f c.i2v
    run sh -c "'$I2V' tune -i s.txt -o c.i2v --trials 2 --max-epochs 1 --validation 50 --threads 1 $closed"
    [ "$rc" -eq 0 ] && "$I2V" info -m c.i2v --verify >/dev/null 2>&1 &&
        pass "tune with $closed: a sound model" || fail "tune with $closed: a sound model" "exit $rc"
    rm -f c.i2v
    for cmd in "convert -m $M -o c.bin" "coldstart -m $M -f f.tsv -o c.i2v" \
        "split -i s.txt --train c1.txt --test c2.txt" \
        "sessions -i e.csv --user user --item item --time time -o c.txt" \
        "plot -m $M --method pca -o c.svg"; do
        run sh -c "'$I2V' $cmd $closed"
        out=$(printf '%s\n' "$cmd" | awk '{ for (i = 1; i < NF; i++) if ($i == "-o" || $i == "--train") o = $(i + 1); print o }')
        [ "$rc" -eq 0 ] && [ -s "$out" ] && ! grep -q 'item2vec' "$out" &&
            pass "${cmd%% *} with $closed: exit 0, the output free of diagnostics" ||
            fail "${cmd%% *} with $closed: exit 0, the output free of diagnostics" "exit $rc"
        rm -f c.bin c.i2v c1.txt c2.txt c.txt c.svg
    done
    for cmd in "similar -m $M item_1" "recommend -m $M -i s.txt" "vocab -i s.txt" \
        "info -m $M" "eval -m $M --dims" "analogy -m $M item_1 item_2 item_3"; do
        run sh -c "'$I2V' $cmd $closed"
        [ "$rc" -eq 0 ] && pass "${cmd%% *} with $closed: exit 0" ||
            fail "${cmd%% *} with $closed: exit 0" "exit $rc: $(head -c 200 "$T/err")"
    done
done
# With stdout closed and a model written to "-", nothing lands in a file.
run sh -c "'$I2V' similar -m '$M' item_1 1>&- 2>err.txt"
[ "$rc" -eq 0 ] && [ ! -s err.txt ] && pass "similar with stdout closed: answers go nowhere, stderr stays clean" ||
    fail "similar with stdout closed: answers go nowhere, stderr stays clean" "exit $rc: $(cat err.txt)"

# --- output names as long as allowed -----------------------------------------
long=$(printf 'm%.0s' $(seq 1 251)).i2v  # 255 bytes: NAME_MAX
expect_ok "train -o a 255-byte name (the temporary name fits too)" \
    "$I2V" train -q -i s.txt -o "$long" --dim 8 --epochs 1
[ -s "$long" ] && ! ls -a | grep -q '\.tmp-' && pass "the 255-byte model is there, no temporary file left" ||
    fail "the 255-byte model is there, no temporary file left"
expect_ok "split --train and --test of 255-byte names" \
    "$I2V" split -q -i s.txt --train "$(printf 'a%.0s' $(seq 1 255))" --test "$(printf 'b%.0s' $(seq 1 255))"

# --- long epochs in a log ------------------------------------------------------
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "i%d ", i % 3000; print "" }' >long.txt
run env ITEM2VEC_PROGRESS_SECONDS=0.2 "$I2V" train -i long.txt -o l.i2v --window 0 --dim 16 \
    --epochs 1 --threads 1 --min-count 1
n=$(grep -c '^epoch 1/1: [0-9.]*% of the run' "$T/err")
[ "$rc" -eq 0 ] && [ "$n" -ge 2 ] && pass "a long epoch, stderr not a terminal: a line every interval ($n)" ||
    fail "a long epoch, stderr not a terminal: a line every interval" "exit $rc, $n lines: $(head -c 300 "$T/err")"
