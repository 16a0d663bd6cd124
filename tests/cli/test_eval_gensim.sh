# `item2vec eval` against gensim's evaluate_word_analogies and
# evaluate_word_pairs on the same word2vec file: same analogy counts per
# section, same Spearman and Pearson to 1e-4, same out-of-vocabulary share.
. tests/cli/lib.sh

BROWN=$SHARED_DATA/brown.txt
QUESTIONS=$SHARED_DATA/questions-words.txt
WORDSIM=$SHARED_DATA/wordsim353.tsv
if ! have_gensim; then
    skip eval_matches_gensim "python3-gensim is not installed"
    exit 0
fi
for f in "$BROWN" "$QUESTIONS" "$WORDSIM"; do
    if [ ! -f "$f" ]; then
        skip eval_matches_gensim "$f is missing"
        exit 0
    fi
done

# A small model, trained in seconds (one thread: the same model every run).  Every seventh word is capitalised so
# that the model holds case variants ("The" beside "the") and gensim's case
# folding (the most frequent spelling stands for all) is exercised.
head -n 20000 "$BROWN" |
    awk '{ for (i = 7 - NR % 7; i <= NF; i += 7) $i = toupper(substr($i, 1, 1)) substr($i, 2); print }' \
        >"$T/brown.txt"
if ! "$I2V" train -q -i "$T/brown.txt" -o "$T/brown.bin" --dim 50 --epochs 5 --threads 1 2>"$T/err"; then
    fail eval_matches_gensim "training failed: $(cat "$T/err")"
    exit 0
fi

compare() { # NAME RESTRICT
    name=$1 restrict=$2
    run "$I2V" eval -m "$T/brown.bin" --analogies "$QUESTIONS" --pairs "$WORDSIM" \
        --restrict "$restrict" --json
    if [ "$rc" -ne 0 ]; then
        fail "$name" "eval exit $rc: $(cat "$T/err")"
        return
    fi
    cp "$T/out" "$T/ours.json"
    if /usr/bin/python3 - "$T/brown.bin" "$QUESTIONS" "$WORDSIM" "$restrict" "$T/ours.json" \
        >"$T/cmp" 2>&1 <<'EOF'
import json, logging, sys
from gensim.models import KeyedVectors
model, questions, wordsim, restrict, ours = sys.argv[1:]
restrict = int(restrict)
ours = json.load(open(ours))
kv = KeyedVectors.load_word2vec_format(model, binary=True)
problems = []
acc, sections = kv.evaluate_word_analogies(questions, restrict_vocab=restrict)
theirs = {s['section']: (len(s['correct']), len(s['correct']) + len(s['incorrect']))
          for s in sections}
mine = {s['name']: (s['correct'], s['attempted']) for s in ours['analogies']['sections']}
mine['Total accuracy'] = (ours['analogies']['total']['correct'],
                          ours['analogies']['total']['attempted'])
for name, counts in theirs.items():
    if mine.get(name) != counts:
        problems.append('analogies %s: gensim %s, item2vec %s' % (name, counts, mine.get(name)))
pearson, spearman, oov = kv.evaluate_word_pairs(wordsim, restrict_vocab=restrict)
p = ours['pairs']
for what, g, o in (('spearman', spearman[0], p['spearman']), ('pearson', pearson[0], p['pearson']),
                   ('oov %', oov, 100 * p['oov_ratio'])):
    if abs(g - o) > 1e-4:
        problems.append('pairs %s: gensim %.6f, item2vec %.6f' % (what, g, o))
print('restrict %d: gensim analogies %d/%d; spearman %.6f (|diff| %.1e), pearson %.6f '
      '(|diff| %.1e), oov %.2f%%' % (
          restrict, theirs['Total accuracy'][0], theirs['Total accuracy'][1], spearman[0],
          abs(spearman[0] - p['spearman']), pearson[0], abs(pearson[0] - p['pearson']), oov))
print('\n'.join(problems))
sys.exit(1 if problems else 0)
EOF
    then
        pass "$name"
        echo "    $(head -n 1 "$T/cmp")" >&2
    else
        fail "$name" "$(cat "$T/cmp")"
    fi
}
compare eval_analogies_and_pairs_match_gensim 30000
compare eval_restricted_vocabulary_matches_gensim 1000
