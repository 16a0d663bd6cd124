/* Successor counting: exact while an item has few distinct successors,
 * never losing a frequent one when it has many, ordered by count, merged
 * with the counts of a model being continued; and what training records
 * is what the text holds. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/successors.h"
#include "util/rng.h"

static succ_counter *counter(uint32_t items, uint32_t keep)
{
    succ_counter *c = NULL;
    i2v_error err;
    CHECK(succ_counter_create(items, keep, &c, &err) == I2V_OK);
    return c;
}

typedef struct rows {
    uint64_t *start, *total;
    i2v_successor *pairs;
} rows;

static rows finish(succ_counter *c)
{
    rows r;
    i2v_error err;
    CHECK(succ_counter_finish(c, &r.start, &r.total, &r.pairs, &err) == I2V_OK);
    succ_counter_free(c);
    return r;
}

static void rows_free(rows *r)
{
    free(r->start);
    free(r->total);
    free(r->pairs);
}

static void few_successors_are_counted_exactly_and_sorted(void)
{
    succ_counter *c = counter(10, 3); /* 6 slots: exact up to 6 distinct */
    uint32_t times[6] = {5, 1, 9, 9, 2, 7};
    for (uint32_t b = 0; b < 6; b++)
        for (uint32_t k = 0; k < times[b]; k++)
            CHECK(succ_counter_add(c, 4, b, 1, NULL) == I2V_OK);
    rows r = finish(c);
    CHECK(r.start[4] == 0 && r.start[5] == 3 && r.start[10] == 3);
    CHECK(r.total[4] == 33 && r.total[0] == 0);
    /* 9, 9 (ties by item: 2 before 3), then 7. */
    CHECK(r.pairs[0].item == 2 && r.pairs[0].count == 9);
    CHECK(r.pairs[1].item == 3 && r.pairs[1].count == 9);
    CHECK(r.pairs[2].item == 5 && r.pairs[2].count == 7);
    rows_free(&r);
}

/* Misra-Gries: with many distinct successors a frequent one is kept and
 * its count is a lower bound within total / (slots + 1). */
static void frequent_successors_survive_many_rare_ones(void)
{
    succ_counter *c = counter(1000, 2); /* 4 slots */
    i2v_rng rng = i2v_rng_seeded(7, 1);
    uint64_t truth_heavy = 0, total = 0;
    for (int k = 0; k < 20000; k++) {
        uint32_t b = i2v_rng_below(i2v_rng_next(&rng), 3) == 0 ? 7
                     : 100 + i2v_rng_below(i2v_rng_next(&rng), 800);
        truth_heavy += b == 7;
        total++;
        CHECK(succ_counter_add(c, 0, b, 1, NULL) == I2V_OK);
    }
    rows r = finish(c);
    CHECK(r.start[1] >= 1 && r.pairs[0].item == 7);
    CHECK(r.pairs[0].count <= truth_heavy && r.pairs[0].count + total / 5 >= truth_heavy);
    CHECK(r.total[0] == total);
    rows_free(&r);
}

static void merged_counts_add_up(void)
{
    succ_counter *c = counter(5, 2);
    CHECK(succ_counter_add(c, 1, 2, 3, NULL) == I2V_OK);
    const i2v_successor old[2] = {{2, 10}, {4, 1}};
    CHECK(succ_counter_merge(c, 1, old, 2, 40, NULL) == I2V_OK);
    rows r = finish(c);
    CHECK(r.start[2] - r.start[1] == 2);
    CHECK(r.pairs[r.start[1]].item == 2 && r.pairs[r.start[1]].count == 13);
    CHECK(r.pairs[r.start[1] + 1].item == 4 && r.pairs[r.start[1] + 1].count == 1);
    CHECK(r.total[1] == 43);
    rows_free(&r);
}

static void successors_out_of_range_are_refused(void)
{
    succ_counter *c = NULL;
    i2v_error err;
    CHECK(succ_counter_create(4, 0, &c, &err) == I2V_ERR_INVALID &&
          err.param == I2V_PARAM_SUCCESSORS && c == NULL);
    CHECK(succ_counter_create(4, I2V_MAX_SUCCESSORS + 1, &c, &err) == I2V_ERR_INVALID);
}

/* Training records the transitions of the text, between kept items of a
 * line (never across lines), and a native file keeps them bit for bit. */
