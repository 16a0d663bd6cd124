/* Cold start: reading features files, the ridge and mean fits, and the
 * model that places cold items, as a user of i2v_coldstart_run relies on. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "coldstart/coldstart.h"
#include "item2vec.h"
#include "model/model.h"
#include "util/rng.h"

/* ---- helpers ------------------------------------------------------- */

static i2v_status read_text(const char *text, i2v_features **f, i2v_features_report *report,
                            i2v_error *err)
{
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    CHECK(in != NULL);
    i2v_status st = i2v_features_read(in, "items.tsv", f, report, err);
    fclose(in);
    return st;
}

/* The features of item `name`, joined by spaces, into buf. */
static const char *features_of_item(const i2v_features *f, const char *name, char *buf,
                                    size_t size)
{
    int64_t id = i2v_vocab_find(f->items, name, strlen(name));
    buf[0] = '\0';
    if (id < 0)
        return "(absent)";
    size_t used = 0;
    for (uint64_t k = f->start[id]; k < f->start[id + 1]; k++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? " " : "",
                                 i2v_vocab_item(f->features, f->feature[k], NULL));
    return buf;
}

static double cosine(const float *a, const float *b, uint32_t d)
{
    double ab = 0, aa = 0, bb = 0;
    for (uint32_t j = 0; j < d; j++) {
        ab += (double)a[j] * b[j];
        aa += (double)a[j] * a[j];
        bb += (double)b[j] * b[j];
    }
    return ab / sqrt(aa * bb);
}

/* A planted model: GROUPS groups of PER_GROUP items g<G>_i<I>, each item's
 * vector its group's axis (scaled by a length that varies by item) plus a
 * little noise; counts and output rows so that copying them is checked. */
#define GROUPS 4
#define PER_GROUP 12
#define DIM 8

static i2v_model *planted_model(void)
{
    const uint32_t n = GROUPS * PER_GROUP;
    model_arrays a = {0};
    a.names = malloc((size_t)n * 16);
    a.name_offset = malloc(n * sizeof *a.name_offset);
    a.name_length = malloc(n * sizeof *a.name_length);
    a.counts = malloc(n * sizeof *a.counts);
    a.input = malloc((size_t)n * DIM * sizeof *a.input);
    a.output = malloc((size_t)n * DIM * sizeof *a.output);
    CHECK(a.names && a.name_offset && a.name_length && a.counts && a.input && a.output);
    i2v_rng rng = i2v_rng_seeded(3, 0);
    size_t at = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t g = i % GROUPS;
        int len = snprintf(a.names + at, 16, "g%u_i%u", g, i / GROUPS);
        a.name_offset[i] = at;
        a.name_length[i] = (uint32_t)len;
        at += (size_t)len + 1;
        a.counts[i] = 1000 - i;
        float length = 1.0f + (float)(i % 5);
        for (uint32_t j = 0; j < DIM; j++) {
            float noise = 0.3f * (i2v_rng_float(&rng) - 0.5f);
            a.input[(size_t)i * DIM + j] = length * ((j == g ? 1.0f : 0.0f) + noise);
            a.output[(size_t)i * DIM + j] = (float)i + 0.5f * (float)j;
        }
    }
    i2v_train_params p;
    i2v_train_params_default(&p);
    p.dim = DIM;
    i2v_model *m = NULL;
    i2v_error err;
    CHECK(model_from_arrays("planted", n, DIM, &a, &p, &m, &err) == I2V_OK);
    return m;
}

/* Features of the planted items, known and cold: category = group, one
 * of three noise tags; cold items c<G>_<I> have the same kind. */
static char *planted_features(uint32_t cold_per_group)
{
    size_t cap = 64 * 1024, used = 0;
    char *text = malloc(cap);
    CHECK(text != NULL);
    for (uint32_t i = 0; i < GROUPS * PER_GROUP; i++)
        used += (size_t)snprintf(text + used, cap - used, "g%u_i%u\tcat:%u tag:%u\n",
                                 i % GROUPS, i / GROUPS, i % GROUPS, (i * 7) % 3);
    for (uint32_t g = 0; g < GROUPS; g++)
        for (uint32_t c = 0; c < cold_per_group; c++)
            used += (size_t)snprintf(text + used, cap - used, "c%u_%u\ttag:%u cat:%u\n", g, c,
                                     c % 3, g);
    return text;
}

