#!/bin/sh
# sweep.sh — a grid search of the settings that matter for recommendation:
# trains a model for every combination of dimensions, window and negative-
# sampling exponent, scores each with `item2vec eval --next-item` (HR@K,
# MRR, NDCG@K against held-out next items), and prints the table sorted by
# HR@K with its standard error sqrt(p(1-p)/n), the best setting and those
# tied with it (within one standard error), how much each parameter moves
# HR@K on average (a spread within one standard error names nothing), and
# the rule of thumb for the dimensions of this vocabulary.  `item2vec tune`
# searches the same settings and more on validation lines it holds out
# itself, within a time budget; `tune --grid` is the exhaustive form.
#
# Caselles-Dupré, Lesaint & Royo-Letelier (2018), "Word2vec applied to
# recommendation: hyperparameters matter", found the negative-sampling
# exponent and the window to matter most for recommendation, far from
# word2vec's defaults for text.  Make the test file with `item2vec split`
# (leave-last-out).  POSIX sh and awk.
set -eu

usage() {
    cat <<'EOF'
Usage: scripts/sweep.sh -i TRAIN --test TEST [options]
Trains one model per combination of the lists and ranks them by next-item
hit rate on TEST (lines whose last item is the target: 'item2vec split'),
each with its standard error; differences within it are called ties.

  -i, --input FILE       training sequences
      --test FILE        held-out sequences
      --dim LIST         dimensions, comma-separated (default 16,32,64,128)
      --window LIST      windows (default 3,5,10)
      --ns-exponent LIST negative-sampling exponents (default 0.75,0,-0.5)
      --epochs N         passes per model (default 5)
      --negative N       negatives per pair (default 5)
      --min-count N      (default 5)
      --threads N        training threads (default: online CPUs)
      --seed N           (default 1)
  -k N                   cut-off of HR@k and NDCG@k (default 10)
      --keep DIR         keep the models in DIR (default: removed)
  -h, --help             this help

The item2vec binary is $I2V, else build/item2vec beside this script's
directory, else item2vec on the PATH.  Every model is trained with the
same seed, so differences come from the settings.  With several threads
training is not bit-reproducible: differences of a few thousandths are
noise (--threads 1 removes it, slowly).
EOF
}

die() {
    echo "sweep.sh: $*" >&2
    exit 2
}

need_value() {
    [ $# -ge 2 ] || die "option $1 needs a value"
}

# is_list TEXT: comma-separated numbers (sign, digits, decimal point).
is_list() {
    printf '%s\n' "$1" | awk -F, '{
        for (i = 1; i <= NF; i++) if ($i !~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)$/) exit 1
    }'
}

is_count() {
    case $1 in '' | *[!0-9]*) return 1 ;; esac
}

train=''
test_file=''
dims=16,32,64,128
windows=3,5,10
exponents=0.75,0,-0.5
epochs=5
negative=5
min_count=5
threads=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
seed=1
k=10
keep=''
while [ $# -gt 0 ]; do
    case $1 in
    -i | --input) need_value "$@"; train=$2; shift 2 ;;
    --test) need_value "$@"; test_file=$2; shift 2 ;;
    --dim) need_value "$@"; dims=$2; shift 2 ;;
    --window) need_value "$@"; windows=$2; shift 2 ;;
    --ns-exponent) need_value "$@"; exponents=$2; shift 2 ;;
    --epochs) need_value "$@"; epochs=$2; shift 2 ;;
    --negative) need_value "$@"; negative=$2; shift 2 ;;
    --min-count) need_value "$@"; min_count=$2; shift 2 ;;
    --threads) need_value "$@"; threads=$2; shift 2 ;;
    --seed) need_value "$@"; seed=$2; shift 2 ;;
    -k) need_value "$@"; k=$2; shift 2 ;;
    --keep) need_value "$@"; keep=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$1' (try --help)" ;;
    esac
