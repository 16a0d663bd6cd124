/* Asking the cache for a row of floats before it is used: rows scattered
 * over matrices far larger than the caches cost a wait each, which a
 * prefetch issued a step ahead hides. */
#ifndef I2V_PREFETCH_H
#define I2V_PREFETCH_H

#include <stddef.h>

/* Floats in a cache line: one prefetch per line. */
enum { PREFETCH_LINE_FLOATS = 16 };

/* A row that will be written (read first, then changed). */
static inline void prefetch_floats_for_write(const float *row, size_t n)
{
    for (size_t k = 0; k < n; k += PREFETCH_LINE_FLOATS)
        __builtin_prefetch(row + k, 1, 3);
}

/* A row that will only be read: no claim on the line, so that threads
 * reading one row do not take it from each other. */
static inline void prefetch_floats_for_read(const float *row, size_t n)
{
    for (size_t k = 0; k < n; k += PREFETCH_LINE_FLOATS)
        __builtin_prefetch(row + k, 0, 3);
}

#endif
