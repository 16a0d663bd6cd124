/* The scalar dot product and norm every part of the library uses, each in
 * one fixed summation order, so that two places computing "the same" value
 * get the same bits.  The SIMD kernels (query/dot.h, core/kernel.h) have
 * orders of their own and say how they relate to these. */
#ifndef I2V_VEC_H
#define I2V_VEC_H

#include <math.h>
#include <stddef.h>

/* Eight running sums, lane l taking products l, l+8, l+16, ..., added
 * pairwise at the end: a fixed order on every call, with room for the
 * CPU to overlap the additions (and for the compiler to vectorise). */
#define VEC_LANES 8

static inline float vec_dot(const float *a, const float *b, size_t n)
{
    float lane[VEC_LANES] = {0};
    size_t j = 0;
    for (; j + VEC_LANES <= n; j += VEC_LANES)
        for (size_t l = 0; l < VEC_LANES; l++)
            lane[l] += a[j + l] * b[j + l];
    for (size_t l = 0; j + l < n; l++)
        lane[l] += a[j + l] * b[j + l];
    return ((lane[0] + lane[4]) + (lane[1] + lane[5])) +
           ((lane[2] + lane[6]) + (lane[3] + lane[7]));
}

/* The Euclidean length of v, its squares summed in double in the lanes
 * of vec_dot: precise, and far from overflowing for any float row. */
static inline double vec_norm(const float *v, size_t n)
{
    double lane[VEC_LANES] = {0};
    size_t j = 0;
    for (; j + VEC_LANES <= n; j += VEC_LANES)
        for (size_t l = 0; l < VEC_LANES; l++)
            lane[l] += (double)v[j + l] * v[j + l];
    for (size_t l = 0; j + l < n; l++)
        lane[l] += (double)v[j + l] * v[j + l];
    return sqrt(((lane[0] + lane[4]) + (lane[1] + lane[5])) +
                ((lane[2] + lane[6]) + (lane[3] + lane[7])));
}

#endif
