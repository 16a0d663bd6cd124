/* Next-item evaluation and the baselines, on cases ranked by hand.  The
 * model is ranked as `recommend` answers, so these are also the
 * recommender's rules: the query, the recency weights, the popularity
 * term, the blend, the exclusions. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "item2vec.h"
#include "test_eval_fixture.h"

/* Five items in two dimensions, counts A 5, B 4, C 3, D 2, E 1.  Input
 * vectors: A (1,0), B (0,1), C (1,1), D (-1,0), E (0,-1).  Output vectors:
 * A (1,0), B (2,0), C (0,3), D (-1,0), E (.5,.5). */
static const char *const names[] = {"A", "B", "C", "D", "E"};
static const float input[] = {1, 0, 0, 1, 1, 1, -1, 0, 0, -1};
static const float output[] = {1, 0, 2, 0, 0, 3, -1, 0, .5f, .5f};

typedef struct next_case {
    const char *train;   /* baselines' training text, or NULL */
    uint32_t k, context;
    i2v_rec_score score;
    double blend;
    int keep_seen;
} next_case;

static i2v_next_eval run_model(i2v_model *m, const char *test, next_case c, i2v_status *status)
{
    i2v_baselines *b = NULL;
    i2v_error err;
    if (c.train) {
        FILE *tf = fixture_text(c.train);
        CHECK(i2v_baselines_create(tf, "train.txt", &b, &err) == I2V_OK);
        fclose(tf);
    }
    i2v_next_options o;
    i2v_next_options_default(m, &o);
    o.k = c.k;
    o.recommend.context = c.context;
    o.recommend.score = c.score;
    o.recommend.blend = c.blend;
    o.recommend.keep_seen = c.keep_seen;
    FILE *f = fixture_text(test);
    i2v_next_eval r;
    *status = i2v_eval_next_item(m, b, f, "test.txt", &o, &r, &err);
    fclose(f);
    i2v_baselines_free(b);
    return r;
}

static i2v_next_eval run_next(const char *test, next_case c, i2v_status *status)
{
    i2v_model *m = fixture_model(names, 5, 2, input, output);
    i2v_next_eval r = run_model(m, test, c, status);
    i2v_model_free(m);
    return r;
}

/* Query A (1,0) . outputs: B 2, E .5, C 0, D -1 (A itself left out). */
static const char four_lines[] = "A B\nB C\nC D\nA E\n";

static void dot_scoring_ranks_by_input_times_output(void)
{
    /* Ranks: B 1; C 1 (query B: C 3); D 4 (query C: B 2, A 1, E 1, D -1;
     * A before E on the tie by id); E 2. */
    i2v_status st;
    i2v_next_eval r = run_next(four_lines, (next_case){NULL, 1, 1, I2V_REC_DOT, 0, 0}, &st);
    CHECK(st == I2V_OK && r.used.score == I2V_REC_DOT && !r.has_model_alone);
    CHECK(r.lines == 4 && r.model.hits == 2);
    CHECK_NEAR(r.model.hit_rate, 0.5, 1e-12);
    CHECK_NEAR(r.model.mrr, (1 + 1 + 0.25 + 0.5) / 4, 1e-6);
    CHECK_NEAR(r.model.ndcg, 0.5, 1e-12);
    r = run_next(four_lines, (next_case){NULL, 2, 1, I2V_REC_DOT, 0, 0}, &st);
    CHECK(r.model.hits == 3);
    CHECK_NEAR(r.model.ndcg, (2 + 1 / log2(3)) / 4, 1e-6);
    CHECK(!r.has_baselines);
}

/* PREDICT adds x log count, x 0.75 for a model that records no
 * parameters: A 1.21, B 1.04, C .82, D .52, E 0.  Query A: B 3.04, C .82,
 * E .5, D -.48; query C (1,1): C itself left out, B 3.04, A 2.21, E 1. */
