# Hostile places to write: a missing or read-only directory, a directory
# as the output, a full disk (a 64 kB tmpfs) and /dev/full; signals while
# a file is written; divergence; many threads on two cores.  A failure
# exits 1 naming the path and the reason, and leaves the file that was
# at the path untouched and no temporary file; a device is written
# directly.  (test_train.sh covers train into a missing directory, train
# to /dev/full, SIGINT/SIGTERM during train and --alpha 50.)
. tests/cli/lib.sh
. tests/cli/hostile_lib.sh

FULL=$T/full
trap 'umount "$FULL" 2>/dev/null; chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT

M=$T/m.i2v
if ! "$I2V" train -q -i data/sessions.txt -o "$M" --dim 16 --epochs 1 --threads 1 2>"$T/err"; then
    fail "train a model to write elsewhere" "$(cat "$T/err")"
    exit 0
fi
awk 'BEGIN { print "user,item,time"; for (i = 0; i < 20000; i++) printf "u%d,item%d,%d\n", i % 100, i, i }' >"$T/log.csv"
LOG="-i $T/log.csv --user user --item item --time time -q"
printf 'item_1\tx y\nitem_2\ty\nnew\tx\n' >"$T/features.txt"
echo precious >"$T/precious"

# --- a path that cannot be written ---------------------------------------------------
expect_fail "sessions -o into a missing directory: exit 1 naming the path" 1 \
    "no/such/s.txt: cannot write: the directory does not exist" \
    $I2V sessions $LOG -o "$T/no/such/s.txt"
mkdir "$T/dir"
for cmd in "train -q -i data/sessions.txt -o $T/dir" "convert -m $M -o $T/dir" "sessions $LOG -o $T/dir"; do
    expect_fail "${cmd%% *} -o DIRECTORY: exit 1, it is a directory" 1 "dir: cannot write: it is a directory" \
        $I2V $cmd
done
[ -z "$(ls -A "$T/dir")" ] && pass "a directory given as output is left empty" ||
    fail "a directory given as output is left empty" "$(ls -A "$T/dir")"

if can_drop_root; then
    mkdir "$T/ro" "$T/rw"
    chmod 777 "$T/rw"
    cp "$T/precious" "$T/ro/m.i2v"
    chmod 755 "$T" "$T/ro"
    chmod 644 "$M" "$T/log.csv" "$T/ro/m.i2v"
    expect_fail "train into a read-only directory: exit 1, permission denied" 1 \
        "ro/m.i2v: cannot write in its directory: Permission denied" \
        $NOBODY "$I2V" train -q -i data/sessions.txt -o "$T/ro/m.i2v" --epochs 1
    expect_fail "convert into a read-only directory: exit 1, permission denied" 1 \
        "ro/m.i2v: cannot write in its directory: Permission denied" $NOBODY "$I2V" convert -m "$M" -o "$T/ro/m.i2v"
    expect_fail "sessions into a read-only directory: exit 1, permission denied" 1 \
        "ro/s.txt: cannot write in its directory: Permission denied" $NOBODY "$I2V" sessions $LOG -o "$T/ro/s.txt"
    chmod 644 "$T/features.txt"
    expect_fail "coldstart into a read-only directory: exit 1, permission denied" 1 \
        "ro/m.i2v: cannot write in its directory: Permission denied" \
        $NOBODY "$I2V" coldstart -q -m "$M" -f "$T/features.txt" -o "$T/ro/m.i2v"
    expect_fail "plot into a read-only directory: exit 1, permission denied" 1 \
        "ro/map.svg: cannot write in its directory: Permission denied" \
        $NOBODY "$I2V" plot -q -m "$M" --method pca -o "$T/ro/map.svg"
    expect_fail "split into a read-only directory: exit 1, permission denied" 1 \
        "ro/te.txt: cannot write in its directory: Permission denied" \
        $NOBODY "$I2V" split -q -i data/sessions.txt --train "$T/rw/tr.txt" --test "$T/ro/te.txt"
    expect_absent "split: one unwritable output writes neither" "$T/rw/tr.txt"
    expect_fail "train with a read-only --tmpdir: exit 1 naming it" 1 \
        "ro: cannot create the corpus spool: Permission denied" \
        $NOBODY "$I2V" train -q -i data/sessions.txt -o - --tmpdir "$T/ro" --epochs 1
    expect_untouched "a read-only directory keeps its file, no temporary file" "$T/ro/m.i2v" "$T/precious"
    chmod 700 "$T"