done
[ -n "$train" ] || die "-i TRAIN is required"
[ -n "$test_file" ] || die "--test TEST is required"
[ -r "$train" ] || { echo "sweep.sh: $train: cannot read" >&2; exit 1; }
[ -r "$test_file" ] || { echo "sweep.sh: $test_file: cannot read" >&2; exit 1; }
is_list "$dims" || die "--dim: '$dims' is not a comma-separated list of numbers"
is_list "$windows" || die "--window: '$windows' is not a comma-separated list of numbers"
is_list "$exponents" || die "--ns-exponent: '$exponents' is not a comma-separated list of numbers"
for n in "$epochs" "$negative" "$min_count" "$threads" "$seed" "$k"; do
    is_count "$n" || die "'$n' is not a whole number"
done

here=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${I2V:-}" ]; then
    bin=$I2V
elif [ -x "$here/build/item2vec" ]; then
    bin=$here/build/item2vec
else
    bin=item2vec
fi
"$bin" --version >/dev/null 2>&1 || { echo "sweep.sh: no item2vec binary ($bin)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/item2vec-sweep.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
if [ -n "$keep" ]; then
    mkdir -p "$keep" || exit 1
fi

# now: seconds since the epoch, with a fraction where date gives one.
now() {
    t=$(date +%s.%N 2>/dev/null)
    case $t in *N | '') date +%s ;; *) echo "$t" ;; esac
}

# The model's metrics from one line of `eval --json`: "hr mrr ndcg" of the
# model (as recommend answers; the model-alone row is left aside), then of
# the popular and transition baselines.  lines_of: the evaluated lines.
metrics() {
    sed 's/"model_alone": {[^}]*}, //' "$1" | sed -n 's/.*"model": {"hits": [0-9]*, "hr": \([^,]*\), "mrr": \([^,]*\), "ndcg": \([^}]*\)}, "popular": {"hits": [0-9]*, "hr": \([^,]*\), "mrr": \([^,]*\), "ndcg": \([^}]*\)}, "transition": {"hits": [0-9]*, "hr": \([^,]*\), "mrr": \([^,]*\), "ndcg": \([^}]*\)}.*/\1 \2 \3 \4 \5 \6 \7 \8 \9/p'
}

lines_of() {
    sed -n 's/.*"next_item": {[^}]*"lines": \([0-9]*\),.*/\1/p' "$1"
}

total=$(( $(echo "$dims" | awk -F, '{print NF}') * $(echo "$windows" | awk -F, '{print NF}') *
          $(echo "$exponents" | awk -F, '{print NF}') ))