static i2v_model *run_coldstart(const i2v_model *m, const char *features_text,
                                const i2v_coldstart_params *p, i2v_coldstart_report *report,
                                i2v_status *status)
{
    i2v_features *f = NULL;
    i2v_features_report fr;
    i2v_error err;
    i2v_model *out = NULL;
    CHECK(read_text(features_text, &f, &fr, &err) == I2V_OK);
    *status = i2v_coldstart_run(m, f, p, &out, report, &err);
    if (*status != I2V_OK)
        fprintf(stderr, "    coldstart: %s\n", err.message);
    i2v_features_free(f);
    return out;
}

/* ---- features files ------------------------------------------------ */

static void features_lines_give_item_feature_sets(void)
{
    const char *text = "# catalogue\n"
                       "shoe_1\tcategory:shoes brand:acme tag:red\n"
                       "\n"
                       "  shoe_2 \tcategory:shoes\ttag:red  tag:red\r\n"
                       "hat_1\tcategory:hats\n"
                       "shoe_1\ttag:sale\n"
                       "   # indented comment\n";
    i2v_features *f = NULL;
    i2v_features_report r;
    i2v_error err;
    char buf[256];
    CHECK(read_text(text, &f, &r, &err) == I2V_OK);
    CHECK(r.lines == 7 && r.skipped_lines == 3 && r.malformed == 0);
    CHECK(r.items == 3 && r.features == 5 && r.pairs == 7);
    CHECK(strcmp(features_of_item(f, "shoe_1", buf, sizeof buf),
                 "category:shoes brand:acme tag:red tag:sale") == 0);
    CHECK(strcmp(features_of_item(f, "shoe_2", buf, sizeof buf), "category:shoes tag:red") == 0);
    CHECK(strcmp(features_of_item(f, "hat_1", buf, sizeof buf), "category:hats") == 0);
    CHECK(f->first_line[i2v_vocab_find(f->items, "hat_1", 5)] == 5);
    i2v_features_free(f);
}

static void features_malformed_lines_are_skipped_with_line_numbers(void)
{
    static const char text[] = "a\tx y\n"
                               "no tab here\n"
                               "\tx\n"
                               "b c\tx\n"
                               "d\t  \r\n"
                               "e\tf\0g\n"
                               "h\tz\n";
    i2v_features *f = NULL;
    i2v_features_report r;
    i2v_error err;
    FILE *in = fmemopen((void *)text, sizeof text - 1, "r"); /* the NUL byte included */
    CHECK(i2v_features_read(in, "items.tsv", &f, &r, &err) == I2V_OK);
    fclose(in);
    CHECK(r.malformed == 5 && r.n_examples == 5 && r.items == 2);
    CHECK(r.examples[0].line == 2 && strstr(r.examples[0].reason, "no tab"));
    CHECK(r.examples[1].line == 3 && strstr(r.examples[1].reason, "no item before the tab"));
    CHECK(r.examples[2].line == 4 && strstr(r.examples[2].reason, "item 'b c'") &&
          strstr(r.examples[2].reason, "blank"));
    CHECK(r.examples[3].line == 5 && strstr(r.examples[3].reason, "item 'd': no feature"));
    CHECK(r.examples[4].line == 6 && strstr(r.examples[4].reason, "NUL"));
    i2v_features_free(f);
}

static void features_empty_file_is_an_error(void)
{
    i2v_features *f = NULL;
    i2v_features_report r;
    i2v_error err;
    FILE *in = fopen("/dev/null", "rb");
    CHECK(in != NULL);
    CHECK(i2v_features_read(in, "items.tsv", &f, &r, &err) == I2V_ERR_EMPTY);
    fclose(in);
    CHECK(f == NULL && strstr(err.message, "items.tsv: empty file"));
    CHECK(read_text("# only\n\nbad line\n", &f, &r, &err) == I2V_ERR_EMPTY);
    CHECK(f == NULL && strstr(err.message, "no line holds an item") &&
          strstr(err.message, "1 malformed"));
}

