/* A chunk's private rows for deterministic training.
 *
 * A chunk trains against the weights as they stood when its round began:
 * the first time it touches a row (an input or an output row), the row is
 * copied here, and from then on the chunk reads and updates its copy, so
 * it sees its own updates and nothing of the other chunks of its round.
 * When the chunk is done, each copy becomes its delta (copy minus the
 * shared row), and the deltas are sorted into OVERLAY_PARTS parts by row.
 * At the round's end the parts are added to the shared weights, each part
 * by one thread, each row's deltas in chunk order: every float of the
 * result is then the same sum in the same order, however many threads
 * trained and applied the round and whichever thread took which chunk. */
#ifndef I2V_TRAIN_OVERLAY_H
#define I2V_TRAIN_OVERLAY_H

#include <stddef.h>
#include <stdint.h>

/* Parts of a round's deltas; a row always falls in the same part, so the
 * parts can be added in parallel without two threads on one row. */
enum { OVERLAY_PARTS = 64 };

/* A table entry: key (id * 2 + matrix) + 1, 0 when empty, and the row's
 * slot: one cache line holds four. */
struct overlay_entry {
    uint64_t key;
    uint64_t slot;
};

typedef struct row_overlay {
    uint32_t dim, stride;     /* floats per row, and per stored row (whole cache lines) */
    const float *shared[2];   /* the input and output matrices, read at first touch */
    struct overlay_entry *table; /* open addressing on the row's key */
    size_t table_cap;         /* a power of two, at least twice the rows */
    size_t rows;              /* rows copied so far */
    uint64_t *row_key;        /* each slot's id * 2 + matrix ... */
    uint32_t *row_at;         /* ... and its place in the table */
    size_t row_key_cap, row_at_cap;
    float **pages;            /* OVERLAY_PAGE_ROWS rows each; a row never moves */
    size_t n_pages, pages_cap;
    uint32_t *order;          /* after overlay_finish: the slots part by part ... */
    size_t order_cap;
    uint32_t part_start[OVERLAY_PARTS + 1]; /* ... part p in order[part_start[p] ..) */
} row_overlay;

/* An empty overlay over the two V x dim matrices.  Nothing is allocated
 * until the first row is touched. */
void overlay_init(row_overlay *ov, uint32_t dim, const float *input, const float *output);
void overlay_free(row_overlay *ov);

/* Forgets every row (keeping the memory) for the next chunk. */
void overlay_reset(row_overlay *ov);

/* The chunk's copy of row `id` of the input (output = 0) or output matrix
 * (output = 1), copied on first touch; NULL when memory ran out. */
float *overlay_row(row_overlay *ov, uint32_t id, int output);

/* Turns every copy into its delta against the shared row (which must not
 * have changed since the copies were made) and sorts the rows into parts.
 * Returns 0, or -1 when memory ran out. */
int overlay_finish(row_overlay *ov);

/* Adds the deltas of part `part` to the matrices. */
void overlay_apply_part(const row_overlay *ov, uint32_t part, float *input, float *output);

#endif
