/* item2vec — Queries: nearest items by cosine, analogies, all items in one
 * batch. Part of the public API; <item2vec.h> includes every part. */
#ifndef ITEM2VEC_QUERY_H
#define ITEM2VEC_QUERY_H

#include "item2vec/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Queries                                                             */
/* ------------------------------------------------------------------ */

typedef struct i2v_neighbor {
    uint32_t id;
    float score;
} i2v_neighbor;

/* The k items nearest to `query` (dim floats, any length) by cosine,
 * best first (equal scores: lower id first), leaving out the n_exclude ids
 * in `exclude` and, when limit > 0, every item with id >= limit (gensim's
 * restrict_vocab).  *n_out gets the number written (< k when fewer items
 * qualify).  Safe to call from several threads on one model. */
i2v_status i2v_nearest(const i2v_model *model, const float *query, const uint32_t *exclude,
                       size_t n_exclude, uint32_t limit, uint32_t k, i2v_neighbor *out,
                       uint32_t *n_out, i2v_error *err);

/* gensim's most_similar query: the mean of the unit-length vectors of the
 * positive items minus those of the negative items, written to out (dim
 * floats). */
i2v_status i2v_query_vector(const i2v_model *model, const uint32_t *positive, size_t n_positive,
                            const uint32_t *negative, size_t n_negative, float *out,
                            i2v_error *err);

typedef enum i2v_analogy_method {
    I2V_ANALOGY_ADD = 0, /* 3CosAdd: nearest to b - a + c */
    I2V_ANALOGY_MUL      /* 3CosMul (Levy & Goldberg), cosines shifted to [0,1] */
} i2v_analogy_method;

/* "a is to b as c is to ?": the k best answers, a, b and c excluded;
 * limit as for i2v_nearest. */
i2v_status i2v_analogy(const i2v_model *model, uint32_t a, uint32_t b, uint32_t c,
                       i2v_analogy_method method, uint32_t limit, uint32_t k, i2v_neighbor *out,
                       uint32_t *n_out, i2v_error *err);

/* Top-k for many items at once, each item's own vector as the query (the
 * item itself excluded): what `similar --all` prints.  The neighbours of
 * ids[q] go to out[q * k ...], best first, and their number to n_out[q]
 * (0 for an item whose vector is zero).  A blocked matrix product on
 * `threads` threads (1..I2V_MAX_THREADS); scores are bit for bit those
 * i2v_nearest gives for the item's vector, so the result of a query never
 * depends on the batch it was in.  limit as for i2v_nearest. */
i2v_status i2v_nearest_items(const i2v_model *model, const uint32_t *ids, size_t n_ids,
                             uint32_t limit, uint32_t k, uint32_t threads, i2v_neighbor *out,
                             uint32_t *n_out, i2v_error *err);

/* i2v_nearest for n query vectors at once (queries[q * dim ...]), by the
 * same blocked product: query q leaves out the ids exclude[exclude_start[q]
 * .. exclude_start[q + 1]) (any order; exclude_start NULL: none), and its
 * answers go to out[q * k ...], their number to n_out[q].  Each answer is
 * bit for bit what i2v_nearest gives for that query alone.  A zero or
 * non-finite query is I2V_ERR_INVALID for the whole call: check them
 * first (i2v_query_vector does). */
i2v_status i2v_nearest_many(const i2v_model *model, const float *queries, size_t n,
                            const uint64_t *exclude_start, const uint32_t *exclude,
                            uint32_t limit, uint32_t k, uint32_t threads, i2v_neighbor *out,
                            uint32_t *n_out, i2v_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_QUERY_H */
