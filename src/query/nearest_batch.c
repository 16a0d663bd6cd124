/* Nearest items for many queries at once: `similar --all` (every item's
 * own vector) and queries read from standard input, through the blocked
 * product of query/batch.c, with the scores i2v_nearest gives. */
#include <stdlib.h>
#include <string.h>

#include "query/batch.h"
#include "query/nearest.h"
#include "util/error.h"

static uint32_t rows_in_scope(const i2v_model *m, uint32_t limit)
{
    return limit > 0 && limit < m->size ? limit : m->size;
}

static int ascending(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

i2v_status i2v_nearest_many(const i2v_model *m, const float *queries, size_t n,
                            const uint64_t *exclude_start, const uint32_t *exclude,
                            uint32_t limit, uint32_t k, uint32_t threads, i2v_neighbor *out,
                            uint32_t *n_out, i2v_error *err)
{
    for (size_t q = 0; q < n; q++)
        n_out[q] = 0;
    if (n == 0 || k == 0)
        return I2V_OK;
    size_t excluded = exclude_start ? (size_t)exclude_start[n] : 0;
    float *units = malloc(n * m->dim * sizeof *units);
    uint32_t *sorted = malloc((excluded ? excluded : 1) * sizeof *sorted);
    i2v_status st = units && sorted ? I2V_OK : i2v_fail_nomem(err, "answering queries");
    /* The unit vectors i2v_nearest makes; exclusions sorted for lookups. */
    for (size_t q = 0; st == I2V_OK && q < n; q++)
        st = query_unit(queries + q * m->dim, m->dim, units + q * m->dim, err);
    if (st == I2V_OK && excluded) {
        memcpy(sorted, exclude, excluded * sizeof *sorted);
        for (size_t q = 0; q < n; q++)
            qsort(sorted + exclude_start[q], (size_t)(exclude_start[q + 1] - exclude_start[q]),
                  sizeof *sorted, ascending);
    }
    batch_job job = {.model = m, .rows = m->input, .n_rows = rows_in_scope(m, limit),
                     .dim = m->dim, .score = BATCH_COSINE, .norm = m->norms, .queries = units,
                     .n_queries = n, .exclude_start = excluded ? exclude_start : NULL,
                     .exclude = sorted, .k = k, .out = out, .n_out = n_out};
    if (st == I2V_OK)
        st = batch_top_k(&job, threads, err);
    free(units);
    free(sorted);
    return st;
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
    float *units = malloc(n_ids * m->dim * sizeof *units);
    uint64_t *start = malloc((n_ids + 1) * sizeof *start);
    uint8_t *skip = calloc(n_ids, 1);
    i2v_status st = units && start && skip ? I2V_OK : i2v_fail_nomem(err, "answering queries");
    for (size_t q = 0; st == I2V_OK && q < n_ids; q++) {
        float *unit = units + q * m->dim;
        start[q] = q;
        /* A zero vector has no neighbours; a row that is not finite is
         * damage, also outside the rows answered. */
        if (model_first_nonfinite_row(m->input, m->dim, ids[q], ids[q] + 1) == ids[q])
            st = query_damaged_row(m, ids[q], err);
        else if (!(m->norms[ids[q]] > 0.0f))
            skip[q] = 1, memset(unit, 0, m->dim * sizeof *unit);
        else if ((st = i2v_query_vector(m, &ids[q], 1, NULL, 0, unit, err)) == I2V_OK)
            st = query_unit(unit, m->dim, unit, err);
    }
    if (st == I2V_OK) {
        start[n_ids] = n_ids;
        batch_job job = {.model = m, .rows = m->input, .n_rows = rows_in_scope(m, limit),
                         .dim = m->dim, .score = BATCH_COSINE, .norm = m->norms,
                         .queries = units, .n_queries = n_ids, .exclude_start = start,
                         .exclude = ids, .skip = skip, .k = k, .out = out, .n_out = n_out};
        st = batch_top_k(&job, threads, err);
    }
    free(units);
    free(start);
    free(skip);
    return st;
}
