/* Negative sampling and subsampling draw what the formulas say. */
#include <string.h>

#include "check.h"
#include "item2vec.h"
#include "util/rng.h"

enum { DRAWS = 1000000 };

/* Chi-square statistic of DRAWS draws against the sampler's exact law. */
static double chi_square(const uint64_t *counts, uint32_t n, double exponent, uint64_t seed)
{
    i2v_sampler *s = NULL;
    i2v_error err;
    CHECK(i2v_sampler_create(counts, n, exponent, &s, &err) == I2V_OK);
    if (!s)
        return 1e300;
    uint64_t *seen = calloc(n, sizeof *seen);
    i2v_rng rng = i2v_rng_seeded(seed, 3);
    for (int i = 0; i < DRAWS; i++)
        seen[i2v_sampler_draw(s, i2v_rng_next(&rng))]++;
    double chi = 0;
    for (uint32_t i = 0; i < n; i++) {
        double expected = DRAWS * i2v_sampler_probability(s, i);
        if (expected > 0)
            chi += (seen[i] - expected) * (seen[i] - expected) / expected;
        else
            CHECK(seen[i] == 0);
    }
    free(seen);
    i2v_sampler_free(s);
    return chi;
}

static void alias_draws_follow_unigram_to_the_075(void)
{
    enum { N = 1000 };
    uint64_t counts[N];
    for (uint32_t i = 0; i < N; i++)
        counts[i] = 100000 / (i + 1) + 1; /* Zipf-like */
    i2v_sampler *s = NULL;
    i2v_error err;
    CHECK(i2v_sampler_create(counts, N, 0.75, &s, &err) == I2V_OK);
    double sum = 0;
    for (uint32_t i = 0; i < N; i++)
        sum += pow((double)counts[i], 0.75);
    CHECK_NEAR(i2v_sampler_probability(s, 0), pow((double)counts[0], 0.75) / sum, 1e-12);
    CHECK_NEAR(i2v_sampler_probability(s, 500), pow((double)counts[500], 0.75) / sum, 1e-12);
    i2v_sampler_free(s);
    /* 999 degrees of freedom: mean 999, sd ~44.7; 1200 is 4.5 sd out. */
    double chi = chi_square(counts, N, 0.75, 1);
    CHECK(chi < 1200);
}

static void exponent_zero_is_uniform_and_negative_favours_rare(void)
{
    uint64_t counts[4] = {1000, 100, 10, 1};
    i2v_sampler *s = NULL;
    i2v_error err;
    CHECK(i2v_sampler_create(counts, 4, 0.0, &s, &err) == I2V_OK);
    for (uint32_t i = 0; i < 4; i++)
        CHECK_NEAR(i2v_sampler_probability(s, i), 0.25, 1e-12);
    i2v_sampler_free(s);
    CHECK(i2v_sampler_create(counts, 4, -0.5, &s, &err) == I2V_OK);
    CHECK(i2v_sampler_probability(s, 3) > i2v_sampler_probability(s, 0));
    i2v_sampler_free(s);
    /* 3 degrees of freedom: 20 is far in the tail (p < 0.0002). */
    CHECK(chi_square(counts, 4, -0.5, 2) < 20);
    CHECK(chi_square(counts, 4, 0.0, 3) < 20);
}

static void one_item_and_bad_exponents(void)
{
    uint64_t counts[1] = {5};
    i2v_sampler *s = NULL;
    i2v_error err;
    CHECK(i2v_sampler_create(counts, 1, 0.75, &s, &err) == I2V_OK);
    CHECK(i2v_sampler_draw(s, 0) == 0 && i2v_sampler_draw(s, UINT64_MAX) == 0);
    i2v_sampler_free(s);
    CHECK(i2v_sampler_create(counts, 1, NAN, &s, &err) == I2V_ERR_INVALID);
    CHECK(i2v_sampler_create(counts, 0, 0.75, &s, &err) == I2V_ERR_EMPTY);
}

static void subsampling_keeps_with_word2vec_probability(void)
{
    /* f = count/total; keep = (sqrt(f/s) + 1) * s/f, at most 1. */
    CHECK_NEAR(i2v_keep_probability(1000, 100000, 1e-3),
               (sqrt(0.01 / 1e-3) + 1) * 1e-3 / 0.01, 1e-12);
    CHECK(i2v_keep_probability(1, 100000, 1e-3) == 1.0);
    CHECK(i2v_keep_probability(50000, 100000, 0) == 1.0);
    double p = i2v_keep_probability(50000, 100000, 1e-4);
    CHECK(p > 0.0 && p < 0.02);
}

int main(void)
{
    RUN(alias_draws_follow_unigram_to_the_075);
    RUN(exponent_zero_is_uniform_and_negative_favours_rare);
    RUN(one_item_and_bad_exponents);
    RUN(subsampling_keeps_with_word2vec_probability);
    CHECK_EXIT();
}
