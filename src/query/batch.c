#include "query/batch.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "query/nearest.h"
#include "query/topk.h"
#include "util/error.h"
#include "util/parallel.h"

#define TILE_BYTES (256u * 1024u)   /* query vectors of one tile, about L2 / 2 */
#define BLOCK_BYTES (256u * 1024u)  /* packed rows of one block */
#define HEAP_BYTES (64u << 20)      /* most heap memory one worker uses */
#define MAX_TILE_QUERIES 512u
#define BATCH_RESCORE_MARGIN 8u

typedef struct batch {
    const batch_job *job;
    const dot_kernel *kernel;
    uint32_t pdim;          /* packed width: dim, and one more for a bias */
    uint32_t keep;          /* kept per heap before the rescoring */
    uint32_t tile_queries, block_rows;
    size_t tiles;

    pthread_mutex_t lock;   /* guards next_tile and the first error */
    size_t next_tile;
    i2v_status status;
    i2v_error err;
} batch;

/* One worker's scratch memory. */
typedef struct worker {
    batch *b;
    float *units;          /* tile_queries x pdim: the queries, 1 in a bias column */
    float *panels;         /* block_rows x pdim, packed */
    float *scale;          /* block_rows: 1 / norm (cosine), 1, or 0 past the rows */
    i2v_neighbor *slots;   /* tile_queries x keep */
    topk_heap *heaps;
    float *threshold;
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
}

