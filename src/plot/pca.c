/* PCA to two dimensions by subspace iteration.  Only the two leading
 * principal axes are wanted: a block of BLOCK orthonormal vectors Q is
 * multiplied by the covariance C of the centred data X (n x d) and
 * re-orthonormalised until the two leading Ritz pairs of C on that block
 * (the eigenpairs of Q^T C Q, by eval_symmetric_eigen) are eigenpairs of C
 * to rounding: || C u - l u || <= RESIDUAL_TOLERANCE l_1.  The extra
 * vectors of the block make the error shrink like (l_{BLOCK+1} / l_2)^k
 * rather than (l_3 / l_2)^k: trained embeddings take 50 to 150 steps.
 * When the block spans all of the data the first step is exact.
 *
 * C is formed (O(n d^2) once, then O(d^2 BLOCK) a step) unless that costs
 * more than applying it as X^T (X Q) (O(n d BLOCK) a step), that is when
 * d > 2 n, or takes too much memory. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "eval/eval.h"
#include "plot/plot.h"
#include "util/rng.h"

enum { BLOCK = 10, MAX_STEPS = 1000 };
#define COVARIANCE_MAX_DIM 2048u /* 32 MB of doubles */
#define RESIDUAL_TOLERANCE 1e-9
#define START_SEED 0x5ca1ab1eu /* the block's random start: fixed, maps must not vary */

typedef struct pca_work {
    const double *x;  /* n x d, centred */
    double *cov;      /* d x d covariance, or NULL: applied through x */
    uint32_t n, d, p; /* p = block size */
    double *q;        /* d x p, column k at q[k * d]: the orthonormal block */
    double *y;        /* d x p: C q */
    double *z;        /* n: scratch for X q_k */
    double b[BLOCK * BLOCK], values[BLOCK], vectors[BLOCK * BLOCK];
    i2v_rng rng;
} pca_work;

/* Centred copy of the points; *total gets the total variance (the trace
 * of the covariance). */
static double *centred(const double *points, uint32_t n, uint32_t d, double *total)
{
    double *x = malloc((size_t)n * d * sizeof *x), *mean = calloc(d, sizeof *mean);
    if (!x || !mean) {
        free(x);
        free(mean);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < d; j++)
            mean[j] += points[(size_t)i * d + j];
    for (uint32_t j = 0; j < d; j++)
        mean[j] /= n;
    *total = 0;
    for (size_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < d; j++) {
            x[i * d + j] = points[i * d + j] - mean[j];
            *total += x[i * d + j] * x[i * d + j] / n;
        }
    free(mean);
    return x;
}

/* The covariance X^T X / n (upper triangle computed, mirrored). */
static void covariance(pca_work *w)
{
    uint32_t n = w->n, d = w->d;
    double *c = w->cov;
    memset(c, 0, (size_t)d * d * sizeof *c);
    for (size_t i = 0; i < n; i++) {
        const double *row = w->x + i * d;
        for (uint32_t j = 0; j < d; j++)
            for (uint32_t k = j; k < d; k++)
                c[(size_t)j * d + k] += row[j] * row[k] / n;
    }
    for (uint32_t j = 0; j < d; j++)
        for (uint32_t k = 0; k < j; k++)
            c[(size_t)j * d + k] = c[(size_t)k * d + j];
}

static double dot(const double *a, const double *b, uint32_t d);

/* out = C v, with C itself or as X^T (X v) / n. */
static void covariance_times(const pca_work *w, const double *v, double *out)
{
    uint32_t n = w->n, d = w->d;
    if (w->cov) {
        for (uint32_t j = 0; j < d; j++)
            out[j] = dot(w->cov + (size_t)j * d, v, d);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        double dot = 0;
        for (uint32_t j = 0; j < d; j++)
            dot += w->x[i * d + j] * v[j];
        w->z[i] = dot;
    }
    memset(out, 0, d * sizeof *out);
    for (size_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < d; j++)
            out[j] += w->x[i * d + j] * w->z[i] / n;
}

static double dot(const double *a, const double *b, uint32_t d)
{
    double sum = 0;
    for (uint32_t j = 0; j < d; j++)
        sum += a[j] * b[j];
    return sum;
}

/* Column k of q made orthogonal to columns 0..k-1 and of unit length
 * (Gram-Schmidt, twice, which is enough for full precision).  A column
 * that vanishes (the data has fewer directions than the block) is
 * replaced by a random one, so the block always stays a basis. */
static void orthonormalise_column(pca_work *w, uint32_t k)
{
    uint32_t d = w->d;
    double *col = w->q + (size_t)k * d;
    for (;;) {
        double before = sqrt(dot(col, col, d));
        for (int pass = 0; pass < 2; pass++)
            for (uint32_t l = 0; l < k; l++) {
                const double *other = w->q + (size_t)l * d;
                double c = dot(col, other, d);
                for (uint32_t j = 0; j < d; j++)
                    col[j] -= c * other[j];
            }
        double norm = sqrt(dot(col, col, d));
        if (norm > 1e-10 * before && norm > 0) {
            for (uint32_t j = 0; j < d; j++)
                col[j] /= norm;
            return;
        }
        for (uint32_t j = 0; j < d; j++) /* lost: a fresh direction */
            col[j] = i2v_rng_float(&w->rng) - 0.5;
    }
}

