/* Making models: what training and cold start use to hand their arrays to
 * a new model, without seeing the model's layout (model/model.h). */
#ifndef I2V_MODEL_BUILD_H
#define I2V_MODEL_BUILD_H

#include "item2vec.h"

/* Arrays a new owned model takes over (see model_from_arrays). */
typedef struct model_arrays {
    char *names;           /* item i at names + name_offset[i], NUL-terminated */
    uint64_t *name_offset;
    uint32_t *name_length;
    uint64_t *counts;      /* or NULL */
    float *input;          /* size x dim */
    float *output;         /* size x dim, or NULL */
    /* Successors (see i2v_model_successors), all three or none. */
    uint64_t *succ_start;  /* size + 1 */
    uint64_t *succ_total;  /* size */
    i2v_successor *succ;   /* succ_start[size] */
} model_arrays;

/* An owned model named `name` made of malloc'ed arrays, with its index and
 * norms built; params NULL when unknown.  The model takes the arrays
 * whatever happens: on failure they have been freed, and *arrays is
 * cleared either way. */
i2v_status model_from_arrays(const char *name, uint32_t size, uint32_t dim, model_arrays *arrays,
                             const i2v_train_params *params, i2v_model **out, i2v_error *err);

/* Frees what `arrays` holds and clears it (for a caller that gave up
 * before handing them to a model). */
void model_arrays_free(model_arrays *arrays);

/* Recomputes the checksums of a native file in memory: each section's
 * that lies within the data, then the header's.  Tests and fuzzers alter
 * fields with it and still reach the checks that stand behind the
 * checksums; data shorter than the header is left as it is. */
void model_native_reseal(unsigned char *data, size_t len);

#endif
