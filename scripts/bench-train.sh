#!/bin/sh
# Training throughput and quality, side by side with gensim.
#
#   scripts/bench-train.sh [REPEAT]
#
# The Brown corpus (brown.txt in SHARED_DATA) concatenated REPEAT times
# (default 10: 10.1M tokens), skip-gram, negative 5, dim 100, window 5,
# sample 1e-3, min-count 5, one epoch, 2 threads; then the same settings on
# planted sessions for neighbour purity and next-item HR@10.  gensim
# (Debian python3-gensim, run with /usr/bin/python3) is the yardstick
# measured in the same run; set W2V=/path/to/word2vec to add a word2vec.c
# binary you built yourself.  Prints a Markdown report on stdout.
set -eu
cd "$(dirname "$0")/.."
REPEAT=${1:-10}
BROWN=${BROWN:-../shared/data/brown.txt}
PY=/usr/bin/python3
make -s build/item2vec build/gensessions
I2V=build/item2vec
W=$(mktemp -d "${TMPDIR:-/tmp}/item2vec-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

have_gensim=0
$PY -c 'import gensim' 2>/dev/null && have_gensim=1

# measure NAME CMD...: runs CMD under /usr/bin/time; appends "NAME wall rss_kb".
measure() {
    name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$W/time" "$@" >"$W/$name.log" 2>&1 || {
        echo "$name failed:" >&2
        tail -n 5 "$W/$name.log" >&2
        exit 1
    }
    echo "$name $(cat "$W/time")" >>"$W/results"
}
result() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$W/results"; }

for _ in $(seq "$REPEAT"); do cat "$BROWN"; done >"$W/corpus.txt"
tokens=$(wc -w <"$W/corpus.txt")
bytes=$(wc -c <"$W/corpus.txt")
SETTINGS="--dim 100 --window 5 --negative 5 --sample 1e-3 --min-count 5 --epochs 1"

measure vocab sh -c "$I2V vocab -i '$W/corpus.txt' >/dev/null"
measure i2v_2 $I2V train -q -i "$W/corpus.txt" -o "$W/i2v.bin" $SETTINGS --threads 2
measure i2v_1 $I2V train -q -i "$W/corpus.txt" -o "$W/i2v1.bin" $SETTINGS --threads 1
measure i2v_cbow $I2V train -q -i "$W/corpus.txt" -o "$W/i2v_cbow.bin" $SETTINGS --threads 2 --cbow

cat >"$W/gensim_train.py" <<'PY'
import sys, logging
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence
corpus, out, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
sg = int(sys.argv[4]) if len(sys.argv) > 4 else 1
m = Word2Vec(LineSentence(corpus), sg=sg, hs=0, negative=5, vector_size=100, window=5,
             sample=1e-3, min_count=5, epochs=epochs, workers=2, seed=1)
m.wv.save_word2vec_format(out, binary=True)
PY
if [ $have_gensim = 1 ]; then
    measure gensim $PY "$W/gensim_train.py" "$W/corpus.txt" "$W/gensim.bin" 1
    measure gensim_cbow $PY "$W/gensim_train.py" "$W/corpus.txt" "$W/gensim_cbow.bin" 1 0
fi
if [ -n "${W2V:-}" ]; then
    measure word2vec "$W2V" -train "$W/corpus.txt" -output "$W/w2v.bin" -cbow 0 -size 100 \
        -window 5 -negative 5 -hs 0 -sample 1e-3 -min-count 5 -iter 1 -threads 2 -binary 1
fi

# Memory must not grow with the corpus: three times the text, same bound.
for _ in 1 2 3; do cat "$W/corpus.txt"; done >"$W/corpus3.txt"
measure i2v_x3 $I2V train -q -i "$W/corpus3.txt" -o "$W/i2v3.bin" $SETTINGS --threads 2
rm -f "$W/corpus3.txt"

# Planted sessions: 5 epochs, then neighbour purity and next-item HR@10.
build/gensessions --items 5000 --groups 50 --sessions 30000 --noise 0.4 --switch 0.15 \
    --seed 11 -o "$W/sessions.txt" --truth "$W/truth.tsv"
awk 'NF >= 2 { h = $1; for (i = 2; i < NF; i++) h = h " " $i; print h > "'"$W/train.txt"'";
               print $0 > "'"$W/test.txt"'"; next } { print > "'"$W/train.txt"'" }' "$W/sessions.txt"
PSET="--dim 100 --window 5 --negative 5 --sample 1e-3 --min-count 5 --epochs 5"
$I2V train -q -i "$W/train.txt" -o "$W/i2v_s.bin" $PSET --threads 2
$I2V train -q -i "$W/train.txt" -o "$W/i2v_cbow_s.bin" $PSET --threads 2 --cbow
if [ $have_gensim = 1 ]; then
    $PY "$W/gensim_train.py" "$W/train.txt" "$W/gensim_s.bin" 5
    $PY "$W/gensim_train.py" "$W/train.txt" "$W/gensim_cbow_s.bin" 5 0
fi

