/* Incremental training: continuing a model on sessions that bring new
 * items keeps what the old items learned and places the new ones as well
 * as a full retrain nearly does. */
#include <string.h>

#include "check.h"
#include "item2vec.h"
#include "planted.h"

/* The planted catalogue has items item_1..item_2000; the last 200 exist
 * only in the second batch of sessions. */
enum { ITEMS = 2000, FIRST_NEW = 1801 };

static int is_new_item(const char *item)
{
    return atoi(item + strlen("item_")) >= FIRST_NEW;
}

static i2v_model *train_file(const char *path, const i2v_model *base, uint32_t epochs)
{
    i2v_train_params p;
    i2v_train_params_default(&p);
    p.dim = 32;
    p.epochs = epochs;
    p.threads = 2;
    i2v_trainer *t = NULL;
    i2v_model *m = NULL;
    i2v_error err;
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    CHECK(i2v_trainer_create(&p, NULL, &t, &err) == I2V_OK);
    if (base)
        CHECK(i2v_trainer_resume(t, base, &err) == I2V_OK);
    CHECK(i2v_trainer_read_corpus(t, f, path, &err) == I2V_OK);
    CHECK(i2v_trainer_run(t, NULL, NULL, &err) == I2V_OK);
    CHECK(i2v_trainer_take_model(t, &m, &err) == I2V_OK);
    i2v_trainer_free(t);
    if (f)
        fclose(f);
    return m;
}

/* Mean share of an old item's top-10 in `a` that stays in its top-10 in `b`. */
static double old_neighbour_overlap(const i2v_model *a, const i2v_model *b)
{
    double sum = 0;
    uint32_t counted = 0, top_a[10], top_b[10];
    for (uint32_t i = 0; i < i2v_model_size(a); i++) {
        size_t len;
        const char *item = i2v_model_item(a, i, &len);
        int64_t j = i2v_model_find(b, item, len);
        if (j < 0)
            continue;
        planted_top(a, i, 10, top_a);
        planted_top(b, (uint32_t)j, 10, top_b);
        int kept = 0;
        for (int r = 0; r < 10; r++) {
            const char *name = i2v_model_item(a, top_a[r], &len);
            int64_t in_b = i2v_model_find(b, name, len);
            for (int q = 0; q < 10 && in_b >= 0; q++)
                kept += (int64_t)top_b[q] == in_b;
        }
        sum += kept / 10.0;
        counted++;
    }
    return counted ? sum / counted : 0;
}

