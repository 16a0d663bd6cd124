# Black-box tests of `item2vec eval`: every task on the bundled sample, and
# bad input.
. tests/cli/lib.sh

SAMPLE=data/sessions.txt
TRUTH=data/truth.tsv
"$I2V" split -q -i "$SAMPLE" --train "$T/train.txt" --test "$T/test.txt" || fail eval_setup "split failed"
"$I2V" train -q -i "$T/train.txt" -o "$T/model.i2v" --dim 32 --epochs 3 --threads 2 ||
    fail eval_setup "training the native model failed"
"$I2V" train -q -i "$T/train.txt" -o "$T/model.bin" --dim 32 --epochs 3 --threads 2 ||
    fail eval_setup "training the word2vec model failed"

# --- every task ---------------------------------------------------------------
run "$I2V" eval -m "$T/model.i2v" --next-item "$T/test.txt" --train "$T/train.txt" -k 10 \
    --groups "$TRUTH" --dims --json
if [ $rc -eq 0 ] && /usr/bin/python3 - "$T/out" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
n = r['next_item']
assert n['score'] == 'predict' and n['k'] == 10 and n['lines'] == 18000, n
for method in ('model', 'popular', 'transition'):
    for metric in ('hr', 'mrr', 'ndcg'):
        assert 0 <= n[method][metric] <= 1, (method, metric)
# Planted groups: the embedding must beat plain popularity.
assert n['model']['hr'] > n['popular']['hr'], n
assert r['purity']['k'] == 10 and r['purity']['purity'] > 0.5, r['purity']
d = r['dims']
assert d['dim'] == 32 and 1 <= d['components'] <= 32 and len(d['top_ratios']) == 10, d
EOF
then
    pass eval_next_item_baselines_purity_dims_as_json
else
    fail eval_next_item_baselines_purity_dims_as_json "exit $rc: $(cat "$T/err") $(head -c 600 "$T/out")"
fi

run "$I2V" eval -m "$T/model.bin" --next-item "$T/test.txt" --context 3 -k 5 --dims
if [ $rc -eq 0 ] && grep -q "score cosine" "$T/out" && grep -q "HR@5" "$T/out" &&
    grep -q "components for 90% of the variance" "$T/out" && ! grep -q "popular" "$T/out"; then
    pass eval_word2vec_model_scores_by_cosine_in_a_table
else
    fail eval_word2vec_model_scores_by_cosine_in_a_table "exit $rc: $(cat "$T/err" "$T/out")"
fi

# Pairs and analogies on item names from the sample.
printf '# item pairs\nitem_1 item_21 9\nitem_1\titem_2\t1\nITEM_3 item_23 8\nbroken line\nitem_4 item_5 x\nitem_1 nosuch 3\n' >"$T/pairs.tsv"
run "$I2V" eval -m "$T/model.bin" --pairs "$T/pairs.tsv"
if [ $rc -eq 0 ] && grep -q "pairs 4, used 3, out of vocabulary 1 (25.0%)" "$T/out" &&
    grep -q "2 malformed lines skipped (lines 5, 6)" "$T/err"; then
    pass eval_pairs_report_malformed_lines_with_numbers
else
    fail eval_pairs_report_malformed_lines_with_numbers "exit $rc: $(cat "$T/err" "$T/out")"
fi
printf ': groups\nitem_1 item_21 item_2 item_22\nitem_1 item_21 item_3 item_23\nitem_1 item_2 nosuch item_3\n' >"$T/questions.txt"
run "$I2V" eval -m "$T/model.bin" --analogies "$T/questions.txt" --method mul --json
if [ $rc -eq 0 ] && grep -q '"method": "mul"' "$T/out" &&
    grep -q '"total": {"name": "total", "correct": [0-2], "attempted": 2, "skipped": 1' "$T/out"; then
    pass eval_analogies_count_skipped_questions
else
    fail eval_analogies_count_skipped_questions "exit $rc: $(cat "$T/err" "$T/out")"
fi

# --- bad input and options ---------------------------------------------------------
: >"$T/empty.txt"
printf '# only a comment\n' >"$T/comment.tsv"
printf 'single\nitems\n' >"$T/singles.txt"
expect_fail eval_needs_a_model 2 "-m MODEL is required" "$I2V" eval --dims
expect_fail eval_needs_a_task 2 "nothing to evaluate" "$I2V" eval -m "$T/model.bin"
expect_fail eval_k_zero_is_a_usage_error 2 "-k: '0' is out of range" \
    "$I2V" eval -m "$T/model.bin" --next-item "$T/test.txt" -k 0
expect_fail eval_train_needs_next_item 2 "--train is for --next-item" \
    "$I2V" eval -m "$T/model.bin" --dims --train "$T/train.txt"
expect_fail eval_bad_method 2 "--method: 'div' is not add or mul" \
    "$I2V" eval -m "$T/model.bin" --analogies "$T/questions.txt" --method div
expect_fail eval_bad_score 2 "--score: 'best' is not predict, dot or cosine" \
    "$I2V" eval -m "$T/model.bin" --next-item "$T/test.txt" --score best
expect_fail eval_output_score_needs_output_vectors 2 "output vectors" \
    "$I2V" eval -m "$T/model.bin" --next-item "$T/test.txt" --score output
expect_fail eval_empty_pairs_file 1 "empty.txt: no pair" \
    "$I2V" eval -m "$T/model.bin" --pairs "$T/empty.txt"
expect_fail eval_comment_only_pairs_file 1 "comment.tsv: no pair" \
    "$I2V" eval -m "$T/model.bin" --pairs "$T/comment.tsv"
expect_fail eval_empty_analogies_file 1 "empty.txt: no question" \
    "$I2V" eval -m "$T/model.bin" --analogies "$T/empty.txt"
expect_fail eval_next_item_without_histories 1 "singles.txt: no test sequence" \
    "$I2V" eval -m "$T/model.bin" --next-item "$T/singles.txt"
expect_fail eval_empty_training_file 1 "empty.txt: no items" \
    "$I2V" eval -m "$T/model.bin" --next-item "$T/test.txt" --train "$T/empty.txt"
expect_fail eval_empty_groups_file 1 "empty.txt: no line" \
    "$I2V" eval -m "$T/model.bin" --groups "$T/empty.txt"
expect_fail eval_missing_evaluation_file 1 "nope.tsv: cannot open" \
    "$I2V" eval -m "$T/model.bin" --pairs "$T/nope.tsv"
expect_fail eval_missing_model 1 "nope.bin" "$I2V" eval -m "$T/nope.bin" --dims
expect_fail eval_two_stdin_inputs 2 "only one input can be standard input" \
    "$I2V" eval -m "$T/model.bin" --pairs - --analogies -
run "$I2V" eval --help
[ $rc -eq 0 ] && grep -q "Next-item protocol" "$T/out" && grep -q "evaluate_word_analogies" "$T/out" &&
    pass eval_help_describes_the_protocol || fail eval_help_describes_the_protocol "exit $rc"
