/* Eigenvectors and PCA: projections whose every coordinate is known on
 * paper, whatever rotation or offset the data comes in, and agreement with
 * a full eigendecomposition of the covariance. */
#include <string.h>

#include "check.h"
#include "eval/eval.h"
#include "item2vec.h"
#include "plot/plot.h"
#include "util/rng.h"

/* out = H x for the Householder reflection H = I - 2 v v^T / v.v. */
static void reflect(const double *v, uint32_t d, const double *x, double *out)
{
    double vv = 0, vx = 0;
    for (uint32_t k = 0; k < d; k++) {
        vv += v[k] * v[k];
        vx += v[k] * x[k];
    }
    for (uint32_t k = 0; k < d; k++)
        out[k] = x[k] - 2 * v[k] * vx / vv;
}

static void eigenvectors_of_a_known_symmetric_matrix(void)
{
    double a[9] = {2, 1, 0, 1, 2, 0, 0, 0, 5}, values[3], vectors[9];
    i2v_error err;
    CHECK(eval_symmetric_eigen(a, 3, values, vectors, &err) == I2V_OK);
    CHECK_NEAR(values[0], 5, 1e-12);
    CHECK_NEAR(values[1], 3, 1e-12);
    CHECK_NEAR(values[2], 1, 1e-12);
    /* (0 0 1), (1 1 0)/sqrt2, (1 -1 0)/sqrt2: each with its largest
     * component (the first of equal ones) positive. */
    const double r = 1 / sqrt(2.0);
    const double want[9] = {0, 0, 1, r, r, 0, r, -r, 0};
    for (int k = 0; k < 9; k++)
        CHECK_NEAR(vectors[k], want[k], 1e-12);
}

static void eigenvectors_of_a_dense_matrix_satisfy_a_v_equals_lambda_v(void)
{
    /* H diag(6..1) H: eigenvalues 6..1, eigenvectors the columns of H. */
    enum { N = 6 };
    double v[N] = {1, 2, 3, 4, 5, 6}, h[N][N], a[N * N], copy[N * N], values[N], vec[N * N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            h[i][j] = (i == j) - 2 * v[i] * v[j] / 91.0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double sum = 0;
            for (int k = 0; k < N; k++)
                sum += h[i][k] * (N - k) * h[k][j];
            a[i * N + j] = copy[i * N + j] = sum;
        }
    i2v_error err;
    CHECK(eval_symmetric_eigen(a, N, values, vec, &err) == I2V_OK);
    for (int k = 0; k < N; k++) {
        CHECK_NEAR(values[k], N - k, 1e-9);
        for (int i = 0; i < N; i++) {
            double av = 0;
            for (int j = 0; j < N; j++)
                av += copy[i * N + j] * vec[k * N + j];
            CHECK_NEAR(av, values[k] * vec[k * N + i], 1e-9);
        }
        for (int l = 0; l < N; l++) { /* orthonormal */
            double dot = 0;
            for (int j = 0; j < N; j++)
                dot += vec[k * N + j] * vec[l * N + j];
            CHECK_NEAR(dot, k == l, 1e-9);
        }
    }
}

/* Four points with variance 18 along one axis and 2 along another, turned
 * by a reflection into `dim` dimensions and moved away from the origin:
 * PCA must give back (3, 0), (-3, 0), (0, 1), (0, -1). */
static void check_known_axes(uint32_t dim)
{
    double plain[4][16] = {{3}, {-3}, {0, 1}, {0, -1}};
    double v[16];
    for (uint32_t k = 0; k < dim; k++)
        v[k] = 1 + k * 0.37;
    float points[4 * 16];
    for (int i = 0; i < 4; i++) {
        double turned[16];
        reflect(v, dim, plain[i], turned);
        for (uint32_t k = 0; k < dim; k++)
            points[i * dim + k] = (float)(turned[k] + 10 + k);
    }
    i2v_projection_params p;
    i2v_projection_params_default(&p);
    i2v_projection_report report;
    double xy[8];
    i2v_error err;
    CHECK(i2v_project(points, 4, dim, &p, xy, &report, &err) == I2V_OK);
    const double want[8] = {3, 0, -3, 0, 0, 1, 0, -1};
    for (int k = 0; k < 8; k++)
        CHECK_NEAR(xy[k], want[k], 1e-5);
    CHECK_NEAR(report.explained[0], 0.9, 1e-6);
    CHECK_NEAR(report.explained[1], 0.1, 1e-6);
    CHECK(isnan(report.kl_divergence) && isnan(report.perplexity));
}

static void pca_recovers_known_axes_in_few_dimensions(void)
{
    check_known_axes(3); /* the block spans the space: exact at once */
}

static void pca_recovers_known_axes_in_many_dimensions(void)
{
    check_known_axes(16); /* more dimensions than the block: iterations */
}

/* 300 points in 40 dimensions with a decaying spectrum, turned: the two
 * axes of subspace iteration must be those of the full eigendecomposition
 * of the covariance (Jacobi), coordinate for coordinate. */