static void features_long_lines_are_read_whole(void)
{
    size_t n = 200000; /* several read blocks */
    char *text = malloc(n + 64);
    CHECK(text != NULL);
    size_t used = (size_t)sprintf(text, "big\t");
    while (used < n)
        used += (size_t)sprintf(text + used, "t%zu ", used);
    used += (size_t)sprintf(text + used, "last\nsmall\tone");
    text[used] = '\0';
    i2v_features *f = NULL;
    i2v_features_report r;
    i2v_error err;
    CHECK(read_text(text, &f, &r, &err) == I2V_OK);
    CHECK(r.items == 2 && r.malformed == 0 && r.lines == 2);
    CHECK(i2v_vocab_find(f->features, "last", 4) >= 0);
    CHECK(i2v_vocab_find(f->features, "one", 3) >= 0);
    i2v_features_free(f);
    free(text);
}

/* ---- fits ---------------------------------------------------------- */

/* X = [1 0; 0 1; 1 1], two target columns, lambda 1:
 * (X'X + I) = [3 1; 1 3], X'Y = [4 -1; 5 0], W = [7/8 -3/8; 11/8 1/8]. */
static void ridge_solves_a_small_exact_case(void)
{
    static const uint64_t row_start[] = {0, 1, 2, 4};
    static const uint32_t col[] = {0, 1, 0, 1};
    static const float target[] = {1, 0, 2, 1, 3, -1};
    const coldstart_design x = {3, 2, 2, row_start, col, target};
    const double want[] = {7.0 / 8, -3.0 / 8, 11.0 / 8, 1.0 / 8};
    for (int solver = COLDSTART_SOLVER_CHOLESKY; solver <= COLDSTART_SOLVER_CG; solver++) {
        double w[4];
        coldstart_fit_info info;
        i2v_error err;
        CHECK(coldstart_fit_ridge(&x, 1.0, solver, w, &info, &err) == I2V_OK);
        for (int i = 0; i < 4; i++)
            CHECK_NEAR(w[i], want[i], 1e-9);
    }
}

/* A random sparse design: a constant column and 1..6 of COLS features. */
static coldstart_design random_design(uint32_t rows, uint32_t cols, uint32_t dim,
                                      const double *truth, uint64_t seed)
{
    uint64_t *row_start = malloc(((size_t)rows + 1) * sizeof *row_start);
    uint32_t *col = malloc((size_t)rows * 7 * sizeof *col);
    float *target = malloc((size_t)rows * dim * sizeof *target);
    CHECK(row_start && col && target);
    i2v_rng rng = i2v_rng_seeded(seed, 1);
    row_start[0] = 0;
    for (uint32_t r = 0; r < rows; r++) {
        uint64_t at = row_start[r];
        col[at++] = 0;
        uint32_t n = 1 + i2v_rng_below(i2v_rng_next(&rng), 6);
        /* Ascending and distinct: a walk from a random column by random strides. */
        uint32_t c = 1 + i2v_rng_below(i2v_rng_next(&rng), cols - 1);
        for (uint32_t k = 0; k < n && c < cols; k++) {
            col[at++] = c;
            c += 1 + i2v_rng_below(i2v_rng_next(&rng), 40);
        }
        row_start[r + 1] = at;
        for (uint32_t j = 0; j < dim; j++) {
            double y = 0;
            for (uint64_t k = row_start[r]; k < at; k++)
                y += truth ? truth[(size_t)col[k] * dim + j] : 0;
            target[(size_t)r * dim + j] = truth ? (float)y : i2v_rng_float(&rng) - 0.5f;
        }
    }
    return (coldstart_design){rows, cols, dim, row_start, col, target};
}

static void free_design(coldstart_design *x)
{
    free((void *)x->row_start);
    free((void *)x->col);
    free((void *)x->target);
}