else
    skip "train into a read-only directory: exit 1, permission denied" "root without setpriv"
fi

# --- a full disk ------------------------------------------------------------------------
mkdir "$FULL"
if mount -t tmpfs -o size=64k tmpfs "$FULL" 2>"$T/err"; then
    # Each output is several times 64 kB; the old file must survive.
    for case in "train -q -i data/sessions.txt --dim 16 --epochs 1 -o|m.i2v" "convert -m $M -o|m.i2v" \
        "convert -m $M -o|m.txt" "sessions $LOG -o|s.txt" "coldstart -q -m $M -f $T/features.txt -o|c.i2v" \
        "plot -q -m $M --method pca -o|map.svg"; do
        cmd=${case%|*} file=$FULL/${case#*|}
        cp "$T/precious" "$file"
        expect_fail "${cmd%% *} to a full disk: exit 1, no space left" 1 \
            "$file: (write failed|cannot write): No space left on device" $I2V $cmd "$file"
        expect_untouched "${cmd%% *} to a full disk: the old ${case#*|} untouched, no temporary file" \
            "$file" "$T/precious"
        rm -f "$file"
    done
    # split replaces neither file unless both are complete.
    cp "$T/precious" "$T/split-train.txt"
    cp "$T/precious" "$FULL/split-test.txt"
    expect_fail "split with --test on a full disk: exit 1, no space left" 1 \
        "split-test.txt: (write failed|cannot write): No space left on device" \
        $I2V split -q -i data/sessions.txt --train "$T/split-train.txt" --test "$FULL/split-test.txt"
    expect_untouched "split with --test on a full disk: the old test file untouched" \
        "$FULL/split-test.txt" "$T/precious"
    expect_untouched "split with --test on a full disk: the old training file untouched too" \
        "$T/split-train.txt" "$T/precious"
    rm -f "$FULL/split-test.txt"
    for case in "vocab -i data/sessions.txt" "similar -m $M --all" "info -m $M --verify" \
        "eval -m $M --dims --json"; do
        # Standard output redirected to a file on the full disk: the data
        # written at exit must be flushed and checked, not lost silently.
        head -c 100000 /dev/zero >"$FULL/filler" 2>/dev/null
        $I2V $case >"$FULL/stdout" 2>"$T/err"
        rc=$?
        if [ "$rc" -eq 1 ] && grep -q "No space left on device" "$T/err"; then
            pass "${case%% *} with standard output on a full disk: exit 1, no space left"
        else
            fail "${case%% *} with standard output on a full disk: exit 1, no space left" "exit $rc: $(cat "$T/err")"
        fi
        rm -f "$FULL/stdout" "$FULL/filler"
    done
    expect_fail "train with --tmpdir on a full disk: exit 1 naming the spool" 1 \
        "writing the corpus spool \(temporary directory\): No space left on device" \
        $I2V train -q -i data/sessions.txt -o "$T/spool.i2v" --tmpdir "$FULL" --epochs 1
    expect_absent "train with --tmpdir on a full disk writes no model" "$T/spool.i2v"
    expect_fail "sessions sorting on a full disk: exit 1, no space left" 1 "No space left on device" \
        $I2V sessions $LOG --mem 64K --tmpdir "$FULL" -o "$T/sorted.txt"
    expect_absent "sessions sorting on a full disk writes no output" "$T/sorted.txt"
    [ -z "$(ls -A "$FULL")" ] && pass "nothing is left on the full disk" ||
        fail "nothing is left on the full disk" "$(ls -A "$FULL")"
    umount "$FULL"
else
    skip "outputs on a full disk" "cannot mount a tmpfs: $(cat "$T/err")"
fi

# --- /dev/full, written directly ---------------------------------------------------
if [ -c /dev/full ] && [ -w /dev/full ]; then
    for cmd in "similar -m $M item_1" "similar -m $M --all" "analogy -m $M item_1 item_2 item_3" \
        "info -m $M" "vocab --help" "sessions $LOG"; do
        $I2V $cmd >/dev/full 2>"$T/err"
        rc=$?
        if [ "$rc" -eq 1 ] && grep -q "No space left on device" "$T/err"; then
            pass "${cmd%% *} ${cmd##* } to /dev/full: exit 1, no space left"
        else
            fail "${cmd%% *} ${cmd##* } to /dev/full: exit 1, no space left" "exit $rc: $(cat "$T/err")"
        fi
    done
    # Queries from standard input flush after each answer: the first
    # failure is reported with its reason, once (it was once "Input/output
    # error", the reason lost by a second flush).
    for cmd in "similar -m $M" "analogy -m $M"; do
        printf 'item_1 item_2 item_3\nitem_4 item_5 item_6\n' | $I2V $cmd >/dev/full 2>"$T/err"
        rc=$?
        if [ "$rc" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
            grep -q "writing standard output: No space left on device" "$T/err"; then
            pass "${cmd%% *} reading queries from stdin to /dev/full: one message, no space left"
        else
            fail "${cmd%% *} reading queries from stdin to /dev/full: one message, no space left" "exit $rc: $(cat "$T/err")"
        fi
    done
    expect_fail "sessions -o /dev/full: exit 1, no space left" 1 "/dev/full: (write failed|cannot write): No space left" \
        $I2V sessions $LOG -o /dev/full
    expect_fail "coldstart -o /dev/full: exit 1, no space left" 1 "/dev/full: write failed: No space left" \
        $I2V coldstart -q -m "$M" -f "$T/features.txt" -o /dev/full
    expect_fail "plot -o /dev/full: exit 1, no space left" 1 "/dev/full: write failed: No space left" \
        $I2V plot -q -m "$M" --method pca -o /dev/full
    cp "$T/precious" "$T/map.svg"
    expect_fail "plot --coords /dev/full: exit 1, no space left" 1 "/dev/full: write failed: No space left" \
        $I2V plot -q -m "$M" --method pca -o "$T/map.svg" --coords /dev/full
    expect_untouched "plot --coords /dev/full: the map is not replaced" "$T/map.svg" "$T/precious"
    cp "$T/precious" "$T/split-test.txt"
    expect_fail "split --train /dev/full: exit 1, no space left" 1 "/dev/full: write failed: No space left" \
        $I2V split -q -i data/sessions.txt --train /dev/full --test "$T/split-test.txt"
    expect_untouched "split --train /dev/full: the test file is not replaced" "$T/split-test.txt" "$T/precious"
    run $I2V eval -m "$M" --dims
    $I2V eval -m "$M" --dims >/dev/full 2>"$T/err"
    rc=$?
    [ "$rc" -eq 1 ] && grep -q "No space left on device" "$T/err" &&
        pass "eval to /dev/full: exit 1, no space left" || fail "eval to /dev/full: exit 1, no space left" "exit $rc: $(cat "$T/err")"
    expect_fail "convert to /dev/full as text: exit 1, no space left" 1 "/dev/full: write failed: No space left" \
        $I2V convert -m "$M" -o /dev/full --format text
    [ -c /dev/full ] && pass "/dev/full is written in place, never replaced" || fail "/dev/full is written in place, never replaced"
else
    skip "outputs to /dev/full" "no writable /dev/full"
fi

# --- signals while writing --------------------------------------------------------
# A signal during convert leaves nothing or the whole file, never a part or
# a temporary file; whichever happens depends on timing, both are right.
if heavy "convert interrupted by SIGINT leaves nothing or the whole file" && [ -x "$BUILD/genmodel" ]; then
    "$BUILD/genmodel" --items 200000 --dim 64 -o "$T/big.bin"
    for sig in INT TERM HUP; do
        "$I2V" convert -m "$T/big.bin" -o "$T/big.txt" 2>/dev/null &
        pid=$!
        sleep 0.3
        kill -$sig $pid 2>/dev/null
        wait $pid
        rc=$?
        whole=no
        if [ "$rc" -gt 128 ] && [ ! -e "$T/big.txt" ]; then
            whole=yes
        elif [ "$rc" -eq 0 ] && [ "$(wc -l <"$T/big.txt")" -eq 200001 ]; then
            whole=yes
        fi
        if [ $whole = yes ] && [ -z "$(temp_files "$T")" ]; then
            pass "convert interrupted by SIG$sig leaves nothing or the whole file"
        else
            fail "convert interrupted by SIG$sig leaves nothing or the whole file" "exit $rc; $(ls -A "$T")"
        fi
        rm -f "$T/big.txt"
    done
    ( "$I2V" similar -m "$T/big.bin" --all -k 10 --threads 4 >/dev/null 2>&1 & pid=$!
      sleep 0.5; kill -TERM $pid; wait $pid; echo $? >"$T/rc" )
    [ "$(cat "$T/rc")" -gt 128 ] && pass "similar --all on 4 threads ends at SIGTERM" ||
        fail "similar --all on 4 threads ends at SIGTERM" "exit $(cat "$T/rc")"
    rm -f "$T/big.bin"
fi

# --- divergence --------------------------------------------------------------------
cp "$T/precious" "$T/div.i2v"
expect_fail "divergence to a native model: exit 1, diverged" 1 "diverged" \
    $I2V train -q -i data/sessions.txt -o "$T/div.i2v" --alpha 1000 --epochs 1
expect_untouched "divergence keeps the old native model, no temporary file" "$T/div.i2v" "$T/precious"
run $I2V train -q -i data/sessions.txt -o - --alpha 1000 --epochs 1
[ "$rc" -eq 1 ] && [ ! -s "$T/out" ] && pass "divergence writes nothing to standard output" ||
    fail "divergence writes nothing to standard output" "exit $rc, $(wc -c <"$T/out") bytes"

# --- threads: 1..32 on two cores, repeated: no deadlock, no crash ------------------
# Bounded by timeout: a deadlock fails the test instead of hanging the suite.
limit=60
[ -n "${VALGRIND_ONLY_CLI:-}" ] && limit=600
printf 'a b c\nb c\n' >"$T/tiny.txt"
run timeout $limit $I2V train -q -i "$T/tiny.txt" -o "$T/tiny.i2v" --min-count 1 --threads 32 --epochs 3
[ "$rc" -eq 0 ] && pass "train: 32 threads on 2 sequences" || fail "train: 32 threads on 2 sequences" "exit $rc: $(cat "$T/err")"
# Under valgrind (every thread serialised, fifty times slower) fewer runs
# on a smaller corpus.
rounds="1 2" thread_counts="1 2 3 4 5 7 8 16 31 32" corpus=data/sessions.txt
if [ -n "${VALGRIND_ONLY_CLI:-}" ]; then
    rounds=1 thread_counts="1 3 32" corpus=$T/head.txt
    head -n 2000 data/sessions.txt >"$corpus"
fi
bad=
for round in $rounds; do
    for threads in $thread_counts; do
        timeout $limit $I2V train -q -i "$corpus" -o "$T/t.i2v" --dim 8 --epochs 2 --threads $threads 2>"$T/err"
        rc=$?
        if [ "$rc" -ne 0 ] || ! $I2V info -m "$T/t.i2v" --verify >/dev/null 2>&1; then
            bad="$bad [round $round, $threads threads: exit $rc $(head -c 200 "$T/err")]"
        fi
    done
done
[ -z "$bad" ] && pass "train: --threads 1..32, repeated, all finish with a sound model" ||
    fail "train: --threads 1..32, repeated, all finish with a sound model" "$bad"
$I2V similar -m "$M" --all -k 5 --threads 1 >"$T/all1"
bad=
for threads in 2 3 5 8 16 32; do
    timeout $limit $I2V similar -m "$M" --all -k 5 --threads $threads >"$T/allN" 2>"$T/err"
    rc=$?
    [ "$rc" -eq 0 ] && cmp -s "$T/all1" "$T/allN" || bad="$bad [$threads threads: exit $rc]"
done
[ -z "$bad" ] && pass "similar --all: 2..32 threads print what 1 thread prints" ||
    fail "similar --all: 2..32 threads print what 1 thread prints" "$bad"
