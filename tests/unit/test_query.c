/* Queries: the answers users get from `similar` and `analogy`, checked
 * against a brute-force reference in double precision. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "query/dot.h"
#include "item2vec.h"

static uint64_t rng_state = 42;

static float random_float(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (float)((double)(rng_state >> 40) / (double)(1ull << 24) * 2.0 - 1.0);
}

/* A word2vec binary model of n random rows, parsed.  Rows listed in
 * `copies` (pairs: to, from) duplicate another row; `zero_row` (or n) is
 * all zeros. */
static i2v_model *random_model(uint32_t n, uint32_t dim, const uint32_t *copies,
                               size_t n_copies, uint32_t zero_row)
{
    float *rows = malloc((size_t)n * dim * sizeof *rows);
    for (size_t j = 0; j < (size_t)n * dim; j++)
        rows[j] = random_float();
    for (size_t c = 0; c < n_copies; c++)
        memcpy(rows + (size_t)copies[2 * c] * dim, rows + (size_t)copies[2 * c + 1] * dim,
               dim * sizeof *rows);
    if (zero_row < n)
        memset(rows + (size_t)zero_row * dim, 0, dim * sizeof *rows);
    size_t cap = 64 + (size_t)n * (dim * 4 + 16);
    char *data = malloc(cap);
    size_t at = (size_t)sprintf(data, "%u %u\n", n, dim);
    for (uint32_t i = 0; i < n; i++) {
        at += (size_t)sprintf(data + at, "w%u ", i);
        memcpy(data + at, rows + (size_t)i * dim, dim * sizeof *rows);
        at += dim * sizeof *rows;
        data[at++] = '\n';
    }
    i2v_model *m = NULL;
    i2v_error err;
    CHECK(i2v_model_parse(data, at, I2V_FORMAT_W2V_BIN, "random", &m, &err) == I2V_OK);
    free(data);
    free(rows);
    return m;
}

static double reference_dot(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t j = 0; j < n; j++)
        s += (double)a[j] * b[j];
    return s;
}

static double reference_cosine(const i2v_model *m, const float *q, uint32_t i)
{
    uint32_t dim = i2v_model_dim(m);
    const float *v = i2v_model_vector(m, i);
    double nq = sqrt(reference_dot(q, q, dim)), nv = sqrt(reference_dot(v, v, dim));
    return nv > 0 ? reference_dot(q, v, dim) / (nq * nv) : 0.0;
}

static void check_kernel(const dot_kernel *k)
{
    const size_t dims[] = {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 128, 130};
    float a[130 * 19], q[8 * 130], panel[130 * DOT_PANEL_ROWS], out[19];
    for (size_t j = 0; j < sizeof a / sizeof a[0]; j++)
        a[j] = random_float();
    for (size_t j = 0; j < sizeof q / sizeof q[0]; j++)
        q[j] = random_float();
    for (size_t t = 0; t < sizeof dims / sizeof dims[0]; t++) {
        size_t dim = dims[t];
        k->dots(q, a, 19, dim, out);
        for (size_t r = 0; r < 19; r++) {
            float one = k->dot(q, a + r * dim, dim);
            CHECK(memcmp(&one, &out[r], sizeof one) == 0);
            CHECK_NEAR(one, reference_dot(q, a + r * dim, dim), 1e-5 * dim);
        }
        /* 11 rows in a panel of 16: the missing ones score 0. */
        dot_pack_panel(a, 11, dim, dim, panel);
        float scale[DOT_PANEL_ROWS], threshold[8], scores[8 * DOT_PANEL_ROWS];
        uint32_t above[8];
        for (size_t j = 0; j < DOT_PANEL_ROWS; j++)
            scale[j] = 0.5f;
        for (size_t nq = 1; nq <= 8; nq++) {
            for (size_t i = 0; i < nq; i++)
                threshold[i] = 0.1f * (float)i - 0.3f;
            k->panel(q, nq, panel, scale, dim, threshold, scores, above);
            for (size_t i = 0; i < nq; i++) {
                for (size_t j = 0; j < DOT_PANEL_ROWS; j++) {
                    double want = j < 11 ? 0.5 * reference_dot(q + i * dim, a + j * dim, dim) : 0;
                    float got = scores[i * DOT_PANEL_ROWS + j];
                    CHECK_NEAR(got, want, 1e-5 * dim);
                    CHECK(((above[i] >> j) & 1u) == (got >= threshold[i]));
                }
            }
        }
    }
}

static void every_kernel_agrees_with_double_precision(void)
{
    const dot_kernel *kernels[8];
    size_t n = dot_kernels_available(kernels, 8);
    CHECK(n >= 1 && kernels[0] == dot_kernel_reference());
    for (size_t i = 0; i < n; i++)
        check_kernel(kernels[i]);
    CHECK(dot_kernel_best() == kernels[n - 1]);
}

