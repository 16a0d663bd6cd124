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

/* The k best by cosine of the unit query among the items not excluded
 * and (limit > 0) with id < limit, searching with a list of `ef`
 * (raised to k plus the exclusions when smaller); best first into out,
 * their number in *n_out.  Scores are those of the exact scan. */
i2v_status hnsw_search(const i2v_model *m, const hnsw_view *g, hnsw_searcher *s,
                       const float *unit, const uint32_t *exclude, size_t n_exclude,
                       uint32_t limit, uint32_t k, uint32_t ef, i2v_neighbor *out,
                       uint32_t *n_out, i2v_error *err);

#endif
