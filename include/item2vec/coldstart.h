/* item2vec — Cold start: vectors for items known only by their features.
 * Part of the public API; <item2vec.h> includes every part. */
#ifndef ITEM2VEC_COLDSTART_H
#define ITEM2VEC_COLDSTART_H

#include "item2vec/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Cold start from item features                                       */
/* ------------------------------------------------------------------ */

/* Places items that have metadata but no behaviour (no vector) in the
 * embedding space of a model, by learning how features map into it from
 * the items that have both.
 *
 * Features file.  One item per line: the item, a tab, then its features
 * separated by spaces or tabs (`shoe_42<TAB>category:shoes brand:acme
 * tag:red`).  Features are opaque words; an item's features are a set
 * (a repeated feature counts once), and an item on several lines has the
 * union of their features, so one "item<TAB>feature" row per pair works
 * too.  "\r\n" ends a line like "\n"; blank lines and lines whose first
 * non-blank byte is '#' are skipped.  Spaces around the item are ignored.
 * A line with no tab, an empty item, an item holding a blank or a NUL byte
 * (no sequence could hold it), no feature, a NUL byte in a feature, or a
 * line longer than I2V_MAX_ITEM_BYTES is malformed: skipped and counted,
 * the first ones kept in the report with their line numbers.
 *
 * Method.  The content vector of an item is a linear function of its
 * bag of features, fitted on the "known" items (in the model and in the
 * file) to their behaviour vectors as they are: longer vectors, mostly
 * those of items with more data and better estimated directions, weigh
 * more (on planted data this placed cold items slightly better than
 * fitting unit vectors).  Only the direction of a content vector is used:
 *
 *  - I2V_COLDSTART_RIDGE: ridge regression W = (X'X + lambda I)^-1 X'Y,
 *    X the binary item-by-feature matrix plus a constant column (so the
 *    direction all items share is not pushed onto the features), Y the
 *    behaviour vectors.  Solved exactly by Cholesky when at most
 *    I2V_COLDSTART_DENSE_FEATURES features are seen on known items, else
 *    by conjugate gradient on the sparse X with a Jacobi preconditioner
 *    (memory O(features x dim), never features^2), to a relative residual
 *    of I2V_COLDSTART_CG_TOLERANCE on every dimension.
 *  - I2V_COLDSTART_MEAN: each feature taken alone.  A feature's vector is
 *    the mean of the behaviour vectors of the known items that carry it,
 *    less the mean of all known items; an item's content is that overall
 *    mean plus its features' vectors.  (Without the centring, a noise tag
 *    carried by unrelated items would pull them all to one place.)
 *
 * Features that no known item carries are ignored.  A cold item (in the
 * file, not in the model) with at least one feature a known item carries
 * is placed: its vector is the direction of its content, scaled to the
 * median length of the model's vectors so that it looks like any other
 * item to whatever reads lengths.  A cold item with none is skipped (its
 * first line is kept in the report).  With fuse = A in [0, 1], a known
 * item's vector becomes A x behaviour + (1 - A) x content, the content
 * scaled to the behaviour vector's length so that A weighs directions,
 * not lengths (A = 1 keeps the behaviour, A = 0 keeps the length only).
 *
 * Output.  The input model's items first, in their order, with their
 * counts and output weights (fused or not); then the placed cold items,
 * in byte order, with count 0 and, when the model has output weights,
 * zero output rows (training can resume and will learn them).  Training
 * parameters are kept.  Index and norms are rebuilt. */

#define I2V_COLDSTART_DENSE_FEATURES 2048u /* Cholesky up to this many features */
#define I2V_COLDSTART_CG_TOLERANCE 1e-6
#define I2V_COLDSTART_CG_MAX_ITERATIONS 2000u
#define I2V_COLDSTART_NO_FUSE (-1.0)       /* fuse: behaviour kept unchanged */
#define I2V_COLDSTART_MAX_EXAMPLES 10      /* malformed lines, skipped items kept */
#define I2V_COLDSTART_REASON_SIZE 192

/* A features file, read and indexed. */
typedef struct i2v_features i2v_features;

/* A line that was not used, and why. */
typedef struct i2v_features_problem {
    uint64_t line;
    char reason[I2V_COLDSTART_REASON_SIZE];
} i2v_features_problem;

typedef struct i2v_features_report {
    uint64_t lines;          /* lines read */
    uint64_t skipped_lines;  /* blank lines and comments */
    uint64_t malformed;      /* malformed lines skipped */
    uint32_t n_examples;     /* min(malformed, I2V_COLDSTART_MAX_EXAMPLES) */
    i2v_features_problem examples[I2V_COLDSTART_MAX_EXAMPLES];
    uint32_t items;          /* distinct items with at least one feature */
    uint32_t features;       /* distinct features */
    uint64_t pairs;          /* distinct (item, feature) pairs */
} i2v_features_report;

/* Reads a features file from `in` (named `name` in messages) to its end.
 * The report is filled as far as the reading got, also on failure.
 * Errors: I2V_ERR_EMPTY for an empty input or one without a single valid
 * line; I2V_ERR_IO for a read error; I2V_ERR_LIMIT past I2V_MAX_ITEMS
 * items or features. */
i2v_status i2v_features_read(FILE *in, const char *name, i2v_features **out,
                             i2v_features_report *report, i2v_error *err);

void i2v_features_free(i2v_features *features);

typedef enum i2v_coldstart_method {
    I2V_COLDSTART_RIDGE = 0,
    I2V_COLDSTART_MEAN
} i2v_coldstart_method;

typedef struct i2v_coldstart_params {
    i2v_coldstart_method method;
    double lambda;   /* ridge penalty, finite and > 0 */
    double fuse;     /* 0..1, or I2V_COLDSTART_NO_FUSE */
} i2v_coldstart_params;

/* Ridge, lambda 1, no fusion. */
void i2v_coldstart_params_default(i2v_coldstart_params *params);

typedef struct i2v_coldstart_report {
    uint32_t known;            /* items with features and a vector: the fit's rows */
    uint32_t without_features; /* model items not in the file: kept as they are */
    uint32_t features;         /* features carried by known items: the fit's columns */
    uint32_t unused_features;  /* features only cold items carry: ignored */
    uint32_t placed;           /* cold items appended */
    uint32_t fused;            /* known items blended (fuse given) */
    uint32_t skipped;          /* cold items with no feature a known item carries */
    uint32_t n_examples;       /* min(skipped, I2V_COLDSTART_MAX_EXAMPLES) */
    i2v_features_problem examples[I2V_COLDSTART_MAX_EXAMPLES]; /* first skipped */
    const char *solver;        /* "cholesky", "conjugate gradient" or "mean" */
    uint32_t iterations;       /* conjugate gradient iterations, else 0 */
    double residual;           /* largest relative residual of conjugate gradient */
    double fit_cosine;         /* mean cosine of content and behaviour, known items */
} i2v_coldstart_report;

/* Builds a new model from `model` and `features` as described above;
 * neither is changed.  The report is filled as far as the run got.  Errors: I2V_ERR_INVALID
 * for bad params; I2V_ERR_EMPTY when no item of the file is in the model
 * (nothing to learn from); I2V_ERR_DIVERGED when the ridge system cannot
 * be solved (lambda too small for the data); I2V_ERR_LIMIT past
 * I2V_MAX_ITEMS items. */
i2v_status i2v_coldstart_run(const i2v_model *model, const i2v_features *features,
                             const i2v_coldstart_params *params, i2v_model **out,
                             i2v_coldstart_report *report, i2v_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_COLDSTART_H */
