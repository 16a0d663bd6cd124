# Black-box tests of `train --deterministic`: the same model bytes for any
# --threads, in train, --resume and tune, and quality beside Hogwild's.
. tests/cli/lib.sh

GEN=$BUILD/gensessions
# Two settings of the generator: many short sessions, and fewer long ones
# with strong popularity and successor chains.
"$GEN" --seed 4 --items 800 --groups 16 --sessions 3000 -o "$T/a.txt" &&
    "$GEN" --seed 9 --items 400 --groups 8 --sessions 600 --min-len 20 --max-len 60 \
        --zipf 1.4 --chain 0.3 -o "$T/b.txt" || fail deterministic_setup "gensessions failed"

# same_for_threads NAME INPUT OPTIONS...: models trained with --threads 1,
# 2, 3 and 8 are byte-identical.
same_for_threads() {
    name=$1 input=$2
    shift 2
    bad=""
    for t in 1 2 3 8; do
        "$I2V" train -q -i "$input" -o "$T/m$t.i2v" --deterministic --threads "$t" "$@" \
            2>"$T/err" || bad="$bad train-$t-failed:$(head -c 200 "$T/err")"
    done
    for t in 2 3 8; do
        cmp -s "$T/m1.i2v" "$T/m$t.i2v" || bad="$bad threads-$t-differs"
    done
    [ -z "$bad" ] && pass "$name" || fail "$name" "$bad"
}

for e in 1 2 3; do
    same_for_threads "deterministic_identical_for_threads_1_2_3_8_sessions_a_epochs_$e" \
        "$T/a.txt" --dim 24 --epochs "$e"
    same_for_threads "deterministic_identical_for_threads_1_2_3_8_sessions_b_epochs_$e" \
        "$T/b.txt" --dim 24 --epochs "$e" --window 3
done
same_for_threads deterministic_identical_for_threads_cbow "$T/a.txt" --dim 16 --epochs 2 --cbow
same_for_threads deterministic_identical_for_threads_whole_sequence_window "$T/b.txt" \
    --dim 16 --epochs 1 --window 0
same_for_threads deterministic_identical_for_threads_reference_kernel "$T/a.txt" \
    --dim 16 --epochs 1 --kernel reference
cp "$T/m1.i2v" "$T/reference.i2v"

# The bytes do not depend on the run either: the same command twice.
"$I2V" train -q -i "$T/a.txt" -o "$T/again.i2v" --deterministic --threads 2 --dim 16 \
    --epochs 1 --kernel reference &&
    cmp -s "$T/again.i2v" "$T/reference.i2v" && pass deterministic_identical_run_to_run ||
    fail deterministic_identical_run_to_run "two runs differ"

# info says so, and names no thread count.
run "$I2V" info -m "$T/reference.i2v"
grep -q '^training .*threads any, .*deterministic yes' "$T/out" &&
    pass deterministic_info_says_so || fail deterministic_info_says_so "$(cat "$T/out")"
"$I2V" train -q -i "$T/a.txt" -o "$T/hogwild.i2v" --threads 2 --dim 16 --epochs 1
run "$I2V" info -m "$T/hogwild.i2v"
grep -q '^training .*threads 2, .*deterministic no' "$T/out" &&
    pass hogwild_info_names_its_threads || fail hogwild_info_names_its_threads "$(cat "$T/out")"

# A kernel this CPU does not run is a usage error naming the choices, and
# leaves no model.
expect_fail deterministic_unknown_kernel 2 "--kernel: 'sse9' is not a kernel this CPU runs \(reference" \
    "$I2V" train -q -i "$T/a.txt" -o "$T/nokernel.i2v" --kernel sse9
[ ! -e "$T/nokernel.i2v" ] && pass deterministic_unknown_kernel_leaves_no_model ||
    fail deterministic_unknown_kernel_leaves_no_model "a model was written"

# --resume continues deterministically (the model's own setting), on any
# number of threads.
bad=""
for t in 1 3; do
    "$I2V" train -q -i "$T/b.txt" --resume "$T/reference.i2v" -o "$T/r$t.i2v" --threads "$t" \
        --epochs 1 --kernel reference 2>"$T/err" || bad="$bad resume-$t:$(head -c 200 "$T/err")"
done
cmp -s "$T/r1.i2v" "$T/r3.i2v" || bad="$bad threads-differ"
"$I2V" info -m "$T/r3.i2v" | grep -q 'deterministic yes' || bad="$bad not-recorded"
[ -z "$bad" ] && pass deterministic_resume_identical_for_threads ||
    fail deterministic_resume_identical_for_threads "$bad"

# tune --deterministic: the grid's winner is the same bytes on 1 and 2
# threads, and its train command says --deterministic.
bad=""
for t in 1 2; do
    "$I2V" tune -q -i "$T/a.txt" -o "$T/tune$t.i2v" --grid 'dim=12,20 window=2,5 epochs=2' \
        --deterministic --threads "$t" >"$T/tune$t.txt" 2>"$T/err" ||
        bad="$bad tune-$t:$(head -c 200 "$T/err")"
done
cmp -s "$T/tune1.i2v" "$T/tune2.i2v" || bad="$bad threads-differ"
grep -q '^item2vec train .* --deterministic$' "$T/tune1.txt" || bad="$bad no-flag-in-command"
[ -z "$bad" ] && pass deterministic_tune_identical_for_threads ||
    fail deterministic_tune_identical_for_threads "$bad"

# Quality beside Hogwild on planted groups hard enough that neither is
# perfect: neighbour purity@10 about 0.56, within 0.05 of Hogwild's (runs
# of either with other seeds spread by about 0.01).
"$GEN" --seed 21 --items 3000 --groups 60 --sessions 8000 --noise 0.5 --switch 0.2 \
    --truth "$T/truth.tsv" -o "$T/planted.txt"
"$I2V" train -q -i "$T/planted.txt" -o "$T/p_det.i2v" --deterministic --threads 2 --dim 32 --epochs 5
"$I2V" train -q -i "$T/planted.txt" -o "$T/p_hog.i2v" --threads 2 --dim 32 --epochs 5
purity() { "$I2V" eval -m "$1" --groups "$T/truth.tsv" --json | /usr/bin/python3 -c \
    'import json,sys; print(json.load(sys.stdin)["purity"]["purity"])'; }
det=$(purity "$T/p_det.i2v") hog=$(purity "$T/p_hog.i2v")
if awk -v d="$det" -v h="$hog" 'BEGIN { exit !(d > 0.45 && d >= h - 0.05) }'; then
    pass deterministic_purity_beside_hogwild
else
    fail deterministic_purity_beside_hogwild "deterministic $det, Hogwild $hog"
fi
