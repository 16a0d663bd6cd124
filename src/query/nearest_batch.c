/* Top-k for many items at once (`similar --all`): a blocked matrix
 * product.  Each worker takes a tile of queries and streams every row of
 * the model past it: a block of rows is packed into column-major panels
 * once and scored against all queries of the tile while it sits in cache,
 * so memory traffic is the matrix once per tile rather than once per
 * query.  Workers share nothing but a tile counter.
 *
 * The panel kernel sums in another order than the one-query scan, so the
 * heaps keep a few more candidates than asked (RESCORE_MARGIN), and those
 * are scored again with the one-query dot product before the final cut:
 * what is printed is bit for bit what `similar ITEM` prints, whatever the
 * tile, shard or thread an item's query ran in. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "query/dot.h"
#include "util/error.h"
#include "query/nearest.h"
#include "query/topk.h"
#include "util/parallel.h"

#define TILE_BYTES (256u * 1024u)   /* unit query vectors of one tile, about L2 / 2 */
#define BLOCK_BYTES (256u * 1024u)  /* packed rows of one block */
#define HEAP_BYTES (64u << 20)      /* most heap memory one worker uses */
#define MAX_TILE_QUERIES 512u
#define RESCORE_MARGIN 8u

typedef struct batch {
    const i2v_model *m;
    const dot_kernel *kernel;
    const uint32_t *ids;
    size_t n_ids;
    uint32_t rows;         /* rows in scope (limit) */
    uint32_t k, keep;      /* asked for; kept per heap before the rescoring */
    uint32_t tile_queries, block_rows;
    i2v_neighbor *out;
    uint32_t *n_out;

    pthread_mutex_t lock;  /* guards next_tile and the first error */
    size_t next_tile, tiles;
    i2v_status status;
    i2v_error err;
} batch;

/* One worker's scratch memory. */
typedef struct worker {
    batch *b;
    float *units;          /* tile_queries x dim */
    float *panels;         /* block_rows x dim, packed */
    float *scale;          /* block_rows: 1 / norm, 0 for a zero row */
    i2v_neighbor *slots;   /* tile_queries x keep */
    topk_heap *heaps;
    float *threshold;
    uint8_t *skip;         /* queries with a zero vector */
} worker;

static void *aligned_floats(size_t n)
{
    void *p = NULL;
    return posix_memalign(&p, 64, (n ? n : 1) * sizeof(float)) == 0 ? p : NULL;
}

static void worker_free(worker *w)
{
    free(w->units);
    free(w->panels);
    free(w->scale);
    free(w->slots);
    free(w->heaps);
    free(w->threshold);
    free(w->skip);
}

static int worker_alloc(worker *w, batch *b)
{
    size_t dim = b->m->dim, tq = b->tile_queries;
    memset(w, 0, sizeof *w);
    w->b = b;
    w->units = aligned_floats(tq * dim);
    w->panels = aligned_floats((size_t)b->block_rows * dim);
    w->scale = aligned_floats(b->block_rows);
    w->slots = malloc(tq * (b->keep ? b->keep : 1) * sizeof *w->slots);
    w->heaps = malloc(tq * sizeof *w->heaps);
    w->threshold = aligned_floats(tq);
    w->skip = malloc(tq);
    if (w->units && w->panels && w->scale && w->slots && w->heaps && w->threshold && w->skip)
        return 0;
    worker_free(w);
    return -1;
}

static void record_error(batch *b, i2v_status st, const i2v_error *err)
{
    pthread_mutex_lock(&b->lock);
    if (b->status == I2V_OK) {
        b->status = st;
        b->err = *err;
    }
    pthread_mutex_unlock(&b->lock);
}

/* The next tile to do, or SIZE_MAX when all are taken or one failed. */
static size_t take_tile(batch *b)
{
    pthread_mutex_lock(&b->lock);
    size_t t = b->status == I2V_OK && b->next_tile < b->tiles ? b->next_tile++ : SIZE_MAX;
    pthread_mutex_unlock(&b->lock);
    return t;
}

/* The same unit vector i2v_nearest makes from i2v_query_vector. */
static i2v_status prepare_queries(worker *w, const uint32_t *ids, uint32_t nq)
{
    const batch *b = w->b;
    i2v_error err;
    for (uint32_t q = 0; q < nq; q++) {
        float *unit = w->units + (size_t)q * b->m->dim;
        w->skip[q] = !(b->m->norms[ids[q]] > 0.0f);
        w->threshold[q] = -INFINITY;
        topk_init(&w->heaps[q], w->slots + (size_t)q * b->keep, b->keep);
        if (w->skip[q]) {
            memset(unit, 0, (size_t)b->m->dim * sizeof *unit);
            continue;
        }
        i2v_status st = i2v_query_vector(b->m, &ids[q], 1, NULL, 0, unit, &err);
        if (st == I2V_OK)
            st = query_unit(unit, b->m->dim, unit, &err);
        if (st != I2V_OK) {
            record_error(w->b, st, &err);
            return st;
        }
    }
    return I2V_OK;
}

