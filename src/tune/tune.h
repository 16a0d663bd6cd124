/* The parts of the settings search: the input and its held-out lines
 * (data.c), the candidates and what they cost (space.c), the search
 * itself (tune.c). */
#ifndef I2V_TUNE_INTERNAL_H
#define I2V_TUNE_INTERNAL_H

#include <stdio.h>

#include "item2vec.h"
#include "util/rng.h"

/* ---- the input ------------------------------------------------------ */

/* The input, copied once to an unlinked temporary file so that it can be
 * read again (the final training reads all of it), split into what the
 * candidates train on and the held-out lines. */
typedef struct tune_data {
    FILE *all;            /* the whole input */
    FILE *train;          /* the input without the held-out targets */
    FILE *held;           /* the held-out lines as text: history then target */
    uint64_t sequences;   /* non-blank lines of the input */
    uint64_t eligible;    /* of them with two items or more */
    uint64_t held_lines;
    double mean_length;   /* items per sequence */
    /* The held-out lines' items as text: line l's are words
     * word_start[line_start[l] .. line_start[l + 1]), the last the target. */
    char *text;
    uint64_t *word_start;  /* into text, NUL-terminated words */
    uint64_t *line_start;
    size_t n_words;
} tune_data;

/* Reads `in` to its end; holds out up to `wanted` lines (at most a fifth
 * of the eligible ones) when `wanted` > 0. */
i2v_status tune_data_read(tune_data *d, FILE *in, const char *name, uint64_t wanted,
                          uint64_t seed, const char *tmpdir, i2v_error *err);
void tune_data_free(tune_data *d);

/* The held-out lines as model ids: histories of the items the model knows,
 * and the targets (UINT32_MAX when unknown). */
typedef struct tune_lines {
    i2v_history *histories;
    uint32_t *targets;
    uint32_t *ids;
    size_t n;
} tune_lines;

i2v_status tune_lines_map(tune_lines *l, const tune_data *d, const i2v_vocab *vocab,
                          i2v_error *err);
void tune_lines_free(tune_lines *l);

/* ---- the candidates --------------------------------------------------- */

/* A candidate's settings, drawn from the space around `base` (candidate
 * 0 is base itself); `items` is the vocabulary's size, `max_epochs` the
 * most epochs a candidate may have. */
void tune_draw(i2v_train_params *out, const i2v_train_params *base, uint32_t items,
               uint32_t max_epochs, i2v_rng *rng);

/* The share of a corpus's items word2vec's subsampling keeps at
 * threshold `sample`, from the vocabulary's counts. */
double tune_kept_share(const i2v_vocab *vocab, double sample);

/* What one epoch of `p` costs against one epoch of `base`, from the work a
 * token asks for (dimensions, negatives, the context a window reaches in
 * sequences of `mean_length` items, the architecture) and the shares of
 * the items subsampling keeps for each. */
double tune_epoch_cost(const i2v_train_params *p, double kept, const i2v_train_params *base,
                       double base_kept, double mean_length);

/* ---- scoring ------------------------------------------------------------ */

/* Scores models by the search's metric: on the held-out lines as
 * `recommend` answers them, or by purity or Spearman against the option's
 * text. */
typedef struct tune_scorer {
    const i2v_tune_options *o;
    const tune_lines *lines;
    i2v_neighbor *answers;  /* a block of lines' answers */
    uint32_t *n_out;
    uint64_t *ranks;        /* per line; 0: a miss */
} tune_scorer;

i2v_status tune_scorer_init(tune_scorer *s, const i2v_tune_options *o, const tune_lines *lines,
                            i2v_error *err);
void tune_scorer_free(tune_scorer *s);

/* How a model answers the held-out lines: recommend's context and blend,
 * and how many of each item's successors the blend uses. */
typedef struct tune_serving {
    uint32_t context;
    double blend;
    uint32_t successors;
} tune_serving;

/* The metric for `model` answering with serving v (next-item metrics
 * only), and its standard error.  A score that cannot be had (no group
 * item in the model) is NAN. */
i2v_status tune_score(tune_scorer *s, const i2v_model *model, const tune_serving *v,
                      double *score, double *stderr_, i2v_error *err);

#endif
