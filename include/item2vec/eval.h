/* item2vec — Evaluation: analogies, word pairs, next item with baselines,
 * dimensions, purity, split. Part of the public API; <item2vec.h> includes
 * every part. */
#ifndef ITEM2VEC_EVAL_H
#define ITEM2VEC_EVAL_H

#include "item2vec/model.h"
#include "item2vec/query.h"
#include "item2vec/recommend.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */
/* ------------------------------------------------------------------ */

/* Evaluation files (analogy questions, scored pairs, held-out sequences,
 * item groups) are text: items separated by spaces or tabs, one record per
 * line, blank lines ignored.  A line without the expected shape is counted,
 * the first few line numbers are kept, and the line is skipped: one bad line
 * never spoils a run.  A file with no record at all is I2V_ERR_EMPTY. */
#define I2V_EVAL_LINES_KEPT 5

typedef struct i2v_eval_malformed {
    uint64_t count;                      /* malformed lines */
    uint64_t lines[I2V_EVAL_LINES_KEPT]; /* 1-based numbers of the first ones */
} i2v_eval_malformed;

/* How analogy and pair files name items.  The defaults are those of gensim's
 * KeyedVectors.evaluate_word_analogies / evaluate_word_pairs:
 *  - restrict_vocab N: only the N first (most frequent) items of the model
 *    are known; a question or pair naming any other item is skipped, and
 *    analogy answers are searched among those N only (0: all items);
 *  - case folding: items and model names are compared in upper case (each
 *    character's simple Unicode capital, and "SS" for U+00DF); when several
 *    model names fold to the same text, the most frequent one (lowest id)
 *    stands for all of them, as in gensim. */
#define I2V_EVAL_RESTRICT_DEFAULT 300000u

typedef struct i2v_word_eval_options {
    uint32_t restrict_vocab;    /* default I2V_EVAL_RESTRICT_DEFAULT; 0: all */
    int case_sensitive;         /* default 0: fold case */
    i2v_analogy_method method;  /* analogies only; default I2V_ANALOGY_ADD */
} i2v_word_eval_options;

void i2v_word_eval_options_default(i2v_word_eval_options *options);

/* One section of an analogy file (the text after a ": " header line), or
 * the total over all sections. */
typedef struct i2v_analogy_section {
    char *name;          /* NUL-terminated; "" for questions before any header */
    uint64_t correct;    /* answered with the expected item */
    uint64_t attempted;  /* questions with all four items known */
    uint64_t skipped;    /* questions with an item unknown or outside restrict_vocab */
} i2v_analogy_section;

typedef struct i2v_analogy_eval {
    i2v_analogy_section *sections;  /* in file order */
    size_t n_sections;
    i2v_analogy_section total;      /* name "total" */
    i2v_eval_malformed malformed;   /* lines that are not four items */
} i2v_analogy_eval;

/* Answers every question "a b c d" (a is to b as c is to d) of a
 * questions-words file read from `in` to its end: the answer is the best
 * item for i2v_analogy(a, b, c) whose folded name is none of a, b, c; it is
 * correct when its folded name is d's.  Accuracy = correct / attempted;
 * skipped questions do not count (gensim's dummy4unknown=False).  `name`
 * names the input in messages.  Free the result with i2v_analogy_eval_free,
 * also after a failure. */
i2v_status i2v_eval_analogies(const i2v_model *model, FILE *in, const char *name,
                              const i2v_word_eval_options *options, i2v_analogy_eval *out,
                              i2v_error *err);

void i2v_analogy_eval_free(i2v_analogy_eval *result);

typedef struct i2v_pairs_eval {
    uint64_t pairs;      /* well-formed lines: two items and a finite score */
    uint64_t used;       /* pairs with both items known */
    uint64_t oov;        /* pairs skipped: an item unknown or outside restrict_vocab */
    double spearman;     /* rank correlation, ties get their average rank */
    double pearson;      /* linear correlation */
    i2v_eval_malformed malformed;
} i2v_pairs_eval;

