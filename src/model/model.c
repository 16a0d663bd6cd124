#include "model/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util/error.h"
#include "util/quote.h"
#include "util/vec.h"
#include "util/hash.h"

i2v_status model_own(i2v_model *m, void *block, i2v_error *err)
{
    for (size_t i = 0; i < sizeof m->owned / sizeof m->owned[0]; i++) {
        if (!m->owned[i]) {
            m->owned[i] = block;
            return I2V_OK;
        }
    }
    free(block);
    return i2v_fail(err, I2V_ERR_LIMIT, "internal: too many blocks owned by one model");
}

i2v_status model_new(const char *name, i2v_model **out, i2v_error *err)
{
    *out = NULL;
    i2v_model *m = calloc(1, sizeof *m);
    char *copy = strdup(name ? name : "model");
    if (!m || !copy) {
        free(m);
        free(copy);
        return i2v_fail_nomem(err, "creating a model");
    }
    m->source = copy;
    i2v_status st = model_own(m, copy, err);
    if (st != I2V_OK) {
        i2v_model_free(m);
        return st;
    }
    *out = m;
    return I2V_OK;
}

void model_arrays_free(model_arrays *a)
{
    free(a->names);
    free(a->name_offset);
    free(a->name_length);
    free(a->counts);
    free(a->input);
    free(a->output);
    free(a->succ_start);
    free(a->succ_total);
    free(a->succ);
    memset(a, 0, sizeof *a);
}

i2v_status model_from_arrays(const char *name, uint32_t size, uint32_t dim, model_arrays *arrays,
                             const i2v_train_params *params, i2v_model **out, i2v_error *err)
{
    *out = NULL;
    void *blocks[] = {arrays->names, arrays->name_offset, arrays->name_length,
                      arrays->counts, arrays->input, arrays->output,
                      arrays->succ_start, arrays->succ_total, arrays->succ};
    const model_arrays given = *arrays;
    memset(arrays, 0, sizeof *arrays);
    i2v_model *m = NULL;
    i2v_status st = model_new(name, &m, err);
    /* Every block is either owned by the model or freed here, once. */
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
        if (st == I2V_OK && blocks[b])
            st = model_own(m, blocks[b], err);
        else
            free(blocks[b]);
    if (st != I2V_OK) {
        i2v_model_free(m);
        return st;
    }
    m->size = size;
    m->dim = dim;
    m->format = I2V_FORMAT_NATIVE;
    m->names = given.names;
    m->name_offset = given.name_offset;
    m->name_length = given.name_length;
    m->counts = given.counts;
    m->input = given.input;
    m->output = given.output;
    if (given.succ_start && given.succ_total && given.succ) {
        m->succ_start = given.succ_start;
        m->succ_total = given.succ_total;
        m->succ = given.succ;
    }
    m->has_params = params != NULL;
    if (params)
        m->params = *params;
    i2v_error index_err;
    if ((st = model_build_index(m, &index_err)) != I2V_OK)
        i2v_fail(err, st, "%s: %s", m->source, index_err.message);
    if (st == I2V_OK)
        st = model_compute_norms(m, err);
    if (st != I2V_OK) {
        i2v_model_free(m);
        return st;
    }
    *out = m;
    return I2V_OK;
}

/* A float is NaN or infinite when its exponent bits are all set.  Adding
 * one unit of exponent to the masked exponent then carries into the sign
 * bit, and into no other place: OR-ing those sums over a row tests every
 * value with three integer operations, without a branch per value and
 * whatever the floating-point environment. */
#define FLOAT_EXPONENT_BITS 0x7f800000u
#define FLOAT_EXPONENT_ONE 0x00800000u
#define FLOAT_SIGN_BIT 0x80000000u

static int row_is_finite(const float *row, uint32_t dim)
{
    uint32_t carries = 0;
    for (uint32_t j = 0; j < dim; j++) {
        uint32_t bits;
        memcpy(&bits, row + j, sizeof bits);
        carries |= (bits & FLOAT_EXPONENT_BITS) + FLOAT_EXPONENT_ONE;
    }
    return (carries & FLOAT_SIGN_BIT) == 0;
}