static void nearest_matches_brute_force(void)
{
    i2v_model *m = random_model(700, 37, NULL, 0, 700);
    uint32_t n = i2v_model_size(m), dim = i2v_model_dim(m);
    float q[37];
    double *cosine = malloc(n * sizeof *cosine);
    for (int trial = 0; trial < 5; trial++) {
        for (uint32_t j = 0; j < dim; j++)
            q[j] = random_float();
        i2v_neighbor out[10];
        uint32_t got;
        i2v_error err;
        CHECK(i2v_nearest(m, q, NULL, 0, 0, 10, out, &got, &err) == I2V_OK);
        CHECK(got == 10);
        for (uint32_t i = 0; i < n; i++)
            cosine[i] = reference_cosine(m, q, i);
        for (uint32_t r = 0; r < got; r++) {
            CHECK_NEAR(out[r].score, cosine[out[r].id], 1e-5);
            /* The r-th answer beats every item not among the first r. */
            uint32_t better = 0;
            for (uint32_t i = 0; i < n; i++)
                better += cosine[i] > cosine[out[r].id] + 1e-6;
            CHECK(better <= r);
            CHECK(r == 0 || out[r - 1].score >= out[r].score);
        }
    }
    free(cosine);
    i2v_model_free(m);
}

static void equal_scores_rank_the_lower_row_first(void)
{
    const uint32_t copies[] = {9, 2, 5, 2};
    i2v_model *m = random_model(40, 8, copies, 2, 40);
    i2v_neighbor out[4];
    uint32_t n;
    i2v_error err;
    CHECK(i2v_nearest(m, i2v_model_vector(m, 2), NULL, 0, 0, 4, out, &n, &err) == I2V_OK);
    CHECK(n == 4 && out[0].id == 2 && out[1].id == 5 && out[2].id == 9);
    CHECK(out[0].score == out[1].score && out[1].score == out[2].score);
    i2v_model_free(m);
}

static void excluded_items_and_restrict_are_honoured(void)
{
    i2v_model *m = random_model(100, 16, NULL, 0, 100);
    const float *q = i2v_model_vector(m, 7);
    uint32_t exclude[2] = {7, 0};
    i2v_neighbor all[100], out[100];
    uint32_t n_all, n;
    i2v_error err;
    CHECK(i2v_nearest(m, q, NULL, 0, 0, 100, all, &n_all, &err) == I2V_OK);
    CHECK(n_all == 100 && all[0].id == 7);
    exclude[1] = all[1].id;
    CHECK(i2v_nearest(m, q, exclude, 2, 0, 100, out, &n, &err) == I2V_OK);
    CHECK(n == 98 && out[0].id == all[2].id);
    for (uint32_t r = 0; r < n; r++)
        CHECK(out[r].id != 7 && out[r].id != all[1].id);
    CHECK(i2v_nearest(m, q, NULL, 0, 30, 100, out, &n, &err) == I2V_OK);
    CHECK(n == 30);
    for (uint32_t r = 0; r < n; r++)
        CHECK(out[r].id < 30);
    i2v_model_free(m);
}

static void query_vector_is_the_mean_of_unit_vectors(void)
{
    i2v_model *m = random_model(20, 5, NULL, 0, 20);
    uint32_t pos[2] = {1, 4}, neg[1] = {9};
    float out[5];
    i2v_error err;
    CHECK(i2v_query_vector(m, pos, 2, neg, 1, out, &err) == I2V_OK);
    for (uint32_t j = 0; j < 5; j++) {
        double want = (i2v_model_vector(m, 1)[j] / i2v_model_norm(m, 1) +
                       i2v_model_vector(m, 4)[j] / i2v_model_norm(m, 4) -
                       i2v_model_vector(m, 9)[j] / i2v_model_norm(m, 9)) / 3.0;
        CHECK_NEAR(out[j], want, 1e-6);
    }
    CHECK(i2v_query_vector(m, NULL, 0, NULL, 0, out, &err) == I2V_ERR_INVALID);
    /* a - a: nothing left to compare with. */
    i2v_neighbor nb[3];
    uint32_t n;
    CHECK(i2v_query_vector(m, pos, 1, pos, 1, out, &err) == I2V_OK);
    CHECK(i2v_nearest(m, out, NULL, 0, 0, 3, nb, &n, &err) == I2V_ERR_INVALID);
    CHECK(strstr(err.message, "zero") != NULL);
    i2v_model_free(m);
}

static void zero_vectors_score_zero_and_cannot_be_queried(void)
{
    i2v_model *m = random_model(30, 6, NULL, 0, 4);
    i2v_neighbor out[30];
    uint32_t n, id = 4;
    float q[6];
    i2v_error err;
    CHECK(i2v_query_vector(m, &id, 1, NULL, 0, q, &err) == I2V_ERR_INVALID);
    CHECK(strstr(err.message, "'w4' has a zero vector") != NULL);
    CHECK(i2v_nearest(m, i2v_model_vector(m, 0), NULL, 0, 0, 30, out, &n, &err) == I2V_OK);
    for (uint32_t r = 0; r < n; r++)
        if (out[r].id == 4)
            CHECK(out[r].score == 0.0f && !signbit(out[r].score));
    i2v_model_free(m);
}

