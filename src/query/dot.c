#include "query/dot.h"

#include <string.h>

#include "util/cpu.h"
#include "util/vec.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define DOT_HAVE_X86 1
#include <immintrin.h>
#endif

/* ---- portable C ---------------------------------------------------- */

/* The library's scalar order (util/vec.h). */
static float dot_scalar(const float *a, const float *b, size_t n) { return vec_dot(a, b, n); }

static void dots_scalar(const float *query, const float *rows, size_t n_rows, size_t dim,
                        float *out)
{
    for (size_t r = 0; r < n_rows; r++)
        out[r] = dot_scalar(query, rows + r * dim, dim);
}

static void panel_scalar(const float *queries, size_t nq, const float *panel, const float *scale,
                         size_t dim, const float *threshold, float *scores, uint32_t *above)
{
    for (size_t q = 0; q < nq; q++) {
        const float *query = queries + q * dim;
        float acc[DOT_PANEL_ROWS] = {0};
        for (size_t d = 0; d < dim; d++) {
            const float x = query[d];
            const float *p = panel + d * DOT_PANEL_ROWS;
            for (size_t j = 0; j < DOT_PANEL_ROWS; j++)
                acc[j] += x * p[j];
        }
        uint32_t mask = 0;
        for (size_t j = 0; j < DOT_PANEL_ROWS; j++) {
            float s = acc[j] * scale[j];
            scores[q * DOT_PANEL_ROWS + j] = s;
            mask |= (uint32_t)(s >= threshold[q]) << j;
        }
        above[q] = mask;
    }
}

static const dot_kernel scalar_kernel = {"scalar", dot_scalar, dots_scalar, panel_scalar};

const dot_kernel *dot_kernel_reference(void) { return &scalar_kernel; }

void dot_pack_panel(const float *rows, size_t n_rows, size_t stride, size_t dim, float *panel)
{
    for (size_t j = 0; j < n_rows; j++) {
        const float *row = rows + j * stride;
        for (size_t d = 0; d < dim; d++)
            panel[d * DOT_PANEL_ROWS + j] = row[d];
    }
    for (size_t j = n_rows; j < DOT_PANEL_ROWS; j++)
        for (size_t d = 0; d < dim; d++)
            panel[d * DOT_PANEL_ROWS + j] = 0.0f;
}

#ifdef DOT_HAVE_X86

/* ---- AVX2 + FMA: 8 lanes ------------------------------------------- */

/* The loops over the queries of a group must be unrolled for the
 * accumulators to live in registers; -O2 alone does not always do it. */
#define UNROLL_QUERIES _Pragma("GCC unroll 8")

#define AVX2_TARGET __attribute__((target("avx2,fma")))
#define AVX2_INLINE static inline __attribute__((always_inline, target("avx2,fma")))

/* Loading tail_mask_bits + 8 - k gives k "on" lanes then 8 - k "off". */
static const int32_t tail_mask_bits[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

AVX2_INLINE __m256i avx2_tail_mask(size_t k)
{
    return _mm256_loadu_si256((const __m256i *)(const void *)(tail_mask_bits + 8 - k));
}

AVX2_INLINE float avx2_sum(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

AVX2_TARGET static float dot_avx2(const float *a, const float *b, size_t n)
{
    __m256 acc = _mm256_setzero_ps();
    size_t j = 0;
    for (; j + 8 <= n; j += 8)
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), acc);
    if (j < n) {
        __m256i m = avx2_tail_mask(n - j);
        acc = _mm256_fmadd_ps(_mm256_maskload_ps(a + j, m), _mm256_maskload_ps(b + j, m), acc);
    }
    return avx2_sum(acc);
}

/* Four rows at once, each with its own running sum in dot_avx2's order:
 * four independent chains keep the multiply-add units busy. */
AVX2_TARGET static void dots_avx2(const float *query, const float *rows, size_t n_rows,
                                  size_t dim, float *out)
{
    size_t r = 0;
    for (; r + 4 <= n_rows; r += 4) {
        const float *r0 = rows + r * dim, *r1 = r0 + dim, *r2 = r1 + dim, *r3 = r2 + dim;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        size_t j = 0;
        for (; j + 8 <= dim; j += 8) {
            __m256 q = _mm256_loadu_ps(query + j);
            a0 = _mm256_fmadd_ps(q, _mm256_loadu_ps(r0 + j), a0);
            a1 = _mm256_fmadd_ps(q, _mm256_loadu_ps(r1 + j), a1);
            a2 = _mm256_fmadd_ps(q, _mm256_loadu_ps(r2 + j), a2);
            a3 = _mm256_fmadd_ps(q, _mm256_loadu_ps(r3 + j), a3);
        }
        if (j < dim) {
            __m256i m = avx2_tail_mask(dim - j);
            __m256 q = _mm256_maskload_ps(query + j, m);
            a0 = _mm256_fmadd_ps(q, _mm256_maskload_ps(r0 + j, m), a0);
            a1 = _mm256_fmadd_ps(q, _mm256_maskload_ps(r1 + j, m), a1);
            a2 = _mm256_fmadd_ps(q, _mm256_maskload_ps(r2 + j, m), a2);
            a3 = _mm256_fmadd_ps(q, _mm256_maskload_ps(r3 + j, m), a3);
        }
        out[r] = avx2_sum(a0);
        out[r + 1] = avx2_sum(a1);
        out[r + 2] = avx2_sum(a2);
        out[r + 3] = avx2_sum(a3);
    }
    for (; r < n_rows; r++)
        out[r] = dot_avx2(query, rows + r * dim, dim);
}

