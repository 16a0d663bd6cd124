/* Exact nearest neighbours by cosine, gensim's most_similar and
 * most_similar_cosmul: one scan over the input vectors with SIMD dot
 * products (dot.h) into a bounded heap (topk.h).  The scan reads rows in
 * place, from a memory mapping for native models. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "query/dot.h"
#include "util/error.h"
#include "util/quote.h"
#include "query/nearest.h"
#include "query/topk.h"

/* Rows scored per kernel call: the scores stay in L1. */
#define SCAN_BLOCK_ROWS 256
/* gensim's guard against dividing by zero in 3CosMul. */
#define COSMUL_EPSILON 0.000001f

#define QUOTED_ROW(m, i) I2V_QUOTED((m)->name_length[i], (m)->names + (m)->name_offset[i])

i2v_status query_unit(const float *query, uint32_t dim, float *unit, i2v_error *err)
{
    double sum = 0;
    for (uint32_t j = 0; j < dim; j++)
        sum += (double)query[j] * query[j];
    float norm = (float)sqrt(sum);
    if (!isfinite(norm))
        return i2v_fail(err, I2V_ERR_INVALID, "the query vector is not finite");
    if (norm == 0.0f)
        return i2v_fail(err, I2V_ERR_INVALID,
                        "the query vector is zero (its items cancel out): no direction to "
                        "compare with");
    float scale = (float)(1.0 / norm);
    for (uint32_t j = 0; j < dim; j++)
        unit[j] = query[j] * scale;
    return I2V_OK;
}

i2v_status query_damaged_row(const i2v_model *m, uint32_t row, i2v_error *err)
{
    return i2v_fail(err, I2V_ERR_FORMAT,
                    "%s: row %u (item '%.*s') holds a NaN or infinite value: the model is "
                    "damaged", m->source ? m->source : "model", row + 1, QUOTED_ROW(m, row));
}

static i2v_status check_ids(const i2v_model *m, const uint32_t *ids, size_t n, i2v_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (ids[i] >= m->size)
            return i2v_fail(err, I2V_ERR_INVALID, "item id %u is out of range (the model has "
                            "%u items)", ids[i], m->size);
        if (!(m->norms[ids[i]] > 0.0f))
            return i2v_fail(err, I2V_ERR_INVALID, "item '%.*s' has a zero vector: no "
                            "direction to compare with", QUOTED_ROW(m, ids[i]));
    }
    return I2V_OK;
}

/* Adds weight * v / |v| for each item, in order, as gensim does. */
static void add_units(const i2v_model *m, const uint32_t *ids, size_t n, float weight, float *out)
{
    for (size_t i = 0; i < n; i++) {
        const float *v = m->input + (size_t)ids[i] * m->dim;
        float norm = m->norms[ids[i]];
        for (uint32_t j = 0; j < m->dim; j++)
            out[j] += weight * (v[j] / norm);
    }
}

i2v_status i2v_query_vector(const i2v_model *m, const uint32_t *positive, size_t n_positive,
                            const uint32_t *negative, size_t n_negative, float *out,
                            i2v_error *err)
{
    if (n_positive + n_negative == 0)
        return i2v_fail(err, I2V_ERR_INVALID, "a query needs at least one item");
    i2v_status st = check_ids(m, positive, n_positive, err);
    if (st == I2V_OK)
        st = check_ids(m, negative, n_negative, err);
    if (st != I2V_OK)
        return st;
    memset(out, 0, (size_t)m->dim * sizeof *out);
    add_units(m, positive, n_positive, 1.0f, out);
    add_units(m, negative, n_negative, -1.0f, out);
    float total = (float)(n_positive + n_negative);
    for (uint32_t j = 0; j < m->dim; j++)
        out[j] /= total;
    return I2V_OK;
}

static uint32_t rows_in_scope(const i2v_model *m, uint32_t limit)
{
    return limit > 0 && limit < m->size ? limit : m->size;
}

/* The scan behind i2v_nearest: unit is the normalised query; the heap
 * lives in `out`. */
static i2v_status scan_nearest(const i2v_model *m, const float *unit, const uint32_t *exclude,
                               size_t n_exclude, uint32_t rows, topk_heap *heap, i2v_error *err)
{
    const dot_kernel *kernel = dot_kernel_best();
    float dots[SCAN_BLOCK_ROWS];
    for (uint32_t first = 0; first < rows; first += SCAN_BLOCK_ROWS) {
        uint32_t n = rows - first < SCAN_BLOCK_ROWS ? rows - first : SCAN_BLOCK_ROWS;
        kernel->dots(unit, m->input + (size_t)first * m->dim, n, m->dim, dots);
        float threshold = topk_threshold(heap);
        for (uint32_t r = 0; r < n; r++) {
            uint32_t id = first + r;
            float s = query_score(dots[r], m->norms[id]);
            if (!isfinite(s))
                return query_damaged_row(m, id, err);
            if (s >= threshold && !query_excluded(id, exclude, n_exclude)) {
                topk_push(heap, id, s);
                threshold = topk_threshold(heap);
            }
        }
    }
    return I2V_OK;
}