static void prediction_adds_the_popularity_the_model_was_trained_against(void)
{
    i2v_status st;
    i2v_next_eval r = run_next("A C\nC A\nC E\n", (next_case){NULL, 1, 1, I2V_REC_AUTO, 0, 0},
                               &st);
    CHECK(st == I2V_OK && r.used.score == I2V_REC_PREDICT);
    /* A C: C 2nd (with dot alone it would be 3rd, after E);
     * C A: A 2nd; C E: E 3rd. */
    CHECK_NEAR(r.model.mrr, (0.5 + 0.5 + 1.0 / 3) / 3, 1e-6);
    r = run_next("A C\n", (next_case){NULL, 10, 1, I2V_REC_DOT, 0, 0}, &st);
    CHECK_NEAR(r.model.mrr, 1.0 / 3, 1e-6);
}

static void cosine_scoring_ranks_by_input_similarity(void)
{
    /* Ranks: B 2 (C .71 first; E ties B at 0 but has the higher id);
     * C 1; D 3 (A, B .71); E 3 (C .71, B ties E at 0 with a lower id). */
    i2v_status st;
    i2v_next_eval r = run_next(four_lines, (next_case){NULL, 1, 1, I2V_REC_COSINE, 0, 0}, &st);
    CHECK(st == I2V_OK && r.used.score == I2V_REC_COSINE);
    CHECK(r.model.hits == 1);
    CHECK_NEAR(r.model.mrr, (0.5 + 1 + 1.0 / 3 + 1.0 / 3) / 4, 1e-6);
}

static void the_newest_history_items_weigh_most(void)
{
    /* History A D, target C.  Context 1: query D (-1,0): C 0, E -.5, B -2
     * -> rank 1.  Context 2: (1 D + 1/2 A) / 1.5 = (-1/3, 0): C 0 first
     * again, where a plain mean (0,0) would tie everything and put B
     * first.  History D A, target C: context 2 is (1/3, 0): B, E, C. */
    i2v_status st;
    next_case c = {NULL, 10, 1, I2V_REC_DOT, 0, 0};
    CHECK_NEAR(run_next("A D C\n", c, &st).model.mrr, 1.0, 1e-6);
    c.context = 2;
    CHECK_NEAR(run_next("A D C\n", c, &st).model.mrr, 1.0, 1e-6);
    CHECK_NEAR(run_next("D A C\n", c, &st).model.mrr, 1.0 / 3, 1e-6);
    c.context = 0; /* the whole history: the same two items here */
    CHECK_NEAR(run_next("D A C\n", c, &st).model.mrr, 1.0 / 3, 1e-6);
}

static void unrankable_lines_count_as_misses(void)
{
    /* A repeated target, an unknown target, an unknown history, a line
     * with no history, then one hit. */
    i2v_status st;
    next_case c = {NULL, 10, 1, I2V_REC_DOT, 0, 0};
    i2v_next_eval r = run_next("A B A\nA Z\nZ B\nlonely\nA\tB\n", c, &st);
    CHECK(st == I2V_OK);
    CHECK(r.lines == 4);
    CHECK(r.target_in_history == 1 && r.target_unknown == 1 && r.context_unknown == 1);
    CHECK(r.malformed.count == 1 && r.malformed.lines[0] == 4);
    CHECK(r.model.hits == 1);
    CHECK_NEAR(r.model.hit_rate, 0.25, 1e-12);
    /* Unknown history items are skipped, not fatal: Z A B ranks B after
     * A's query, as A B does. */
    r = run_next("Z A B\n", c, &st);
    CHECK(r.model.hits == 1 && r.context_unknown == 0);
    /* keep_seen: the repeated target can be answered (query B: C 3, E .5,
     * then A, B, D all 0 in id order: rank 4). */
    c.keep_seen = 1;
    r = run_next("B B\n", c, &st);
    CHECK(st == I2V_OK && r.model.hits == 1);
    CHECK_NEAR(r.model.mrr, 0.25, 1e-6);
}

