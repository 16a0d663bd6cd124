/* item2vec — Training parameters: one table gives every parameter's name,
 * type, range, default and a line of documentation; the defaults and the
 * check come from it.  Part of the public API; <item2vec.h> includes every
 * part. */
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
    uint64_t min_count;    /* drop items seen fewer times, >= 1 */
    uint64_t max_vocab;    /* keep at most this many items; 0: no cap */
    double alpha;          /* starting learning rate, > 0 */
    double min_alpha;      /* final learning rate, 0 <= min_alpha <= alpha */
    double sample;         /* subsampling threshold, >= 0 (0: off) */
    double ns_exponent;    /* negative-sampling exponent */
    uint64_t seed;         /* random seed */
    /* What training records beside the vectors, and the defaults it
     * leaves for recommending with the model (i2v_recommend_options). */
    uint32_t successors;   /* most frequent successors kept per item; 0: none */
    uint32_t context;      /* recommend: history items making the query; 0: all */
    double blend;          /* recommend: weight of the successor counts; 0: the model alone */
    uint32_t cbow;         /* 1: CBOW (the context's mean predicts the item); 0: skip-gram */
    /* 1: the weights are a function of the corpus, the parameters and the
     * seed only, whatever the thread count and timing (rounds of chunks
     * with deltas applied in a fixed order); 0: Hogwild. */
    uint32_t deterministic;
} i2v_train_params;

#define I2V_MAX_DIM 10000u
#define I2V_MAX_NEGATIVE 1000u
#define I2V_MAX_THREADS 1024u
#define I2V_MAX_WINDOW 1000000u
#define I2V_MAX_EPOCHS 1000000u
#define I2V_MAX_SUCCESSORS 1000u

/* recommend's default weight of the successor counts (measured: see the
 * README's recommendation figures). */
#define I2V_DEFAULT_BLEND 0.5

/* Every field of i2v_train_params, in the order of the struct. */
typedef enum i2v_param {
    I2V_PARAM_DIM,
    I2V_PARAM_WINDOW,
    I2V_PARAM_NEGATIVE,
    I2V_PARAM_EPOCHS,
    I2V_PARAM_THREADS,
    I2V_PARAM_MIN_COUNT,
    I2V_PARAM_MAX_VOCAB,
    I2V_PARAM_ALPHA,
    I2V_PARAM_MIN_ALPHA,
    I2V_PARAM_SAMPLE,
    I2V_PARAM_NS_EXPONENT,
    I2V_PARAM_SEED,
    I2V_PARAM_SUCCESSORS,
    I2V_PARAM_CONTEXT,
    I2V_PARAM_BLEND,
    I2V_PARAM_CBOW,
    I2V_PARAM_DETERMINISTIC,
    I2V_PARAM_COUNT
} i2v_param;

typedef enum i2v_param_type {
    I2V_PARAM_WHOLE, /* an unsigned whole number */
    I2V_PARAM_REAL   /* a finite double */
} i2v_param_type;

typedef struct i2v_param_info {
    const char *name;          /* the word users type: "dim", "ns-exponent" */
    i2v_param_type type;
    uint64_t whole_min, whole_max;  /* WHOLE: the inclusive range */
    double real_min, real_max;      /* REAL: the range ... */
    int real_min_open;              /* ... without real_min itself (alpha > 0) */
    double default_value;      /* i2v_train_params_default's value */
    const char *doc;           /* one line, lower case, no final stop */
} i2v_param_info;

/* The table row of parameter p, or NULL when p is not a parameter. */
const i2v_param_info *i2v_param_describe(i2v_param p);

/* The parameter named `name` (as in i2v_param_info.name), or
 * I2V_PARAM_NONE. */
int i2v_param_lookup(const char *name);

/* A field of params read or written as the table's type (a WHOLE value
 * set into a 32-bit field must lie in the parameter's range). */
uint64_t i2v_param_whole(const i2v_train_params *params, i2v_param p);
double i2v_param_real(const i2v_train_params *params, i2v_param p);
void i2v_param_set_whole(i2v_train_params *params, i2v_param p, uint64_t value);
void i2v_param_set_real(i2v_train_params *params, i2v_param p, double value);

/* Copies parameter p from `from` to `to`. */
void i2v_param_copy(i2v_train_params *to, const i2v_train_params *from, i2v_param p);

/* Checks one value against parameter p's range: I2V_ERR_INVALID, with
 * err->param = p and a message starting with the parameter's name
 * ("dim must be between 1 and 10000"), when it is outside. */
i2v_status i2v_param_check_whole(i2v_param p, uint64_t value, i2v_error *err);
i2v_status i2v_param_check_real(i2v_param p, double value, i2v_error *err);

/* The spec's defaults: dim 100, window 5, negative 5, epochs 5, alpha 0.025,
 * min_alpha 0.0001, sample 1e-3, ns_exponent 0.75, min_count 5, no cap,
 * threads 1, seed 1; and 20 successors per item, a recommend context of 5
 * and a blend of I2V_DEFAULT_BLEND. */
void i2v_train_params_default(i2v_train_params *params);

/* Checks every field against its range, and min_alpha <= alpha; a failure
 * is reported as by i2v_param_check_whole for the first field out of
 * range. */
i2v_status i2v_train_params_check(const i2v_train_params *params, i2v_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_PARAMS_H */
