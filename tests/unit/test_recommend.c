/* Recommendations on a trained model: blocked answers are the answers each
 * history gets alone, bit for bit, on any number of threads; they follow
 * the rule worked out independently in double precision; the evaluation's
 * rank of an answer is its rank in the answer; and many similar queries at
 * once answer as one query does. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "planted.h"
#include "util/rng.h"

static char dir[] = "/tmp/item2vec-recommend-XXXXXX";

static i2v_model *train_planted(void)
{
    if (!mkdtemp(dir) || planted_generate(dir, "s", "--items 600 --groups 12 --sessions 3000 "
                                                    "--seed 3") != 0)
        return NULL;
    char path[256];
    snprintf(path, sizeof path, "%s/s.txt", dir);
    FILE *f = fopen(path, "r");
    i2v_train_params p;
    i2v_train_params_default(&p);
    p.dim = 24;
    p.epochs = 3;
    p.successors = 8;
    p.min_count = 2;
    i2v_trainer *t = NULL;
    i2v_model *m = NULL;
    i2v_error err;
    CHECK(f && i2v_trainer_create(&p, NULL, &t, &err) == I2V_OK);
    CHECK(i2v_trainer_read_corpus(t, f, path, &err) == I2V_OK);
    CHECK(i2v_trainer_run(t, NULL, NULL, &err) == I2V_OK);
    CHECK(i2v_trainer_take_model(t, &m, &err) == I2V_OK);
    i2v_trainer_free(t);
    if (f)
        fclose(f);
    return m;
}

/* More histories than one tile of the blocked product holds (512), so the
 * answers come from several tiles on several threads. */
enum { HISTORIES = 1500, MAX_LEN = 40 };

typedef struct histories {
    uint32_t ids[HISTORIES * MAX_LEN];
    i2v_history h[HISTORIES];
} histories;

static void random_histories(const i2v_model *m, histories *hs)
{
    i2v_rng rng = i2v_rng_seeded(11, 2);
    uint32_t n = i2v_model_size(m);
    for (size_t i = 0; i < HISTORIES; i++) {
        size_t len = i == 7 ? 0 : 1 + i2v_rng_below(i2v_rng_next(&rng), MAX_LEN);
        uint32_t *ids = hs->ids + i * MAX_LEN;
        for (size_t j = 0; j < len; j++) /* repeats happen, as in real histories */
            ids[j] = i2v_rng_below(i2v_rng_next(&rng), j % 5 == 4 ? 20 : n);
        hs->h[i] = (i2v_history){ids, len};
    }
}

static i2v_recommender *recommender(const i2v_model *m, i2v_rec_score score, double blend,
                                    uint32_t context, int keep_seen, uint32_t threads)
{
    i2v_recommend_options o;
    i2v_recommend_options_default(m, &o);
    o.k = 12;
    o.score = score;
    o.blend = blend;
    o.context = context;
    o.keep_seen = keep_seen;
    o.threads = threads;
    i2v_recommender *r = NULL;
    i2v_error err;
    CHECK(i2v_recommender_create(m, &o, &r, &err) == I2V_OK);
    return r;
}

/* The rule in double precision, written again from its documentation:
 * the score of every candidate for one history. */
