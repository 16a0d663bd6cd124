/* Effective dimension: how many principal components carry most of the
 * variance of the input vectors.  A 100-dimensional model whose vectors
 * live near a 10-dimensional subspace wastes most of its memory and query
 * time, and often trained too little. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "eval/eval.h"

/* A component's share must reach the target within rounding, or a share
 * of 1.0 could need every component because the last sums to 0.9999999. */
#define SHARE_SLACK 1e-12

/* Jacobi sweeps cost about 3 d^3 operations each: seconds at d = 1000,
 * hours at the library's 10,000. */
#define DIMS_MAX 2048u

/* The upper triangle of the covariance matrix (times items - 1, which
 * cancels out of every ratio), mirrored below.  Rows are centred in
 * double precision before the products. */
static i2v_status covariance(const i2v_model *m, double *cov, i2v_error *err)
{
    const uint32_t d = i2v_model_dim(m), n = i2v_model_size(m);
    const float *input = i2v_model_vector(m, 0);
    double *mean = calloc(d, sizeof *mean), *row = malloc(d * sizeof *row);
    if (!mean || !row) {
        free(mean);
        free(row);
        return i2v_fail_nomem(err, "computing the covariance");
    }
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < d; j++)
            mean[j] += input[(size_t)i * d + j];
    for (uint32_t j = 0; j < d; j++)
        mean[j] /= n;
    memset(cov, 0, (size_t)d * d * sizeof *cov);
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < d; j++)
            row[j] = input[(size_t)i * d + j] - mean[j];
        for (uint32_t j = 0; j < d; j++) {
            double *cov_row = cov + (size_t)j * d;
            for (uint32_t k = j; k < d; k++)
                cov_row[k] += row[j] * row[k];
        }
    }
    for (uint32_t j = 0; j < d; j++)
        for (uint32_t k = 0; k < j; k++)
            cov[(size_t)j * d + k] = cov[(size_t)k * d + j];
    free(mean);
    free(row);
    return I2V_OK;
}

/* Fills the report from the eigenvalues (descending). */
static i2v_status summarise(double *values, uint32_t d, double share, i2v_dims_eval *out,
                            i2v_error *err)
{
    double total = 0;
    for (uint32_t j = 0; j < d; j++) {
        if (values[j] < 0) /* rounding noise around a zero eigenvalue */
            values[j] = 0;
        total += values[j];
    }
    if (!(total > 0) || !isfinite(total))
        return i2v_fail(err, I2V_ERR_EMPTY, "the vectors have no variance to analyse");
    out->n_top = d < I2V_DIMS_TOP ? d : I2V_DIMS_TOP;
    for (uint32_t j = 0; j < out->n_top; j++)
        out->top[j] = values[j] / total;
    double cumulative = 0;
    out->components = d;
    for (uint32_t j = 0; j < d; j++) {
        cumulative += values[j] / total;
        if (cumulative >= share - SHARE_SLACK) {
            out->components = j + 1;
            break;
        }
    }
    return I2V_OK;
}

i2v_status i2v_eval_dims(const i2v_model *m, double share, i2v_dims_eval *out, i2v_error *err)
{
    const uint32_t n = i2v_model_size(m), dim = i2v_model_dim(m);
    memset(out, 0, sizeof *out);
    out->dim = dim;
    out->items = n;
    out->share = share;
    if (!(share > 0 && share <= 1))
        return i2v_fail(err, I2V_ERR_INVALID, "variance share %g is not in (0, 1]", share);
    if (n < 2)
        return i2v_fail(err, I2V_ERR_EMPTY, "a model of %u item%s has no variance to analyse",
                        n, n == 1 ? "" : "s");
    if (dim > DIMS_MAX)
        return i2v_fail(err, I2V_ERR_LIMIT,
                        "the effective dimension is computed for up to %u dimensions, "
                        "not %u", DIMS_MAX, dim);
    size_t d = dim;
    double *cov = malloc(d * d * sizeof *cov), *values = malloc(d * sizeof *values);
    i2v_status st = cov && values ? I2V_OK : i2v_fail_nomem(err, "computing the covariance");
    if (st == I2V_OK)
        st = covariance(m, cov, err);
    if (st == I2V_OK)
        st = eval_symmetric_eigenvalues(cov, dim, values, err);
    if (st == I2V_OK)
        st = summarise(values, dim, share, out, err);
    free(cov);
    free(values);
    return st;
}
