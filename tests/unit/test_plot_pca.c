/* Eigenvectors, for principal components. */
#include <string.h>

#include "check.h"
#include "eval.h"
#include "item2vec.h"

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

int main(void)
{
    RUN(eigenvectors_of_a_known_symmetric_matrix);
    RUN(eigenvectors_of_a_dense_matrix_satisfy_a_v_equals_lambda_v);
    CHECK_EXIT();
}