uint32_t model_first_nonfinite_row(const float *rows, uint32_t dim, uint32_t first, uint32_t end)
{
    for (uint32_t r = first; r < end; r++)
        if (!row_is_finite(rows + (size_t)r * dim, dim))
            return r;
    return end;
}

int model_host_is_little_endian(void)
{
    const uint32_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 1;
}

void i2v_model_free(i2v_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < sizeof m->owned / sizeof m->owned[0]; i++)
        free(m->owned[i]);
    free(m->graph_owned);
    if (m->mapping)
        munmap(m->mapping, m->mapping_len);
    free(m);
}

uint64_t model_index_slots(uint32_t n)
{
    uint64_t slots = 16;
    while (slots < 2 * (uint64_t)n)
        slots *= 2;
    return slots;
}

/* Items are hashed before any is inserted so that the insert loop can
 * prefetch the slot it will probe INDEX_PREFETCH_AHEAD items later: with a
 * million items the index is far larger than the caches, and every insert
 * would otherwise wait for memory.  A tag (high hash bits) beside each slot
 * lets probes pass other items without touching their names; names are
 * compared only when tags agree, which finds an item given twice. */
#define INDEX_PREFETCH_AHEAD 16

static i2v_status duplicate_item(const i2v_model *m, uint32_t first, uint32_t second,
                                 i2v_error *err)
{
    uint32_t len = m->name_length[second];
    return i2v_fail(err, I2V_ERR_FORMAT, "item '%.*s' appears twice (rows %u and %u)",
                    I2V_QUOTED(len, m->names + m->name_offset[second]), first + 1, second + 1);
}

static int same_name(const i2v_model *m, uint32_t a, uint32_t b)
{
    return m->name_length[a] == m->name_length[b] &&
           memcmp(m->names + m->name_offset[a], m->names + m->name_offset[b],
                  m->name_length[a]) == 0;
}

static i2v_status fill_index(const i2v_model *m, const uint64_t *hashes, uint32_t *index,
                             uint32_t *tags, uint64_t slots, i2v_error *err)
{
    const uint64_t mask = slots - 1;
    for (uint32_t i = 0; i < m->size; i++) {
        if (i + INDEX_PREFETCH_AHEAD < m->size) {
            uint64_t ahead = hashes[i + INDEX_PREFETCH_AHEAD] & mask;
            __builtin_prefetch(&index[ahead], 1);
            __builtin_prefetch(&tags[ahead], 1);
        }
        uint32_t tag = (uint32_t)(hashes[i] >> 32);
        uint64_t s = hashes[i] & mask;
        for (; index[s]; s = (s + 1) & mask)
            if (tags[s] == tag && same_name(m, index[s] - 1, i))
                return duplicate_item(m, index[s] - 1, i, err);
        index[s] = i + 1;
        tags[s] = tag;
    }
    return I2V_OK;
}

i2v_status model_build_index(i2v_model *m, i2v_error *err)
{
    uint64_t slots = model_index_slots(m->size);
    uint32_t *index = calloc(slots, sizeof *index);
    uint32_t *tags = malloc(slots * sizeof *tags); /* read only where index is set */
    uint64_t *hashes = malloc((m->size ? m->size : 1) * sizeof *hashes);
    i2v_status st = I2V_OK;
    if (!index || !tags || !hashes)
        st = i2v_fail_nomem(err, "building the item index");
    for (uint32_t i = 0; st == I2V_OK && i < m->size; i++)
        hashes[i] = i2v_hash_bytes(m->names + m->name_offset[i], m->name_length[i]);
    if (st == I2V_OK)
        st = fill_index(m, hashes, index, tags, slots, err);
    free(tags);
    free(hashes);
    if (st != I2V_OK) {
        free(index);
        return st;
    }
    m->index = index;
    m->index_slots = slots;
    return model_own(m, index, err);
}