static void training_records_the_transitions_of_the_text(void)
{
    const char *text = "a b a b\nb a\nc a b\n";
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    i2v_train_params p;
    i2v_train_params_default(&p);
    p.min_count = 1;
    p.dim = 4;
    p.epochs = 1;
    p.successors = 5;
    i2v_trainer *t = NULL;
    i2v_model *m = NULL;
    i2v_error err;
    CHECK(i2v_trainer_create(&p, NULL, &t, &err) == I2V_OK);
    CHECK(i2v_trainer_read_corpus(t, f, "text", &err) == I2V_OK);
    CHECK(i2v_trainer_run(t, NULL, NULL, &err) == I2V_OK);
    CHECK(i2v_trainer_take_model(t, &m, &err) == I2V_OK);
    i2v_trainer_free(t);
    fclose(f);
    int64_t a = i2v_model_find(m, "a", 1), b = i2v_model_find(m, "b", 1);
    uint32_t n;
    uint64_t total;
    const i2v_successor *s = i2v_model_successors(m, (uint32_t)a, &n, &total);
    CHECK(n == 1 && s[0].item == (uint32_t)b && s[0].count == 3 && total == 3);
    s = i2v_model_successors(m, (uint32_t)b, &n, &total);
    CHECK(n == 1 && s[0].item == (uint32_t)a && s[0].count == 2 && total == 2);
    CHECK(i2v_model_verify(m, &err) == I2V_OK);

    char *bytes = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&bytes, &len);
    CHECK(i2v_model_write(m, out, I2V_FORMAT_NATIVE, "memory", &err) == I2V_OK);
    fclose(out);
    i2v_model *back = NULL;
    CHECK(i2v_model_parse(bytes, len, I2V_FORMAT_AUTO, "memory", &back, &err) == I2V_OK);
    CHECK(back && i2v_model_verify(back, &err) == I2V_OK);
    for (uint32_t i = 0; back && i < i2v_model_size(m); i++) {
        uint32_t n1, n2;
        uint64_t t1, t2;
        const i2v_successor *s1 = i2v_model_successors(m, i, &n1, &t1);
        const i2v_successor *s2 = i2v_model_successors(back, i, &n2, &t2);
        CHECK(n1 == n2 && t1 == t2 && (n1 == 0 || memcmp(s1, s2, n1 * sizeof *s1) == 0));
    }
    CHECK(back && i2v_model_params(back)->successors == 5);
    i2v_model_free(back);
    free(bytes);
    i2v_model_free(m);
}

static i2v_model *train_text(const char *text, const i2v_model *base)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    i2v_train_params p;
    i2v_train_params_default(&p);
    p.min_count = 1;
    p.dim = 4;
    p.epochs = 1;
    p.successors = 5;
    i2v_trainer *t = NULL;
    i2v_model *m = NULL;
    i2v_error err;
    CHECK(i2v_trainer_create(&p, NULL, &t, &err) == I2V_OK);
    if (base)
        CHECK(i2v_trainer_resume(t, base, &err) == I2V_OK);
    CHECK(i2v_trainer_read_corpus(t, f, "text", &err) == I2V_OK);
    CHECK(i2v_trainer_run(t, NULL, NULL, &err) == I2V_OK);
    CHECK(i2v_trainer_take_model(t, &m, &err) == I2V_OK);
    i2v_trainer_free(t);
    fclose(f);
    return m;
}

/* Continuing a model adds the new transitions to the recorded ones, by
 * item name whatever the new ids, and new items' rows start empty. */
static void resumed_training_merges_successor_counts(void)
{
    i2v_model *first = train_text("a b\na b\nb a\n", NULL);
    i2v_model *second = train_text("a c\nc c c c\na b\n", first);
    int64_t a = i2v_model_find(second, "a", 1), b = i2v_model_find(second, "b", 1),
            c = i2v_model_find(second, "c", 1);
    uint32_t n;
    uint64_t total;
    const i2v_successor *s = i2v_model_successors(second, (uint32_t)a, &n, &total);
    CHECK(n == 2 && total == 4);
    CHECK(n == 2 && s[0].item == (uint32_t)b && s[0].count == 3);
    CHECK(n == 2 && s[1].item == (uint32_t)c && s[1].count == 1);
    s = i2v_model_successors(second, (uint32_t)c, &n, &total);
    CHECK(n == 1 && s[0].item == (uint32_t)c && s[0].count == 3 && total == 3);
    s = i2v_model_successors(second, (uint32_t)b, &n, &total);
    CHECK(n == 1 && s[0].item == (uint32_t)a && total == 1);
    i2v_error err;
    CHECK(i2v_model_verify(second, &err) == I2V_OK);
    i2v_model_free(first);
    i2v_model_free(second);
}

int main(void)
{
    RUN(few_successors_are_counted_exactly_and_sorted);
    RUN(frequent_successors_survive_many_rare_ones);
    RUN(merged_counts_add_up);
    RUN(successors_out_of_range_are_refused);
    RUN(training_records_the_transitions_of_the_text);
    RUN(resumed_training_merges_successor_counts);
    CHECK_EXIT();
}
