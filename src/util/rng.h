/* A small, fast, seedable random generator (splitmix64).  Each thread owns
 * one, so draws are reproducible for a given seed and thread count. */
#ifndef I2V_RNG_H
#define I2V_RNG_H

#include <stdint.h>

typedef struct i2v_rng {
    uint64_t state;
} i2v_rng;

static inline uint64_t i2v_rng_next(i2v_rng *rng)
{
    uint64_t z = (rng->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A generator for stream `stream` of a run seeded with `seed`. */
static inline i2v_rng i2v_rng_seeded(uint64_t seed, uint64_t stream)
{
    i2v_rng rng = {seed ^ (stream * 0xd1b54a32d192ed03ull)};
    (void)i2v_rng_next(&rng);
    return rng;
}

/* Uniform in [0, 1) with 24 bits of precision. */
static inline float i2v_rng_float(i2v_rng *rng)
{
    return (float)(i2v_rng_next(rng) >> 40) * (1.0f / 16777216.0f);
}

/* Uniform in [0, n) for n < 2^32, by multiply-shift (no division). */
static inline uint32_t i2v_rng_below(uint64_t random64, uint32_t n)
{
    return (uint32_t)(((random64 >> 32) * (uint64_t)n) >> 32);
}

#endif
