/* Negative sampling by Walker's alias method (Vose's construction):
 * O(V) memory and O(1) per draw, where word2vec.c spends 400 MB on a table
 * of 10^8 ints whatever the vocabulary.  Each column i is split between
 * item i (with probability threshold[i] / 2^32) and alias[i]. */
#include <math.h>
#include <stdlib.h>

#include "error.h"
#include "rng.h"

struct i2v_sampler {
    uint32_t n;
    uint32_t *alias;
    uint64_t *threshold; /* compare against a 32-bit draw; 2^32 = always */
    double *probability; /* exact, for tests and diagnostics */
};

void i2v_sampler_free(i2v_sampler *s)
{
    if (!s)
        return;
    free(s->alias);
    free(s->threshold);
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
        return i2v_fail(err, I2V_ERR_INVALID, "--ns-exponent must be a finite number");
    i2v_sampler *s = calloc(1, sizeof *s);
    double *scaled = malloc(n * sizeof *scaled);
    uint32_t *small = malloc(n * sizeof *small), *large = malloc(n * sizeof *large);
    if (s) {
        s->n = n;
        s->alias = malloc(n * sizeof *s->alias);
        s->threshold = malloc(n * sizeof *s->threshold);
        s->probability = malloc(n * sizeof *s->probability);
    }
    if (!s || !scaled || !small || !large || !s->alias || !s->threshold || !s->probability) {
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
        s->alias[i] = i;
        if (scaled[i] < 1.0)
            small[n_small++] = i;
        else
            large[n_large++] = i;
    }
    while (n_small && n_large) {
        uint32_t l = small[--n_small], g = large[n_large - 1];
        s->threshold[l] = (uint64_t)llround(scaled[l] * 4294967296.0);
        s->alias[l] = g;
        scaled[g] -= 1.0 - scaled[l];
        if (scaled[g] < 1.0) {
            n_large--;
            small[n_small++] = g;
        }
    }
    /* What is left is 1 up to rounding. */
    while (n_large)
        s->threshold[large[--n_large]] = 1ull << 32;
    while (n_small)
        s->threshold[small[--n_small]] = 1ull << 32;
    free(scaled);
    free(small);
    free(large);
    *out = s;
    return I2V_OK;
}

uint32_t i2v_sampler_draw(const i2v_sampler *s, uint64_t random64)
{
    uint32_t column = i2v_rng_below(random64, s->n);
    uint64_t coin = random64 & 0xffffffffu;
    return coin < s->threshold[column] ? column : s->alias[column];
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
