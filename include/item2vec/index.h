/* item2vec — The nearest-neighbour index: an HNSW graph (Malkov &
 * Yashunin) over a model's input vectors by cosine, kept in the native
 * file beside them and walked in place from its memory mapping.  Part of
 * the public API; <item2vec.h> includes every part. */
#ifndef ITEM2VEC_INDEX_H
#define ITEM2VEC_INDEX_H

#include "item2vec/common.h"
#include "item2vec/model.h"
#include "item2vec/query.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct i2v_index_options {
    uint32_t m;               /* links per node on the upper layers (2..64; default 10) */
    uint32_t m0;              /* links per node on layer 0 (m..128; 0: 2 m) */
    uint32_t ef_construction; /* candidates kept while linking a node (default 200) */
    uint32_t threads;         /* 1..I2V_MAX_THREADS (default 1) */
    uint64_t seed;            /* the nodes' layers (default 1) */
} i2v_index_options;

void i2v_index_options_default(i2v_index_options *options);

/* Default search lists (`ef`), measured on generated sessions of 100,000
 * and 1,000,000 items (dim 64 and 128) and on the Brown corpus, each
 * reaching recall@10 0.95 or more there: for a query vector
 * (i2v_nearest_index; analogies), for the items' own neighbours (the
 * walk starts at the items, so a short list finds them), and for
 * recommendations (ranked by the recommend score, not the graph's
 * cosine). */
#define I2V_INDEX_DEFAULT_EF 128u
#define I2V_INDEX_ITEM_EF 32u
#define I2V_INDEX_RECOMMEND_EF 64u

/* Builds the index over the model's input vectors and attaches it (a
 * previous one is replaced); a native file written from the model then
 * holds it.  Nodes are inserted in id order, so with one thread the index
 * is a function of the vectors and the options; with more, of the
 * threads' timing too.  `progress`, when not NULL, is called now and then
 * with the nodes linked so far, from one thread at a time. */
i2v_status i2v_model_build_index(i2v_model *model, const i2v_index_options *options,
                                 void (*progress)(uint32_t done, uint32_t total, void *user),
                                 void *user, i2v_error *err);

/* Drops the model's index, if any. */
void i2v_model_drop_index(i2v_model *model);

/* 1 when the model has an index it can use. */
int i2v_model_has_index(const i2v_model *model);

/* 1 when the file held an index built for other vectors (ignored). */
int i2v_model_index_stale(const i2v_model *model);

typedef struct i2v_index_info {
    uint32_t m, m0, top_layer, entry, ef_construction;
    uint64_t seed, bytes, upper_rows;
} i2v_index_info;

/* What the index holds (its header checked); I2V_ERR_INVALID without
 * one, I2V_ERR_FORMAT when it is damaged. */
i2v_status i2v_index_describe(const i2v_model *model, i2v_index_info *info, i2v_error *err);

/* Every node of the index: its check, its layers, every link in range
 * and on a layer its target is on.  I2V_ERR_FORMAT naming what is wrong. */
i2v_status i2v_index_verify(const i2v_model *model, i2v_error *err);

/* i2v_nearest_many through the index: for each of the n query vectors
 * the k best items found with a search list of `ef` (at least k plus the
 * query's exclusions), scored exactly as i2v_nearest scores them, best
 * first; on `threads` threads.  Approximate: an item i2v_nearest would
 * answer may be missed.  A damaged index is I2V_ERR_FORMAT, never a wrong
 * walk. */
i2v_status i2v_nearest_index(const i2v_model *model, const float *queries, size_t n,
                             const uint64_t *exclude_start, const uint32_t *exclude,
                             uint32_t limit, uint32_t k, uint32_t ef, uint32_t threads,
                             i2v_neighbor *out, uint32_t *n_out, i2v_error *err);

/* i2v_nearest_items through the index: the neighbours of items ids[q],
 * each leaving itself out. */
i2v_status i2v_nearest_items_index(const i2v_model *model, const uint32_t *ids, size_t n_ids,
                                   uint32_t limit, uint32_t k, uint32_t ef, uint32_t threads,
                                   i2v_neighbor *out, uint32_t *n_out, i2v_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_INDEX_H */