static void resumed_model_keeps_old_neighbours_and_places_new_items(void)
{
    char dir[] = "/tmp/item2vec-resume-XXXXXX", cmd[4096], path[3][100], truth[100];
    CHECK(mkdtemp(dir) != NULL);
    const char *args = "--items 2000 --groups 200 --sessions 15000 --noise 0.2 --switch 0.1";
    char gen[512];
    snprintf(gen, sizeof gen, "%s --seed 5", args);
    CHECK(planted_generate(dir, "first", gen) == 0);
    snprintf(gen, sizeof gen, "%s --seed 6", args);
    CHECK(planted_generate(dir, "second", gen) == 0);
    /* The first batch never shows the new items. */
    snprintf(path[0], sizeof path[0], "%s/old.txt", dir);
    snprintf(path[1], sizeof path[1], "%s/second.txt", dir);
    snprintf(path[2], sizeof path[2], "%s/all.txt", dir);
    snprintf(truth, sizeof truth, "%s/second.truth", dir);
    snprintf(cmd, sizeof cmd,
             "awk '{ s = \"\"; for (i = 1; i <= NF; i++) if (substr($i, 6) + 0 < %d) "
             "s = s (s == \"\" ? \"\" : \" \") $i; if (s != \"\") print s }' %s/first.txt > %s && "
             "cat %s %s > %s", FIRST_NEW, dir, path[0], path[0], path[1], path[2]);
    CHECK(system(cmd) == 0);

    i2v_model *base = train_file(path[0], NULL, 5);
    i2v_model *resumed = base ? train_file(path[1], base, 3) : NULL;
    i2v_model *full = train_file(path[2], NULL, 5);
    CHECK(base && resumed && full);
    if (base && resumed && full) {
        int *group_resumed = planted_groups(truth, resumed), *group_full = planted_groups(truth, full);
        CHECK(i2v_model_size(base) < FIRST_NEW && i2v_model_size(resumed) == ITEMS);
        double overlap = old_neighbour_overlap(base, resumed);
        double new_resumed = planted_purity(resumed, group_resumed, is_new_item);
        double new_full = planted_purity(full, group_full, is_new_item);
        printf("# old items' top-10 kept: %.3f; new items' purity@10: resumed %.3f, full "
               "retrain %.3f\n", overlap, new_resumed, new_full);
        CHECK(overlap >= 0.5);
        CHECK(new_resumed >= 0.9 * new_full);
        CHECK(i2v_model_count(resumed, 0) > i2v_model_count(base, 0));
        free(group_resumed);
        free(group_full);
    }
    i2v_model_free(base);
    i2v_model_free(resumed);
    i2v_model_free(full);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* Trains `text` into a model; with `base`, continues it. */
static i2v_model *train_text(const char *text, const i2v_model *base, double alpha)
{
    i2v_train_params p;
    i2v_train_params_default(&p);
    p.dim = 8;
    p.min_count = 2;
    p.threads = 1;
    p.alpha = p.min_alpha = alpha;
    i2v_trainer *t = NULL;
    i2v_model *m = NULL;
    i2v_error err;
    FILE *f = fmemopen((void *)text, strlen(text), "r");
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

static void resume_carries_vectors_and_merges_counts(void)
{
    i2v_model *base = train_text("a b c\nb c a\nd d\n", NULL, 0.025);
    /* A learning rate too small to move anything: the old rows must come
     * through unchanged, wherever the merged counts sort them. */
    i2v_model *next = train_text("x x c\nc x y\ny q\n", base, 1e-12);
    CHECK(i2v_model_size(base) == 4);  /* a b c d */
    CHECK(i2v_model_size(next) == 6);  /* + x y; q is below min-count */
    CHECK(i2v_model_find(next, "q", 1) < 0);
    const char *names[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
        int64_t was = i2v_model_find(base, names[i], 1), now = i2v_model_find(next, names[i], 1);
        CHECK(was >= 0 && now >= 0);
        if (was < 0 || now < 0)
            continue;
        for (uint32_t k = 0; k < 8; k++) {
            CHECK_NEAR(i2v_model_vector(next, (uint32_t)now)[k],
                       i2v_model_vector(base, (uint32_t)was)[k], 1e-6);
            CHECK_NEAR(i2v_model_output(next, (uint32_t)now)[k],
                       i2v_model_output(base, (uint32_t)was)[k], 1e-6);
        }
    }
    int64_t c = i2v_model_find(next, "c", 1), x = i2v_model_find(next, "x", 1);
    CHECK(c == 0 && i2v_model_count(next, (uint32_t)c) == 4); /* 2 old + 2 new */
    CHECK(x >= 0 && i2v_model_count(next, (uint32_t)x) == 3);
    i2v_model_free(base);
    i2v_model_free(next);
}

static void resume_refuses_models_it_cannot_continue(void)
{
    i2v_train_params p;
    i2v_train_params_default(&p);
    p.dim = 8;
    p.min_count = 1;
    p.threads = 1;
    i2v_trainer *t = NULL;
    i2v_error err;
    const char text[] = "a b c\nb c d\n";
    FILE *f = fmemopen((void *)text, sizeof text - 1, "r");
    i2v_model *m = NULL;
    CHECK(i2v_trainer_create(&p, NULL, &t, &err) == I2V_OK);
    CHECK(i2v_trainer_read_corpus(t, f, "text", &err) == I2V_OK);
    CHECK(i2v_trainer_run(t, NULL, NULL, &err) == I2V_OK);
    CHECK(i2v_trainer_take_model(t, &m, &err) == I2V_OK);
    i2v_trainer_free(t);
    fclose(f);
    p.dim = 9;
    CHECK(i2v_trainer_create(&p, NULL, &t, &err) == I2V_OK);
    CHECK(i2v_trainer_resume(t, m, &err) == I2V_ERR_INVALID && err.param == I2V_PARAM_DIM &&
          strstr(err.message, "dim 9 differs"));
    i2v_trainer_free(t);
    i2v_model_free(m);
}

int main(void)
{
    RUN(resumed_model_keeps_old_neighbours_and_places_new_items);
    RUN(resume_carries_vectors_and_merges_counts);
    RUN(resume_refuses_models_it_cannot_continue);
    CHECK_EXIT();
}