/* --all must print exactly what one query per item prints. */
static void check_batch(const i2v_model *m, uint32_t k, uint32_t limit, uint32_t threads)
{
    uint32_t n = i2v_model_size(m), dim = i2v_model_dim(m);
    uint32_t *ids = malloc(n * sizeof *ids), *counts = malloc(n * sizeof *counts);
    i2v_neighbor *batch = malloc((size_t)n * k * sizeof *batch), *one = malloc(k * sizeof *one);
    float *q = malloc(dim * sizeof *q);
    for (uint32_t i = 0; i < n; i++)
        ids[n - 1 - i] = i; /* any order */
    i2v_error err;
    CHECK(i2v_nearest_items(m, ids, n, limit, k, threads, batch, counts, &err) == I2V_OK);
    int mismatches = 0;
    for (uint32_t b = 0; b < n; b++) {
        uint32_t id = ids[b], got = 0;
        if (i2v_query_vector(m, &id, 1, NULL, 0, q, &err) != I2V_OK) {
            mismatches += counts[b] != 0;
            continue;
        }
        CHECK(i2v_nearest(m, q, &id, 1, limit, k, one, &got, &err) == I2V_OK);
        mismatches += got != counts[b];
        for (uint32_t r = 0; r < got && r < counts[b]; r++)
            mismatches += one[r].id != batch[(size_t)b * k + r].id ||
                          memcmp(&one[r].score, &batch[(size_t)b * k + r].score, 4) != 0;
    }
    if (mismatches)
        fprintf(stderr, "    k %u limit %u threads %u: %d mismatches\n", k, limit, threads,
                mismatches);
    CHECK(mismatches == 0);
    free(ids), free(counts), free(batch), free(one), free(q);
}

static void batch_answers_equal_single_queries_bit_for_bit(void)
{
    /* dim 300: several tiles of queries and blocks of rows. */
    const uint32_t copies[] = {11, 3, 400, 3};
    i2v_model *m = random_model(500, 300, copies, 2, 77);
    check_batch(m, 10, 0, 1);
    check_batch(m, 10, 0, 3);
    check_batch(m, 1, 0, 2);
    check_batch(m, 25, 123, 2);
    check_batch(m, 500, 0, 2);
    i2v_model_free(m);
    m = random_model(90, 7, NULL, 0, 90);
    check_batch(m, 5, 0, 4);
    i2v_model_free(m);
}

static void analogy_add_is_the_nearest_to_b_minus_a_plus_c(void)
{
    i2v_model *m = random_model(300, 24, NULL, 0, 300);
    i2v_neighbor got[10], want[10];
    uint32_t n_got, n_want, pos[2] = {5, 6}, neg[1] = {4}, abc[3] = {4, 5, 6};
    float q[24];
    i2v_error err;
    CHECK(i2v_analogy(m, 4, 5, 6, I2V_ANALOGY_ADD, 0, 10, got, &n_got, &err) == I2V_OK);
    CHECK(i2v_query_vector(m, pos, 2, neg, 1, q, &err) == I2V_OK);
    CHECK(i2v_nearest(m, q, abc, 3, 0, 10, want, &n_want, &err) == I2V_OK);
    CHECK(n_got == 10 && n_want == 10 && memcmp(got, want, sizeof got) == 0);
    i2v_model_free(m);
}

static void analogy_mul_matches_the_3cosmul_formula(void)
{
    i2v_model *m = random_model(300, 24, NULL, 0, 300);
    const float *a = i2v_model_vector(m, 4), *b = i2v_model_vector(m, 5),
                *c = i2v_model_vector(m, 6);
    i2v_neighbor got[10];
    uint32_t n;
    i2v_error err;
    CHECK(i2v_analogy(m, 4, 5, 6, I2V_ANALOGY_MUL, 0, 10, got, &n, &err) == I2V_OK);
    CHECK(n == 10);
    double best_other = -1;
    for (uint32_t i = 0; i < 300; i++) {
        double s = (1 + reference_cosine(m, b, i)) / 2 * (1 + reference_cosine(m, c, i)) / 2 /
                   ((1 + reference_cosine(m, a, i)) / 2 + 1e-6);
        int found = 0;
        for (uint32_t r = 0; r < n; r++)
            if (got[r].id == i) {
                CHECK_NEAR(got[r].score, s, 1e-5);
                found = 1;
            }
        if (!found && i != 4 && i != 5 && i != 6 && s > best_other)
            best_other = s;
    }
    CHECK(got[n - 1].score >= best_other - 1e-6);
    for (uint32_t r = 0; r < n; r++)
        CHECK(got[r].id != 4 && got[r].id != 5 && got[r].id != 6);
    i2v_model_free(m);
}

int main(void)
{
    RUN(every_kernel_agrees_with_double_precision);
    RUN(nearest_matches_brute_force);
    RUN(equal_scores_rank_the_lower_row_first);
    RUN(excluded_items_and_restrict_are_honoured);
    RUN(query_vector_is_the_mean_of_unit_vectors);
    RUN(zero_vectors_score_zero_and_cannot_be_queried);
    RUN(batch_answers_equal_single_queries_bit_for_bit);
    RUN(analogy_add_is_the_nearest_to_b_minus_a_plus_c);
    RUN(analogy_mul_matches_the_3cosmul_formula);
    CHECK_EXIT();
}