/* nq (1..4, a constant once inlined) queries x 16 rows: 2 x nq
 * accumulators held in registers for the whole pass over dim. */
AVX2_INLINE void panel_avx2_group(const float *queries, size_t nq, const float *panel,
                                  const float *scale, size_t dim, const float *threshold,
                                  float *scores, uint32_t *above)
{
    __m256 lo[4], hi[4];
    UNROLL_QUERIES
    for (size_t i = 0; i < nq; i++)
        lo[i] = hi[i] = _mm256_setzero_ps();
    for (size_t d = 0; d < dim; d++) {
        __m256 p0 = _mm256_loadu_ps(panel + d * DOT_PANEL_ROWS);
        __m256 p1 = _mm256_loadu_ps(panel + d * DOT_PANEL_ROWS + 8);
        UNROLL_QUERIES
        for (size_t i = 0; i < nq; i++) {
            __m256 x = _mm256_broadcast_ss(queries + i * dim + d);
            lo[i] = _mm256_fmadd_ps(x, p0, lo[i]);
            hi[i] = _mm256_fmadd_ps(x, p1, hi[i]);
        }
    }
    __m256 s0 = _mm256_loadu_ps(scale), s1 = _mm256_loadu_ps(scale + 8);
    UNROLL_QUERIES
    for (size_t i = 0; i < nq; i++) {
        __m256 t = _mm256_broadcast_ss(threshold + i);
        __m256 v0 = _mm256_mul_ps(lo[i], s0), v1 = _mm256_mul_ps(hi[i], s1);
        _mm256_storeu_ps(scores + i * DOT_PANEL_ROWS, v0);
        _mm256_storeu_ps(scores + i * DOT_PANEL_ROWS + 8, v1);
        above[i] = (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(v0, t, _CMP_GE_OQ)) |
                   (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(v1, t, _CMP_GE_OQ)) << 8;
    }
}

AVX2_TARGET static void panel_avx2(const float *queries, size_t nq, const float *panel,
                                   const float *scale, size_t dim, const float *threshold,
                                   float *scores, uint32_t *above)
{
    for (size_t q = 0; q < nq; q += 4) {
        const float *qs = queries + q * dim;
        float *sc = scores + q * DOT_PANEL_ROWS;
        switch (nq - q) {
        case 1: panel_avx2_group(qs, 1, panel, scale, dim, threshold + q, sc, above + q); break;
        case 2: panel_avx2_group(qs, 2, panel, scale, dim, threshold + q, sc, above + q); break;
        case 3: panel_avx2_group(qs, 3, panel, scale, dim, threshold + q, sc, above + q); break;
        default: panel_avx2_group(qs, 4, panel, scale, dim, threshold + q, sc, above + q); break;
        }
    }
}

static const dot_kernel avx2_kernel = {"avx2", dot_avx2, dots_avx2, panel_avx2};

/* ---- AVX-512: 16 lanes --------------------------------------------- */

#define AVX512_TARGET __attribute__((target("avx512f")))
#define AVX512_INLINE static inline __attribute__((always_inline, target("avx512f")))

AVX512_INLINE __mmask16 avx512_tail_mask(size_t k) { return (__mmask16)((1u << k) - 1u); }

AVX512_TARGET static float dot_avx512(const float *a, const float *b, size_t n)
{
    __m512 acc = _mm512_setzero_ps();
    size_t j = 0;
    for (; j + 16 <= n; j += 16)
        acc = _mm512_fmadd_ps(_mm512_loadu_ps(a + j), _mm512_loadu_ps(b + j), acc);
    if (j < n) {
        __mmask16 m = avx512_tail_mask(n - j);
        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + j), _mm512_maskz_loadu_ps(m, b + j),
                              acc);
    }
    return _mm512_reduce_add_ps(acc);
}