static void baselines_rank_by_popularity_and_by_successor_counts(void)
{
    /* Training counts: A 3, B 3, C 2, D 1, E 1, so ids A0 B1 C2 D3 E4 by
     * popularity; successors: A->B 2, A->C 1, B->C 1, B->D 1. */
    const char *train = "A B C\nA B\nA C\nB D\nE\n";
    /* popular / transition ranks: A B 1/1; A C 2/2; B D 3/2 (C ties D at
     * one and is more popular); B E 4/4 (C, D followed B, then A by
     * popularity); D A 1/1 (D has no successor: popularity); X A 1/1
     * (X unknown: popularity); A Q miss (Q never seen); C A C miss. */
    const char *test = "A B\nA C\nB D\nB E\nD A\nX A\nA Q\nC A C\n";
    i2v_status st;
    i2v_next_eval r = run_next(test, (next_case){train, 2, 1, I2V_REC_DOT, 0, 0}, &st);
    CHECK(st == I2V_OK && r.has_baselines && r.lines == 8);
    CHECK(r.popular.hits == 4);
    CHECK_NEAR(r.popular.hit_rate, 0.5, 1e-12);
    CHECK_NEAR(r.popular.mrr, (1 + 0.5 + 1.0 / 3 + 0.25 + 1 + 1) / 8, 1e-12);
    CHECK_NEAR(r.popular.ndcg, (3 + 1 / log2(3)) / 8, 1e-12);
    CHECK(r.transition.hits == 5);
    CHECK_NEAR(r.transition.mrr, (1 + 0.5 + 0.5 + 0.25 + 1 + 1) / 8, 1e-12);
    CHECK_NEAR(r.transition.ndcg, (3 + 2 / log2(3)) / 8, 1e-12);
}

/* The fixture with recorded successors: A -> D 3 times and -> E once
 * (total 4); D -> E once (total 1). */
static i2v_model *model_with_successors(void)
{
    model_arrays a;
    memset(&a, 0, sizeof a);
    size_t text_len = 0;
    for (uint32_t i = 0; i < 5; i++)
        text_len += strlen(names[i]) + 1;
    a.names = malloc(text_len);
    a.name_offset = malloc(5 * sizeof *a.name_offset);
    a.name_length = malloc(5 * sizeof *a.name_length);
    a.counts = malloc(5 * sizeof *a.counts);
    a.input = fixture_copy(input, sizeof input);
    a.output = fixture_copy(output, sizeof output);
    a.succ_start = malloc(6 * sizeof *a.succ_start);
    a.succ_total = malloc(5 * sizeof *a.succ_total);
    a.succ = malloc(3 * sizeof *a.succ);
    size_t at = 0;
    for (uint32_t i = 0; i < 5; i++) {
        a.name_length[i] = (uint32_t)strlen(names[i]);
        a.name_offset[i] = at;
        memcpy(a.names + at, names[i], a.name_length[i] + 1);
        at += a.name_length[i] + 1;
        a.counts[i] = 5 - i;
    }
    const uint64_t start[6] = {0, 2, 2, 2, 3, 3}, total[5] = {4, 0, 0, 1, 0};
    const i2v_successor pairs[3] = {{3, 3}, {4, 1}, {4, 1}};
    memcpy(a.succ_start, start, sizeof start);
    memcpy(a.succ_total, total, sizeof total);
    memcpy(a.succ, pairs, sizeof pairs);
    i2v_train_params p;
    i2v_train_params_default(&p);
    p.dim = 2;
    p.successors = 2;
    i2v_model *m = NULL;
    i2v_error err;
    CHECK(model_from_arrays("fixture", 5, 2, &a, &p, &m, &err) == I2V_OK);
    return m;
}

/* The blend: W log(1 + S(c) / 0.01), S the weighted mean share.  History
 * A, dot scoring, query A: B 2, E .5, C 0, D -1.  With blend 1, D gets
 * log(1 + 75) = 4.33 (3.33 in all), E log(1 + 25) = 3.26 (3.76): E, D,
 * B.  History A D (context 2, weights D 1, A 1/2): S(E) = (1 x 1 + .5 x
 * 1/4) / 1.5 = .75; D is seen. */
