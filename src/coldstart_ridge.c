/* Fits that map a bag of features to the embedding space.
 *
 * Ridge regression solves (X'X + lambda I) W = X'Y for W (cols x dim).
 * X is binary and sparse: an item has a handful of features among many.
 *
 *  - Cholesky: X'X is formed densely (each row adds 1 to the pairs of its
 *    columns), factored as L L', and the dim right-hand sides are solved
 *    together.  Exact, and fast while cols^3 / 6 multiply-adds and
 *    cols^2 doubles are small: up to I2V_COLDSTART_DENSE_FEATURES columns
 *    (about 1.4e9 multiply-adds and 32 MB at 2048).
 *  - Conjugate gradient: never forms X'X.  (X'X + lambda I) P is computed
 *    row by row as X'(XP) + lambda P in 2 x nnz(X) x dim multiply-adds,
 *    and memory stays O(cols x dim).  The diagonal of X'X is the number of
 *    items carrying each feature, which spans orders of magnitude between
 *    a category and a rare tag: dividing by it (Jacobi preconditioner)
 *    evens the spectrum out, and iterations fall from thousands to tens.
 *    The dim columns are independent systems with the same matrix; they
 *    share each product and keep their own step sizes.
 *
 * Everything is in double: the normal equations square the condition
 * number, and float targets lose nothing by being widened. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "coldstart.h"
#include "error.h"

/* ---- shared -------------------------------------------------------- */

/* X'Y: row c is the sum of the targets of the rows that have column c. */
static void add_xt_y(const coldstart_design *x, double *xty)
{
    const uint32_t d = x->dim;
    for (uint32_t r = 0; r < x->rows; r++) {
        const float *y = x->target + (size_t)r * d;
        for (uint64_t k = x->row_start[r]; k < x->row_start[r + 1]; k++) {
            double *out = xty + (size_t)x->col[k] * d;
            for (uint32_t j = 0; j < d; j++)
                out[j] += y[j];
        }
    }
}

static double *zeroed_doubles(size_t n)
{
    return calloc(n ? n : 1, sizeof(double));
}

void coldstart_predict(const double *weights, uint32_t dim, const uint32_t *col, size_t n,
                       double *out)
{
    memset(out, 0, (size_t)dim * sizeof *out);
    for (size_t k = 0; k < n; k++) {
        const double *w = weights + (size_t)col[k] * dim;
        for (uint32_t j = 0; j < dim; j++)
            out[j] += w[j];
    }
}

/* ---- feature means ------------------------------------------------- */

/* Column 0 is every row's: its weights are the mean target.  Every other
 * column's are the mean deviation from it of the rows that have the
 * column.  Without the centring, a feature carried by unrelated items
 * (a noise tag) would average to the direction all vectors share and pull
 * every item that has it towards the same place. */
i2v_status coldstart_fit_mean(const coldstart_design *x, double *weights, i2v_error *err)
{
    const uint32_t d = x->dim;
    uint64_t *carriers = calloc(x->cols ? x->cols : 1, sizeof *carriers);
    if (!carriers)
        return i2v_fail_nomem(err, "counting the items of each feature");
    memset(weights, 0, (size_t)x->cols * d * sizeof *weights);
    add_xt_y(x, weights);
    for (uint64_t k = 0; k < x->row_start[x->rows]; k++)
        carriers[x->col[k]]++;
    for (uint32_t c = 0; c < x->cols; c++) { /* column 0 first: the mean */
        if (carriers[c] == 0)
            continue;
        double *w = weights + (size_t)c * d;
        for (uint32_t j = 0; j < d; j++)
            w[j] /= (double)carriers[c];
        for (uint32_t j = 0; c > 0 && j < d; j++)
            w[j] -= weights[j];
    }
    free(carriers);
    return I2V_OK;
}

/* ---- Cholesky ------------------------------------------------------ */

