/* The index's public face (item2vec/index.h): building and attaching the
 * graph, describing and verifying it, and answering queries through it
 * on several threads, one searcher each. */
#include <stdlib.h>
#include <string.h>

#include "query/hnsw.h"
#include "query/nearest.h"
#include "util/error.h"
#include "util/parallel.h"

void i2v_index_options_default(i2v_index_options *o)
{
    memset(o, 0, sizeof *o);
    o->m = 10;
    o->ef_construction = 200;
    o->threads = 1;
    o->seed = 1;
}

static i2v_status check_index_options(const i2v_index_options *o, i2v_error *err)
{
    uint32_t m0 = o->m0 ? o->m0 : 2 * o->m;
    if (o->m < 2 || o->m > 64)
        return i2v_fail(err, I2V_ERR_INVALID, "M must be 2..64 (got %u)", o->m);
    if (m0 < o->m || m0 > HNSW_MAX_LINKS)
        return i2v_fail(err, I2V_ERR_INVALID, "M0 must be M..%u (got %u)", HNSW_MAX_LINKS, m0);
    if (o->ef_construction < 1 || o->ef_construction > 100000)
        return i2v_fail(err, I2V_ERR_INVALID, "ef-construction must be 1..100000 (got %u)",
                        o->ef_construction);
    if (o->threads < 1 || o->threads > I2V_MAX_THREADS)
        return i2v_fail(err, I2V_ERR_INVALID, "threads must be 1..%u (got %u)", I2V_MAX_THREADS,
                        o->threads);
    return I2V_OK;
}

typedef struct progress_relay {
    void (*fn)(uint32_t, uint32_t, void *);
    void *user;
} progress_relay;

static void relay(uint32_t done, uint32_t total, void *user)
{
    progress_relay *r = user;
    r->fn(done, total, r->user);
}

i2v_status i2v_model_build_index(i2v_model *m, const i2v_index_options *o,
                                 void (*progress)(uint32_t done, uint32_t total, void *user),
                                 void *user, i2v_error *err)
{
    i2v_status st = check_index_options(o, err);
    if (st != I2V_OK)
        return st;
    if (m->size == 0)
        return i2v_fail(err, I2V_ERR_INVALID, "the model has no items to index");
    hnsw_build_options b = {.m = o->m, .m0 = o->m0 ? o->m0 : 2 * o->m,
                            .ef_construction = o->ef_construction, .threads = o->threads,
                            .seed = o->seed};
    b.input_checksum = model_checksum(m->input, (size_t)m->size * m->dim * sizeof(float));
    unsigned char *bytes;
    uint64_t size;
    progress_relay r = {progress, user};
    st = hnsw_build(m, &b, progress ? relay : NULL, &r, &bytes, &size, err);
    if (st != I2V_OK)
        return st;
    free(m->graph_owned);
    m->graph_owned = bytes;
    m->graph = bytes;
    m->graph_size = size;
    m->graph_stale = 0;
    return I2V_OK;
}

void i2v_model_drop_index(i2v_model *m)
{
    m->graph = NULL;
    m->graph_size = 0;
    m->graph_stale = 0;
}

int i2v_model_has_index(const i2v_model *m) { return m->graph != NULL; }

int i2v_model_index_stale(const i2v_model *m) { return m->graph_stale; }

static i2v_status open_view(const i2v_model *m, hnsw_view *g, i2v_error *err)
{
    if (!m->graph)
        return i2v_fail(err, I2V_ERR_INVALID, "%s has no index", m->source ? m->source : "model");
    return hnsw_open(m->graph, m->graph_size, m->size, m->source, g, err);
}

i2v_status i2v_index_describe(const i2v_model *m, i2v_index_info *info, i2v_error *err)
{
    hnsw_view g;
    memset(info, 0, sizeof *info);
    i2v_status st = open_view(m, &g, err);
    if (st != I2V_OK)
        return st;
    *info = (i2v_index_info){.m = g.m, .m0 = g.m0, .top_layer = g.top, .entry = g.entry,
                             .ef_construction = g.ef_construction, .seed = g.seed,
                             .bytes = g.size, .upper_rows = g.upper_rows};
    return I2V_OK;
}

i2v_status i2v_index_verify(const i2v_model *m, i2v_error *err)
{
    hnsw_view g;
    i2v_status st = open_view(m, &g, err);
    return st == I2V_OK ? hnsw_verify(&g, m->source, err) : st;
}

/* ---- queries on threads ------------------------------------------------ */

typedef struct index_job {
    const i2v_model *m;
    hnsw_view g;
    hnsw_target target;
    const float *queries;    /* NULL: the items' own vectors */
    int unit_queries;        /* the queries are used as given, not made unit */
    int seeds_excluded;      /* the walks start from the excluded items too */
    const uint8_t *skip;     /* NULL, or 1: no answer for that query */
    const uint32_t *ids;
    size_t n;
    const uint64_t *exclude_start, *seed_start;
    const uint32_t *exclude, *seeds, *hubs;
    size_t n_hubs;
    uint32_t limit, k, ef, threads;
    i2v_neighbor *out;
    uint32_t *n_out;
    i2v_status *status;      /* one per thread */
    i2v_error *errors;       /* one per thread */
} index_job;

