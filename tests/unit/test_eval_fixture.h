/* Hand-made models for the evaluation tests: a few items with vectors chosen
 * so that every expected figure can be worked out on paper.  Built the way
 * a loader builds a model (owned blocks, index, norms). */
#ifndef I2V_TEST_EVAL_FIXTURE_H
#define I2V_TEST_EVAL_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "item2vec.h"
#include "model/model.h"

static void *fixture_copy(const void *data, size_t bytes)
{
    void *copy = malloc(bytes ? bytes : 1);
    if (copy && bytes)
        memcpy(copy, data, bytes);
    return copy;
}

/* n items named names[i], in that (frequency) order, counts n..1, with
 * input vectors `input` (n x dim, row-major) and optional output vectors. */
static i2v_model *fixture_model(const char *const *names, uint32_t n, uint32_t dim,
                                const float *input, const float *output)
{
    i2v_error err;
    i2v_model *m = calloc(1, sizeof *m);
    size_t text_len = 0;
    for (uint32_t i = 0; i < n; i++)
        text_len += strlen(names[i]) + 1;
    char *text = malloc(text_len);
    uint64_t *offset = malloc(n * sizeof *offset), *counts = malloc(n * sizeof *counts);
    uint32_t *length = malloc(n * sizeof *length);
    CHECK(m && text && offset && counts && length);
    size_t at = 0;
    for (uint32_t i = 0; i < n; i++) {
        length[i] = (uint32_t)strlen(names[i]);
        offset[i] = at;
        memcpy(text + at, names[i], length[i] + 1);
        at += length[i] + 1;
        counts[i] = n - i;
    }
    m->size = n;
    m->dim = dim;
    m->format = I2V_FORMAT_NATIVE;
    m->names = text;
    m->name_offset = offset;
    m->name_length = length;
    m->counts = counts;
    m->input = fixture_copy(input, (size_t)n * dim * sizeof *input);
    m->output = output ? fixture_copy(output, (size_t)n * dim * sizeof *output) : NULL;
    void *blocks[] = {text, offset, counts, length, (void *)m->input, (void *)m->output};
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        if (blocks[i])
            CHECK(model_own(m, blocks[i], &err) == I2V_OK);
    CHECK(model_build_index(m, &err) == I2V_OK);
    CHECK(model_compute_norms(m, &err) == I2V_OK);
    return m;
}

/* A read stream over a string (the caller fcloses it). */
static FILE *fixture_text(const char *text)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    CHECK(f != NULL);
    return f;
}

#endif