/* Correlates human similarity scores with the model's cosine similarities:
 * each line is "item item score" (WordSim-353, SimLex-999; tabs or spaces);
 * lines whose first item starts with '#' are comments.  Cosines are
 * rounded to float precision, so cosines equal as floats tie, as in
 * gensim's float32 arithmetic.  spearman and pearson are NAN when fewer
 * than two pairs are used or either side is constant.  Only restrict_vocab
 * and case_sensitive of the options apply. */
i2v_status i2v_eval_pairs(const i2v_model *model, FILE *in, const char *name,
                          const i2v_word_eval_options *options, i2v_pairs_eval *out,
                          i2v_error *err);

/* Correlation helpers, exposed for tests and for callers with their own
 * data: NAN when n < 2 or either series is constant. */
double i2v_pearson(const double *x, const double *y, size_t n);
/* Pearson correlation of the ranks; equal values share their average rank.
 * Returns NAN also when scratch memory cannot be allocated. */
double i2v_spearman(const double *x, const double *y, size_t n);

/* Popularity and item-to-next-item counts of training sequences: the two
 * baselines a recommender must beat. */
typedef struct i2v_baselines i2v_baselines;

/* Reads training sequences (the format `train` reads) from `in` to its
 * end, counting every item and every pair of consecutive items.  While
 * reading it holds 8 bytes per item occurrence; afterwards 8 bytes per
 * distinct pair. */
i2v_status i2v_baselines_create(FILE *in, const char *name, i2v_baselines **out,
                                i2v_error *err);

void i2v_baselines_free(i2v_baselines *baselines);

/* Distinct items seen by i2v_baselines_create. */
uint32_t i2v_baselines_items(const i2v_baselines *baselines);

typedef struct i2v_next_options {
    uint32_t k;                       /* cut-off of HR@k and NDCG@k, >= 1 (default 10) */
    i2v_recommend_options recommend;  /* how the model ranks: as `recommend` answers
                                         (its k and threads are not used) */
} i2v_next_options;

/* k 10, and i2v_recommend_options_default for the model. */
void i2v_next_options_default(const i2v_model *model, i2v_next_options *options);

/* Means over all evaluated lines; a line whose target cannot be ranked
 * counts as a miss (0). */
typedef struct i2v_rank_metrics {
    uint64_t hits;  /* lines with the target in the top k */
    double hit_rate;  /* HR@k: hits / lines */
    double mrr;       /* mean of 1 / rank over the full ranking */
    double ndcg;      /* NDCG@k: mean of 1 / log2(rank + 1) for ranks <= k */
} i2v_rank_metrics;

typedef struct i2v_next_eval {
    uint64_t lines;              /* evaluated lines: a history and a target */
    uint64_t target_in_history;  /* lines whose target is also in the history */
    uint64_t target_unknown;     /* lines whose target is not in the model */
    uint64_t context_unknown;    /* lines with no history item in the model */
    i2v_recommend_options used;  /* the recommender's options, its scoring resolved */
    unsigned notes;              /* i2v_recommender_notes */
    i2v_rank_metrics model;      /* the model as `recommend` answers */
    int has_model_alone;         /* a blend was used: ... */
    i2v_rank_metrics model_alone;  /* ... the same with blend 0 */
    int has_baselines;
    i2v_rank_metrics popular;    /* most popular items not in the history */
    i2v_rank_metrics transition; /* items that most often followed the last history item */
    i2v_eval_malformed malformed;  /* lines with fewer than two items */
} i2v_next_eval;

