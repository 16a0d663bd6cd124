/* Evaluation metrics on cases small enough to check by hand: correlations,
 * word pairs, case folding, principal components. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "eval/eval.h"
#include "item2vec.h"
#include "test_eval_fixture.h"

/* ---- correlations ------------------------------------------------------ */

static void spearman_gives_tied_values_their_average_rank(void)
{
    /* Ranks of x: 1, 2.5, 2.5, 4; of y: 1, 3, 2, 4; their Pearson r is
     * 4.5 / sqrt(4.5 * 5) = 3 / sqrt(10). */
    const double x[] = {1, 2, 2, 3}, y[] = {1, 3, 2, 4};
    CHECK_NEAR(i2v_spearman(x, y, 4), 3 / sqrt(10), 1e-12);
    const double up[] = {10, 20, 30, 40}, down[] = {-1, -5, -7, -100};
    CHECK_NEAR(i2v_spearman(up, down, 4), -1, 1e-12);
}

static void correlations_are_undefined_without_variation(void)
{
    const double x[] = {1, 2, 3}, flat[] = {4, 4, 4};
    CHECK(isnan(i2v_spearman(x, flat, 3)));
    CHECK(isnan(i2v_pearson(flat, x, 3)));
    CHECK(isnan(i2v_spearman(x, x, 1)));
    CHECK(isnan(i2v_pearson(x, x, 0)));
}

static void pearson_matches_a_hand_computed_value(void)
{
    /* Deviations (-1, 0, 1) and (-7/3, -1/3, 8/3): r = 5 / sqrt(2 * 114/9). */
    const double x[] = {1, 2, 3}, y[] = {2, 4, 7};
    CHECK_NEAR(i2v_pearson(x, y, 3), 5 / sqrt(2 * 114.0 / 9), 1e-12);
    /* Large, close values must not lose their digits. */
    const double big_x[] = {1e9 + 1, 1e9 + 2, 1e9 + 3}, big_y[] = {1e9 + 2, 1e9 + 4, 1e9 + 7};
    CHECK_NEAR(i2v_pearson(big_x, big_y, 3), 5 / sqrt(2 * 114.0 / 9), 1e-9);
}

/* ---- word pairs -------------------------------------------------------- */

/* "Cat" is more frequent than "cat": folded, both are Cat's vector. */
static const char *const pair_names[] = {"the", "Cat", "cat", "dog", "car"};
static const float pair_vectors[] = {3, 1, 1, 0, 0, 1, 1, 1, -1, 0};

static const char pair_file[] =
    "# WordSim-style pairs\n"  /* 1: comment */
    "cat\tdog\t8\n"            /* 2: cos(Cat, dog) = 0.7071 */
    "CAT car 2\n"              /* 3: cos(Cat, car) = -1 */
    "\n"                       /* 4: blank */
    "dog\tcar\t5\r\n"          /* 5: cos(dog, car) = -0.7071 */
    "cat\tunknown\t5\n"        /* 6: out of vocabulary */
    "bad line\n"               /* 7: two fields */
    "dog car notanumber\n"     /* 8: no score */
    "the dog 6 extra\n";       /* 9: four fields */

static i2v_pairs_eval eval_pairs_with(uint32_t restrict_vocab, int case_sensitive)
{
    i2v_model *m = fixture_model(pair_names, 5, 2, pair_vectors, NULL);
    i2v_word_eval_options o;
    i2v_word_eval_options_default(&o);
    o.restrict_vocab = restrict_vocab;
    o.case_sensitive = case_sensitive;
    FILE *f = fixture_text(pair_file);
    i2v_pairs_eval r;
    i2v_error err;
    CHECK(i2v_eval_pairs(m, f, "pairs.tsv", &o, &r, &err) == I2V_OK);
    fclose(f);
    i2v_model_free(m);
    return r;
}

static void pairs_correlate_cosines_with_human_scores(void)
{
    i2v_pairs_eval r = eval_pairs_with(0, 0);
    CHECK(r.pairs == 4 && r.used == 3 && r.oov == 1);
    CHECK_NEAR(r.spearman, 1, 1e-12);
    /* scipy.stats.pearsonr([8, 2, 5], [sqrt(.5), -1, -sqrt(.5)]) */
    CHECK_NEAR(r.pearson, 0.9350208921259078, 1e-6); /* float norms */
}

static void pairs_count_malformed_lines_with_their_numbers(void)
{
    i2v_pairs_eval r = eval_pairs_with(0, 0);
    CHECK(r.malformed.count == 3);
    CHECK(r.malformed.lines[0] == 7 && r.malformed.lines[1] == 8 && r.malformed.lines[2] == 9);
}

