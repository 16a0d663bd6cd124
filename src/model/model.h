/* Internal layout of a model, shared by the loaders, the writers and the
 * query code: only model/ and query/ include this header.  Other layers
 * read models through the accessors of <item2vec/model.h> and make new
 * ones with model/build.h.
 *
 * A model is either owned (every array malloc'ed, as after training or
 * parsing a word2vec file) or mapped (arrays point into a read-only
 * memory mapping of a native file).  Readers never need to know which. */
#ifndef I2V_MODEL_H
#define I2V_MODEL_H

#include "item2vec.h"
#include "model/build.h"

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

    /* Successors of item i: succ[succ_start[i] .. succ_start[i + 1]), most
     * frequent first, out of succ_total[i] transitions counted from it;
     * all NULL when the model keeps none.  In a native file they are
     * checked when first needed (model_check_successors), not on open. */
    const uint64_t *succ_start;
    const uint64_t *succ_total;
    const i2v_successor *succ;

    /* The nearest-neighbour graph (query/hnsw.h), a native file's section
     * 9 or built in memory, or NULL; graph_stale: the file had one built
     * for other vectors, ignored. */
    const unsigned char *graph;
    uint64_t graph_size;
    int graph_stale;
    unsigned char *graph_owned; /* a graph built in memory: freed with the model */

    /* Item index: open addressing over index_slots (a power of two) slots
     * holding id + 1 (0 = empty), probed linearly from hash & (slots-1). */
    const uint32_t *index;
    uint64_t index_slots;

    int has_params;
    i2v_train_params params;

    /* Where it came from, for messages, `info` and `info --verify`. */
    const char *source;       /* file or data name (owned), or NULL */
    const unsigned char *native_bytes; /* a native file's bytes, else NULL */
    uint32_t native_version;           /* of that file, else 0 */
    size_t native_len;

    /* Ownership. */
    void *mapping;            /* munmap(mapping, mapping_len) on free */
    size_t mapping_len;
    void *owned[16];          /* free() on free */
};

/* Registers a malloc'ed block for release with the model. */
i2v_status model_own(i2v_model *m, void *block, i2v_error *err);

/* Builds m->index over m's names (owned by m); an item that appears
 * twice is I2V_ERR_FORMAT naming it. */
i2v_status model_build_index(i2v_model *m, i2v_error *err);

/* Fills m->norms (owned by m) from the input vectors; a row whose length
 * overflows a float is I2V_ERR_FORMAT naming it. */
i2v_status model_compute_norms(i2v_model *m, i2v_error *err);

/* Slots an index over n items should have: a power of two, >= 2n. */
uint64_t model_index_slots(uint32_t n);

/* Checks the successors (a native file's checksum of them, and the rows'
 * structure for any model); I2V_ERR_FORMAT naming what is wrong.  What
 * uses them calls this first: opening a file does not read them. */
i2v_status model_check_successors(const i2v_model *m, i2v_error *err);

/* An empty model named `name` (a copy, owned by the model). */
i2v_status model_new(const char *name, i2v_model **out, i2v_error *err);

/* The first row in [first, end) holding a NaN or an infinity, or end. */
uint32_t model_first_nonfinite_row(const float *rows, uint32_t dim, uint32_t first,
                                   uint32_t end);

/* Where a graph section records the checksum of the input vectors it was
 * built for (u64): a writer keeps the graph only when the vectors it
 * writes have that checksum. */
#define MODEL_GRAPH_INPUT_SUM_AT 40u

/* The native format's checksum of len bytes (the one its section table
 * holds). */
uint64_t model_checksum(const void *data, size_t len);

/* 1 on a little-endian machine: the formats store little-endian values. */
int model_host_is_little_endian(void);

#endif
