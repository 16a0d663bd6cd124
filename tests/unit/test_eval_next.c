/* Next-item evaluation and the baselines, on cases ranked by hand. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "item2vec.h"
#include "test_eval_fixture.h"

/* Five items in two dimensions.  Input vectors: A (1,0), B (0,1), C (1,1),
 * D (-1,0), E (0,-1).  Output vectors: A (1,0), B (2,0), C (0,3), D (-1,0),
 * E (.5,.5). */
static const char *const names[] = {"A", "B", "C", "D", "E"};
static const float input[] = {1, 0, 0, 1, 1, 1, -1, 0, 0, -1};
static const float output[] = {1, 0, 2, 0, 0, 3, -1, 0, .5f, .5f};

static i2v_next_eval run_next(const char *test, const char *train, uint32_t k, uint32_t context,
                              i2v_next_score score, i2v_status *status)
{
    i2v_model *m = fixture_model(names, 5, 2, input, output);
    i2v_baselines *b = NULL;
    i2v_error err;
    if (train) {
        FILE *tf = fixture_text(train);
        CHECK(i2v_baselines_create(tf, "train.txt", &b, &err) == I2V_OK);
        fclose(tf);
    }
    i2v_next_options o;
    i2v_next_options_default(&o);
    o.k = k;
    o.context = context;
    o.score = score;
    FILE *f = fixture_text(test);
    i2v_next_eval r;
    *status = i2v_eval_next_item(m, b, f, "test.txt", &o, &r, &err);
    fclose(f);
    i2v_baselines_free(b);
    i2v_model_free(m);
    return r;
}

/* Query A (1,0) . outputs: B 2, E .5, C 0, D -1 (A itself left out). */
static const char four_lines[] = "A B\nB C\nC D\nA E\n";

static void output_scoring_ranks_by_the_models_prediction(void)
{
    /* Ranks: B 1; C 1 (query B: C 3); D 4 (query C: B 2, A 1, E 1, D -1;
     * A before E on the tie by id); E 2. */
    i2v_status st;
    i2v_next_eval r = run_next(four_lines, NULL, 1, 1, I2V_NEXT_SCORE_AUTO, &st);
    CHECK(st == I2V_OK);
    CHECK(r.score == I2V_NEXT_SCORE_OUTPUT);
    CHECK(r.lines == 4 && r.model.hits == 2);
    CHECK_NEAR(r.model.hit_rate, 0.5, 1e-12);
    CHECK_NEAR(r.model.mrr, (1 + 1 + 0.25 + 0.5) / 4, 1e-6);
    CHECK_NEAR(r.model.ndcg, 0.5, 1e-12);
    r = run_next(four_lines, NULL, 2, 1, I2V_NEXT_SCORE_OUTPUT, &st);
    CHECK(r.model.hits == 3);
    CHECK_NEAR(r.model.ndcg, (2 + 1 / log2(3)) / 4, 1e-6);
    CHECK(!r.has_baselines);
}

static void cosine_scoring_ranks_by_input_similarity(void)
{
    /* Ranks: B 2 (C .71 first; E ties B at 0 but has the higher id);
     * C 1; D 3 (A, B .71); E 3 (C .71, B ties E at 0 with a lower id). */
    i2v_status st;
    i2v_next_eval r = run_next(four_lines, NULL, 1, 1, I2V_NEXT_SCORE_COSINE, &st);
    CHECK(st == I2V_OK && r.score == I2V_NEXT_SCORE_COSINE);
    CHECK(r.model.hits == 1);
    CHECK_NEAR(r.model.mrr, (0.5 + 1 + 1.0 / 3 + 1.0 / 3) / 4, 1e-6);
}

