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
 *    evens the spectrum out (157 iterations down to 35 on 49k skewed
 *    tags).  Each dimension is its own system with the same matrix; a
 *    block of them shares each product and keeps its own step sizes.
 *
 * Everything is in double: the normal equations square the condition
 * number, and float targets lose nothing by being widened. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "coldstart/coldstart.h"
#include "util/error.h"

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

/* Dimensions solved together.  Each product (X'X + lambda I) P gathers and
 * scatters one row of P per feature of every item, in random order, and
 * that dominates the time.  Rows of all the dimensions at once would span
 * features x dim doubles, far more than the caches; CG_BLOCK dimensions
 * at a time keep them small, and a width known at compile time lets the
 * loops unroll.  On 49k features, 200k items and 100 dimensions, blocks
 * of 4 took 32 s where all 100 at once took 57 s. */
#define CG_BLOCK 4u

/* The features x CG_BLOCK blocks of one iteration over the dimensions
 * [j0, j0 + CG_BLOCK) (those past the model's dimensions have zero
 * targets and stay zero), and one scalar per dimension. */
typedef struct cg_state {
    size_t p;
    double *w, *r, *z, *dir, *q; /* solution, residual, preconditioned residual,
                                  * direction, system times direction */
    double *inv_diag;             /* 1 / diag(X'X + lambda I) */
    double rz[CG_BLOCK], b_norm[CG_BLOCK], scratch[CG_BLOCK];
} cg_state;

static void cg_free(cg_state *s)
{
    free(s->w);
    free(s->r);
    free(s->z);
    free(s->dir);
    free(s->q);
    free(s->inv_diag);
}

static int cg_alloc(cg_state *s, size_t p)
{
    memset(s, 0, sizeof *s);
    s->p = p;
    s->w = zeroed_doubles(p * CG_BLOCK);
    s->r = zeroed_doubles(p * CG_BLOCK);
    s->z = zeroed_doubles(p * CG_BLOCK);
    s->dir = zeroed_doubles(p * CG_BLOCK);
    s->q = zeroed_doubles(p * CG_BLOCK);
    s->inv_diag = zeroed_doubles(p);
    return s->w && s->r && s->z && s->dir && s->q && s->inv_diag ? 0 : -1;
}

/* q = (X'X + lambda I) v, one row of X at a time: t = x_r v, q += x_r' t. */
static void apply_system(const coldstart_design *x, double lambda, size_t p, const double *v,
                         double *q)
{
    for (size_t i = 0; i < p * CG_BLOCK; i++)
        q[i] = lambda * v[i];
    for (uint32_t r = 0; r < x->rows; r++) {
        const uint32_t *c = x->col + x->row_start[r];
        size_t n = (size_t)(x->row_start[r + 1] - x->row_start[r]);
        double t[CG_BLOCK] = {0};
        for (size_t k = 0; k < n; k++)
            for (size_t j = 0; j < CG_BLOCK; j++)
                t[j] += v[(size_t)c[k] * CG_BLOCK + j];
        for (size_t k = 0; k < n; k++)
            for (size_t j = 0; j < CG_BLOCK; j++)
                q[(size_t)c[k] * CG_BLOCK + j] += t[j];
    }
}

/* out[j] = sum over features i of a[i][j] * b[i][j]: one dot product per
 * dimension, since each dimension is its own system. */
static void column_dots(size_t p, const double *a, const double *b, double *out)
{
    memset(out, 0, CG_BLOCK * sizeof *out);
    for (size_t i = 0; i < p * CG_BLOCK; i += CG_BLOCK)
        for (size_t j = 0; j < CG_BLOCK; j++)
            out[j] += a[i + j] * b[i + j];
}

static void precondition(cg_state *s)
{
    for (size_t i = 0; i < s->p; i++)
        for (size_t j = 0; j < CG_BLOCK; j++)
            s->z[i * CG_BLOCK + j] = s->r[i * CG_BLOCK + j] * s->inv_diag[i];
}

/* The largest relative residual |r_j| / |b_j| over the dimensions. */
static double worst_residual(cg_state *s)
{
    column_dots(s->p, s->r, s->r, s->scratch);
    double worst = 0;
    for (size_t j = 0; j < CG_BLOCK; j++) {
        double rel = s->b_norm[j] > 0 ? sqrt(s->scratch[j]) / s->b_norm[j] : 0;
        if (rel > worst || isnan(rel))
            worst = rel;
    }
    return worst;
}

/* The diagonal of X'X + lambda I: the items carrying each feature. */
static void cg_preconditioner(const coldstart_design *x, double lambda, cg_state *s)
{
    for (uint64_t k = 0; k < x->row_start[x->rows]; k++)
        s->inv_diag[x->col[k]] += 1.0;
    for (size_t i = 0; i < s->p; i++)
        s->inv_diag[i] = 1.0 / (s->inv_diag[i] + lambda);
}