static uint32_t pack_block(worker *w, uint32_t first)
{
    const batch *b = w->b;
    uint32_t n = b->rows - first < b->block_rows ? b->rows - first : b->block_rows;
    size_t dim = b->m->dim;
    for (uint32_t p = 0; p * DOT_PANEL_ROWS < n; p++) {
        uint32_t in_panel = n - p * DOT_PANEL_ROWS;
        if (in_panel > DOT_PANEL_ROWS)
            in_panel = DOT_PANEL_ROWS;
        dot_pack_panel(b->m->input + ((size_t)first + p * DOT_PANEL_ROWS) * dim, in_panel, dim,
                       dim, w->panels + (size_t)p * DOT_PANEL_ROWS * dim);
    }
    for (uint32_t r = 0; r < b->block_rows; r++) {
        float norm = r < n ? b->m->norms[first + r] : 0.0f;
        w->scale[r] = norm > 0.0f ? 1.0f / norm : 0.0f;
    }
    return n;
}

/* Offers the rows whose approximate score reached a query's threshold. */
static void offer(worker *w, uint32_t q, uint32_t query_id, uint32_t first_row,
                  uint32_t mask, const float *scores)
{
    topk_heap *heap = &w->heaps[q];
    while (mask) {
        uint32_t j = (uint32_t)__builtin_ctz(mask);
        mask &= mask - 1;
        if (first_row + j != query_id)
            topk_push(heap, first_row + j, scores[j]);
    }
    w->threshold[q] = topk_threshold(heap);
}

static void score_block(worker *w, const uint32_t *ids, uint32_t nq, uint32_t first, uint32_t n)
{
    const batch *b = w->b;
    size_t dim = b->m->dim;
    float scores[DOT_PANEL_QUERIES * DOT_PANEL_ROWS];
    uint32_t above[DOT_PANEL_QUERIES];
    for (uint32_t g = 0; g < nq; g += DOT_PANEL_QUERIES) {
        uint32_t in_group = nq - g < DOT_PANEL_QUERIES ? nq - g : DOT_PANEL_QUERIES;
        for (uint32_t p = 0; p * DOT_PANEL_ROWS < n; p++) {
            uint32_t in_panel = n - p * DOT_PANEL_ROWS;
            uint32_t valid = in_panel >= DOT_PANEL_ROWS ? 0xffffu : (1u << in_panel) - 1u;
            b->kernel->panel(w->units + (size_t)g * dim, in_group,
                             w->panels + (size_t)p * DOT_PANEL_ROWS * dim,
                             w->scale + p * DOT_PANEL_ROWS, dim, w->threshold + g, scores, above);
            for (uint32_t i = 0; i < in_group; i++)
                if ((above[i] & valid) && !w->skip[g + i])
                    offer(w, g + i, ids[g + i], first + p * DOT_PANEL_ROWS, above[i] & valid,
                          scores + i * DOT_PANEL_ROWS);
        }
    }
}

/* Scores the kept candidates as the one-query scan does, keeps the k best. */
static void rescore(worker *w, uint32_t q, size_t query_index)
{
    const batch *b = w->b;
    topk_heap *heap = &w->heaps[q];
    const float *unit = w->units + (size_t)q * b->m->dim;
    i2v_neighbor *final = b->out + query_index * b->k;
    topk_heap best;
    topk_init(&best, final, b->k);
    for (uint32_t c = 0; c < heap->size; c++) {
        uint32_t id = heap->items[c].id;
        float dot = b->kernel->dot(unit, b->m->input + (size_t)id * b->m->dim, b->m->dim);
        topk_push(&best, id, query_score(dot, b->m->norms[id]));
    }
    b->n_out[query_index] = topk_sort(&best);
}

