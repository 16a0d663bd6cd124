#include "train/overlay.h"

#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util/grow.h"
#include "util/prefetch.h"

/* Rows per page: pages are never moved, so the row pointers a kernel call
 * holds stay valid while later rows are copied in. */
enum { OVERLAY_PAGE_ROWS = 256 };
/* Floats per cache line: stored rows start on one. */
enum { LINE_FLOATS = 16 };
/* The first table: room for this many rows before it grows. */
enum { FIRST_TABLE_SLOTS = 4096 };

/* Rows the merge asks the cache for ahead of the one it writes. */
enum { MERGE_AHEAD = 4 };

static const uint64_t KEY_MIX = 0x9e3779b97f4a7c15ull;

void overlay_init(row_overlay *ov, uint32_t dim, const float *input, const float *output)
{
    memset(ov, 0, sizeof *ov);
    ov->dim = dim;
    ov->stride = (dim + LINE_FLOATS - 1) / LINE_FLOATS * LINE_FLOATS;
    ov->shared[0] = input;
    ov->shared[1] = output;
}

void overlay_free(row_overlay *ov)
{
    for (size_t i = 0; i < ov->n_pages; i++)
        free(ov->pages[i]);
    free(ov->pages);
    free(ov->table);
    free(ov->row_key);
    free(ov->row_at);
    free(ov->order);
    memset(ov, 0, sizeof *ov);
}

void overlay_reset(row_overlay *ov)
{
    /* Only the entries in use: the table is sized for the largest chunk. */
    for (size_t s = 0; s < ov->rows; s++)
        ov->table[ov->row_at[s]].key = 0;
    ov->rows = 0;
}

static inline float *slot_row(const row_overlay *ov, size_t slot)
{
    return ov->pages[slot / OVERLAY_PAGE_ROWS] + (slot % OVERLAY_PAGE_ROWS) * ov->stride;
}

static inline size_t table_index(uint64_t key, size_t cap)
{
    return (size_t)((key * KEY_MIX) >> 32) & (cap - 1);
}

/* A table twice as large, the rows re-entered; -1 when memory ran out
 * (the old table is kept). */
static int grow_table(row_overlay *ov)
{
    size_t cap = ov->table_cap ? ov->table_cap * 2 : FIRST_TABLE_SLOTS;
    struct overlay_entry *table = calloc(cap, sizeof *table);
    if (!table)
        return -1;
    for (size_t s = 0; s < ov->rows; s++) {
        uint64_t key = ov->row_key[s] + 1;
        size_t h = table_index(key, cap);
        while (table[h].key)
            h = (h + 1) & (cap - 1);
        table[h] = (struct overlay_entry){(uint32_t)key, (uint32_t)s};
        ov->row_at[s] = (uint32_t)h;
    }
    free(ov->table);
    ov->table = table;
    ov->table_cap = cap;
    return 0;
}

/* Room for one more row: a slot in the table, a key and a page. */
static int make_room(row_overlay *ov)
{
    if (2 * (ov->rows + 1) > ov->table_cap && grow_table(ov) != 0)
        return -1;
    if (grow_array(&ov->row_key, &ov->row_key_cap, ov->rows + 1, sizeof *ov->row_key,
                   OVERLAY_PAGE_ROWS) != 0 ||
        grow_array(&ov->row_at, &ov->row_at_cap, ov->rows + 1, sizeof *ov->row_at,
                   OVERLAY_PAGE_ROWS) != 0)
        return -1;
    if (ov->rows == ov->n_pages * OVERLAY_PAGE_ROWS) {
        if (grow_array(&ov->pages, &ov->pages_cap, ov->n_pages + 1, sizeof *ov->pages, 16) != 0)
            return -1;
        size_t bytes = (size_t)OVERLAY_PAGE_ROWS * ov->stride * sizeof(float);
        float *page = aligned_alloc(LINE_FLOATS * sizeof(float), bytes);
        if (!page)
            return -1;
        ov->pages[ov->n_pages++] = page;
    }
    return 0;
}

float *overlay_row(row_overlay *ov, uint32_t id, int output)
{
    uint32_t key = (id << 1 | (uint32_t)(output != 0)) + 1;
    if (ov->table_cap) {
        size_t h = table_index(key, ov->table_cap);
        for (; ov->table[h].key; h = (h + 1) & (ov->table_cap - 1))
            if (ov->table[h].key == key)
                return slot_row(ov, ov->table[h].slot);
    }
    if (make_room(ov) != 0)
        return NULL;
    size_t h = table_index(key, ov->table_cap);
    while (ov->table[h].key)
        h = (h + 1) & (ov->table_cap - 1);
    size_t slot = ov->rows++;
    ov->table[h] = (struct overlay_entry){(uint32_t)key, (uint32_t)slot};
    ov->row_key[slot] = key - 1;
    ov->row_at[slot] = (uint32_t)h;
    float *row = slot_row(ov, slot);
    memcpy(row, ov->shared[output != 0] + (size_t)id * ov->dim, ov->dim * sizeof *row);
    return row;
}