/* The lower triangle of X'X + lambda I, row-major cols x cols. */
static void form_gram(const coldstart_design *x, double lambda, double *gram)
{
    const size_t p = x->cols;
    for (uint32_t r = 0; r < x->rows; r++) {
        const uint32_t *c = x->col + x->row_start[r];
        size_t n = (size_t)(x->row_start[r + 1] - x->row_start[r]);
        for (size_t a = 0; a < n; a++)      /* columns ascending: c[a] >= c[b] */
            for (size_t b = 0; b <= a; b++)
                gram[c[a] * p + c[b]] += 1.0;
    }
    for (size_t i = 0; i < p; i++)
        gram[i * p + i] += lambda;
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* In place: the lower triangle of a becomes L with L L' = a.  Returns the
 * first column whose pivot is not positive, or p when all are. */
static size_t cholesky_factor(double *a, size_t p)
{
    for (size_t j = 0; j < p; j++) {
        double *row_j = a + j * p;
        double pivot = row_j[j] - dot(row_j, row_j, j);
        if (!(pivot > 0) || !isfinite(pivot))
            return j;
        row_j[j] = sqrt(pivot);
        for (size_t i = j + 1; i < p; i++) {
            double *row_i = a + i * p;
            row_i[j] = (row_i[j] - dot(row_i, row_j, j)) / row_j[j];
        }
    }
    return p;
}

/* Solves L L' W = B in place (B is p x d, row-major), all columns at once. */
static void cholesky_solve(const double *l, size_t p, double *b, size_t d)
{
    for (size_t i = 0; i < p; i++) {
        double *bi = b + i * d;
        for (size_t k = 0; k < i; k++) {
            double f = l[i * p + k];
            const double *bk = b + k * d;
            for (size_t j = 0; j < d; j++)
                bi[j] -= f * bk[j];
        }
        for (size_t j = 0; j < d; j++)
            bi[j] /= l[i * p + i];
    }
    for (size_t i = p; i-- > 0;) {
        double *bi = b + i * d;
        for (size_t k = i + 1; k < p; k++) {
            double f = l[k * p + i];
            const double *bk = b + k * d;
            for (size_t j = 0; j < d; j++)
                bi[j] -= f * bk[j];
        }
        for (size_t j = 0; j < d; j++)
            bi[j] /= l[i * p + i];
    }
}

static i2v_status fit_cholesky(const coldstart_design *x, double lambda, double *weights,
                               i2v_error *err)
{
    const size_t p = x->cols;
    double *gram = zeroed_doubles(p * p);
    if (!gram)
        return i2v_fail_nomem(err, "forming the ridge system");
    form_gram(x, lambda, gram);
    size_t bad = cholesky_factor(gram, p);
    if (bad < p) {
        free(gram);
        return i2v_fail(err, I2V_ERR_DIVERGED,
                        "the ridge system is not positive definite at feature column %zu "
                        "(lambda %g is too small for these features); raise lambda",
                        bad + 1, lambda);
    }
    memset(weights, 0, p * x->dim * sizeof *weights);
    add_xt_y(x, weights);
    cholesky_solve(gram, p, weights, x->dim);
    free(gram);
    return I2V_OK;
}

/* ---- conjugate gradient -------------------------------------------- */

/* The p x d blocks of the iteration, and one scalar per dimension. */
typedef struct cg_state {
    size_t p, d;
    double *r, *z, *dir, *q;      /* residual, preconditioned residual, direction, A dir */
    double *inv_diag;             /* 1 / diag(X'X + lambda I) */
    double *rz, *b_norm, *scratch; /* per dimension */
} cg_state;

static void cg_free(cg_state *s)
{
    free(s->r);
    free(s->z);
    free(s->dir);
    free(s->q);
    free(s->inv_diag);
    free(s->rz);
    free(s->b_norm);
    free(s->scratch);
}

static int cg_alloc(cg_state *s, size_t p, size_t d)
{
    memset(s, 0, sizeof *s);
    s->p = p;
    s->d = d;
    s->r = zeroed_doubles(p * d);
    s->z = zeroed_doubles(p * d);
    s->dir = zeroed_doubles(p * d);
    s->q = zeroed_doubles(p * d);
    s->inv_diag = zeroed_doubles(p);
    s->rz = zeroed_doubles(d);
    s->b_norm = zeroed_doubles(d);
    s->scratch = zeroed_doubles(d);
    return s->r && s->z && s->dir && s->q && s->inv_diag && s->rz && s->b_norm && s->scratch
               ? 0 : -1;
}

/* q = (X'X + lambda I) v, one row of X at a time: t = x_r v, q += x_r' t. */
static void apply_system(const coldstart_design *x, double lambda, const double *v, double *q,
                         double *t)
{
    const size_t d = x->dim;
    for (size_t i = 0; i < (size_t)x->cols * d; i++)
        q[i] = lambda * v[i];
    for (uint32_t r = 0; r < x->rows; r++) {
        const uint32_t *c = x->col + x->row_start[r];
        size_t n = (size_t)(x->row_start[r + 1] - x->row_start[r]);
        coldstart_predict(v, x->dim, c, n, t);
        for (size_t k = 0; k < n; k++) {
            double *qc = q + (size_t)c[k] * d;
            for (size_t j = 0; j < d; j++)
                qc[j] += t[j];
        }
    }
}

/* out[j] = sum over rows i of a[i][j] * b[i][j]: one dot product per
 * dimension, since each dimension is its own system. */
static void column_dots(const cg_state *s, const double *a, const double *b, double *out)
{
    memset(out, 0, s->d * sizeof *out);
    for (size_t i = 0; i < s->p; i++)
        for (size_t j = 0; j < s->d; j++)
            out[j] += a[i * s->d + j] * b[i * s->d + j];
}

static void precondition(cg_state *s)
{
    for (size_t i = 0; i < s->p; i++)
        for (size_t j = 0; j < s->d; j++)
            s->z[i * s->d + j] = s->r[i * s->d + j] * s->inv_diag[i];
}

/* The largest relative residual |r_j| / |b_j| over the dimensions. */
static double worst_residual(cg_state *s)
{
    column_dots(s, s->r, s->r, s->scratch);
    double worst = 0;
    for (size_t j = 0; j < s->d; j++) {
        double rel = s->b_norm[j] > 0 ? sqrt(s->scratch[j]) / s->b_norm[j] : 0;
        if (rel > worst || isnan(rel))
            worst = rel;
    }
    return worst;
}

/* Starts from W = 0: r = X'Y, z = M^-1 r, dir = z. */
static void cg_start(const coldstart_design *x, double lambda, cg_state *s, double *w)
{
    memset(w, 0, s->p * s->d * sizeof *w);
    add_xt_y(x, s->r);
    for (uint64_t k = 0; k < x->row_start[x->rows]; k++)
        s->inv_diag[x->col[k]] += 1.0;
    for (size_t i = 0; i < s->p; i++)
        s->inv_diag[i] = 1.0 / (s->inv_diag[i] + lambda);
    column_dots(s, s->r, s->r, s->b_norm);
    for (size_t j = 0; j < s->d; j++)
        s->b_norm[j] = sqrt(s->b_norm[j]);
    precondition(s);
    memcpy(s->dir, s->z, s->p * s->d * sizeof *s->dir);
    column_dots(s, s->r, s->z, s->rz);
}

/* One iteration; t is scratch of d doubles. */
static void cg_step(const coldstart_design *x, double lambda, cg_state *s, double *w, double *t)
{
    const size_t p = s->p, d = s->d;
    apply_system(x, lambda, s->dir, s->q, t);
    column_dots(s, s->dir, s->q, s->scratch);
    for (size_t j = 0; j < d; j++) /* a converged column has dir = 0: step 0 */
        s->scratch[j] = s->scratch[j] > 0 ? s->rz[j] / s->scratch[j] : 0;
    for (size_t i = 0; i < p * d; i += d)
        for (size_t j = 0; j < d; j++) {
            w[i + j] += s->scratch[j] * s->dir[i + j];
            s->r[i + j] -= s->scratch[j] * s->q[i + j];
        }
    precondition(s);
    column_dots(s, s->r, s->z, s->scratch); /* new rz */
    for (size_t j = 0; j < d; j++) {
        double beta = s->rz[j] > 0 ? s->scratch[j] / s->rz[j] : 0;
        s->rz[j] = s->scratch[j];
        s->scratch[j] = beta;
    }
    for (size_t i = 0; i < p * d; i += d)
        for (size_t j = 0; j < d; j++)
            s->dir[i + j] = s->z[i + j] + s->scratch[j] * s->dir[i + j];
}

static i2v_status fit_cg(const coldstart_design *x, double lambda, double *weights,
                         coldstart_fit_info *info, i2v_error *err)
{
    cg_state s;
    int failed = cg_alloc(&s, x->cols, x->dim) != 0;
    double *t = zeroed_doubles(x->dim);
    if (failed || !t) {
        free(t);
        cg_free(&s);
        return i2v_fail_nomem(err, "solving the ridge system");
    }
    cg_start(x, lambda, &s, weights);
    double residual = worst_residual(&s);
    uint32_t it = 0;
    while (residual > I2V_COLDSTART_CG_TOLERANCE && it < I2V_COLDSTART_CG_MAX_ITERATIONS) {
        cg_step(x, lambda, &s, weights, t);
        residual = worst_residual(&s);
        it++;
    }
    cg_free(&s);
    free(t);
    info->iterations = it;
    info->residual = residual;
    if (!(residual <= I2V_COLDSTART_CG_TOLERANCE))
        return i2v_fail(err, I2V_ERR_DIVERGED,
                        "conjugate gradient on the ridge system reached a relative residual "
                        "of %g, not %g, in %u iterations; raise lambda",
                        residual, I2V_COLDSTART_CG_TOLERANCE, it);
    return I2V_OK;
}

/* ---- entry --------------------------------------------------------- */

i2v_status coldstart_fit_ridge(const coldstart_design *x, double lambda, coldstart_solver solver,
                               double *weights, coldstart_fit_info *info, i2v_error *err)
{
    memset(info, 0, sizeof *info);
    if (!(lambda > 0) || !isfinite(lambda))
        return i2v_fail(err, I2V_ERR_INVALID, "lambda %g: must be finite and above 0", lambda);
    if (solver == COLDSTART_SOLVER_AUTO)
        solver = x->cols <= I2V_COLDSTART_DENSE_FEATURES + 1 ? COLDSTART_SOLVER_CHOLESKY
                                                             : COLDSTART_SOLVER_CG;
    if (solver == COLDSTART_SOLVER_CHOLESKY) {
        info->solver = "cholesky";
        return fit_cholesky(x, lambda, weights, err);
    }
    info->solver = "conjugate gradient";
    return fit_cg(x, lambda, weights, info, err);
}
