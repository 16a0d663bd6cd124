/* Internal pieces of cold start (see item2vec.h for the contract): the
 * features file as read, and the fits that map a bag of features to a
 * direction in the embedding space. */
#ifndef I2V_COLDSTART_H
#define I2V_COLDSTART_H

#include <stddef.h>
#include <stdint.h>

#include "item2vec.h"

struct i2v_features {
    char *name;             /* the file, for messages */
    i2v_vocab *items;       /* ids in order of first appearance */
    i2v_vocab *features;    /* ids in order of first appearance */
    /* Item i's features: feature[start[i] .. start[i+1]), ascending and
     * distinct.  Every item has at least one. */
    uint64_t *start;
    uint32_t *feature;
    uint64_t *first_line;   /* the line where item i first appears */
};

/* The regression problem: each row is an item, given by the columns it
 * has (ascending, distinct; all values are 1) and its target, a row of
 * `dim` floats. */
typedef struct coldstart_design {
    uint32_t rows, cols, dim;
    const uint64_t *row_start; /* rows + 1 */
    const uint32_t *col;
    const float *target;       /* rows x dim */
} coldstart_design;

typedef enum coldstart_solver {
    COLDSTART_SOLVER_AUTO = 0, /* Cholesky up to I2V_COLDSTART_DENSE_FEATURES + 1 columns */
    COLDSTART_SOLVER_CHOLESKY,
    COLDSTART_SOLVER_CG
} coldstart_solver;

typedef struct coldstart_fit_info {
    const char *solver;
    uint32_t iterations;
    double residual;
} coldstart_fit_info;

/* Ridge regression: fills weights (cols x dim) with the W that minimises
 * |XW - Y|^2 + lambda |W|^2.  I2V_ERR_DIVERGED when the system is not
 * numerically positive definite or conjugate gradient does not converge
 * to I2V_COLDSTART_CG_TOLERANCE within I2V_COLDSTART_CG_MAX_ITERATIONS. */
i2v_status coldstart_fit_ridge(const coldstart_design *x, double lambda, coldstart_solver solver,
                               double *weights, coldstart_fit_info *info, i2v_error *err);

/* Feature means; column 0 must be every row's (the constant).  Row 0 of
 * weights is the mean target; row c > 0 the mean, over the rows that have
 * column c, of their target minus that mean (zero when no row has it). */
i2v_status coldstart_fit_mean(const coldstart_design *x, double *weights, i2v_error *err);

/* The content of an item with columns col[0..n): the sum of those rows of
 * weights, written to out (dim). */
void coldstart_predict(const double *weights, uint32_t dim, const uint32_t *col, size_t n,
                       double *out);

#endif
