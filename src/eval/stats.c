/* Correlations, dot products and a symmetric eigen-solver: the arithmetic
 * behind the evaluation reports.  Everything statistical is in double
 * precision, whatever the model stores. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "eval/eval.h"

/* The largest magnitude of v: 0 when every value is 0. */
static double largest(const double *v, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fabs(v[i]) > m ? fabs(v[i]) : m;
    return m;
}

double i2v_pearson(const double *x, const double *y, size_t n)
{
    if (n < 2)
        return NAN;
    /* Each series scaled by the power of two that brings its largest
     * magnitude into [0.5, 1): exact, so no digit is lost, and sums of
     * values near 1e308 cannot overflow nor squares of denormals vanish;
     * r does not change with the scale.  Two passes (means first): the
     * one-pass sum-of-squares formula loses every digit when the values
     * are large and close together. */
    double ax = largest(x, n), ay = largest(y, n);
    if (ax == 0 || ay == 0 || !isfinite(ax) || !isfinite(ay))
        return NAN;
    int ex, ey;
    frexp(ax, &ex);
    frexp(ay, &ey);
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) {
        mx += ldexp(x[i], -ex);
        my += ldexp(y[i], -ey);
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = ldexp(x[i], -ex) - mx, dy = ldexp(y[i], -ey) - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (sxx == 0 || syy == 0)
        return NAN;
    double r = sxy / (sqrt(sxx) * sqrt(syy));
    /* Rounding may push a perfect correlation a hair past 1; and no
     * correlation is reported as -0. */
    return r > 1 ? 1 : r < -1 ? -1 : r == 0 ? 0 : r;
}

typedef struct ranked {
    double value;
    size_t index;
} ranked;

static int by_value(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    return (a->value > b->value) - (a->value < b->value);
}

/* rank[i] = 1-based rank of v[i]; a run of equal values gets the mean of
 * the ranks it spans (the "fractional" ranking Spearman's rho needs). */
static int average_ranks(const double *v, size_t n, double *rank)
{
    ranked *order = malloc(n * sizeof *order);
    if (!order)
        return -1;
    for (size_t i = 0; i < n; i++)
        order[i] = (ranked){v[i], i};
    qsort(order, n, sizeof *order, by_value);
    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        while (end < n && order[end].value == order[start].value)
            end++;
        double mean_rank = (double)(start + 1 + end) / 2.0; /* ranks start+1..end */
        for (size_t i = start; i < end; i++)
            rank[order[i].index] = mean_rank;
        start = end;
    }
    free(order);
    return 0;
}

i2v_status eval_spearman(const double *x, const double *y, size_t n, double *rho,
                         i2v_error *err)
{
    *rho = NAN;
    if (n < 2)
        return I2V_OK;
    double *rx = malloc(n * sizeof *rx), *ry = malloc(n * sizeof *ry);
    i2v_status st = I2V_OK;
    if (rx && ry && average_ranks(x, n, rx) == 0 && average_ranks(y, n, ry) == 0)
        *rho = i2v_pearson(rx, ry, n);
    else
        st = i2v_fail_nomem(err, "ranking scores");
    free(rx);
    free(ry);
    return st;
}

double i2v_spearman(const double *x, const double *y, size_t n)
{
    double rho;
    eval_spearman(x, y, n, &rho, NULL);
    return rho;
}

double eval_input_norm(const i2v_model *m, uint32_t i)
{
    return i2v_model_norm(m, i);
}

/* ---- cyclic Jacobi --------------------------------------------------- */

enum { JACOBI_MAX_SWEEPS = 100 };

static double off_diagonal_squares(const double *a, uint32_t n)
{
    double sum = 0;
    for (uint32_t p = 0; p < n; p++)
        for (uint32_t q = p + 1; q < n; q++)
            sum += a[(size_t)p * n + q] * a[(size_t)p * n + q];
    return sum;
}

/* Zeroes a[p][q] by a plane rotation A <- J^T A J and, when v is not
 * NULL, accumulates the rotation into the eigenvector matrix V <- V J
 * (columns of V are the eigenvectors of the original matrix).  t is the
 * smaller root of t^2 + 2 t theta - 1 = 0, which keeps the rotation angle
 * under pi/4 and the method stable. */
