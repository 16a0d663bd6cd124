/* Negative sampling by Walker's alias method (Vose's construction):
 * O(V) memory and O(1) per draw, where word2vec.c spends 400 MB on a table
 * of 10^8 ints whatever the vocabulary.  Each column i is split between
 * item i (with probability threshold / 2^32) and its alias; a full column
 * is its own alias.  Threshold and alias share 8 bytes, so a draw touches
 * one cache line. */
#include <math.h>
#include <stdlib.h>

#include "util/error.h"
#include "util/rng.h"

typedef struct alias_column {
    uint32_t threshold; /* keep the column's own item if a 32-bit draw is below */
    uint32_t alias;
} alias_column;

struct i2v_sampler {
    uint32_t n;
    alias_column *column;
    double *probability; /* exact, for tests and diagnostics */
};

void i2v_sampler_free(i2v_sampler *s)
{
    if (!s)
        return;
    free(s->column);
    free(s->probability);
    free(s);
}

i2v_status i2v_sampler_create(const uint64_t *counts, uint32_t n, double exponent,
                              i2v_sampler **out, i2v_error *err)
{
    *out = NULL;
    if (n == 0)
        return i2v_fail(err, I2V_ERR_EMPTY, "negative sampling needs at least one item");
    if (!isfinite(exponent))
        return i2v_fail(err, I2V_ERR_INVALID, "the negative-sampling exponent must be a finite number");
    i2v_sampler *s = calloc(1, sizeof *s);
    double *scaled = malloc(n * sizeof *scaled);
    uint32_t *small = malloc(n * sizeof *small), *large = malloc(n * sizeof *large);
    if (s) {
        s->n = n;
        s->column = malloc(n * sizeof *s->column);
        s->probability = malloc(n * sizeof *s->probability);
    }
    if (!s || !scaled || !small || !large || !s->column || !s->probability) {
        i2v_sampler_free(s);
        free(scaled);
        free(small);
        free(large);
        return i2v_fail_nomem(err, "building the negative-sampling table");
    }

    /* Weights count^exponent; an item with count 0 gets weight 0 unless the
     * exponent is 0 (uniform). */
    double sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        double w = counts[i] ? pow((double)counts[i], exponent) : (exponent == 0 ? 1 : 0);
        s->probability[i] = isfinite(w) ? w : 0;
        sum += s->probability[i];
    }
    if (!(sum > 0) || !isfinite(sum)) {
        for (uint32_t i = 0; i < n; i++)
            s->probability[i] = 1;
        sum = n;
    }
    uint32_t n_small = 0, n_large = 0;
    for (uint32_t i = 0; i < n; i++) {
        s->probability[i] /= sum;
        scaled[i] = s->probability[i] * n;
        s->column[i] = (alias_column){UINT32_MAX, i};
        if (scaled[i] < 1.0)
            small[n_small++] = i;
        else
            large[n_large++] = i;
    }
    while (n_small && n_large) {
        uint32_t l = small[--n_small], g = large[n_large - 1];
        double threshold = scaled[l] * 4294967296.0;
        s->column[l].threshold = threshold >= UINT32_MAX ? UINT32_MAX : (uint32_t)llround(threshold);
        s->column[l].alias = g;
        scaled[g] -= 1.0 - scaled[l];
        if (scaled[g] < 1.0) {
            n_large--;
            small[n_small++] = g;
        }
    }
    /* What is left is 1 up to rounding: those columns stay their own alias. */
    free(scaled);
    free(small);
    free(large);
    *out = s;
    return I2V_OK;
}

uint32_t i2v_sampler_draw(const i2v_sampler *s, uint64_t random64)
{
    uint32_t i = i2v_rng_below(random64, s->n);
    alias_column c = s->column[i];
    return (uint32_t)random64 < c.threshold ? i : c.alias;
}

double i2v_sampler_probability(const i2v_sampler *s, uint32_t i)
{
    return i < s->n ? s->probability[i] : 0;
}

double i2v_keep_probability(uint64_t count, uint64_t total, double sample)
{
    if (sample <= 0 || count == 0 || total == 0)
        return 1;
    double threshold = sample * (double)total;
    double p = (sqrt((double)count / threshold) + 1) * threshold / (double)count;
    return p < 1 ? p : 1;
}
