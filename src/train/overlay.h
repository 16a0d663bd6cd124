/* A chunk's private rows for deterministic training.
 *
 * A chunk trains against the weights as they stood when its round began:
 * the first time it touches a row (an input or an output row), the row is
 * copied here, and from then on the chunk reads and updates its copy, so
 * it sees its own updates and nothing of the other chunks of its round.
 * When the chunk is done, its rows are sorted into OVERLAY_PARTS parts.
 * At the round's end each row's deltas (its copies minus the row as the
 * round found it) are added to it, each part by one thread, each row's
 * deltas in chunk order: every float of the result is then the same sum
 * in the same order, however many threads trained and merged the round
 * and whichever thread took which chunk. */
#ifndef I2V_TRAIN_OVERLAY_H
#define I2V_TRAIN_OVERLAY_H

#include <stddef.h>
#include <stdint.h>

/* Parts of a round's deltas; a row always falls in the same part, so the
 * parts can be added in parallel without two threads on one row. */
enum { OVERLAY_PARTS = 64 };

/* A table entry: key (id * 2 + matrix) + 1, 0 when empty (2V + 1 fits
 * in 32 bits: V <= I2V_MAX_ITEMS), and the row's slot; eight to a cache
 * line. */
struct overlay_entry {
    uint32_t key;
    uint32_t slot;
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

/* Sorts the rows into parts.  Returns 0, or -1 when memory ran out. */
int overlay_finish(row_overlay *ov);

/* Adds part `part` of the n finished overlays ov[0..n) to the matrices:
 * each row becomes its start plus the deltas (copy minus start) of every
 * overlay that holds it, in overlay order.  The first overlay that holds
 * a row reads the start from the matrix and then keeps it in its copy
 * for the others.  first_holder has 2V words (id * 2 + matrix), zero on
 * entry and on return. */
void overlay_merge_part(row_overlay *ov, uint32_t n, uint32_t part, float *input,
                        float *output, uint64_t *first_holder);

#endif
