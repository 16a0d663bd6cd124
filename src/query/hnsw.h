/* The approximate nearest-neighbour index: an HNSW graph (Malkov &
 * Yashunin) over the model's input vectors by cosine, stored as section 9
 * of a native file and walked in place from its memory mapping.
 *
 * The section, all values little-endian u32 unless said:
 *
 *   offset size   field
 *        0    4   magic 'I' '2' 'V' 'G'
 *        4    4   version (1)
 *        8    4   items n (the model's)
 *       12    4   M: links per node on the upper layers
 *       16    4   M0: links per node on layer 0
 *       20    4   top layer
 *       24    4   entry point (a node of the top layer)
 *       28    4   ef-construction it was built with
 *       32    8   seed (u64)
 *       40    8   checksum of the input vectors it was built for (u64,
 *                 the native file's checksum of section 6)
 *       48    8   upper rows (u64): the sum over nodes of their layer
 *       56    8   reserved, zero
 *       64        check[n]: a hash of node i's id, layer bounds and rows
 *                 upper_start[n + 1] (64-byte aligned): node i lives on
 *                 layers 1 .. upper_start[i + 1] - upper_start[i], its
 *                 layer-l row being upper row upper_start[i] + l - 1
 *                 layer0[n][M0] (64-byte aligned)
 *                 upper[rows][M] (64-byte aligned)
 *
 * A row lists neighbour ids, best first, padded with 0xffffffff.  Opening
 * reads the 64-byte header and the entry point's bounds only; a walk
 * checks each node it expands against check[] (and every id against n),
 * so a damaged graph is an error, never a crash or a wrong walk, and one
 * query reads only the pages it walks. */
#ifndef I2V_HNSW_H
#define I2V_HNSW_H

#include "model/model.h"

#define HNSW_HEADER_BYTES 64u
#define HNSW_NONE 0xffffffffu
#define HNSW_MAX_LINKS 128u /* M0 at most */
#define HNSW_MAX_LAYER 30u

typedef struct hnsw_view {
    const unsigned char *bytes;
    uint64_t size;
    uint32_t n, m, m0, top, entry, ef_construction;
    uint64_t seed, input_checksum, upper_rows;
    const uint32_t *check, *upper_start, *layer0, *upper;
} hnsw_view;

/* Where the arrays of a graph of n nodes and `rows` upper rows start, and
 * the section's size. */
typedef struct hnsw_layout {
    uint64_t check, upper_start, layer0, upper, size;
} hnsw_layout;

void hnsw_plan(uint32_t n, uint32_t m0, uint32_t m, uint64_t rows, hnsw_layout *l);

/* Reads a section's header: I2V_ERR_FORMAT naming what is wrong (`name`
 * is the file's), the arrays not read beyond the entry point's bounds. */
i2v_status hnsw_open(const unsigned char *bytes, uint64_t size, uint32_t n_items,
                     const char *name, hnsw_view *g, i2v_error *err);

/* Every node's check, bounds and ids (info --verify). */
i2v_status hnsw_verify(const hnsw_view *g, const char *name, i2v_error *err);

typedef struct hnsw_build_options {
    uint32_t m, m0, ef_construction, threads;
    uint64_t seed;
    uint64_t input_checksum;
} hnsw_build_options;

/* Called now and then while building, from one thread at a time. */
typedef void (*hnsw_progress_fn)(uint32_t done, uint32_t total, void *user);

/* Builds the section for m's input vectors: *out (malloc'ed) of *size
 * bytes.  The options are the caller's to check (index.c does: 2 <= m <=
 * m0 <= HNSW_MAX_LINKS, ef_construction >= 1, m has items).  Nodes are
 * inserted in id order; with one thread the bytes depend on the model and
 * the options only. */
i2v_status hnsw_build(const i2v_model *m, const hnsw_build_options *o, hnsw_progress_fn progress,
                      void *user, unsigned char **out, uint64_t *size, i2v_error *err);

/* One searcher per thread: its visited marks and heaps. */
typedef struct hnsw_searcher hnsw_searcher;

i2v_status hnsw_searcher_new(uint32_t n, hnsw_searcher **out, i2v_error *err);
void hnsw_searcher_free(hnsw_searcher *s);

/* What a search ranks: rows by the cosine of a unit query (norms set: the
 * rows' norms), or by the dot product plus bias[row] (bias may be NULL).
 * The graph was built on the input vectors by cosine; a walk for another
 * score follows the same links. */
typedef struct hnsw_target {
    const float *rows;
    const float *norms;
    const float *bias;
} hnsw_target;

typedef struct hnsw_query {
    hnsw_target target;
    const float *query;      /* dim floats */
    const uint32_t *seeds;   /* nodes layer 0 starts from besides the entry's descent */
    size_t n_seeds;          /* (ids >= n are skipped) */
    const uint32_t *hubs;    /* more such nodes, the same for many queries */
    size_t n_hubs;
    const uint32_t *exclude; /* never answered, any order */
    size_t n_exclude;
    uint32_t limit;          /* > 0: only ids below it are answered */
    uint32_t k, ef;          /* answers; the search list (raised to k) */
} hnsw_query;

/* The k best by the target's score among the items the query may
 * answer, found with a list of ef of them; best first into out, their
 * number in *n_out.  Scores are those of the exact scan. */
i2v_status hnsw_search(const i2v_model *m, const hnsw_view *g, hnsw_searcher *s,
                       const hnsw_query *q, i2v_neighbor *out, uint32_t *n_out, i2v_error *err);

/* Many searches on `threads` threads, each query as given (a unit one for
 * a cosine target), with its exclusions and seeds from the ranges
 * [start[q], start[q + 1]) of the lists (start arrays may be NULL), those
 * with skip[q] set answering nothing; k answers a query in out (n_out[q]
 * of them).  The model's index must be current (index.c). */
typedef struct index_searches {
    hnsw_target target;
    const float *queries;
    size_t n;
    const uint8_t *skip;
    const uint64_t *exclude_start, *seed_start;
    const uint32_t *exclude, *seeds;
    const uint32_t *hubs;    /* seeds of every query */
    size_t n_hubs;
    uint32_t k, ef, threads;
} index_searches;

i2v_status index_search_many(const i2v_model *m, const index_searches *q, i2v_neighbor *out,
                             uint32_t *n_out, i2v_error *err);

#endif