static void pairs_fold_case_to_the_most_frequent_spelling(void)
{
    i2v_pairs_eval sensitive = eval_pairs_with(0, 1);
    /* "CAT" is unknown; "cat" is its own vector (0, 1): cos with dog
     * 0.7071, dog-car -0.7071; two pairs, same order as the human scores. */
    CHECK(sensitive.used == 2 && sensitive.oov == 2);
    CHECK_NEAR(sensitive.spearman, 1, 1e-12);
}

static void pairs_respect_restrict_vocab(void)
{
    /* Only the, Cat, cat are known: no pair has both items. */
    i2v_pairs_eval r = eval_pairs_with(3, 0);
    CHECK(r.pairs == 4 && r.used == 0 && r.oov == 4);
    CHECK(isnan(r.spearman) && isnan(r.pearson));
}

static void a_pairs_file_without_pairs_is_an_error(void)
{
    i2v_model *m = fixture_model(pair_names, 5, 2, pair_vectors, NULL);
    i2v_word_eval_options o;
    i2v_word_eval_options_default(&o);
    const char *files[] = {"\n\n", "# just a comment\n", "one two\n"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        FILE *f = fixture_text(files[i]);
        i2v_pairs_eval r;
        i2v_error err;
        CHECK(i2v_eval_pairs(m, f, "empty.tsv", &o, &r, &err) == I2V_ERR_EMPTY);
        CHECK(strstr(err.message, "empty.tsv") != NULL);
        fclose(f);
    }
    i2v_model_free(m);
}

/* ---- case folding ------------------------------------------------------ */

static int folds_to(void *locale, const char *in, const char *want)
{
    char *buf = NULL;
    size_t cap = 0, len;
    i2v_error err;
    int ok = fold_case(locale, in, strlen(in), &buf, &cap, &len, &err) == I2V_OK &&
             len == strlen(want) && strcmp(buf, want) == 0;
    if (!ok)
        fprintf(stderr, "    fold_case(\"%s\") = \"%s\", want \"%s\"\n", in, buf ? buf : "",
                want);
    free(buf);
    return ok;
}

static void case_folding_matches_python_upper(void)
{
    word_index w;
    const char *const names[] = {"x"};
    const float v[] = {1};
    i2v_model *m = fixture_model(names, 1, 1, v, NULL);
    i2v_error err;
    CHECK(word_index_init(&w, m, 0, 0, &err) == I2V_OK);
    CHECK(folds_to(w.locale, "athens", "ATHENS"));
    CHECK(folds_to(w.locale, "stra\xc3\x9f" "e", "STRASSE"));           /* straße */
    CHECK(folds_to(NULL, "stra\xc3\x9f" "e", "STRASSE"));
    CHECK(folds_to(NULL, "mixed Case 42", "MIXED CASE 42"));
    CHECK(folds_to(NULL, "bad\xff\xc3", "BAD\xff\xc3"));                /* not UTF-8: kept */
    if (w.locale) {
        CHECK(folds_to(w.locale, "caf\xc3\xa9", "CAF\xc3\x89"));          /* café */
        CHECK(folds_to(w.locale, "\xc3\xbf", "\xc5\xb8"));                /* ÿ -> Ÿ */
        CHECK(folds_to(w.locale, "\xc4\xb1", "I"));                       /* dotless i */
        CHECK(folds_to(w.locale, "\xd0\xbc\xd0\xb8\xd1\x80", "\xd0\x9c\xd0\x98\xd0\xa0")); /* мир */
    } else {
        printf("SKIP: case_folding_beyond_ascii (no C.UTF-8 locale)\n");
    }
    word_index_free(&w);
    i2v_model_free(m);
}

/* ---- principal components ---------------------------------------------- */

static void eigenvalues_of_a_known_symmetric_matrix(void)
{
    double a[9] = {2, 1, 0, 1, 2, 0, 0, 0, 5}, values[3];
    i2v_error err;
    CHECK(eval_symmetric_eigenvalues(a, 3, values, &err) == I2V_OK);
    CHECK_NEAR(values[0], 5, 1e-12);
    CHECK_NEAR(values[1], 3, 1e-12);
    CHECK_NEAR(values[2], 1, 1e-12);

    /* H diag(6..1) H with a Householder reflection H = I - 2 v v^T / v.v:
     * a dense matrix with eigenvalues 6, 5, 4, 3, 2, 1. */
    enum { N = 6 };
    double v[N] = {1, 2, 3, 4, 5, 6}, vv = 91, h[N][N], dense[N * N], got[N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            h[i][j] = (i == j) - 2 * v[i] * v[j] / vv;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double sum = 0;
            for (int k = 0; k < N; k++)
                sum += h[i][k] * (N - k) * h[k][j];
            dense[i * N + j] = sum;
        }
    CHECK(eval_symmetric_eigenvalues(dense, N, got, &err) == I2V_OK);
    for (int i = 0; i < N; i++)
        CHECK_NEAR(got[i], N - i, 1e-9);
}