results=$work/results.tsv
: >"$results"
done_runs=0
vocabulary=''
baselines=''
for d in $(echo "$dims" | tr ',' ' '); do
    for w in $(echo "$windows" | tr ',' ' '); do
        for e in $(echo "$exponents" | tr ',' ' '); do
            done_runs=$((done_runs + 1))
            name=d${d}_w${w}_ns${e}.i2v
            model=$work/$name
            [ -n "$keep" ] && model=$keep/$name
            start=$(now)
            "$bin" train -q -i "$train" -o "$model" --dim "$d" --window "$w" --ns-exponent "$e" \
                --epochs "$epochs" --negative "$negative" --min-count "$min_count" \
                --threads "$threads" --seed "$seed" || exit 1
            seconds=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
            "$bin" eval -m "$model" --next-item "$test_file" --train "$train" -k "$k" --json \
                >"$work/eval.json" || exit 1
            set -- $(metrics "$work/eval.json")
            [ $# -eq 9 ] || { echo "sweep.sh: cannot read the evaluation of $name" >&2; exit 1; }
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$d" "$w" "$e" "$1" "$2" "$3" "$seconds" \
                >>"$results"
            baselines="$4 $5 $6 $7 $8 $9"
            lines=$(lines_of "$work/eval.json")
            [ -n "$vocabulary" ] ||
                vocabulary=$("$bin" info -m "$model" | awk '$1 == "items" { print $2 }')
            [ -n "$keep" ] || rm -f "$model"
            printf '[%d/%d] dim %s window %s ns-exponent %s: HR@%s %s (%ss)\n' \
                "$done_runs" "$total" "$d" "$w" "$e" "$k" "$1" "$seconds" >&2
        done
    done
done

# The report: the table, best first (ties: fewer dimensions, then the
# order trained), the best setting, the baselines, the mean HR@k of each
# value of each parameter over all other settings and the spread of those
# means (what a parameter is worth), and the dimension rule of thumb.
sort -t "$(printf '\t')" -k4,4gr -k1,1g "$results" | awk -F '\t' -v k="$k" \
    -v baselines="$baselines" -v V="$vocabulary" -v dims="$dims" -v windows="$windows" \
    -v lines="$lines" \
    -v exponents="$exponents" '
# One line per parameter: the mean HR of each of its values (in the order
# given), and the spread between the best and the worst mean.
function report_parameter(name, column, list,    n, values, i, v, mean, low, high, line) {
    low = 2; high = -1; line = ""
    n = split(list, values, ",")
    for (i = 1; i <= n; i++) {
        v = column SUBSEP values[i]
        if (!(v in count))
            continue
        mean = sum[v] / count[v]
        if (mean < low) low = mean
        if (mean > high) high = mean
        line = line sprintf("  %s: %.4f", values[i], mean)
    }
    printf "  %-12s spread %.4f  (%s)\n", name, high - low, substr(line, 3)
    spread[name] = high - low
}
{
    row[NR] = $0
    for (c = 1; c <= 3; c++) {
        sum[c, $c] += $4
        count[c, $c]++
    }
}
END {
    printf "%5s %7s %12s %9s %7s %8s %9s %8s\n", "dim", "window", "ns-exponent", "HR@" k, "+-",
           "MRR", "NDCG@" k, "train s"
    split(row[1], best, "\t")
    se = sqrt(best[4] * (1 - best[4]) / lines)
    ties = 0
    for (i = 1; i <= NR; i++) {
        split(row[i], f, "\t")
        tie = i > 1 && best[4] - f[4] <= se
        ties += tie
        printf "%5s %7s %12s %9.4f %7.4f %8.4f %9.4f %8s%s\n", f[1], f[2], f[3], f[4],
               sqrt(f[4] * (1 - f[4]) / lines), f[5], f[6], f[7], tie ? "  tie" : ""
    }
    printf "\nbest: --dim %s --window %s --ns-exponent %s  (HR@%s %.4f +- %.4f on %d lines, MRR %.4f, NDCG@%s %.4f)\n",
           best[1], best[2], best[3], k, best[4], se, lines, best[5], k, best[6]
    if (ties)
        printf "tied with it (within one standard error): %d other setting%s, marked tie\n", ties,
               ties == 1 ? "" : "s"
    split(baselines, b, " ")
    printf "baselines: popular HR@%s %.4f, transition (item that most often came next) HR@%s %.4f\n",
           k, b[1], k, b[4]
    printf "\nmean HR@%s of each value over the other settings (spread: best minus worst mean):\n", k
    report_parameter("dim", 1, dims)
    report_parameter("window", 2, windows)
    report_parameter("ns-exponent", 3, exponents)
    top = ""
    for (p in spread) if (top == "" || spread[p] > spread[top]) top = p
    if (spread[top] > se)
        printf "matters most here: %s (spread %.4f, one standard error %.4f)\n", top, spread[top], se
    else
        printf "no parameter moves HR@%s by more than one standard error (%.4f) here\n", k, se
    if (V != "") {
        root = V ^ 0.25
        printf "\nrule of thumb: d ~ (10..30) x V^(1/4) = %.0f..%.0f for V = %d items", 10 * root,
               30 * root, V
        n = split(dims, d, ",")
        inside = ""
        for (i = 1; i <= n; i++) if (d[i] >= 10 * root && d[i] <= 30 * root) inside = inside " " d[i]
        printf " (tried in range:%s)\n", inside == "" ? " none" : inside
    }
}'