static int worker_alloc(worker *w, batch *b)
{
    size_t tq = b->tile_queries;
    memset(w, 0, sizeof *w);
    w->b = b;
    w->units = aligned_floats(tq * b->pdim);
    w->panels = aligned_floats((size_t)b->block_rows * b->pdim);
    w->scale = aligned_floats(b->block_rows);
    w->slots = malloc(tq * (b->keep ? b->keep : 1) * sizeof *w->slots);
    w->heaps = malloc(tq * sizeof *w->heaps);
    w->threshold = aligned_floats(tq);
    if (w->units && w->panels && w->scale && w->slots && w->heaps && w->threshold)
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

float batch_row_score(const batch_job *job, const dot_kernel *kernel, const float *query,
                      uint32_t row)
{
    float dot = kernel->dot(query, job->rows + (size_t)row * job->dim, job->dim);
    if (job->score == BATCH_COSINE)
        return query_score(dot, job->norm[row]);
    return job->bias ? dot + job->bias[row] : dot;
}

static int is_excluded(const batch_job *job, size_t q, uint32_t row)
{
    if (!job->exclude_start)
        return 0;
    const uint32_t *lo = job->exclude + job->exclude_start[q];
    size_t n = (size_t)(job->exclude_start[q + 1] - job->exclude_start[q]);
    while (n > 0) {
        size_t half = n / 2;
        if (lo[half] < row) {
            lo += half + 1;
            n -= half + 1;
        } else {
            n = half;
        }
    }
    return lo < job->exclude + job->exclude_start[q + 1] && *lo == row;
}

static void prepare_queries(worker *w, size_t first, uint32_t nq)
{
    const batch *b = w->b;
    const batch_job *job = b->job;
    for (uint32_t q = 0; q < nq; q++) {
        float *unit = w->units + (size_t)q * b->pdim;
        memcpy(unit, job->queries + (first + q) * job->dim, job->dim * sizeof *unit);
        if (b->pdim > job->dim)
            unit[job->dim] = 1.0f; /* meets the bias column of the panels */
        w->threshold[q] = -INFINITY;
        topk_init(&w->heaps[q], w->slots + (size_t)q * b->keep, b->keep);
    }
}

/* Packs rows [first, first + n) into panels, a bias column after the
 * vectors' when there is one; returns n. */
static uint32_t pack_block(worker *w, uint32_t first)
{
    const batch *b = w->b;
    const batch_job *job = b->job;
    uint32_t n = job->n_rows - first < b->block_rows ? job->n_rows - first : b->block_rows;
    size_t dim = job->dim;
    for (uint32_t p = 0; p * DOT_PANEL_ROWS < n; p++) {
        uint32_t in_panel = n - p * DOT_PANEL_ROWS;
        if (in_panel > DOT_PANEL_ROWS)
            in_panel = DOT_PANEL_ROWS;
        float *panel = w->panels + (size_t)p * DOT_PANEL_ROWS * b->pdim;
        uint32_t row0 = first + p * DOT_PANEL_ROWS;
        dot_pack_panel(job->rows + (size_t)row0 * dim, in_panel, dim, dim, panel);
        if (b->pdim > dim)
            for (uint32_t j = 0; j < DOT_PANEL_ROWS; j++)
                panel[dim * DOT_PANEL_ROWS + j] = j < in_panel ? job->bias[row0 + j] : 0.0f;
    }
    for (uint32_t r = 0; r < b->block_rows; r++) {
        float s = 0.0f;
        if (r < n && job->score == BATCH_COSINE) {
            float norm = job->norm[first + r];
            s = norm > 0.0f ? 1.0f / norm : 0.0f;
        } else if (r < n) {
            s = 1.0f;
        }
        w->scale[r] = s;
    }
    return n;
}

/* Offers the rows whose approximate score reached a query's threshold. */
static void offer(worker *w, uint32_t q, size_t query, uint32_t first_row, uint32_t mask,
                  const float *scores)
{
    topk_heap *heap = &w->heaps[q];
    while (mask) {
        uint32_t j = (uint32_t)__builtin_ctz(mask);
        mask &= mask - 1;
        if (!is_excluded(w->b->job, query, first_row + j))
            topk_push(heap, first_row + j, scores[j]);
    }
    w->threshold[q] = topk_threshold(heap);
}

/* A row holding a NaN or an infinity scores NaN or infinite against any
 * query (0 x inf is NaN): one query's scores of a panel tell whether its
 * rows are all finite.  Such a row would silently lose every comparison;
 * it is damage, and said so.  Returns the first such row, or UINT32_MAX. */
static uint32_t first_unscorable(const float *scores, uint32_t first_row, uint32_t valid)
{
    for (uint32_t j = 0; j < DOT_PANEL_ROWS; j++)
        if ((valid >> j & 1) && !isfinite(scores[j]))
            return first_row + j;
    return UINT32_MAX;
}

/* Returns the first damaged row met, or UINT32_MAX. */
static uint32_t score_block(worker *w, size_t first_query, uint32_t nq, uint32_t first,
                            uint32_t n)
{
    const batch *b = w->b;
    const batch_job *job = b->job;
    float scores[DOT_PANEL_QUERIES * DOT_PANEL_ROWS];
    uint32_t above[DOT_PANEL_QUERIES];
    for (uint32_t g = 0; g < nq; g += DOT_PANEL_QUERIES) {
        uint32_t in_group = nq - g < DOT_PANEL_QUERIES ? nq - g : DOT_PANEL_QUERIES;
        for (uint32_t p = 0; p * DOT_PANEL_ROWS < n; p++) {
            uint32_t in_panel = n - p * DOT_PANEL_ROWS;
            uint32_t valid = in_panel >= DOT_PANEL_ROWS ? 0xffffu : (1u << in_panel) - 1u;
            b->kernel->panel(w->units + (size_t)g * b->pdim, in_group,
                             w->panels + (size_t)p * DOT_PANEL_ROWS * b->pdim,
                             w->scale + p * DOT_PANEL_ROWS, b->pdim, w->threshold + g, scores,
                             above);
            uint32_t bad = g == 0 ? first_unscorable(scores, first + p * DOT_PANEL_ROWS, valid)
                                  : UINT32_MAX;
            if (bad != UINT32_MAX)
                return bad;
            for (uint32_t i = 0; i < in_group; i++) {
                size_t query = first_query + g + i;
                if ((above[i] & valid) && !(job->skip && job->skip[query]))
                    offer(w, g + i, query, first + p * DOT_PANEL_ROWS, above[i] & valid,
                          scores + i * DOT_PANEL_ROWS);
            }
        }
    }
    return UINT32_MAX;
}

/* Scores the kept candidates as the one-query scan does, keeps the k best. */
static void rescore(worker *w, uint32_t q, size_t query)
{
    const batch *b = w->b;
    const batch_job *job = b->job;
    topk_heap *heap = &w->heaps[q];
    const float *vector = job->queries + query * job->dim;
    topk_heap best;
    topk_init(&best, job->out + query * job->k, job->k);
    for (uint32_t c = 0; c < heap->size; c++) {
        uint32_t id = heap->items[c].id;
        topk_push(&best, id, batch_row_score(job, b->kernel, vector, id));
    }
    job->n_out[query] = topk_sort(&best);
}

static void damaged_row(batch *b, uint32_t row)
{
    i2v_error err;
    if (b->job->model)
        query_damaged_row(b->job->model, row, &err);
    else
        i2v_fail(&err, I2V_ERR_FORMAT,
                 "row %u holds a NaN or infinite value: the model is damaged", row + 1);
    record_error(b, I2V_ERR_FORMAT, &err);
}

static void run_tile(worker *w, size_t tile)
{
    batch *b = w->b;
    const batch_job *job = b->job;
    size_t start = tile * b->tile_queries;
    uint32_t nq = (uint32_t)(job->n_queries - start < b->tile_queries ? job->n_queries - start
                                                                        : b->tile_queries);
    prepare_queries(w, start, nq);
    for (uint32_t first = 0; first < job->n_rows; first += b->block_rows) {
        uint32_t n = pack_block(w, first);
        uint32_t bad = score_block(w, start, nq, first, n);
        if (bad != UINT32_MAX) {
            damaged_row(b, bad);
            return;
        }
    }
    for (uint32_t q = 0; q < nq; q++) {
        if (job->skip && job->skip[start + q])
            job->n_out[start + q] = 0;
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

static void plan_batch(batch *b)
{
    const batch_job *job = b->job;
    uint64_t keep = (uint64_t)job->k + BATCH_RESCORE_MARGIN;
    b->keep = (uint32_t)(keep < job->n_rows ? keep : job->n_rows);
    b->pdim = job->dim + (job->score == BATCH_DOT_BIAS && job->bias ? 1 : 0);
    size_t row_bytes = (size_t)b->pdim * sizeof(float);
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
    b->tiles = (job->n_queries + b->tile_queries - 1) / b->tile_queries;
}

i2v_status batch_top_k(const batch_job *job, uint32_t threads, i2v_error *err)
{
    if (threads < 1 || threads > I2V_MAX_THREADS)
        return i2v_fail(err, I2V_ERR_INVALID, "threads: %u is out of range 1..%u", threads,
                        I2V_MAX_THREADS);
    for (size_t q = 0; q < job->n_queries; q++)
        job->n_out[q] = 0;
    if (job->n_queries == 0 || job->k == 0 || job->n_rows == 0)
        return I2V_OK;
    batch b = {.job = job, .kernel = dot_kernel_best(), .status = I2V_OK};
    plan_batch(&b);
    if (pthread_mutex_init(&b.lock, NULL) != 0)
        return i2v_fail(err, I2V_ERR_LIMIT, "cannot create a lock for the batch");
    parallel_run(threads < b.tiles ? threads : (uint32_t)b.tiles, work, &b);
    pthread_mutex_destroy(&b.lock);
    if (b.status != I2V_OK && err)
        *err = b.err;
    return b.status;
}
