/* item2vec — Negative sampling (alias table) and word2vec subsampling. Part
 * of the public API; <item2vec.h> includes every part. */
#ifndef ITEM2VEC_SAMPLER_H
#define ITEM2VEC_SAMPLER_H

#include "item2vec/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Negative sampling and subsampling                                   */
/* ------------------------------------------------------------------ */

/* The distribution negatives are drawn from: P(i) proportional to
 * count(i)^exponent (0.75 in word2vec; 0 is uniform; negative values favour
 * rare items).  Drawn in O(1) with O(V) memory (Walker/Vose alias table). */
typedef struct i2v_sampler i2v_sampler;

i2v_status i2v_sampler_create(const uint64_t *counts, uint32_t n, double exponent,
                              i2v_sampler **out, i2v_error *err);
void i2v_sampler_free(i2v_sampler *sampler);

/* One draw from a 64-bit uniform random value (the caller owns the random
 * generator so that each thread has its own). */
uint32_t i2v_sampler_draw(const i2v_sampler *sampler, uint64_t random64);

/* The exact probability of item i under the sampler's distribution. */
double i2v_sampler_probability(const i2v_sampler *sampler, uint32_t i);

/* word2vec's probability of keeping one occurrence of an item that has
 * `count` occurrences among `total`, for threshold `sample` (0 disables
 * subsampling and returns 1):  (sqrt(f/s) + 1) * s/f, f = count/total,
 * clipped to 1. */
double i2v_keep_probability(uint64_t count, uint64_t total, double sample);

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_SAMPLER_H */