static void index_task(void *state, uint32_t t)
{
    index_job *j = state;
    const i2v_model *m = j->m;
    hnsw_searcher *s = NULL;
    float *unit = malloc(((size_t)m->dim + 16) * sizeof *unit);
    i2v_status st = unit ? hnsw_searcher_new(m->size, &s, &j->errors[t])
                         : i2v_fail_nomem(&j->errors[t], "answering through the index");
    /* Queries t, t + threads, ...: the answers never depend on the split. */
    for (size_t q = t; st == I2V_OK && q < j->n; q += j->threads) {
        hnsw_query hq = {.target = j->target, .query = unit, .hubs = j->hubs,
                         .n_hubs = j->n_hubs, .limit = j->limit, .k = j->k, .ef = j->ef};
        j->n_out[q] = 0;
        if (j->skip && j->skip[q])
            continue;
        if (j->ids) {
            uint32_t id = j->ids[q];
            if (!(m->norms[id] > 0.0f)) /* no direction: no neighbours */
                continue;
            /* The query i2v_nearest_items makes of an item: the same scores. */
            st = i2v_query_vector(m, &j->ids[q], 1, NULL, 0, unit, &j->errors[t]);
            if (st == I2V_OK)
                st = query_unit(unit, m->dim, unit, &j->errors[t]);
            if (st != I2V_OK)
                break;
            hq.exclude = hq.seeds = &j->ids[q]; /* its own node: where its neighbours are */
            hq.n_exclude = hq.n_seeds = 1;
        } else {
            if (j->unit_queries)
                hq.query = j->queries + q * m->dim;
            else if ((st = query_unit(j->queries + q * m->dim, m->dim, unit, &j->errors[t])) !=
                     I2V_OK)
                break;
            if (j->exclude_start) {
                hq.exclude = j->exclude + j->exclude_start[q];
                hq.n_exclude = j->exclude_start[q + 1] - j->exclude_start[q];
            }
            if (j->seeds_excluded) { /* a query's own items: its answers lie around them */
                hq.seeds = hq.exclude;
                hq.n_seeds = hq.n_exclude;
            } else if (j->seed_start) {
                hq.seeds = j->seeds + j->seed_start[q];
                hq.n_seeds = j->seed_start[q + 1] - j->seed_start[q];
            }
        }
        st = hnsw_search(m, &j->g, s, &hq, j->out + q * j->k, &j->n_out[q], &j->errors[t]);
    }
    hnsw_searcher_free(s);
    free(unit);
    j->status[t] = st;
}

static i2v_status run_index_job(index_job *j, i2v_error *err)
{
    if (j->threads < 1 || j->threads > I2V_MAX_THREADS)
        return i2v_fail(err, I2V_ERR_INVALID, "threads must be 1..%u", I2V_MAX_THREADS);
    if (j->m->graph_stale)
        return i2v_fail(err, I2V_ERR_INVALID, "%s: its index was built for other vectors",
                        j->m->source ? j->m->source : "model");
    i2v_status st = open_view(j->m, &j->g, err);
    if (st != I2V_OK)
        return st;
    if (!j->target.rows)
        j->target = (hnsw_target){j->m->input, j->m->norms, NULL};
    if (j->threads > j->n)
        j->threads = j->n ? (uint32_t)j->n : 1;
    j->status = calloc(j->threads, sizeof *j->status);
    j->errors = calloc(j->threads, sizeof *j->errors);
    if (!j->status || !j->errors) {
        free(j->status);
        free(j->errors);
        return i2v_fail_nomem(err, "answering through the index");
    }
    parallel_run(j->threads, index_task, j);
    st = I2V_OK;
    for (uint32_t t = 0; t < j->threads && st == I2V_OK; t++)
        if ((st = j->status[t]) != I2V_OK && err)
            *err = j->errors[t];
    free(j->status);
    free(j->errors);
    return st;
}

i2v_status index_search_many(const i2v_model *m, const index_searches *q, i2v_neighbor *out,
                             uint32_t *n_out, i2v_error *err)
{
    index_job j = {.m = m, .target = q->target, .queries = q->queries, .unit_queries = 1,
                   .skip = q->skip, .n = q->n, .exclude_start = q->exclude_start,
                   .exclude = q->exclude, .seed_start = q->seed_start, .seeds = q->seeds,
                   .hubs = q->hubs, .n_hubs = q->n_hubs,
                   .k = q->k, .ef = q->ef, .threads = q->threads, .out = out, .n_out = n_out};
    return run_index_job(&j, err);
}

i2v_status i2v_nearest_index(const i2v_model *m, const float *queries, size_t n,
                             const uint64_t *exclude_start, const uint32_t *exclude,
                             uint32_t limit, uint32_t k, uint32_t ef, uint32_t threads,
                             i2v_neighbor *out, uint32_t *n_out, i2v_error *err)
{
    index_job j = {.m = m, .queries = queries, .n = n, .exclude_start = exclude_start,
                   .exclude = exclude, .seeds_excluded = 1, .limit = limit, .k = k, .ef = ef,
                   .threads = threads, .out = out, .n_out = n_out};
    return run_index_job(&j, err);
}

i2v_status i2v_nearest_items_index(const i2v_model *m, const uint32_t *ids, size_t n_ids,
                                   uint32_t limit, uint32_t k, uint32_t ef, uint32_t threads,
                                   i2v_neighbor *out, uint32_t *n_out, i2v_error *err)
{
    for (size_t q = 0; q < n_ids; q++)
        if (ids[q] >= m->size)
            return i2v_fail(err, I2V_ERR_INVALID, "item id %u is out of range", ids[q]);
    index_job j = {.m = m, .ids = ids, .n = n_ids, .limit = limit, .k = k, .ef = ef,
                   .threads = threads, .out = out, .n_out = n_out};
    return run_index_job(&j, err);
}