static void the_blend_adds_the_recorded_successors(void)
{
    i2v_model *m = model_with_successors();
    i2v_status st;
    next_case c = {NULL, 1, 1, I2V_REC_DOT, 1.0, 0};
    i2v_next_eval r = run_model(m, "A E\nA D\nA B\n", c, &st);
    CHECK(st == I2V_OK && r.has_model_alone && r.used.blend == 1.0);
    CHECK_NEAR(r.model.mrr, (1 + 0.5 + 1.0 / 3) / 3, 1e-6);
    /* Alone: B 1st, E 2nd, D 4th (after C). */
    CHECK_NEAR(r.model_alone.mrr, (0.5 + 0.25 + 1) / 3, 1e-6);
    /* A weight that small leaves the order as the model's. */
    c.blend = 1e-6;
    r = run_model(m, "A E\nA D\nA B\n", c, &st);
    CHECK_NEAR(r.model.mrr, r.model_alone.mrr, 1e-12);
    /* Two query items: E's share .75 gives log(76) + q.out(E). */
    c.context = 2;
    c.blend = 1.0;
    r = run_model(m, "A D E\n", c, &st);
    CHECK(r.model.hits == 1);

    /* The recommender answers what the evaluation ranks, with the score
     * the rule gives by hand. */
    i2v_recommend_options o;
    i2v_recommend_options_default(m, &o);
    o.k = 3;
    o.context = 1;
    o.blend = 1.0;
    o.score = I2V_REC_DOT;
    i2v_recommender *rec = NULL;
    i2v_error err;
    CHECK(i2v_recommender_create(m, &o, &rec, &err) == I2V_OK);
    uint32_t a_id = 0;
    i2v_history h = {&a_id, 1};
    i2v_neighbor out[3];
    uint32_t n = 0;
    CHECK(i2v_recommend(rec, &h, 1, out, &n, &err) == I2V_OK && n == 3);
    CHECK(out[0].id == 4 && out[1].id == 3 && out[2].id == 1);
    CHECK_NEAR(out[0].score, 0.5 + log(26.0), 1e-5);
    CHECK_NEAR(out[1].score, -1 + log(76.0), 1e-5);
    CHECK_NEAR(out[2].score, 2.0, 1e-6);
    i2v_recommender_free(rec);
    i2v_model_free(m);
}

static void bad_requests_are_refused(void)
{
    i2v_status st;
    run_next(four_lines, (next_case){NULL, 0, 1, I2V_REC_AUTO, 0, 0}, &st);
    CHECK(st == I2V_ERR_INVALID);
    run_next("single\n\nitems\n", (next_case){NULL, 10, 1, I2V_REC_AUTO, 0, 0}, &st);
    CHECK(st == I2V_ERR_EMPTY);

    /* A model without output vectors cannot be scored by them when that
     * is asked for; by default it falls back to cosine, with a note. */
    i2v_model *m = fixture_model(names, 5, 2, input, NULL);
    i2v_next_eval r = run_model(m, four_lines, (next_case){NULL, 10, 1, I2V_REC_PREDICT, 0, 0},
                                &st);
    CHECK(st == I2V_ERR_INVALID);
    r = run_model(m, four_lines, (next_case){NULL, 10, 1, I2V_REC_AUTO, 0, 0}, &st);
    CHECK(st == I2V_OK && r.used.score == I2V_REC_COSINE && (r.notes & I2V_REC_NOTE_COSINE));
    /* A blend with no successors in the model: noted, the model alone. */
    r = run_model(m, four_lines, (next_case){NULL, 10, 1, I2V_REC_AUTO, 2.0, 0}, &st);
    CHECK(st == I2V_OK && (r.notes & I2V_REC_NOTE_NO_SUCCESSORS) && !r.has_model_alone);
    i2v_model_free(m);

    i2v_baselines *b = NULL;
    i2v_error err;
    FILE *f = fixture_text("\n \n");
    CHECK(i2v_baselines_create(f, "train.txt", &b, &err) == I2V_ERR_EMPTY && b == NULL);
    fclose(f);
}

int main(void)
{
    RUN(dot_scoring_ranks_by_input_times_output);
    RUN(prediction_adds_the_popularity_the_model_was_trained_against);
    RUN(cosine_scoring_ranks_by_input_similarity);
    RUN(the_newest_history_items_weigh_most);
    RUN(unrankable_lines_count_as_misses);
    RUN(baselines_rank_by_popularity_and_by_successor_counts);
    RUN(the_blend_adds_the_recorded_successors);
    RUN(bad_requests_are_refused);
    CHECK_EXIT();
}
