#!/bin/sh
# The figures of the README's evaluation table, measured end to end: a
# model trained on the Brown corpus (brown.txt in SHARED_DATA) at default settings, analogy
# accuracy (questions-words, --restrict 30000) and WordSim-353 Spearman,
# and gensim's figures on the same file when gensim is present.  (Next-item
# figures come from scripts/bench-recommend.sh.)
# Usage: scripts/bench-eval.sh   (BUILD, SHARED_DATA, THREADS override)
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DATA=${SHARED_DATA:-../shared/data}
THREADS=${THREADS:-2}
I2V=$BUILD/item2vec
OUT=$(mktemp -d "${TMPDIR:-/tmp}/item2vec-bench-eval.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
make -s "$I2V"

step() { printf '\n$ %s\n' "$*"; "$@"; }

echo "== words: Brown corpus, default training settings, $THREADS threads"
step "$I2V" train -q -i "$DATA/brown.txt" -o "$OUT/brown.bin" --threads "$THREADS" --seed 1
step "$I2V" eval -m "$OUT/brown.bin" --analogies "$DATA/questions-words.txt" --restrict 30000
step "$I2V" eval -m "$OUT/brown.bin" --pairs "$DATA/wordsim353.tsv"
if /usr/bin/python3 -c 'import gensim' 2>/dev/null; then
    printf '\ngensim 4 on the same file (evaluate_word_analogies restrict_vocab=30000,\n'
    printf 'evaluate_word_pairs defaults):\n'
    /usr/bin/python3 - "$OUT/brown.bin" "$DATA" <<'EOF'
import sys
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
acc, sections = kv.evaluate_word_analogies(sys.argv[2] + '/questions-words.txt', restrict_vocab=30000)
total = sections[-1]
pearson, spearman, oov = kv.evaluate_word_pairs(sys.argv[2] + '/wordsim353.tsv')
print('  analogies %d/%d = %.4f; spearman %.4f, pearson %.4f, oov %.1f%%' % (
    len(total['correct']), len(total['correct']) + len(total['incorrect']), acc,
    spearman[0], pearson[0], oov))
EOF
fi

