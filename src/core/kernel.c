/* SGNS block kernels: a reference (plain loops, exact sigmoid), and SIMD
 * variants for AVX2+FMA and AVX-512 chosen at run time from the CPU's
 * features, so the default build runs on any x86-64 and is fast on new
 * ones.  Every variant computes the same thing in the same order of
 * phases:
 *   1. f_ij = in_i . out_j for all pairs of the block;
 *   2. g_ij = alpha * (label_j - sigmoid(f_ij));
 *   3. grad_i = sum_j g_ij out_j (old output rows, kept in scratch);
 *   4. out_j += sum_i g_ij in_i (old input rows);
 *   5. in_i += grad_i.
 * Variants differ from the reference only in summation order (float
 * rounding), which tests bound. */
#include "core/kernel.h"

#include "util/cpu.h"
#include "util/vec.h"

#include <math.h>
#include <stddef.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define I2V_X86 1
#endif

/* Beyond this |f| the sigmoid is 0 or 1 to float precision for the
 * gradient's purpose; word2vec clips at 6, which loses gradient on large
 * scores, so we clip far later and only to keep expf finite. */
#define SIGMOID_CLIP 30.0f

/* -log(sigmoid(x)), stable for large |x|. */
static double neg_log_sigmoid(double x)
{
    return x > 0 ? log1p(exp(-x)) : -x + log1p(exp(x));
}

/* Phase 2 for all variants; returns the block's loss when asked.  Always
 * inlined, so it is compiled for the instruction set of the kernel that
 * calls it: once six callers made the compiler keep it as one generic
 * function, calling it from the AVX-512 kernel made training six times
 * slower (measured on Brown). */
static inline __attribute__((always_inline)) double gradients(float *g, uint32_t n_in,
                                                             uint32_t n_out, float alpha,
                                                             int want_loss)
{
    double loss = 0;
    for (uint32_t i = 0; i < n_in; i++)
        for (uint32_t j = 0; j < n_out; j++) {
            float *gij = &g[(size_t)i * n_out + j];
            float f = *gij;
            if (want_loss)
                loss += neg_log_sigmoid(j == 0 ? f : -f);
            if (f > SIGMOID_CLIP)
                f = SIGMOID_CLIP;
            else if (f < -SIGMOID_CLIP)
                f = -SIGMOID_CLIP;
            float sigma = 1.0f / (1.0f + expf(-f));
            *gij = ((j == 0 ? 1.0f : 0.0f) - sigma) * alpha;
        }
    return loss;
}

static double reference_block(float *const *in, uint32_t n_in, float *const *out, uint32_t n_out,
                              uint32_t dim, float alpha, float *scratch, int want_loss)
{
    float *grad_in = scratch;                     /* n_in x dim */
    float *g = scratch + (size_t)n_in * dim;      /* n_in x n_out */
    for (uint32_t i = 0; i < n_in; i++)
        for (uint32_t j = 0; j < n_out; j++) {
            g[(size_t)i * n_out + j] = vec_dot(in[i], out[j], dim);
        }
    double loss = gradients(g, n_in, n_out, alpha, want_loss);
    for (uint32_t i = 0; i < n_in; i++) {
        float *gi = grad_in + (size_t)i * dim;
        for (uint32_t k = 0; k < dim; k++)
            gi[k] = 0;
        for (uint32_t j = 0; j < n_out; j++) {
            float gij = g[(size_t)i * n_out + j];
            for (uint32_t k = 0; k < dim; k++)
                gi[k] += gij * out[j][k];
        }
    }
    for (uint32_t j = 0; j < n_out; j++)
        for (uint32_t i = 0; i < n_in; i++) {
            float gij = g[(size_t)i * n_out + j];
            for (uint32_t k = 0; k < dim; k++)
                out[j][k] += gij * in[i][k];
        }
    for (uint32_t i = 0; i < n_in; i++)
        for (uint32_t k = 0; k < dim; k++)
            in[i][k] += grad_in[(size_t)i * dim + k];
    return loss;
}

/* CBOW: h = mean of the inputs; g_j from h . out_j; the output rows
 * move by g_j h, every input by sum_j g_j out_j (old output rows). */
