/* item2vec — Training parameters: defaults, limits and the check. Part of
 * the public API; <item2vec.h> includes every part. */
#ifndef ITEM2VEC_PARAMS_H
#define ITEM2VEC_PARAMS_H

#include "item2vec/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct i2v_train_params {
    uint32_t dim;          /* vector dimensions, 1..I2V_MAX_DIM */
    uint32_t window;       /* max context distance; 0: whole sequence */
    uint32_t negative;     /* negatives per positive pair, 1..I2V_MAX_NEGATIVE */
    uint32_t epochs;       /* passes over the corpus, >= 1 */
    uint32_t threads;      /* worker threads, 1..I2V_MAX_THREADS */
    uint64_t min_count;    /* drop items seen fewer times */
    uint64_t max_vocab;    /* keep at most this many items; 0: no cap */
    double alpha;          /* starting learning rate, > 0 */
    double min_alpha;      /* final learning rate, 0 <= min_alpha <= alpha */
    double sample;         /* subsampling threshold, >= 0 (0: off) */
    double ns_exponent;    /* negative-sampling exponent, finite */
    uint64_t seed;         /* random seed */
} i2v_train_params;

#define I2V_MAX_DIM 10000u
#define I2V_MAX_NEGATIVE 1000u
#define I2V_MAX_THREADS 1024u
#define I2V_MAX_WINDOW 1000000u
#define I2V_MAX_EPOCHS 1000000u

/* The spec's defaults: dim 100, window 5, negative 5, epochs 5, alpha 0.025,
 * min_alpha 0.0001, sample 1e-3, ns_exponent 0.75, min_count 5, no cap,
 * threads 1, seed 1. */
void i2v_train_params_default(i2v_train_params *params);

/* Checks every field against its range; the message names the field. */
i2v_status i2v_train_params_check(const i2v_train_params *params, i2v_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_PARAMS_H */