static void rotate(double *a, double *v, uint32_t n, uint32_t p, uint32_t q)
{
    double apq = a[(size_t)p * n + q];
    double app = a[(size_t)p * n + p], aqq = a[(size_t)q * n + q];
    double theta = (aqq - app) / (2 * apq);
    double t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1));
    double c = 1 / sqrt(t * t + 1), s = t * c;
    for (uint32_t r = 0; r < n; r++) {
        if (r == p || r == q)
            continue;
        double arp = a[(size_t)r * n + p], arq = a[(size_t)r * n + q];
        double new_rp = c * arp - s * arq, new_rq = s * arp + c * arq;
        a[(size_t)r * n + p] = a[(size_t)p * n + r] = new_rp;
        a[(size_t)r * n + q] = a[(size_t)q * n + r] = new_rq;
    }
    a[(size_t)p * n + p] = app - t * apq;
    a[(size_t)q * n + q] = aqq + t * apq;
    a[(size_t)p * n + q] = a[(size_t)q * n + p] = 0;
    for (uint32_t r = 0; v && r < n; r++) {
        double vrp = v[(size_t)r * n + p], vrq = v[(size_t)r * n + q];
        v[(size_t)r * n + p] = c * vrp - s * vrq;
        v[(size_t)r * n + q] = s * vrp + c * vrq;
    }
}

typedef struct eigen_index {
    double value;
    uint32_t column;
} eigen_index;

/* Descending by value; equal values keep their column order, so the
 * output never depends on qsort's handling of ties. */
static int descending(const void *pa, const void *pb)
{
    const eigen_index *a = pa, *b = pb;
    if (a->value != b->value)
        return (a->value < b->value) - (a->value > b->value);
    return (a->column > b->column) - (a->column < b->column);
}

/* Row k of `vectors` gets column order[k] of v, its sign chosen so that
 * its largest component (the first of equal ones) is positive: an
 * eigenvector's sign is arbitrary, a plot's orientation should not be. */
static void store_vectors(const double *v, uint32_t n, const eigen_index *order, double *vectors)
{
    for (uint32_t k = 0; k < n; k++) {
        double *row = vectors + (size_t)k * n, largest = 0;
        for (uint32_t r = 0; r < n; r++) {
            row[r] = v[(size_t)r * n + order[k].column];
            if (fabs(row[r]) > fabs(largest))
                largest = row[r];
        }
        if (largest < 0)
            for (uint32_t r = 0; r < n; r++)
                row[r] = -row[r];
    }
}

static i2v_status jacobi_sweeps(double *a, double *v, uint32_t n, i2v_error *err)
{
    double scale = 0;
    for (size_t i = 0; i < (size_t)n * n; i++)
        scale += a[i] * a[i];
    /* Converged when the off-diagonal mass is at rounding level of the
     * whole matrix (the Frobenius norm is invariant under rotations). */
    double tolerance = scale * 1e-30;
    int sweep = 0;
    while (off_diagonal_squares(a, n) > tolerance) {
        if (++sweep > JACOBI_MAX_SWEEPS)
            return i2v_fail(err, I2V_ERR_LIMIT,
                            "the eigenvalues did not converge in %d Jacobi sweeps",
                            JACOBI_MAX_SWEEPS);
        for (uint32_t p = 0; p < n; p++)
            for (uint32_t q = p + 1; q < n; q++)
                if (a[(size_t)p * n + q] != 0)
                    rotate(a, v, n, p, q);
    }
    return I2V_OK;
}

i2v_status eval_symmetric_eigen(double *a, uint32_t n, double *values, double *vectors,
                                i2v_error *err)
{
    double *v = NULL;
    eigen_index *order = malloc((n ? n : 1) * sizeof *order);
    if (order && vectors) {
        v = calloc(n ? (size_t)n * n : 1, sizeof *v);
        for (uint32_t i = 0; v && i < n; i++)
            v[(size_t)i * n + i] = 1;
    }
    if (!order || (vectors && !v)) {
        free(order);
        free(v);
        return i2v_fail_nomem(err, "computing eigenvectors");
    }
    i2v_status st = jacobi_sweeps(a, v, n, err);
    if (st == I2V_OK) {
        for (uint32_t i = 0; i < n; i++)
            order[i] = (eigen_index){a[(size_t)i * n + i], i};
        qsort(order, n, sizeof *order, descending);
        for (uint32_t k = 0; k < n; k++)
            values[k] = order[k].value;
        if (vectors)
            store_vectors(v, n, order, vectors);
    }
    free(order);
    free(v);
    return st;
}

i2v_status eval_symmetric_eigenvalues(double *a, uint32_t n, double *values, i2v_error *err)
{
    return eval_symmetric_eigen(a, n, values, NULL, err);
}