/* Next-item evaluation, leave-last-out: each line of `in` is a sequence
 * whose last item is the target and whose other items are the history
 * ("history<TAB>target" is the same thing).
 *  - model: the target's rank among the candidates i2v_recommend orders
 *    for the history (its items in the model, the others left out), with
 *    the options given: the same scores, blend, context and exclusions, so
 *    a hit is a target `recommend` would answer within k.  A line whose
 *    target the model does not know, whose history holds no item it
 *    knows, or whose target is left out as seen is a miss.  With a blend,
 *    model_alone is the same ranking without it.
 *  - popular (when baselines is not NULL): items by training count.
 *  - transition: items by how often they followed the last history item in
 *    the training sequences, then by training count.
 * The baselines leave out the history's items.  Ranks are over every
 * candidate, so MRR uses the full ranking. */
i2v_status i2v_eval_next_item(const i2v_model *model, const i2v_baselines *baselines,
                              FILE *in, const char *name, const i2v_next_options *options,
                              i2v_next_eval *out, i2v_error *err);

/* Principal components of the input vectors. */
#define I2V_DIMS_TOP 10

typedef struct i2v_dims_eval {
    uint32_t dim;
    uint32_t items;
    double share;          /* the variance share asked for, e.g. 0.9 */
    uint32_t components;   /* fewest components whose variance reaches share */
    uint32_t n_top;        /* min(dim, I2V_DIMS_TOP) */
    double top[I2V_DIMS_TOP];  /* largest explained-variance ratios, descending */
} i2v_dims_eval;

/* Covariance of the centred input vectors (d x d, double precision) and its
 * eigenvalues by the cyclic Jacobi method: O(items d^2 + d^3).  share is in
 * (0, 1].  A model with fewer than two items or no variance is
 * I2V_ERR_EMPTY. */
i2v_status i2v_eval_dims(const i2v_model *model, double share, i2v_dims_eval *out,
                         i2v_error *err);

typedef struct i2v_purity_eval {
    uint32_t k;
    uint64_t items;     /* well-formed lines "item<TAB>group" */
    uint64_t used;      /* items of the file found in the model */
    uint64_t unknown;   /* items of the file not in the model */
    double purity;      /* mean share of same-group items among the k nearest */
    i2v_eval_malformed malformed;
} i2v_purity_eval;

/* Neighbour purity@k against planted groups: for every item of the file
 * (lines "item group") that is in the model, the share of its k nearest
 * items by cosine (itself left out) that the file puts in the same group;
 * neighbours absent from the file count as other groups.  The mean over
 * those items; NAN when there is none.  A line naming an item already
 * listed is malformed (the first line holds). */
i2v_status i2v_eval_purity(const i2v_model *model, FILE *in, const char *name, uint32_t k,
                           i2v_purity_eval *out, i2v_error *err);

/* Splitting a sequence file for next-item evaluation. */
typedef struct i2v_split_options {
    double test_ratio;  /* 0: leave-last-out; in (0, 1): hold out whole sequences */
    uint64_t seed;      /* chooses the held-out sequences */
} i2v_split_options;

typedef struct i2v_split_stats {
    uint64_t sequences;    /* non-blank input lines */
    uint64_t train_lines;
    uint64_t test_lines;
    uint64_t single_item;  /* one-item sequences, always training data */
} i2v_split_stats;

/* Reads sequences from `in` and writes training and test sequences, items
 * separated by single spaces, one per line, in input order.
 *  - leave-last-out (test_ratio 0): a sequence of two or more items goes
 *    whole to `test` (its last item is the target) and without its last
 *    item to `train`;
 *  - holdout (test_ratio > 0): each sequence of two or more items goes
 *    whole to `test` with probability test_ratio, decided by a hash of
 *    the seed and the sequence's ordinal (blank lines do not count), else
 *    whole to `train`.
 * One-item sequences always go to `train`.  Same input and options, same
 * bytes.  Names are used in messages. */
i2v_status i2v_split(FILE *in, const char *in_name, FILE *train, const char *train_name,
                     FILE *test, const char *test_name, const i2v_split_options *options,
                     i2v_split_stats *stats, i2v_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_EVAL_H */
