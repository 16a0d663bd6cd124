/* Hashing item bytes: 8 bytes at a time, multiply-mix.  Not cryptographic;
 * used for the vocabulary table and the model's item index, so the value
 * must never change once models store it (see model_native.c). */
#ifndef I2V_HASH_H
#define I2V_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t i2v_hash_mix(uint64_t h)
{
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;
    return h;
}

static inline uint64_t i2v_hash_bytes(const char *s, size_t len)
{
    uint64_t h = 0x243f6a8885a308d3ull ^ (len * 0x9e3779b97f4a7c15ull);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
        s += 8;
        len -= 8;
    }
    if (len) {
        uint64_t w = 0;
        memcpy(&w, s, len);
        h = (h ^ w) * 0x100000001b3ull;
    }
    return i2v_hash_mix(h);
}

#endif
