/* Internal layout of a model, shared by the loaders, the writers, the query
 * and the evaluation code.
 *
 * A model is either owned (every array malloc'ed, as after training or
 * parsing a word2vec file) or mapped (arrays point into a read-only
 * memory mapping of a native file).  Readers never need to know which. */
#ifndef I2V_MODEL_H
#define I2V_MODEL_H

#include "item2vec.h"

struct i2v_model {
    uint32_t size;            /* items */
    uint32_t dim;
    i2v_format format;        /* the format it was read from, or NATIVE */

    /* Item i: names + name_offset[i], name_length[i] bytes, NUL-terminated. */
    const char *names;
    const uint64_t *name_offset;
    const uint32_t *name_length;
    const uint64_t *counts;   /* NULL when the format has no counts */

    const float *input;       /* size x dim, row-major */
    const float *output;      /* size x dim or NULL */
    const float *norms;       /* L2 norm of each input row, or NULL */

    /* Item index: open addressing over index_slots (a power of two) slots
     * holding id + 1 (0 = empty), probed linearly from hash & (slots-1). */
    const uint32_t *index;
    uint64_t index_slots;

    int has_params;
    i2v_train_params params;

    /* Ownership. */
    void *mapping;            /* munmap(mapping, mapping_len) on free */
    size_t mapping_len;
    void *owned[16];          /* free() on free */
};

/* Registers a malloc'ed block for release with the model. */
i2v_status model_own(i2v_model *m, void *block, i2v_error *err);

/* Builds m->index over m's names (owned by m). */
i2v_status model_build_index(i2v_model *m, i2v_error *err);

/* Fills m->norms (owned by m) from the input vectors. */
i2v_status model_compute_norms(i2v_model *m, i2v_error *err);

/* Slots an index over n items should have: a power of two, >= 2n. */
uint64_t model_index_slots(uint32_t n);

/* Format-specific writers (the stream is the caller's). */
i2v_status model_write_w2v(const i2v_model *m, FILE *out, int binary, const char *name,
                           i2v_error *err);
i2v_status model_write_native(const i2v_model *m, FILE *out, const char *name,
                              i2v_error *err);

#endif