static void run_tile(worker *w, size_t tile)
{
    const batch *b = w->b;
    size_t start = tile * b->tile_queries;
    uint32_t nq = (uint32_t)(b->n_ids - start < b->tile_queries ? b->n_ids - start
                                                                  : b->tile_queries);
    const uint32_t *ids = b->ids + start;
    if (prepare_queries(w, ids, nq) != I2V_OK)
        return;
    for (uint32_t first = 0; first < b->rows; first += b->block_rows) {
        uint32_t n = pack_block(w, first);
        score_block(w, ids, nq, first, n);
    }
    for (uint32_t q = 0; q < nq; q++) {
        if (w->skip[q])
            b->n_out[start + q] = 0;
        else
            rescore(w, q, start + q);
    }
}

/* One thread's part: tiles taken from the shared counter until none is
 * left, so a thread that never started leaves its tiles to the others. */
static void work(void *state, uint32_t index)
{
    (void)index;
    batch *b = state;
    worker w;
    if (worker_alloc(&w, b) != 0) {
        i2v_error err;
        record_error(b, i2v_fail_nomem(&err, "answering queries in a batch"), &err);
        return;
    }
    for (size_t t; (t = take_tile(b)) != SIZE_MAX;)
        run_tile(&w, t);
    worker_free(&w);
}

/* Every row the batch reads must be finite: a NaN would silently lose
 * every comparison instead of showing up. */
static i2v_status check_finite(const batch *b, i2v_error *err)
{
    const i2v_model *m = b->m;
    uint32_t bad = model_first_nonfinite_row(m->input, m->dim, 0, b->rows);
    if (bad < b->rows)
        return query_damaged_row(m, bad, err);
    for (size_t q = 0; q < b->n_ids; q++)
        if (b->ids[q] >= b->rows &&
            model_first_nonfinite_row(m->input, m->dim, b->ids[q], b->ids[q] + 1) == b->ids[q])
            return query_damaged_row(m, b->ids[q], err);
    return I2V_OK;
}

static void plan_batch(batch *b, uint32_t limit, uint32_t k)
{
    const i2v_model *m = b->m;
    b->rows = limit > 0 && limit < m->size ? limit : m->size;
    b->k = k;
    uint64_t keep = (uint64_t)k + RESCORE_MARGIN;
    b->keep = (uint32_t)(keep < b->rows ? keep : b->rows);
    size_t row_bytes = (size_t)m->dim * sizeof(float);
    size_t tq = TILE_BYTES / row_bytes;
    size_t heap_cap = HEAP_BYTES / ((size_t)(b->keep ? b->keep : 1) * sizeof(i2v_neighbor));
    if (tq > heap_cap)
        tq = heap_cap;
    if (tq > MAX_TILE_QUERIES)
        tq = MAX_TILE_QUERIES;
    tq = tq / DOT_PANEL_QUERIES * DOT_PANEL_QUERIES;
    b->tile_queries = (uint32_t)(tq ? tq : DOT_PANEL_QUERIES);
    size_t br = BLOCK_BYTES / row_bytes / DOT_PANEL_ROWS * DOT_PANEL_ROWS;
    b->block_rows = (uint32_t)(br ? br : DOT_PANEL_ROWS);
    b->tiles = (b->n_ids + b->tile_queries - 1) / b->tile_queries;
}

i2v_status i2v_nearest_items(const i2v_model *m, const uint32_t *ids, size_t n_ids,
                             uint32_t limit, uint32_t k, uint32_t threads, i2v_neighbor *out,
                             uint32_t *n_out, i2v_error *err)
{
    if (threads < 1 || threads > I2V_MAX_THREADS)
        return i2v_fail(err, I2V_ERR_INVALID, "threads: %u is out of range 1..%u", threads,
                        I2V_MAX_THREADS);
    for (size_t q = 0; q < n_ids; q++) {
        if (ids[q] >= m->size)
            return i2v_fail(err, I2V_ERR_INVALID, "item id %u is out of range (the model has "
                            "%u items)", ids[q], m->size);
        n_out[q] = 0;
    }
    if (n_ids == 0 || k == 0)
        return I2V_OK;
    batch b = {.m = m, .kernel = dot_kernel_best(), .ids = ids, .n_ids = n_ids, .out = out,
               .n_out = n_out, .status = I2V_OK};
    plan_batch(&b, limit, k);
    i2v_status st = check_finite(&b, err);
    if (st != I2V_OK)
        return st;
    if (pthread_mutex_init(&b.lock, NULL) != 0)
        return i2v_fail(err, I2V_ERR_LIMIT, "cannot create a lock for the batch");
    parallel_run(threads < b.tiles ? threads : (uint32_t)b.tiles, work, &b);
    pthread_mutex_destroy(&b.lock);
    if (b.status != I2V_OK && err)
        *err = b.err;
    return b.status;
}