static void pca_matches_the_full_eigendecomposition(void)
{
    enum { P = 300, D = 40 };
    static float points[P * D];
    static double rows[P * D], cov[D * D];
    double values[D], vectors[D * D], xy[2 * P], mean[D] = {0}, v[D];
    i2v_rng rng = i2v_rng_seeded(11, 0);
    for (int k = 0; k < D; k++)
        v[k] = i2v_rng_float(&rng) - 0.5;
    for (int i = 0; i < P; i++) {
        double plain[D];
        for (int k = 0; k < D; k++) /* spread 1/(k+1): eigenvalues well apart */
            plain[k] = (i2v_rng_float(&rng) - 0.5) / (k + 1) + (k == 0 ? 3 : 0);
        reflect(v, D, plain, rows + i * D);
        for (int k = 0; k < D; k++) {
            points[i * D + k] = (float)rows[i * D + k];
            rows[i * D + k] = points[i * D + k]; /* what the projection sees */
            mean[k] += rows[i * D + k] / P;
        }
    }
    for (int a = 0; a < D; a++)
        for (int b = 0; b < D; b++) {
            double sum = 0;
            for (int i = 0; i < P; i++)
                sum += (rows[i * D + a] - mean[a]) * (rows[i * D + b] - mean[b]);
            cov[a * D + b] = sum / P;
        }
    i2v_error err;
    CHECK(eval_symmetric_eigen(cov, D, values, vectors, &err) == I2V_OK);
    i2v_projection_params p;
    i2v_projection_params_default(&p);
    i2v_projection_report report;
    CHECK(i2v_project(points, P, D, &p, xy, &report, &err) == I2V_OK);
    double total = 0;
    for (int k = 0; k < D; k++)
        total += values[k];
    for (int axis = 0; axis < 2; axis++) {
        CHECK_NEAR(report.explained[axis], values[axis] / total, 1e-9);
        /* the same axis up to its sign, which PCA fixes by the largest coordinate */
        double sign = 0, worst = 0;
        for (int i = 0; i < P; i++) {
            double c = 0;
            for (int k = 0; k < D; k++)
                c += (rows[i * D + k] - mean[k]) * vectors[axis * D + k];
            if (sign == 0 && fabs(c) > 1e-3)
                sign = xy[2 * i + axis] / c > 0 ? 1 : -1;
            worst = fmax(worst, fabs(xy[2 * i + axis] - sign * c));
        }
        CHECK(worst < 1e-6);
    }
}

static void pca_of_points_without_variance_puts_them_at_the_origin(void)
{
    const float same[6] = {1, 2, 1, 2, 1, 2};
    i2v_projection_params p;
    i2v_projection_params_default(&p);
    double xy[6];
    i2v_projection_report report;
    i2v_error err;
    CHECK(i2v_project(same, 3, 2, &p, xy, &report, &err) == I2V_OK);
    for (int k = 0; k < 6; k++)
        CHECK(xy[k] == 0);
    CHECK(report.explained[0] == 0 && report.explained[1] == 0);
    CHECK(i2v_project(same, 1, 2, &p, xy, &report, &err) == I2V_OK);
    CHECK(xy[0] == 0 && xy[1] == 0);
}

static void one_dimensional_points_get_a_flat_second_axis(void)
{
    const float line[3] = {-1, 0, 1};
    i2v_projection_params p;
    i2v_projection_params_default(&p);
    double xy[6];
    i2v_error err;
    CHECK(i2v_project(line, 3, 1, &p, xy, NULL, &err) == I2V_OK);
    /* -1 and 1 tie for the largest coordinate: the first point's wins. */
    CHECK_NEAR(xy[0], 1, 1e-12);
    CHECK_NEAR(xy[4], -1, 1e-12);
    CHECK(xy[1] == 0 && xy[3] == 0 && xy[5] == 0);
}

static void projection_parameters_are_checked(void)
{
    const float v[4] = {1, 2, 3, 4};
    double xy[4];
    i2v_projection_params p;
    i2v_error err;
    i2v_projection_params_default(&p);
    CHECK(p.method == I2V_PROJECT_PCA && p.perplexity == 30 && p.iterations == 1000 &&
          p.seed == 1 && p.threads == 1);
    CHECK(i2v_project(v, 0, 2, &p, xy, NULL, &err) == I2V_ERR_EMPTY);
    CHECK(i2v_project(v, 2, 0, &p, xy, NULL, &err) == I2V_ERR_INVALID);
    p.perplexity = 0.5;
    CHECK(i2v_project(v, 2, 2, &p, xy, NULL, &err) == I2V_ERR_INVALID);
    CHECK(strstr(err.message, "perplexity") != NULL);
    i2v_projection_params_default(&p);
    p.iterations = 0;
    CHECK(i2v_projection_params_check(&p, &err) == I2V_ERR_INVALID);
    i2v_projection_params_default(&p);
    p.threads = 0;
    CHECK(i2v_projection_params_check(&p, &err) == I2V_ERR_INVALID);
    i2v_projection_params_default(&p);
    p.method = (i2v_projection_method)7;
    CHECK(i2v_projection_params_check(&p, &err) == I2V_ERR_INVALID);
    CHECK(strcmp(i2v_projection_method_name(I2V_PROJECT_TSNE), "t-SNE") == 0);
}

int main(void)
{
    RUN(eigenvectors_of_a_known_symmetric_matrix);
    RUN(eigenvectors_of_a_dense_matrix_satisfy_a_v_equals_lambda_v);
    RUN(pca_recovers_known_axes_in_few_dimensions);
    RUN(pca_recovers_known_axes_in_many_dimensions);
    RUN(pca_matches_the_full_eigendecomposition);
    RUN(pca_of_points_without_variance_puts_them_at_the_origin);
    RUN(one_dimensional_points_get_a_flat_second_axis);
    RUN(projection_parameters_are_checked);
    CHECK_EXIT();
}