static double reference_cbow(float *const *in, uint32_t n_in, float *const *out, uint32_t n_out,
                             uint32_t dim, float alpha, float *scratch, int want_loss)
{
    float *h = scratch, *grad = scratch + dim, *g = scratch + 2 * (size_t)dim;
    float share = 1.0f / (float)n_in;
    for (uint32_t k = 0; k < dim; k++) {
        float sum = 0;
        for (uint32_t i = 0; i < n_in; i++)
            sum += in[i][k];
        h[k] = sum * share;
    }
    for (uint32_t j = 0; j < n_out; j++)
        g[j] = vec_dot(h, out[j], dim);
    double loss = gradients(g, 1, n_out, alpha, want_loss);
    for (uint32_t k = 0; k < dim; k++) {
        float sum = 0;
        for (uint32_t j = 0; j < n_out; j++)
            sum += g[j] * out[j][k];
        grad[k] = sum;
    }
    for (uint32_t j = 0; j < n_out; j++)
        for (uint32_t k = 0; k < dim; k++)
            out[j][k] += g[j] * h[k];
    for (uint32_t i = 0; i < n_in; i++)
        for (uint32_t k = 0; k < dim; k++)
            in[i][k] += grad[k];
    return loss;
}

static const sgns_kernel reference_kernel = {"reference", reference_block, reference_cbow};

const sgns_kernel *sgns_kernel_reference(void) { return &reference_kernel; }

#ifdef I2V_X86

/* ---- AVX2 + FMA: 8 floats a step, scalar tail ------------------------- */

__attribute__((target("avx2,fma"))) static float hsum256(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma"))) static float dot_avx2(const float *a, const float *b,
                                                           uint32_t dim)
{
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    uint32_t k = 0;
    for (; k + 16 <= dim; k += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k + 8), _mm256_loadu_ps(b + k + 8), acc1);
    }
    for (; k + 8 <= dim; k += 8)
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k), acc0);
    float f = hsum256(_mm256_add_ps(acc0, acc1));
    for (; k < dim; k++)
        f += a[k] * b[k];
    return f;
}

/* y = (add ? y : 0) + sum_r coef[r * stride] * rows[r], for one row y.
 * Writing y whole (rather than zeroing it first) also avoids narrow stores
 * followed by wide loads, which stall on store forwarding. */
__attribute__((target("avx2,fma"))) static void combine_avx2(float *y, float *const *rows,
                                                              const float *coef, size_t stride,
                                                              uint32_t n, uint32_t dim, int add)
{
    uint32_t k = 0;
    for (; k + 8 <= dim; k += 8) {
        __m256 acc = add ? _mm256_loadu_ps(y + k) : _mm256_setzero_ps();
        for (uint32_t r = 0; r < n; r++)
            acc = _mm256_fmadd_ps(_mm256_set1_ps(coef[r * stride]), _mm256_loadu_ps(rows[r] + k), acc);
        _mm256_storeu_ps(y + k, acc);
    }
    for (; k < dim; k++) {
        float acc = add ? y[k] : 0.0f;
        for (uint32_t r = 0; r < n; r++)
            acc += coef[r * stride] * rows[r][k];
        y[k] = acc;
    }
}

__attribute__((target("avx2,fma"))) static double avx2_block(float *const *in, uint32_t n_in,
                                                              float *const *out, uint32_t n_out,
                                                              uint32_t dim, float alpha,
                                                              float *scratch, int want_loss)
{
    float *grad_in = scratch;
    float *g = scratch + (size_t)n_in * dim;
    for (uint32_t i = 0; i < n_in; i++)
        for (uint32_t j = 0; j < n_out; j++)
            g[(size_t)i * n_out + j] = dot_avx2(in[i], out[j], dim);
    double loss = gradients(g, n_in, n_out, alpha, want_loss);
    for (uint32_t i = 0; i < n_in; i++)
        combine_avx2(grad_in + (size_t)i * dim, out, g + (size_t)i * n_out, 1, n_out, dim, 0);
    for (uint32_t j = 0; j < n_out; j++)
        combine_avx2(out[j], in, g + j, n_out, n_in, dim, 1);
    for (uint32_t i = 0; i < n_in; i++) {
        float *gi = grad_in + (size_t)i * dim;
        float *row = in[i];
        uint32_t k = 0;
        for (; k + 8 <= dim; k += 8)
            _mm256_storeu_ps(row + k, _mm256_add_ps(_mm256_loadu_ps(row + k), _mm256_loadu_ps(gi + k)));
        for (; k < dim; k++)
            row[k] += gi[k];
    }
    return loss;
}