static void reference_scores(const i2v_model *m, const i2v_history *h, i2v_rec_score score,
                             double blend, uint32_t context, double *out)
{
    uint32_t n = i2v_model_size(m), dim = i2v_model_dim(m);
    size_t used = context == 0 || context > h->n ? h->n : context;
    double q[64] = {0}, total = 0, weight = 1, x = i2v_model_params(m)->ns_exponent;
    for (size_t d = 0; d < used; d++, weight /= 2) {
        uint32_t id = h->items[h->n - 1 - d];
        const float *v = i2v_model_vector(m, id);
        double scale = score == I2V_REC_COSINE ? weight / i2v_model_norm(m, id) : weight;
        for (uint32_t j = 0; j < dim; j++)
            q[j] += scale * v[j];
        total += weight;
    }
    double *share = calloc(n, sizeof *share), shares_total = 0;
    weight = 1;
    for (size_t d = 0; d < used; d++, weight /= 2) {
        uint32_t id = h->items[h->n - 1 - d], k;
        uint64_t transitions;
        const i2v_successor *s = i2v_model_successors(m, id, &k, &transitions);
        if (transitions == 0)
            continue;
        for (uint32_t j = 0; j < k; j++)
            share[s[j].item] += weight * s[j].count / (double)transitions;
        shares_total += weight;
    }
    for (uint32_t c = 0; c < n; c++) {
        const float *row = score == I2V_REC_COSINE ? i2v_model_vector(m, c)
                                                   : i2v_model_output(m, c);
        double dot = 0;
        for (uint32_t j = 0; j < dim; j++)
            dot += q[j] / total * row[j];
        if (score == I2V_REC_COSINE) {
            double norm = 0;
            for (uint32_t j = 0; j < dim; j++)
                norm += q[j] / total * q[j] / total;
            dot /= sqrt(norm) * i2v_model_norm(m, c);
        }
        if (score == I2V_REC_PREDICT)
            dot += x * log((double)i2v_model_count(m, c));
        if (share[c] > 0)
            dot += blend * log1p(share[c] / shares_total / I2V_SUCCESSOR_FLOOR);
        out[c] = dot;
    }
    free(share);
}

static int seen(const i2v_history *h, uint32_t c)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->items[i] == c)
            return 1;
    return 0;
}

/* Blocked on 3 threads = alone on 1, bit for bit; = the reference to
 * float rounding, with every gap the reference sees above 1e-4 kept in
 * order; = the evaluation's ranks. */
static void check_case(const i2v_model *m, const histories *hs, i2v_rec_score score,
                       double blend, uint32_t context, int keep_seen)
{
    i2v_recommender *many = recommender(m, score, blend, context, keep_seen, 3);
    i2v_recommender *one = recommender(m, score, blend, context, keep_seen, 1);
    uint32_t k = i2v_recommender_options(many)->k, n_items = i2v_model_size(m);
    i2v_neighbor *out = malloc(HISTORIES * k * sizeof *out), alone[32];
    uint32_t n_out[HISTORIES], n_alone;
    double *ref = malloc(n_items * sizeof *ref);
    i2v_error err;
    CHECK(i2v_recommend(many, hs->h, HISTORIES, out, n_out, &err) == I2V_OK);
    int identical = 1, agree = 1, ranked = 1;
    for (size_t i = 0; i < HISTORIES; i++) {
        const i2v_history *h = &hs->h[i];
        CHECK(i2v_recommend(one, h, 1, alone, &n_alone, &err) == I2V_OK);
        identical &= n_alone == n_out[i] &&
                     memcmp(alone, out + i * k, n_alone * sizeof *alone) == 0;
        if (h->n == 0) {
            CHECK(n_out[i] == 0);
            continue;
        }
        reference_scores(m, h, score, blend, context, ref);
        for (uint32_t r = 0; r < n_out[i]; r++) {
            const i2v_neighbor *a = &out[i * k + r];
            agree &= fabs(a->score - ref[a->id]) <= 1e-4 * (1 + fabs(ref[a->id]));
            agree &= keep_seen || !seen(h, a->id);
            /* Nothing left out scores clearly better than an answer. */
            for (uint32_t c = 0; c < n_items && r + 1 == n_out[i]; c++)
                if (ref[c] > ref[a->id] + 1e-4 && (keep_seen || !seen(h, c))) {
                    int answered = 0;
                    for (uint32_t s = 0; s < n_out[i]; s++)
                        answered |= out[i * k + s].id == c;
                    agree &= answered;
                }
            uint64_t rank = 0;
            CHECK(i2v_recommend_rank(one, h, a->id, &rank, &err) == I2V_OK);
            ranked &= rank == r + 1;
        }
    }
    CHECK(identical);
    CHECK(agree);
    CHECK(ranked);
    free(out);
    free(ref);
    i2v_recommender_free(many);
    i2v_recommender_free(one);
}