/* Starts the block of the `width` dimensions from j0 at W = 0: r = X'Y,
 * z = M^-1 r, dir = z. */
static void cg_start(const coldstart_design *x, cg_state *s, size_t j0, size_t width)
{
    memset(s->w, 0, s->p * CG_BLOCK * sizeof *s->w);
    memset(s->r, 0, s->p * CG_BLOCK * sizeof *s->r);
    for (uint32_t r = 0; r < x->rows; r++) {
        const float *y = x->target + (size_t)r * x->dim + j0;
        for (uint64_t k = x->row_start[r]; k < x->row_start[r + 1]; k++)
            for (size_t j = 0; j < width; j++)
                s->r[(size_t)x->col[k] * CG_BLOCK + j] += y[j];
    }
    column_dots(s->p, s->r, s->r, s->b_norm);
    for (size_t j = 0; j < CG_BLOCK; j++)
        s->b_norm[j] = sqrt(s->b_norm[j]);
    precondition(s);
    memcpy(s->dir, s->z, s->p * CG_BLOCK * sizeof *s->dir);
    column_dots(s->p, s->r, s->z, s->rz);
}

static void cg_step(const coldstart_design *x, double lambda, cg_state *s)
{
    const size_t n = s->p * CG_BLOCK;
    double alpha[CG_BLOCK], beta[CG_BLOCK];
    apply_system(x, lambda, s->p, s->dir, s->q);
    column_dots(s->p, s->dir, s->q, s->scratch);
    for (size_t j = 0; j < CG_BLOCK; j++) /* a converged column has dir = 0: step 0 */
        alpha[j] = s->scratch[j] > 0 ? s->rz[j] / s->scratch[j] : 0;
    for (size_t i = 0; i < n; i += CG_BLOCK)
        for (size_t j = 0; j < CG_BLOCK; j++) {
            s->w[i + j] += alpha[j] * s->dir[i + j];
            s->r[i + j] -= alpha[j] * s->q[i + j];
        }
    precondition(s);
    column_dots(s->p, s->r, s->z, s->scratch); /* the new rz */
    for (size_t j = 0; j < CG_BLOCK; j++) {
        beta[j] = s->rz[j] > 0 ? s->scratch[j] / s->rz[j] : 0;
        s->rz[j] = s->scratch[j];
    }
    for (size_t i = 0; i < n; i += CG_BLOCK)
        for (size_t j = 0; j < CG_BLOCK; j++)
            s->dir[i + j] = s->z[i + j] + beta[j] * s->dir[i + j];
}

/* Solves the dimensions [j0, j0 + width) into those columns of weights;
 * returns the iterations, and the final residual in *residual. */
static uint32_t cg_solve_block(const coldstart_design *x, double lambda, cg_state *s, size_t j0,
                               size_t width, double *weights, double *residual)
{
    cg_start(x, s, j0, width);
    uint32_t it = 0;
    *residual = worst_residual(s);
    while (*residual > I2V_COLDSTART_CG_TOLERANCE && it < I2V_COLDSTART_CG_MAX_ITERATIONS) {
        cg_step(x, lambda, s);
        *residual = worst_residual(s);
        it++;
    }
    for (size_t i = 0; i < s->p; i++)
        memcpy(weights + i * x->dim + j0, s->w + i * CG_BLOCK, width * sizeof *weights);
    return it;
}

static i2v_status fit_cg(const coldstart_design *x, double lambda, double *weights,
                         coldstart_fit_info *info, i2v_error *err)
{
    cg_state s;
    if (cg_alloc(&s, x->cols) != 0) {
        cg_free(&s);
        return i2v_fail_nomem(err, "solving the ridge system");
    }
    cg_preconditioner(x, lambda, &s);
    for (size_t j0 = 0; j0 < x->dim; j0 += CG_BLOCK) {
        size_t width = x->dim - j0 < CG_BLOCK ? x->dim - j0 : CG_BLOCK;
        double residual;
        uint32_t it = cg_solve_block(x, lambda, &s, j0, width, weights, &residual);
        if (it > info->iterations)
            info->iterations = it;
        if (residual > info->residual || isnan(residual))
            info->residual = residual;
    }
    cg_free(&s);
    if (!(info->residual <= I2V_COLDSTART_CG_TOLERANCE))
        return i2v_fail(err, I2V_ERR_DIVERGED,
                        "conjugate gradient on the ridge system reached a relative residual "
                        "of %g, not %g, in %u iterations; raise lambda",
                        info->residual, I2V_COLDSTART_CG_TOLERANCE, info->iterations);
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