i2v_status i2v_nearest(const i2v_model *m, const float *query, const uint32_t *exclude,
                       size_t n_exclude, uint32_t limit, uint32_t k, i2v_neighbor *out,
                       uint32_t *n_out, i2v_error *err)
{
    *n_out = 0;
    float *unit = malloc(((size_t)m->dim + 16) * sizeof *unit);
    if (!unit)
        return i2v_fail_nomem(err, "answering a query");
    i2v_status st = query_unit(query, m->dim, unit, err);
    topk_heap heap;
    topk_init(&heap, out, k);
    if (st == I2V_OK)
        st = scan_nearest(m, unit, exclude, n_exclude, rows_in_scope(m, limit), &heap, err);
    free(unit);
    if (st == I2V_OK)
        *n_out = topk_sort(&heap);
    return st;
}

/* ---- analogies ----------------------------------------------------- */

static i2v_status analogy_add(const i2v_model *m, const uint32_t abc[3], uint32_t limit,
                              uint32_t k, i2v_neighbor *out, uint32_t *n_out, i2v_error *err)
{
    float *query = malloc(((size_t)m->dim + 16) * sizeof *query);
    if (!query)
        return i2v_fail_nomem(err, "answering an analogy");
    const uint32_t positive[2] = {abc[1], abc[2]};
    i2v_status st = i2v_query_vector(m, positive, 2, &abc[0], 1, query, err);
    if (st == I2V_OK)
        st = i2v_nearest(m, query, abc, 3, limit, k, out, n_out, err);
    free(query);
    return st;
}

/* Cosine shifted to [0, 1], as in Levy & Goldberg's footnote. */
static float shifted_cosine(float dot, float norm) { return (1.0f + query_score(dot, norm)) / 2.0f; }

static i2v_status scan_cosmul(const i2v_model *m, const float *units, const uint32_t abc[3],
                              uint32_t rows, topk_heap *heap, i2v_error *err)
{
    const dot_kernel *kernel = dot_kernel_best();
    float dots[3][SCAN_BLOCK_ROWS];
    for (uint32_t first = 0; first < rows; first += SCAN_BLOCK_ROWS) {
        uint32_t n = rows - first < SCAN_BLOCK_ROWS ? rows - first : SCAN_BLOCK_ROWS;
        for (int q = 0; q < 3; q++)
            kernel->dots(units + (size_t)q * m->dim, m->input + (size_t)first * m->dim, n,
                         m->dim, dots[q]);
        for (uint32_t r = 0; r < n; r++) {
            uint32_t id = first + r;
            float norm = m->norms[id];
            float pa = shifted_cosine(dots[0][r], norm), pb = shifted_cosine(dots[1][r], norm),
                  pc = shifted_cosine(dots[2][r], norm);
            /* gensim: prod(positive) / (prod(negative) + 1e-6) */
            float s = (pb * pc) / (pa + COSMUL_EPSILON);
            if (!isfinite(s))
                return query_damaged_row(m, id, err);
            if (s >= topk_threshold(heap) && !query_excluded(id, abc, 3))
                topk_push(heap, id, s);
        }
    }
    return I2V_OK;
}

static i2v_status analogy_mul(const i2v_model *m, const uint32_t abc[3], uint32_t limit,
                              uint32_t k, i2v_neighbor *out, uint32_t *n_out, i2v_error *err)
{
    i2v_status st = check_ids(m, abc, 3, err);
    if (st != I2V_OK)
        return st;
    float *units = malloc(3 * (size_t)m->dim * sizeof *units);
    if (!units)
        return i2v_fail_nomem(err, "answering an analogy");
    /* gensim's get_vector(norm=True): each row divided by its norm. */
    for (int q = 0; q < 3; q++) {
        const float *v = m->input + (size_t)abc[q] * m->dim;
        for (uint32_t j = 0; j < m->dim; j++)
            units[(size_t)q * m->dim + j] = v[j] / m->norms[abc[q]];
    }
    topk_heap heap;
    topk_init(&heap, out, k);
    st = scan_cosmul(m, units, abc, rows_in_scope(m, limit), &heap, err);
    free(units);
    if (st == I2V_OK)
        *n_out = topk_sort(&heap);
    return st;
}

i2v_status i2v_analogy(const i2v_model *m, uint32_t a, uint32_t b, uint32_t c,
                       i2v_analogy_method method, uint32_t limit, uint32_t k, i2v_neighbor *out,
                       uint32_t *n_out, i2v_error *err)
{
    *n_out = 0;
    const uint32_t abc[3] = {a, b, c};
    if (method == I2V_ANALOGY_ADD)
        return analogy_add(m, abc, limit, k, out, n_out, err);
    if (method == I2V_ANALOGY_MUL)
        return analogy_mul(m, abc, limit, k, out, n_out, err);
    return i2v_fail(err, I2V_ERR_INVALID, "unknown analogy method %d", (int)method);
}