static void ridge_cholesky_and_conjugate_gradient_agree(void)
{
    coldstart_design x = random_design(3000, 300, 6, NULL, 9);
    double *a = malloc(300 * 6 * sizeof *a), *b = malloc(300 * 6 * sizeof *b);
    coldstart_fit_info ia, ib;
    i2v_error err;
    CHECK(coldstart_fit_ridge(&x, 0.5, COLDSTART_SOLVER_CHOLESKY, a, &ia, &err) == I2V_OK);
    CHECK(coldstart_fit_ridge(&x, 0.5, COLDSTART_SOLVER_CG, b, &ib, &err) == I2V_OK);
    CHECK(strcmp(ia.solver, "cholesky") == 0 && strcmp(ib.solver, "conjugate gradient") == 0);
    CHECK(ib.iterations > 0 && ib.residual <= I2V_COLDSTART_CG_TOLERANCE);
    double worst = 0;
    for (int i = 0; i < 300 * 6; i++)
        worst = fmax(worst, fabs(a[i] - b[i]));
    CHECK(worst < 1e-4);
    free(a);
    free(b);
    free_design(&x);
}

/* Noiseless targets Y = X W: a tiny lambda gives W back. */
static void ridge_recovers_planted_weights(void)
{
    enum { COLS = 120, D = 3 };
    double truth[COLS * D], w[COLS * D];
    i2v_rng rng = i2v_rng_seeded(4, 2);
    for (int i = 0; i < COLS * D; i++)
        truth[i] = i2v_rng_float(&rng) - 0.5f;
    coldstart_design x = random_design(4000, COLS, D, truth, 5);
    for (int solver = COLDSTART_SOLVER_CHOLESKY; solver <= COLDSTART_SOLVER_CG; solver++) {
        coldstart_fit_info info;
        i2v_error err;
        CHECK(coldstart_fit_ridge(&x, 1e-6, solver, w, &info, &err) == I2V_OK);
        double worst = 0;
        for (int i = 0; i < COLS * D; i++)
            worst = fmax(worst, fabs(w[i] - truth[i]));
        CHECK(worst < 1e-3);
    }
    free_design(&x);
}

/* Column 0 is the constant: weights 0 = mean target; others = the mean
 * deviation of their rows. */
static void mean_fit_centres_feature_means(void)
{
    static const uint64_t row_start[] = {0, 2, 4, 5};
    static const uint32_t col[] = {0, 1, 0, 1, 0};
    static const float target[] = {1, 3, 5};
    const coldstart_design x = {3, 3, 1, row_start, col, target};
    double w[3];
    i2v_error err;
    CHECK(coldstart_fit_mean(&x, w, &err) == I2V_OK);
    CHECK_NEAR(w[0], 3.0, 1e-12);
    CHECK_NEAR(w[1], -1.0, 1e-12); /* rows 0, 1: mean 2 */
    CHECK_NEAR(w[2], 0.0, 1e-12);  /* no row */
}

/* ---- the whole run ------------------------------------------------- */

static void cold_items_land_near_their_group(void)
{
    i2v_model *m = planted_model();
    char *text = planted_features(3);
    for (int method = I2V_COLDSTART_RIDGE; method <= I2V_COLDSTART_MEAN; method++) {
        i2v_coldstart_params p;
        i2v_coldstart_params_default(&p);
        p.method = method;
        i2v_coldstart_report r;
        i2v_status st;
        i2v_model *out = run_coldstart(m, text, &p, &r, &st);
        CHECK(st == I2V_OK && out != NULL);
        if (!out)
            continue;
        CHECK(r.known == GROUPS * PER_GROUP && r.placed == GROUPS * 3 && r.skipped == 0);
        CHECK(r.fused == 0 && r.without_features == 0 && r.features == GROUPS + 3);
        CHECK(r.fit_cosine > 0.9);
        CHECK(i2v_model_size(out) == GROUPS * PER_GROUP + GROUPS * 3);
        for (uint32_t g = 0; g < GROUPS; g++) {
            char name[16];
            snprintf(name, sizeof name, "c%u_1", g);
            int64_t id = i2v_model_find(out, name, strlen(name));
            CHECK(id >= (int64_t)i2v_model_size(m));
            if (id < 0)
                continue;
            i2v_neighbor nb[5];
            uint32_t got = 0;
            i2v_error err;
            CHECK(i2v_nearest(out, i2v_model_vector(out, (uint32_t)id), NULL, 0,
                              i2v_model_size(m), 5, nb, &got, &err) == I2V_OK);
            CHECK(got == 5);
            for (uint32_t k = 0; k < got; k++)
                CHECK(i2v_model_item(out, nb[k].id, NULL)[1] == (char)('0' + g));
        }
        i2v_model_free(out);
    }
    free(text);
    i2v_model_free(m);
}

