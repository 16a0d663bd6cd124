/* Exact PCA to two dimensions.  The centred data X (n x d) has the same
 * nonzero spectrum in X^T X (d x d) and X X^T (n x n), so the smaller of
 * the two is diagonalised (Jacobi, eval_symmetric_eigen):
 *  - X^T X v = l v:  the coordinates are X v;
 *  - X X^T u = l u:  the coordinates are u sqrt(l) (X = U S V^T, X V = U S).
 * Either way each axis is then turned so that its largest coordinate is
 * positive, so both routes give the same picture. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "eval.h"
#include "plot.h"

/* Centred copy of the points, in double precision. */
static double *centred(const double *points, uint32_t n, uint32_t d)
{
    double *x = malloc((size_t)n * d * sizeof *x), *mean = calloc(d ? d : 1, sizeof *mean);
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
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < d; j++)
            x[(size_t)i * d + j] = points[(size_t)i * d + j] - mean[j];
    free(mean);
    return x;
}

/* The d x d scatter matrix X^T X (upper triangle computed, mirrored). */
static void scatter_matrix(const double *x, uint32_t n, uint32_t d, double *s)
{
    memset(s, 0, (size_t)d * d * sizeof *s);
    for (uint32_t i = 0; i < n; i++) {
        const double *row = x + (size_t)i * d;
        for (uint32_t j = 0; j < d; j++) {
            double *s_row = s + (size_t)j * d;
            for (uint32_t k = j; k < d; k++)
                s_row[k] += row[j] * row[k];
        }
    }
    for (uint32_t j = 0; j < d; j++)
        for (uint32_t k = 0; k < j; k++)
            s[(size_t)j * d + k] = s[(size_t)k * d + j];
}

/* The n x n Gram matrix X X^T. */
static void gram_matrix(const double *x, uint32_t n, uint32_t d, double *g)
{
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i; j < n; j++) {
            double dot = 0;
            for (uint32_t k = 0; k < d; k++)
                dot += x[(size_t)i * d + k] * x[(size_t)j * d + k];
            g[(size_t)i * n + j] = g[(size_t)j * n + i] = dot;
        }
}

/* Coordinates on axis `axis` (0 or 1) from eigenpair k of the matrix of
 * size m: projections X v (scatter) or u sqrt(l) (Gram). */
static void axis_coordinates(const double *x, uint32_t n, uint32_t d, int gram,
                             const double *values, const double *vectors, uint32_t m,
                             uint32_t k, uint32_t axis, double *xy)
{
    const double *vec = vectors + (size_t)k * m;
    for (uint32_t i = 0; i < n; i++) {
        double c = 0;
        if (gram) {
            c = vec[i] * sqrt(values[k] > 0 ? values[k] : 0);
        } else {
            for (uint32_t j = 0; j < d; j++)
                c += x[(size_t)i * d + j] * vec[j];
        }
        xy[2 * (size_t)i + axis] = c;
    }
}

/* Turns an axis so that its largest coordinate (the first of equal ones)
 * is positive: eigenvector signs are arbitrary, a map should not flip. */
static void orient_axis(double *xy, uint32_t n, uint32_t axis)
{
    double largest = 0;
    for (uint32_t i = 0; i < n; i++)
        if (fabs(xy[2 * (size_t)i + axis]) > fabs(largest))
            largest = xy[2 * (size_t)i + axis];
    if (largest < 0)
        for (uint32_t i = 0; i < n; i++)
            xy[2 * (size_t)i + axis] = -xy[2 * (size_t)i + axis];
}

static void fill_axes(const double *x, uint32_t n, uint32_t d, int gram, const double *values,
                      const double *vectors, uint32_t m, double *xy, double explained[2])
{
    double total = 0;
    for (uint32_t k = 0; k < m; k++)
        total += values[k] > 0 ? values[k] : 0; /* rounding noise around 0 */
    for (uint32_t axis = 0; axis < 2; axis++) {
        if (axis < m && total > 0) {
            axis_coordinates(x, n, d, gram, values, vectors, m, axis, axis, xy);
            orient_axis(xy, n, axis);
            explained[axis] = values[axis] > 0 ? values[axis] / total : 0;
        } else {
            for (uint32_t i = 0; i < n; i++)
                xy[2 * (size_t)i + axis] = 0;
            explained[axis] = 0;
        }
    }
}

i2v_status plot_pca(const double *points, uint32_t n, uint32_t dim, double *xy,
                    double explained[2], i2v_error *err)
{
    if (n == 0)
        return i2v_fail(err, I2V_ERR_EMPTY, "no point to project");
    int gram = n < dim;
    uint32_t m = gram ? n : dim;
    if (m > I2V_PCA_MAX_RANK)
        return i2v_fail(err, I2V_ERR_LIMIT,
                        "PCA of %u points of %u dimensions: the exact solver handles at most "
                        "%u points or dimensions; plot fewer points",
                        n, dim, I2V_PCA_MAX_RANK);
    double *x = centred(points, n, dim);
    double *matrix = malloc((size_t)m * m * sizeof *matrix);
    double *values = malloc(m * sizeof *values);
    double *vectors = malloc((size_t)m * m * sizeof *vectors);
    i2v_status st = I2V_OK;
    if (!x || !matrix || !values || !vectors) {
        st = i2v_fail_nomem(err, "computing principal components");
    } else {
        if (gram)
            gram_matrix(x, n, dim, matrix);
        else
            scatter_matrix(x, n, dim, matrix);
        st = eval_symmetric_eigen(matrix, m, values, vectors, err);
    }
    if (st == I2V_OK)
        fill_axes(x, n, dim, gram, values, vectors, m, xy, explained);
    free(x);
    free(matrix);
    free(values);
    free(vectors);
    return st;
}
