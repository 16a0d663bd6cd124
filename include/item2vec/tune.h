/* item2vec — Tune: the training settings that win on the user's own data,
 * found by successive halving within a wall-time budget.  Part of the
 * public API; <item2vec.h> includes every part.
 *
 * Validation is held out from the input: the last item of a share of the
 * sequences (chosen by a hash of the seed and each sequence's place) is a
 * target, the rest of that sequence a history, and every candidate trains
 * on everything but those targets.  Candidates are scored on those lines
 * as `recommend` answers them (or by neighbour purity against groups, or
 * Spearman against scored pairs, which need no held-out lines).
 *
 * The search: candidate 0 is the defaults; the others draw ns-exponent in
 * [-1, 1], window in {1, 2, 3, 5, 7, 10, 0}, sample in {0, 1e-5, 3e-5,
 * 1e-4, 3e-4, 1e-3}, epochs log-uniform in [5, 200] (fewer when one
 * candidate would cost more than a fifth of the budget), dim around the
 * rule of thumb (10..30) x V^(1/4), negative in {5, 10, 15, 20}, alpha in
 * {0.0125, 0.025, 0.05} and, one in four, CBOW.  Successive halving with
 * factor 3: every candidate trains a third of a third ... of its epochs,
 * the best third goes on training (never from the start: the learning rate
 * falls on as in one run) to three times as far, and so on until the last
 * round trains the survivors' full epochs.  The winner's recommend context
 * (1, 3, 5, 10) and blend (0, 0.5, 1, 2) are then chosen on the same
 * lines, and it is trained once more on all the input. */
#ifndef ITEM2VEC_TUNE_H
#define ITEM2VEC_TUNE_H

#include "item2vec/params.h"
#include "item2vec/recommend.h"
#include "item2vec/train.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most candidates a search starts with. */
#define I2V_TUNE_MAX_TRIALS 729u

typedef enum i2v_tune_metric {
    I2V_TUNE_HR = 0,   /* HR@k of the held-out next items (default) */
    I2V_TUNE_MRR,      /* their mean reciprocal rank */
    I2V_TUNE_NDCG,     /* their NDCG@k */
    I2V_TUNE_PURITY,   /* neighbour purity@k against item groups */
    I2V_TUNE_SPEARMAN  /* Spearman correlation with scored pairs */
} i2v_tune_metric;

/* "hr", "mrr", "ndcg", "purity", "spearman". */
const char *i2v_tune_metric_name(i2v_tune_metric metric);

/* An explicit grid instead of the search: for every parameter, the values
 * to try (n[p] of them; none: the base's value).  Every combination of
 * the training parameters is trained in full; context and blend values
 * are tried on each trained model. */
typedef struct i2v_tune_grid {
    uint32_t n[I2V_PARAM_COUNT];
    const double *values[I2V_PARAM_COUNT];
} i2v_tune_grid;

typedef struct i2v_tune_options {
    i2v_tune_metric metric;
    uint32_t k;              /* cut-off of HR, NDCG and purity (default 10) */
    double budget_sec;       /* wall time of the whole run, final training included */
    uint32_t trials;         /* candidates of the first round, 1..I2V_TUNE_MAX_TRIALS;
                                0: as many as the budget allows (a power of 3,
                                planned from a timed epoch) */
    uint32_t max_epochs;     /* most epochs of a candidate, 1..200; 0: from the
                                budget (no candidate's training above a sixth of it) */
    uint32_t validation;     /* held-out lines, at most a fifth of the sequences
                                (default 5000) */
    i2v_train_params base;   /* the settings not searched: min_count, max_vocab,
                                successors, threads, seed; the defaults' row */
    const char *tmpdir;      /* for spools and the input's copy (NULL: $TMPDIR, /tmp) */
    const char *kernel;      /* the training kernel (i2v_trainer_set_kernel); NULL: the fastest */
    const char *groups;      /* PURITY: "item<TAB>group" lines, as text ... */
    size_t groups_len;
    const char *groups_name; /* ... and their name in messages */
    const char *pairs;       /* SPEARMAN: "item item score" lines, as text ... */
    size_t pairs_len;
    const char *pairs_name;
    const i2v_tune_grid *grid; /* NULL: the search */
} i2v_tune_options;

/* HR@10, a 10-minute budget, trials from the budget, 5000 validation
 * lines, the training defaults. */
void i2v_tune_options_default(i2v_tune_options *options);

/* One scoring of one candidate. */
typedef struct i2v_tune_trial {
    uint32_t candidate;        /* 0 is the defaults */
    uint32_t round;            /* of the successive halving (the grid's: 0); the
                                  report's `rounds`: the winner's context and blend;
                                  rounds + 1: the defaults fully trained */
    i2v_train_params params;   /* epochs: the candidate's full number */
    uint32_t epochs_done;      /* trained when scored */
    double score, stderr_;     /* the metric, and its standard error */
    double seconds;            /* this step: training and scoring */
} i2v_tune_trial;

typedef void (*i2v_tune_progress_fn)(const i2v_tune_trial *trial, void *user);

typedef struct i2v_tune_report {
    i2v_tune_metric metric;
    uint32_t k;
    uint64_t sequences;        /* in the input */
    uint64_t validation_lines; /* held out (0 for purity and Spearman) */
    uint32_t items;            /* in the vocabulary */
    uint32_t candidates;       /* in the search, in all its brackets */
    uint32_t brackets, rounds; /* successive halvings, and the most rounds of one */
    uint32_t max_epochs;       /* the plan's epoch cap (--trials and this repeat it) */
    int budget_cut;            /* the budget ended the search before its plan did */
    i2v_tune_trial *trials;    /* every scoring, in order */
    size_t n_trials;
    i2v_tune_trial best;       /* the winner, fully trained, its context and blend chosen */
    i2v_tune_trial defaults;   /* the defaults, fully trained, scored the same way */
    int has_baselines;         /* next-item metrics: on the same lines ... */
    double popular, popular_stderr, transition, transition_stderr;
    double search_sec, total_sec;
} i2v_tune_report;

/* Reads the sequences (the format `train` reads) from `in` to its end,
 * searches, and trains the winner on all of them into *out.  The report
 * is filled as far as the run got.  `progress` (may be NULL) is called
 * after every scoring, `train_progress` (may be NULL) during the winner's
 * final training.  The plan depends on how fast this machine trains;
 * with it fixed (`trials` and `max_epochs`, as the report gives them),
 * base.threads 1 and a budget the run does not reach, the same input and
 * seed give the same choice and the same model bytes.  Errors:
 * I2V_ERR_INVALID for bad options (no budget, purity without groups),
 * I2V_ERR_EMPTY for an input too small to hold out validation lines. */
i2v_status i2v_tune(FILE *in, const char *name, const i2v_tune_options *options,
                    i2v_tune_progress_fn progress, i2v_progress_fn train_progress, void *user,
                    i2v_tune_report *report, i2v_model **out, i2v_error *err);

void i2v_tune_report_free(i2v_tune_report *report);

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_TUNE_H */