static void output_keeps_known_items_and_appends_cold_ones_in_byte_order(void)
{
    i2v_model *m = planted_model();
    char *text = planted_features(2);
    i2v_coldstart_params p;
    i2v_coldstart_params_default(&p);
    i2v_coldstart_report r;
    i2v_status st;
    i2v_model *out = run_coldstart(m, text, &p, &r, &st);
    CHECK(st == I2V_OK && out);
    uint32_t n = i2v_model_size(m), d = i2v_model_dim(m);
    for (uint32_t i = 0; out && i < n; i++) {
        CHECK(strcmp(i2v_model_item(out, i, NULL), i2v_model_item(m, i, NULL)) == 0);
        CHECK(memcmp(i2v_model_vector(out, i), i2v_model_vector(m, i), d * sizeof(float)) == 0);
        CHECK(memcmp(i2v_model_output(out, i), i2v_model_output(m, i), d * sizeof(float)) == 0);
        CHECK(i2v_model_count(out, i) == i2v_model_count(m, i));
    }
    static const char *const cold[] = {"c0_0", "c0_1", "c1_0", "c1_1",
                                       "c2_0", "c2_1", "c3_0", "c3_1"};
    float lengths[GROUPS * PER_GROUP];
    for (uint32_t i = 0; i < n; i++)
        lengths[i] = i2v_model_norm(m, i);
    for (uint32_t i = 0; out && i < 8; i++) {
        CHECK(strcmp(i2v_model_item(out, n + i, NULL), cold[i]) == 0);
        CHECK(i2v_model_count(out, n + i) == 0);
        const float *o = i2v_model_output(out, n + i);
        for (uint32_t j = 0; o && j < d; j++)
            CHECK(o[j] == 0.0f);
        /* The median length of the model's vectors: between the middle two. */
        int shorter = 0, longer = 0;
        for (uint32_t k = 0; k < n; k++) {
            shorter += lengths[k] < i2v_model_norm(out, n + i) - 1e-5f;
            longer += lengths[k] > i2v_model_norm(out, n + i) + 1e-5f;
        }
        CHECK(shorter <= (int)n / 2 && longer <= (int)n / 2);
    }
    CHECK(out && i2v_model_params(out) && i2v_model_params(out)->dim == DIM);
    i2v_error err;
    CHECK(out && i2v_model_verify(out, &err) == I2V_OK);
    i2v_model_free(out);
    free(text);
    i2v_model_free(m);
}

/* fuse A: A x behaviour + (1 - A) x content at the behaviour's length.
 * fuse 0 gives that content alone; fuse 1 the behaviour unchanged. */
static void fuse_blends_behaviour_and_content(void)
{
    i2v_model *m = planted_model();
    char *text = planted_features(0);
    i2v_coldstart_params p;
    i2v_coldstart_params_default(&p);
    i2v_coldstart_report r;
    i2v_status st;
    p.fuse = 0;
    i2v_model *content = run_coldstart(m, text, &p, &r, &st);
    CHECK(st == I2V_OK && r.fused == GROUPS * PER_GROUP && r.placed == 0);
    p.fuse = 1;
    i2v_model *same = run_coldstart(m, text, &p, &r, &st);
    p.fuse = 0.3;
    i2v_model *mixed = run_coldstart(m, text, &p, &r, &st);
    CHECK(content && same && mixed);
    uint32_t d = i2v_model_dim(m);
    for (uint32_t i = 0; content && same && mixed && i < i2v_model_size(m); i++) {
        const float *b = i2v_model_vector(m, i), *c = i2v_model_vector(content, i);
        CHECK_NEAR(i2v_model_norm(content, i), i2v_model_norm(m, i), 1e-5);
        CHECK(cosine(b, c, d) > 0.8);
        CHECK(memcmp(i2v_model_vector(same, i), b, d * sizeof(float)) == 0);
        for (uint32_t j = 0; j < d; j++)
            CHECK_NEAR(i2v_model_vector(mixed, i)[j], 0.3 * b[j] + 0.7 * c[j], 1e-5);
    }
    i2v_model_free(content);
    i2v_model_free(same);
    i2v_model_free(mixed);
    free(text);
    i2v_model_free(m);
}