/* The part of a row: the top bits of its mixed key, unrelated to thread
 * counts and to the order rows were touched in. */
static inline uint32_t part_of(uint64_t row_key)
{
    return (uint32_t)(((row_key + 1) * KEY_MIX) >> 58) % OVERLAY_PARTS;
}

/* to += row - start, elementwise: the same floats with or without SIMD,
 * since nothing is summed in another order. */
static inline void add_delta(float *restrict to, const float *row, const float *start,
                             uint32_t dim)
{
    uint32_t k = 0;
#ifdef __SSE2__
    for (; k + 4 <= dim; k += 4)
        _mm_storeu_ps(to + k, _mm_add_ps(_mm_loadu_ps(to + k), _mm_sub_ps(_mm_loadu_ps(row + k),
                                                                       _mm_loadu_ps(start + k))));
#endif
    for (; k < dim; k++)
        to[k] += row[k] - start[k];
}

int overlay_finish(row_overlay *ov)
{
    if (grow_array(&ov->order, &ov->order_cap, ov->rows, sizeof *ov->order, OVERLAY_PAGE_ROWS) !=
        0)
        return -1;
    /* A counting sort by part; within a part, slots in the order touched
     * (the order does not matter: a chunk holds a row once). */
    uint32_t count[OVERLAY_PARTS] = {0};
    for (size_t s = 0; s < ov->rows; s++)
        count[part_of(ov->row_key[s])]++;
    uint32_t at = 0;
    for (uint32_t p = 0; p < OVERLAY_PARTS; p++) {
        ov->part_start[p] = at;
        at += count[p];
    }
    ov->part_start[OVERLAY_PARTS] = at;
    uint32_t next[OVERLAY_PARTS];
    memcpy(next, ov->part_start, sizeof next);
    for (size_t s = 0; s < ov->rows; s++)
        ov->order[next[part_of(ov->row_key[s])]++] = (uint32_t)s;
    return 0;
}

/* Per row, overlay_merge_part keeps the first overlay that holds it, plus
 * one (bits 0..31; 0: none yet), and the row's slot there (32..63). */
enum { SLOT_SHIFT = 32 };
#define HOLDER_MASK 0xffffffffu

/* The first overlay's delta, start kept: to += row - start, and the
 * copy becomes the start (to as it was) for the overlays after it. */
static inline void add_first_delta(float *restrict to, float *restrict row, uint32_t dim)
{
    uint32_t k = 0;
#ifdef __SSE2__
    for (; k + 4 <= dim; k += 4) {
        __m128 start = _mm_loadu_ps(to + k);
        _mm_storeu_ps(to + k, _mm_add_ps(start, _mm_sub_ps(_mm_loadu_ps(row + k), start)));
        _mm_storeu_ps(row + k, start);
    }
#endif
    for (; k < dim; k++) {
        float start = to[k];
        to[k] = start + (row[k] - start);
        row[k] = start;
    }
}

void overlay_merge_part(row_overlay *ov, uint32_t n, uint32_t part, float *input,
                        float *output, uint64_t *first_holder)
{
    float *matrix[2] = {input, output};
    for (uint32_t c = 0; c < n; c++) {
        row_overlay *o = &ov[c];
        uint32_t end = o->part_start[part + 1];
        for (uint32_t j = o->part_start[part]; j < end; j++) {
            if (j + MERGE_AHEAD < end) {
                uint32_t ahead = o->order[j + MERGE_AHEAD];
                uint64_t akey = o->row_key[ahead];
                prefetch_floats_for_read(slot_row(o, ahead), o->dim);
                prefetch_floats_for_write(matrix[akey & 1] + (size_t)(akey >> 1) * o->dim,
                                          o->dim);
                __builtin_prefetch(&first_holder[akey], 1, 3);
            }
            uint32_t s = o->order[j];
            uint64_t key = o->row_key[s];
            float *to = matrix[key & 1] + (size_t)(key >> 1) * o->dim;
            uint64_t first = first_holder[key];
            if (!first) { /* the row still stands as the round found it */
                first_holder[key] = (uint64_t)s << SLOT_SHIFT | (uint64_t)(c + 1);
                add_first_delta(to, slot_row(o, s), o->dim);
            } else {
                const row_overlay *f = &ov[(first & HOLDER_MASK) - 1];
                add_delta(to, slot_row(o, s), slot_row(f, (size_t)(first >> SLOT_SHIFT)), o->dim);
            }
        }
    }
    for (uint32_t c = 0; c < n; c++)
        for (uint32_t j = ov[c].part_start[part]; j < ov[c].part_start[part + 1]; j++)
            first_holder[ov[c].row_key[ov[c].order[j]]] = 0;
}