uint32_t i2v_model_size(const i2v_model *m) { return m->size; }
uint32_t i2v_model_dim(const i2v_model *m) { return m->dim; }

const char *i2v_model_item(const i2v_model *m, uint32_t i, size_t *len)
{
    if (i >= m->size)
        return NULL;
    if (len)
        *len = m->name_length[i];
    return m->names + m->name_offset[i];
}

uint64_t i2v_model_count(const i2v_model *m, uint32_t i)
{
    return (m->counts && i < m->size) ? m->counts[i] : 0;
}

const float *i2v_model_vector(const i2v_model *m, uint32_t i)
{
    return i < m->size ? m->input + (size_t)i * m->dim : NULL;
}

const float *i2v_model_output(const i2v_model *m, uint32_t i)
{
    return (m->output && i < m->size) ? m->output + (size_t)i * m->dim : NULL;
}

int i2v_model_has_output(const i2v_model *m) { return m->output != NULL; }
int i2v_model_has_successors(const i2v_model *m) { return m->succ != NULL; }

const i2v_successor *i2v_model_successors(const i2v_model *m, uint32_t i, uint32_t *n,
                                          uint64_t *total)
{
    *n = 0;
    if (total)
        *total = 0;
    if (!m->succ || i >= m->size)
        return NULL;
    *n = (uint32_t)(m->succ_start[i + 1] - m->succ_start[i]);
    if (total)
        *total = m->succ_total[i];
    return m->succ + m->succ_start[i];
}
int i2v_model_has_counts(const i2v_model *m) { return m->counts != NULL; }
const char *i2v_model_name(const i2v_model *m) { return m->source ? m->source : "model"; }

int64_t i2v_model_find(const i2v_model *m, const char *item, size_t len)
{
    if (!m->index || m->index_slots == 0)
        return -1;
    uint64_t mask = m->index_slots - 1;
    uint64_t s = i2v_hash_bytes(item, len) & mask;
    /* A corrupted index may have no empty slot: probe each slot once. */
    for (uint64_t probes = 0; probes < m->index_slots && m->index[s]; probes++) {
        uint32_t id = m->index[s] - 1;
        if (id < m->size && m->name_length[id] == len &&
            memcmp(m->names + m->name_offset[id], item, len) == 0)
            return id;
        s = (s + 1) & mask;
    }
    return -1;
}

const i2v_train_params *i2v_model_params(const i2v_model *m)
{
    return m->has_params ? &m->params : NULL;
}

void i2v_train_params_from_model(const i2v_model *m, i2v_train_params *params)
{
    if (m->has_params)
        *params = m->params;
    else
        i2v_train_params_default(params);
    params->dim = m->dim;
}

static float row_norm(const float *v, uint32_t dim) { return (float)vec_norm(v, dim); }

/* Finite values can still make a length beyond the largest float (values
 * near 3.4e38): no cosine can be computed with such a row, so the model
 * is refused rather than answering every query with an error. */
static i2v_status norm_overflows(const i2v_model *m, uint32_t i, i2v_error *err)
{
    uint32_t len = m->name_length[i];
    return i2v_fail(err, I2V_ERR_FORMAT,
                    "%s: row %u (item '%.*s'): the values are so large that the vector's "
                    "length overflows a float", m->source ? m->source : "model", i + 1,
                    I2V_QUOTED(len, m->names + m->name_offset[i]));
}

i2v_status model_compute_norms(i2v_model *m, i2v_error *err)
{
    float *norms = malloc((m->size ? m->size : 1) * sizeof *norms);
    if (!norms)
        return i2v_fail_nomem(err, "computing vector norms");
    for (uint32_t i = 0; i < m->size; i++) {
        norms[i] = row_norm(m->input + (size_t)i * m->dim, m->dim);
        if (!isfinite(norms[i])) {
            free(norms);
            return norm_overflows(m, i, err);
        }
    }
    m->norms = norms;
    return model_own(m, norms, err);
}

float i2v_model_norm(const i2v_model *m, uint32_t i)
{
    return (m->norms && i < m->size) ? m->norms[i] : 0.0f;
}