AVX512_TARGET static void dots_avx512(const float *query, const float *rows, size_t n_rows,
                                      size_t dim, float *out)
{
    size_t r = 0;
    for (; r + 4 <= n_rows; r += 4) {
        const float *r0 = rows + r * dim, *r1 = r0 + dim, *r2 = r1 + dim, *r3 = r2 + dim;
        __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        size_t j = 0;
        for (; j + 16 <= dim; j += 16) {
            __m512 q = _mm512_loadu_ps(query + j);
            a0 = _mm512_fmadd_ps(q, _mm512_loadu_ps(r0 + j), a0);
            a1 = _mm512_fmadd_ps(q, _mm512_loadu_ps(r1 + j), a1);
            a2 = _mm512_fmadd_ps(q, _mm512_loadu_ps(r2 + j), a2);
            a3 = _mm512_fmadd_ps(q, _mm512_loadu_ps(r3 + j), a3);
        }
        if (j < dim) {
            __mmask16 m = avx512_tail_mask(dim - j);
            __m512 q = _mm512_maskz_loadu_ps(m, query + j);
            a0 = _mm512_fmadd_ps(q, _mm512_maskz_loadu_ps(m, r0 + j), a0);
            a1 = _mm512_fmadd_ps(q, _mm512_maskz_loadu_ps(m, r1 + j), a1);
            a2 = _mm512_fmadd_ps(q, _mm512_maskz_loadu_ps(m, r2 + j), a2);
            a3 = _mm512_fmadd_ps(q, _mm512_maskz_loadu_ps(m, r3 + j), a3);
        }
        out[r] = _mm512_reduce_add_ps(a0);
        out[r + 1] = _mm512_reduce_add_ps(a1);
        out[r + 2] = _mm512_reduce_add_ps(a2);
        out[r + 3] = _mm512_reduce_add_ps(a3);
    }
    for (; r < n_rows; r++)
        out[r] = dot_avx512(query, rows + r * dim, dim);
}

/* nq (1..8, a constant once inlined) queries x 16 rows: one accumulator
 * per query, eight independent multiply-add chains. */
AVX512_INLINE void panel_avx512_group(const float *queries, size_t nq, const float *panel,
                                      const float *scale, size_t dim, const float *threshold,
                                      float *scores, uint32_t *above)
{
    __m512 acc[DOT_PANEL_QUERIES];
    UNROLL_QUERIES
    for (size_t i = 0; i < nq; i++)
        acc[i] = _mm512_setzero_ps();
    for (size_t d = 0; d < dim; d++) {
        __m512 p = _mm512_loadu_ps(panel + d * DOT_PANEL_ROWS);
        UNROLL_QUERIES
        for (size_t i = 0; i < nq; i++)
            acc[i] = _mm512_fmadd_ps(_mm512_set1_ps(queries[i * dim + d]), p, acc[i]);
    }
    __m512 s = _mm512_loadu_ps(scale);
    UNROLL_QUERIES
    for (size_t i = 0; i < nq; i++) {
        __m512 v = _mm512_mul_ps(acc[i], s);
        _mm512_storeu_ps(scores + i * DOT_PANEL_ROWS, v);
        above[i] = _mm512_cmp_ps_mask(v, _mm512_set1_ps(threshold[i]), _CMP_GE_OQ);
    }
}

AVX512_TARGET static void panel_avx512(const float *queries, size_t nq, const float *panel,
                                       const float *scale, size_t dim, const float *threshold,
                                       float *scores, uint32_t *above)
{
#define PANEL_AVX512_CASE(n) \
    case n: panel_avx512_group(queries, n, panel, scale, dim, threshold, scores, above); break
    switch (nq) {
    PANEL_AVX512_CASE(1);
    PANEL_AVX512_CASE(2);
    PANEL_AVX512_CASE(3);
    PANEL_AVX512_CASE(4);
    PANEL_AVX512_CASE(5);
    PANEL_AVX512_CASE(6);
    PANEL_AVX512_CASE(7);
    default: panel_avx512_group(queries, 8, panel, scale, dim, threshold, scores, above); break;
    }
#undef PANEL_AVX512_CASE
}

static const dot_kernel avx512_kernel = {"avx512", dot_avx512, dots_avx512, panel_avx512};

#endif

/* The variants by the instruction set they need (NULL: not built here). */
static const dot_kernel *const kernels_by_level[CPU_LEVELS] = {
    [CPU_BASELINE] = &scalar_kernel,
#ifdef DOT_HAVE_X86
    [CPU_AVX2_FMA] = &avx2_kernel,
    [CPU_AVX512F] = &avx512_kernel,
#endif
};

size_t dot_kernels_available(const dot_kernel **out, size_t max)
{
    size_t n = 0;
    for (int level = 0; level < CPU_LEVELS && n < max; level++)
        if (kernels_by_level[level] && cpu_runs((cpu_level)level))
            out[n++] = kernels_by_level[level];
    return n;
}

const dot_kernel *dot_kernel_best(void)
{
    for (int level = CPU_LEVELS - 1; level > CPU_BASELINE; level--)
        if (kernels_by_level[level] && cpu_runs((cpu_level)level))
            return kernels_by_level[level];
    return &scalar_kernel;
}