__attribute__((target("avx2,fma"))) static void add_to_rows_avx2(float *const *rows, uint32_t n,
                                                                  const float *v, uint32_t dim)
{
    for (uint32_t i = 0; i < n; i++) {
        float *row = rows[i];
        uint32_t k = 0;
        for (; k + 8 <= dim; k += 8)
            _mm256_storeu_ps(row + k, _mm256_add_ps(_mm256_loadu_ps(row + k), _mm256_loadu_ps(v + k)));
        for (; k < dim; k++)
            row[k] += v[k];
    }
}

__attribute__((target("avx2,fma"))) static double avx2_cbow(float *const *in, uint32_t n_in,
                                                             float *const *out, uint32_t n_out,
                                                             uint32_t dim, float alpha,
                                                             float *scratch, int want_loss)
{
    float *h = scratch, *grad = scratch + dim, *g = scratch + 2 * (size_t)dim;
    float *share = g + n_out;
    for (uint32_t i = 0; i < n_in; i++)
        share[i] = 1.0f / (float)n_in;
    combine_avx2(h, in, share, 1, n_in, dim, 0);
    for (uint32_t j = 0; j < n_out; j++)
        g[j] = dot_avx2(h, out[j], dim);
    double loss = gradients(g, 1, n_out, alpha, want_loss);
    combine_avx2(grad, out, g, 1, n_out, dim, 0);
    float *const hrow[1] = {h};
    for (uint32_t j = 0; j < n_out; j++)
        combine_avx2(out[j], hrow, g + j, 1, 1, dim, 1);
    add_to_rows_avx2(in, n_in, grad, dim);
    return loss;
}

static const sgns_kernel avx2_kernel = {"avx2", avx2_block, avx2_cbow};

/* ---- AVX-512: 16 floats a step, masked tail ---------------------------- */

__attribute__((target("avx512f"))) static float dot_avx512(const float *a, const float *b,
                                                            uint32_t dim)
{
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    uint32_t k = 0;
    for (; k + 32 <= dim; k += 32) {
        acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + k), _mm512_loadu_ps(b + k), acc0);
        acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + k + 16), _mm512_loadu_ps(b + k + 16), acc1);
    }
    for (; k + 16 <= dim; k += 16)
        acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + k), _mm512_loadu_ps(b + k), acc0);
    if (k < dim) {
        __mmask16 m = (__mmask16)((1u << (dim - k)) - 1);
        acc1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + k), _mm512_maskz_loadu_ps(m, b + k), acc1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

__attribute__((target("avx512f"))) static void combine_avx512(float *y, float *const *rows,
                                                               const float *coef, size_t stride,
                                                               uint32_t n, uint32_t dim, int add)
{
    uint32_t k = 0;
    for (; k + 16 <= dim; k += 16) {
        __m512 acc = add ? _mm512_loadu_ps(y + k) : _mm512_setzero_ps();
        for (uint32_t r = 0; r < n; r++)
            acc = _mm512_fmadd_ps(_mm512_set1_ps(coef[r * stride]), _mm512_loadu_ps(rows[r] + k), acc);
        _mm512_storeu_ps(y + k, acc);
    }
    if (k < dim) {
        __mmask16 m = (__mmask16)((1u << (dim - k)) - 1);
        __m512 acc = add ? _mm512_maskz_loadu_ps(m, y + k) : _mm512_setzero_ps();
        for (uint32_t r = 0; r < n; r++)
            acc = _mm512_fmadd_ps(_mm512_set1_ps(coef[r * stride]),
                                  _mm512_maskz_loadu_ps(m, rows[r] + k), acc);
        _mm512_mask_storeu_ps(y + k, m, acc);
    }
}