cat >"$W/quality.py" <<'PY'
import sys, json
import numpy as np
from gensim.models import KeyedVectors
words, planted, truth, test = sys.argv[1:5]
kv = KeyedVectors.load_word2vec_format(words, binary=True)
sp = kv.evaluate_word_pairs(sys.argv[5])[1][0]
an = kv.evaluate_word_analogies(sys.argv[6], restrict_vocab=30000)[0]
kv = KeyedVectors.load_word2vec_format(planted, binary=True)
group = dict(line.split() for line in open(truth))
unit = kv.vectors / np.linalg.norm(kv.vectors, axis=1, keepdims=True)
sims = unit @ unit.T
np.fill_diagonal(sims, -np.inf)
top = np.argsort(-sims, axis=1)[:, :10]
g = np.array([group[w] for w in kv.index_to_key])
purity = float((g[top] == g[:, None]).mean())
hits = n = 0
for line in open(test):
    items = line.split()
    hist, target = items[:-1], items[-1]
    if hist[-1] not in kv.key_to_index or target not in kv.key_to_index:
        continue
    s = unit @ unit[kv.key_to_index[hist[-1]]]
    for h in hist:
        if h in kv.key_to_index:
            s[kv.key_to_index[h]] = -np.inf
    n += 1
    hits += kv.key_to_index[target] in np.argpartition(-s, 10)[:10]
print(json.dumps({"spearman": sp, "analogy": an, "purity": purity, "hr10": hits / n}))
PY
quality() {
    if [ $have_gensim = 1 ]; then
        $PY "$W/quality.py" "$1" "$2" "$W/truth.tsv" "$W/test.txt" \
            ../shared/data/wordsim353.tsv ../shared/data/questions-words.txt
    fi
}
q_i2v=$(quality "$W/i2v.bin" "$W/i2v_s.bin")
q_i2v_cbow=$(quality "$W/i2v_cbow.bin" "$W/i2v_cbow_s.bin")
if [ $have_gensim = 1 ]; then
    q_gen=$(quality "$W/gensim.bin" "$W/gensim_s.bin")
    q_gen_cbow=$(quality "$W/gensim_cbow.bin" "$W/gensim_cbow_s.bin")
fi
field() { echo "$1" | $PY -c "import sys, json; print('%.4f' % json.load(sys.stdin)['$2'])"; }

w2=$(result i2v_2 2); w1=$(result i2v_1 2)
echo "## Training benchmark — $(date -u +%Y-%m-%d), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo
echo "Brown x$REPEAT: $tokens tokens, $bytes bytes; skip-gram, negative 5, dim 100, window 5,"
echo "sample 1e-3, min-count 5, 1 epoch.  Wall time and peak memory of the whole process."
echo
echo "| system | threads | wall (s) | tokens/s | peak memory (MB) |"
echo "|---|---|---|---|---|"
row() { awk -v n="$1" -v t="$2" -v w="$3" -v m="$4" -v tok="$tokens" \
        'BEGIN { printf "| %s | %s | %.2f | %.2fM | %.0f |\n", n, t, w, tok / w / 1e6, m / 1024 }'; }
row item2vec 2 "$w2" "$(result i2v_2 3)"
row item2vec 1 "$w1" "$(result i2v_1 3)"
row "item2vec --cbow" 2 "$(result i2v_cbow 2)" "$(result i2v_cbow 3)"
if [ $have_gensim = 1 ]; then
    gv=$($PY -c 'import gensim; print(gensim.__version__)')
    row "gensim $gv" 2 "$(result gensim 2)" "$(result gensim 3)"
    row "gensim $gv, CBOW (sg=0)" 2 "$(result gensim_cbow 2)" "$(result gensim_cbow 3)"
fi
[ -n "${W2V:-}" ] && row word2vec.c 2 "$(result word2vec 2)" "$(result word2vec 3)"
echo
awk -v a="$w1" -v b="$w2" 'BEGIN { printf "- 2 threads vs 1: %.2fx\n", a / b }'
if [ $have_gensim = 1 ]; then
    awk -v g="$(result gensim 2)" -v b="$w2" 'BEGIN { printf "- item2vec vs gensim, same run: %.2fx faster\n", g / b }'
    awk -v g="$(result gensim_cbow 2)" -v b="$(result i2v_cbow 2)" \
        'BEGIN { printf "- CBOW: item2vec vs gensim, same run: %.2fx faster\n", g / b }'
fi
awk -v m="$(result i2v_x3 3)" -v m1="$(result i2v_2 3)" -v r="$REPEAT" \
    'BEGIN { printf "- peak memory on Brown x%d: %.0f MB (x%d: %.0f MB)\n", 3 * r, m / 1024, r, m1 / 1024 }'
awk -v w="$(result vocab 2)" -v b="$bytes" 'BEGIN { printf "- vocabulary counting: %.0f MB/s\n", b / w / 1e6 }'
if [ $have_gensim = 1 ]; then
    echo
    echo "Quality (same settings; planted sessions: 5,000 items, 50 groups, 30,000 sessions,"
    echo "5 epochs, leave-last-out; HR@10 by cosine from the last history item):"
    echo
    echo "| system | WordSim-353 Spearman | analogy acc. (30k) | neighbour purity@10 | next-item HR@10 |"
    echo "|---|---|---|---|---|"
    for s in item2vec gensim "item2vec --cbow" "gensim CBOW"; do
        case $s in
        item2vec) q=$q_i2v ;; gensim) q=$q_gen ;; "item2vec --cbow") q=$q_i2v_cbow ;; *) q=$q_gen_cbow ;;
        esac
        echo "| $s | $(field "$q" spearman) | $(field "$q" analogy) | $(field "$q" purity) | $(field "$q" hr10) |"
    done
fi