static void context_averages_the_last_history_items(void)
{
    /* History D A, target C.  Context 1: query A (1,0): B 2, E .5, C 0 ->
     * rank 3.  Context 2: query (0,0): every score 0, ties by id: B, C ->
     * rank 2.  Context 0 is the whole history, the same here. */
    i2v_status st;
    CHECK_NEAR(run_next("D A C\n", NULL, 10, 1, I2V_NEXT_SCORE_OUTPUT, &st).model.mrr, 1.0 / 3,
               1e-6);
    CHECK_NEAR(run_next("D A C\n", NULL, 10, 2, I2V_NEXT_SCORE_OUTPUT, &st).model.mrr, 0.5,
               1e-6);
    CHECK_NEAR(run_next("D A C\n", NULL, 10, 0, I2V_NEXT_SCORE_OUTPUT, &st).model.mrr, 0.5,
               1e-6);
}

static void unrankable_lines_count_as_misses(void)
{
    /* A repeated target, an unknown target, an unknown history, a line
     * with no history, then one hit. */
    i2v_status st;
    i2v_next_eval r =
        run_next("A B A\nA Z\nZ B\nlonely\nA\tB\n", NULL, 10, 1, I2V_NEXT_SCORE_OUTPUT, &st);
    CHECK(st == I2V_OK);
    CHECK(r.lines == 4);
    CHECK(r.target_in_history == 1 && r.target_unknown == 1 && r.context_unknown == 1);
    CHECK(r.malformed.count == 1 && r.malformed.lines[0] == 4);
    CHECK(r.model.hits == 1);
    CHECK_NEAR(r.model.hit_rate, 0.25, 1e-12);
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
    i2v_next_eval r = run_next(test, train, 2, 1, I2V_NEXT_SCORE_OUTPUT, &st);
    CHECK(st == I2V_OK && r.has_baselines && r.lines == 8);
    CHECK(r.popular.hits == 4);
    CHECK_NEAR(r.popular.hit_rate, 0.5, 1e-12);
    CHECK_NEAR(r.popular.mrr, (1 + 0.5 + 1.0 / 3 + 0.25 + 1 + 1) / 8, 1e-12);
    CHECK_NEAR(r.popular.ndcg, (3 + 1 / log2(3)) / 8, 1e-12);
    CHECK(r.transition.hits == 5);
    CHECK_NEAR(r.transition.mrr, (1 + 0.5 + 0.5 + 0.25 + 1 + 1) / 8, 1e-12);
    CHECK_NEAR(r.transition.ndcg, (3 + 2 / log2(3)) / 8, 1e-12);
}

static void bad_requests_are_refused(void)
{
    i2v_status st;
    run_next(four_lines, NULL, 0, 1, I2V_NEXT_SCORE_AUTO, &st);
    CHECK(st == I2V_ERR_INVALID);
    run_next("single\n\nitems\n", NULL, 10, 1, I2V_NEXT_SCORE_AUTO, &st);
    CHECK(st == I2V_ERR_EMPTY);

    /* A model without output vectors cannot score by them. */
    i2v_model *m = fixture_model(names, 5, 2, input, NULL);
    i2v_next_options o;
    i2v_next_options_default(&o);
    o.score = I2V_NEXT_SCORE_OUTPUT;
    FILE *f = fixture_text(four_lines);
    i2v_next_eval r;
    i2v_error err;
    CHECK(i2v_eval_next_item(m, NULL, f, "t", &o, &r, &err) == I2V_ERR_INVALID);
    rewind(f);
    o.score = I2V_NEXT_SCORE_AUTO;
    CHECK(i2v_eval_next_item(m, NULL, f, "t", &o, &r, &err) == I2V_OK);
    CHECK(r.score == I2V_NEXT_SCORE_COSINE);
    fclose(f);
    i2v_model_free(m);

    i2v_baselines *b = NULL;
    f = fixture_text("\n \n");
    CHECK(i2v_baselines_create(f, "train.txt", &b, &err) == I2V_ERR_EMPTY && b == NULL);
    fclose(f);
}

int main(void)
{
    RUN(output_scoring_ranks_by_the_models_prediction);
    RUN(cosine_scoring_ranks_by_input_similarity);
    RUN(context_averages_the_last_history_items);
    RUN(unrankable_lines_count_as_misses);
    RUN(baselines_rank_by_popularity_and_by_successor_counts);
    RUN(bad_requests_are_refused);
    CHECK_EXIT();
}