static void orthonormalise(pca_work *w)
{
    for (uint32_t k = 0; k < w->p; k++)
        orthonormalise_column(w, k);
}

/* Rayleigh-Ritz: the eigenpairs of B = Q^T C Q (C Q is in y). */
static i2v_status ritz(pca_work *w, i2v_error *err)
{
    uint32_t p = w->p, d = w->d;
    for (uint32_t a = 0; a < p; a++)
        for (uint32_t b = a; b < p; b++)
            w->b[a * p + b] = w->b[b * p + a] = dot(w->q + (size_t)a * d, w->y + (size_t)b * d, d);
    return eval_symmetric_eigen(w->b, p, w->values, w->vectors, err);
}

/* Ritz vector k (Q times eigenvector k of B) into u; the residual norm
 * || C u - l u || (C u = Y times the eigenvector) is returned. */
static double ritz_vector(const pca_work *w, uint32_t k, double *u)
{
    uint32_t p = w->p, d = w->d;
    double residual = 0;
    for (uint32_t j = 0; j < d; j++) {
        double uj = 0, cuj = 0;
        for (uint32_t a = 0; a < p; a++) {
            uj += w->q[(size_t)a * d + j] * w->vectors[k * p + a];
            cuj += w->y[(size_t)a * d + j] * w->vectors[k * p + a];
        }
        u[j] = uj;
        residual += (cuj - w->values[k] * uj) * (cuj - w->values[k] * uj);
    }
    return sqrt(residual);
}

/* Iterates until the two leading Ritz pairs are eigenpairs (or MAX_STEPS:
 * then the two leading eigenvalues are barely apart from the rest, and
 * the plane found holds nearly as much variance as the best one).
 * axes[2 * d] gets the two axes; values[0..1] their variances. */
static i2v_status leading_axes(pca_work *w, double *axes, i2v_error *err)
{
    uint32_t d = w->d;
    for (size_t k = 0; k < (size_t)w->p * d; k++)
        w->q[k] = i2v_rng_float(&w->rng) - 0.5;
    orthonormalise(w);
    for (int step = 0;; step++) {
        for (uint32_t k = 0; k < w->p; k++)
            covariance_times(w, w->q + (size_t)k * d, w->y + (size_t)k * d);
        i2v_status st = ritz(w, err);
        if (st != I2V_OK)
            return st;
        double r0 = ritz_vector(w, 0, axes), r1 = ritz_vector(w, 1, axes + d);
        double scale = w->values[0] > 0 ? w->values[0] : 1;
        if ((r0 <= RESIDUAL_TOLERANCE * scale && r1 <= RESIDUAL_TOLERANCE * scale) ||
            step == MAX_STEPS)
            return I2V_OK;
        memcpy(w->q, w->y, (size_t)w->p * d * sizeof *w->q);
        orthonormalise(w);
    }
}

/* Coordinates on axis `axis` (0 or 1), turned so that the largest one
 * (the first of equal ones) is positive: an eigenvector's sign is
 * arbitrary, a map should not flip. */
static void project_on_axis(const double *x, uint32_t n, uint32_t d, const double *axis_vector,
                            uint32_t axis, double *xy)
{
    double largest = 0;
    for (size_t i = 0; i < n; i++) {
        double c = dot(x + i * d, axis_vector, d);
        xy[2 * i + axis] = c;
        if (fabs(c) > fabs(largest))
            largest = c;
    }
    if (largest < 0)
        for (size_t i = 0; i < n; i++)
            xy[2 * i + axis] = -xy[2 * i + axis];
}

i2v_status plot_pca(const double *points, uint32_t n, uint32_t dim, double *xy,
                    double explained[2], i2v_error *err)
{
    if (n == 0 || dim == 0)
        return i2v_fail(err, I2V_ERR_EMPTY, "no point to project");
    double total = 0;
    pca_work w = {.n = n, .d = dim, .p = dim < BLOCK ? dim : BLOCK,
                  .rng = i2v_rng_seeded(START_SEED, 0)};
    w.x = centred(points, n, dim, &total);
    w.q = malloc((size_t)w.p * dim * sizeof *w.q);
    w.y = malloc((size_t)w.p * dim * sizeof *w.y);
    w.z = malloc(n * sizeof *w.z);
    int explicit = dim <= COVARIANCE_MAX_DIM && dim <= 2 * (uint64_t)n;
    if (explicit)
        w.cov = malloc((size_t)dim * dim * sizeof *w.cov);
    double *axes = calloc(2 * (size_t)dim, sizeof *axes);
    i2v_status st = w.x && w.q && w.y && w.z && axes && (w.cov || !explicit)
                        ? I2V_OK
                        : i2v_fail_nomem(err, "computing principal components");
    memset(xy, 0, 2 * (size_t)n * sizeof *xy);
    explained[0] = explained[1] = 0;
    if (st == I2V_OK && total > 0 && w.cov)
        covariance(&w);
    if (st == I2V_OK && total > 0)
        st = leading_axes(&w, axes, err);
    for (uint32_t axis = 0; st == I2V_OK && total > 0 && axis < 2 && axis < w.p; axis++) {
        project_on_axis(w.x, n, dim, axes + (size_t)axis * dim, axis, xy);
        explained[axis] = w.values[axis] > 0 ? w.values[axis] / total : 0;
    }
    free((double *)w.x);
    free(w.q);
    free(w.y);
    free(w.z);
    free(w.cov);
    free(axes);
    return st;
}