static void cold_items_without_a_known_feature_are_skipped(void)
{
    i2v_model *m = planted_model();
    const char *text = "g0_i0\tcat:0\n"
                       "g1_i0\tcat:1\n"
                       "new_1\tcat:9 tag:unseen\n"
                       "new_2\tcat:1 tag:unseen\n";
    i2v_coldstart_params p;
    i2v_coldstart_params_default(&p);
    i2v_coldstart_report r;
    i2v_status st;
    i2v_model *out = run_coldstart(m, text, &p, &r, &st);
    CHECK(st == I2V_OK && out);
    CHECK(r.known == 2 && r.without_features == GROUPS * PER_GROUP - 2);
    CHECK(r.placed == 1 && r.skipped == 1 && r.features == 2 && r.unused_features == 2);
    CHECK(r.n_examples == 1 && r.examples[0].line == 3 &&
          strstr(r.examples[0].reason, "item 'new_1'"));
    CHECK(out && i2v_model_find(out, "new_2", 5) == GROUPS * PER_GROUP &&
          i2v_model_find(out, "new_1", 5) < 0);
    i2v_model_free(out);
    i2v_model_free(m);
}

static void no_known_item_is_an_error_naming_the_file(void)
{
    i2v_model *m = planted_model();
    i2v_features *f = NULL;
    i2v_features_report fr;
    i2v_coldstart_params p;
    i2v_coldstart_report r;
    i2v_error err;
    i2v_model *out = NULL;
    i2v_coldstart_params_default(&p);
    CHECK(read_text("x\ta\ny\tb\n", &f, &fr, &err) == I2V_OK);
    CHECK(i2v_coldstart_run(m, f, &p, &out, &r, &err) == I2V_ERR_EMPTY);
    CHECK(out == NULL && strstr(err.message, "items.tsv: none of its 2 items is in the model"));
    i2v_features_free(f);
    i2v_model_free(m);
}

static void bad_params_are_refused(void)
{
    i2v_model *m = planted_model();
    i2v_features *f = NULL;
    i2v_features_report fr;
    i2v_coldstart_report r;
    i2v_error err;
    i2v_model *out = NULL;
    CHECK(read_text("g0_i0\ta\n", &f, &fr, &err) == I2V_OK);
    const double lambdas[] = {0, -1, NAN, INFINITY};
    for (int i = 0; i < 4; i++) {
        i2v_coldstart_params p;
        i2v_coldstart_params_default(&p);
        p.lambda = lambdas[i];
        CHECK(i2v_coldstart_run(m, f, &p, &out, &r, &err) == I2V_ERR_INVALID);
        CHECK(strstr(err.message, "lambda"));
    }
    const double fuses[] = {1.5, -0.5, NAN};
    for (int i = 0; i < 3; i++) {
        i2v_coldstart_params p;
        i2v_coldstart_params_default(&p);
        p.fuse = fuses[i];
        CHECK(i2v_coldstart_run(m, f, &p, &out, &r, &err) == I2V_ERR_INVALID);
        CHECK(strstr(err.message, "fuse"));
    }
    CHECK(out == NULL);
    i2v_features_free(f);
    i2v_model_free(m);
}

int main(void)
{
    RUN(features_lines_give_item_feature_sets);
    RUN(features_malformed_lines_are_skipped_with_line_numbers);
    RUN(features_empty_file_is_an_error);
    RUN(features_long_lines_are_read_whole);
    RUN(ridge_solves_a_small_exact_case);
    RUN(ridge_cholesky_and_conjugate_gradient_agree);
    RUN(ridge_recovers_planted_weights);
    RUN(mean_fit_centres_feature_means);
    RUN(cold_items_land_near_their_group);
    RUN(output_keeps_known_items_and_appends_cold_ones_in_byte_order);
    RUN(fuse_blends_behaviour_and_content);
    RUN(cold_items_without_a_known_feature_are_skipped);
    RUN(no_known_item_is_an_error_naming_the_file);
    RUN(bad_params_are_refused);
    CHECK_EXIT();
}