__attribute__((target("avx512f"))) static double avx512_block(float *const *in, uint32_t n_in,
                                                               float *const *out, uint32_t n_out,
                                                               uint32_t dim, float alpha,
                                                               float *scratch, int want_loss)
{
    float *grad_in = scratch;
    float *g = scratch + (size_t)n_in * dim;
    for (uint32_t i = 0; i < n_in; i++)
        for (uint32_t j = 0; j < n_out; j++)
            g[(size_t)i * n_out + j] = dot_avx512(in[i], out[j], dim);
    double loss = gradients(g, n_in, n_out, alpha, want_loss);
    for (uint32_t i = 0; i < n_in; i++)
        combine_avx512(grad_in + (size_t)i * dim, out, g + (size_t)i * n_out, 1, n_out, dim, 0);
    for (uint32_t j = 0; j < n_out; j++)
        combine_avx512(out[j], in, g + j, n_out, n_in, dim, 1);
    for (uint32_t i = 0; i < n_in; i++) {
        float *gi = grad_in + (size_t)i * dim;
        float *row = in[i];
        uint32_t k = 0;
        for (; k + 16 <= dim; k += 16)
            _mm512_storeu_ps(row + k, _mm512_add_ps(_mm512_loadu_ps(row + k), _mm512_loadu_ps(gi + k)));
        if (k < dim) {
            __mmask16 m = (__mmask16)((1u << (dim - k)) - 1);
            _mm512_mask_storeu_ps(row + k, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, row + k),
                                                            _mm512_maskz_loadu_ps(m, gi + k)));
        }
    }
    return loss;
}

__attribute__((target("avx512f"))) static void add_to_rows_avx512(float *const *rows, uint32_t n,
                                                                   const float *v, uint32_t dim)
{
    for (uint32_t i = 0; i < n; i++) {
        float *row = rows[i];
        uint32_t k = 0;
        for (; k + 16 <= dim; k += 16)
            _mm512_storeu_ps(row + k, _mm512_add_ps(_mm512_loadu_ps(row + k), _mm512_loadu_ps(v + k)));
        if (k < dim) {
            __mmask16 m = (__mmask16)((1u << (dim - k)) - 1);
            _mm512_mask_storeu_ps(row + k, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, row + k),
                                                            _mm512_maskz_loadu_ps(m, v + k)));
        }
    }
}

__attribute__((target("avx512f"))) static double avx512_cbow(float *const *in, uint32_t n_in,
                                                              float *const *out, uint32_t n_out,
                                                              uint32_t dim, float alpha,
                                                              float *scratch, int want_loss)
{
    float *h = scratch, *grad = scratch + dim, *g = scratch + 2 * (size_t)dim;
    float *share = g + n_out;
    for (uint32_t i = 0; i < n_in; i++)
        share[i] = 1.0f / (float)n_in;
    combine_avx512(h, in, share, 1, n_in, dim, 0);
    for (uint32_t j = 0; j < n_out; j++)
        g[j] = dot_avx512(h, out[j], dim);
    double loss = gradients(g, 1, n_out, alpha, want_loss);
    combine_avx512(grad, out, g, 1, n_out, dim, 0);
    float *const hrow[1] = {h};
    for (uint32_t j = 0; j < n_out; j++)
        combine_avx512(out[j], hrow, g + j, 1, 1, dim, 1);
    add_to_rows_avx512(in, n_in, grad, dim);
    return loss;
}

static const sgns_kernel avx512_kernel = {"avx512", avx512_block, avx512_cbow};

#endif /* I2V_X86 */

/* The variants by the instruction set they need (NULL: not built here). */
static const sgns_kernel *const kernels_by_level[CPU_LEVELS] = {
    [CPU_BASELINE] = &reference_kernel,
#ifdef I2V_X86
    [CPU_AVX2_FMA] = &avx2_kernel,
    [CPU_AVX512F] = &avx512_kernel,
#endif
};

size_t sgns_kernels_available(const sgns_kernel **out, size_t max)
{
    size_t n = 0;
    for (int level = 0; level < CPU_LEVELS && n < max; level++)
        if (kernels_by_level[level] && cpu_runs((cpu_level)level))
            out[n++] = kernels_by_level[level];
    return n;
}

const sgns_kernel *sgns_kernel_best(void)
{
    for (int level = CPU_LEVELS - 1; level > CPU_BASELINE; level--)
        if (kernels_by_level[level] && cpu_runs((cpu_level)level))
            return kernels_by_level[level];
    return &reference_kernel;
}