static i2v_model *model;
static histories planted_histories;

static void blocked_answers_are_single_answers_and_follow_the_rule(void)
{
    check_case(model, &planted_histories, I2V_REC_PREDICT, 0.5, 5, 0);
    check_case(model, &planted_histories, I2V_REC_PREDICT, 0, 5, 0);
    check_case(model, &planted_histories, I2V_REC_PREDICT, 3.0, 0, 0);
    check_case(model, &planted_histories, I2V_REC_DOT, 0.5, 1, 1);
    check_case(model, &planted_histories, I2V_REC_COSINE, 1.0, 3, 0);
}

/* Many similar queries at once answer as one query each does. */
static void nearest_many_answers_as_nearest(void)
{
    uint32_t n = 50, dim = i2v_model_dim(model), k = 15;
    float *queries = malloc(n * dim * sizeof *queries);
    uint64_t start[51];
    uint32_t exclude[150];
    i2v_rng rng = i2v_rng_seeded(5, 9);
    start[0] = 0;
    for (uint32_t q = 0; q < n; q++) {
        for (uint32_t j = 0; j < dim; j++)
            queries[q * dim + j] = i2v_rng_float(&rng) - 0.5f;
        uint32_t excluded = q % 4;
        for (uint32_t e = 0; e < excluded; e++)
            exclude[start[q] + e] = i2v_rng_below(i2v_rng_next(&rng), i2v_model_size(model));
        start[q + 1] = start[q] + excluded;
    }
    i2v_neighbor *out = malloc(n * k * sizeof *out), one[15];
    uint32_t n_out[50], n_one;
    i2v_error err;
    for (uint32_t limit = 0; limit <= 300; limit += 300) {
        CHECK(i2v_nearest_many(model, queries, n, start, exclude, limit, k, 2, out, n_out,
                               &err) == I2V_OK);
        int same = 1;
        for (uint32_t q = 0; q < n; q++) {
            CHECK(i2v_nearest(model, queries + q * dim, exclude + start[q],
                              (size_t)(start[q + 1] - start[q]), limit, k, one, &n_one,
                              &err) == I2V_OK);
            same &= n_one == n_out[q] && memcmp(one, out + q * k, n_one * sizeof *one) == 0;
        }
        CHECK(same);
    }
    free(queries);
    free(out);
}

/* What the recommender cannot do is refused or noted. */
static void options_out_of_range_are_refused(void)
{
    i2v_recommend_options o;
    i2v_recommend_options_default(model, &o);
    CHECK(o.context == 5 && o.blend == I2V_DEFAULT_BLEND && o.k == 10);
    i2v_recommender *r = NULL;
    i2v_error err;
    o.k = 0;
    CHECK(i2v_recommender_create(model, &o, &r, &err) == I2V_ERR_INVALID && !r);
    o.k = 5;
    o.blend = -1;
    CHECK(i2v_recommender_create(model, &o, &r, &err) == I2V_ERR_INVALID &&
          err.param == I2V_PARAM_BLEND);
    o.blend = 0.5;
    o.threads = 0;
    CHECK(i2v_recommender_create(model, &o, &r, &err) == I2V_ERR_INVALID);
    o.threads = 1;
    CHECK(i2v_recommender_create(model, &o, &r, &err) == I2V_OK);
    uint32_t bad = i2v_model_size(model);
    i2v_history h = {&bad, 1};
    i2v_neighbor out[5];
    uint32_t n_out;
    CHECK(i2v_recommend(r, &h, 1, out, &n_out, &err) == I2V_ERR_INVALID);
    i2v_recommender_free(r);
}

int main(void)
{
    model = train_planted();
    if (!model) {
        printf("FAIL: training a planted model for the recommender tests\n");
        return 1;
    }
    random_histories(model, &planted_histories);
    RUN(blocked_answers_are_single_answers_and_follow_the_rule);
    RUN(nearest_many_answers_as_nearest);
    RUN(options_out_of_range_are_refused);
    i2v_model_free(model);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    CHECK_EXIT();
}