static void dims_count_the_components_that_reach_the_share(void)
{
    /* Centred points on two axes: variance 18 along x, 2 along y, none
     * along z, so the explained ratios are 0.9, 0.1, 0. */
    const char *const names[] = {"a", "b", "c", "d"};
    const float v[] = {3, 0, 0, -3, 0, 0, 0, 1, 0, 0, -1, 0};
    i2v_model *m = fixture_model(names, 4, 3, v, NULL);
    i2v_dims_eval d;
    i2v_error err;
    CHECK(i2v_eval_dims(m, 0.9, &d, &err) == I2V_OK);
    CHECK(d.dim == 3 && d.items == 4 && d.n_top == 3);
    CHECK_NEAR(d.top[0], 0.9, 1e-12);
    CHECK_NEAR(d.top[1], 0.1, 1e-12);
    CHECK_NEAR(d.top[2], 0, 1e-12);
    CHECK(d.components == 1);
    CHECK(i2v_eval_dims(m, 0.95, &d, &err) == I2V_OK && d.components == 2);
    CHECK(i2v_eval_dims(m, 1.0, &d, &err) == I2V_OK && d.components == 2);
    CHECK(i2v_eval_dims(m, 0, &d, &err) == I2V_ERR_INVALID);
    i2v_model_free(m);
}

static void dims_of_a_model_without_variance_is_an_error(void)
{
    const char *const names[] = {"a", "b"};
    const float same[] = {1, 2, 1, 2};
    i2v_model *m = fixture_model(names, 2, 2, same, NULL);
    i2v_dims_eval d;
    i2v_error err;
    CHECK(i2v_eval_dims(m, 0.9, &d, &err) == I2V_ERR_EMPTY);
    i2v_model_free(m);
    m = fixture_model(names, 1, 2, same, NULL);
    CHECK(i2v_eval_dims(m, 0.9, &d, &err) == I2V_ERR_EMPTY);
    i2v_model_free(m);
}

/* Finite inputs give the right correlation whatever their scale: values
 * near the largest double, denormals, all equal (undefined: NAN), and
 * never a -0. */
static void correlations_hold_at_the_extremes_of_double(void)
{
    const double x[] = {1, 2, 3, 4}, y[] = {1, 3, 2, 4};
    double r = i2v_pearson(x, y, 4);
    double huge_x[4], huge_y[4], tiny_x[4], tiny_y[4];
    for (int i = 0; i < 4; i++) {
        huge_x[i] = x[i] * 4e307; /* sums and squares would overflow */
        huge_y[i] = -y[i] * (1.7e308 / 4);
        tiny_x[i] = x[i] * 4.9e-324 * 8; /* denormals: squares underflow to 0 */
        tiny_y[i] = y[i] * 1e-310;
    }
    CHECK_NEAR(i2v_pearson(huge_x, huge_y, 4), -r, 1e-12);
    CHECK_NEAR(i2v_pearson(tiny_x, tiny_y, 4), r, 1e-12);
    CHECK_NEAR(i2v_spearman(huge_x, huge_y, 4), -i2v_spearman(x, y, 4), 1e-12);
    CHECK_NEAR(i2v_spearman(tiny_x, y, 4), i2v_spearman(x, y, 4), 1e-12);
    const double mixed_x[] = {-1.7e308, 1.7e308, 0, 1e-300}, mixed_y[] = {1, 4, 2, 3};
    double m = i2v_pearson(mixed_x, mixed_y, 4);
    CHECK(isfinite(m) && m > 0.9 && m <= 1);
    const double same[] = {1e308, 1e308, 1e308}, other[] = {1, 2, 3};
    CHECK(isnan(i2v_pearson(same, other, 3)) && isnan(i2v_spearman(same, other, 3)));
    const double zero_x[] = {0, 0, 0};
    CHECK(isnan(i2v_pearson(zero_x, other, 3)));
    /* Uncorrelated by symmetry: exactly 0, printed as 0, not -0. */
    const double sx[] = {-1, 0, 1, 0}, sy[] = {0, 1, 0, -1};
    double z = i2v_pearson(sx, sy, 4);
    CHECK(z == 0 && !signbit(z));
}

int main(void)
{
    RUN(spearman_gives_tied_values_their_average_rank);
    RUN(correlations_are_undefined_without_variation);
    RUN(pearson_matches_a_hand_computed_value);
    RUN(correlations_hold_at_the_extremes_of_double);
    RUN(pairs_correlate_cosines_with_human_scores);
    RUN(pairs_count_malformed_lines_with_their_numbers);
    RUN(pairs_fold_case_to_the_most_frequent_spelling);
    RUN(pairs_respect_restrict_vocab);
    RUN(a_pairs_file_without_pairs_is_an_error);
    RUN(case_folding_matches_python_upper);
    RUN(eigenvalues_of_a_known_symmetric_matrix);
    RUN(dims_count_the_components_that_reach_the_share);
    RUN(dims_of_a_model_without_variance_is_an_error);
    CHECK_EXIT();
}
