/* Training: every epoch sees the whole corpus, runs are reproducible, and
 * the embeddings recover planted structure. */
#include <string.h>

#include "check.h"
#include "core/corpus.h"
#include "item2vec.h"
#include "core/vocab.h"
#include "train/train.h"

/* A corpus of `lines` sequences over a small alphabet of items. */
static char *make_text(int lines, size_t *len)
{
    size_t cap = (size_t)lines * 64 + 1;
    char *text = malloc(cap);
    size_t at = 0;
    for (int l = 0; l < lines; l++) {
        int n = 2 + l % 9;
        for (int i = 0; i < n; i++)
            at += (size_t)snprintf(text + at, cap - at, "%si%d", i ? " " : "", (l * 7 + i * 3) % 23);
        text[at++] = '\n';
    }
    text[at] = '\0';
    *len = at;
    return text;
}

static i2v_trainer *train_text(const char *text, size_t len, i2v_train_params *p)
{
    i2v_trainer *t = NULL;
    i2v_error err;
    CHECK(i2v_trainer_create(p, NULL, &t, &err) == I2V_OK);
    if (!t)
        return NULL;
    FILE *f = fmemopen((void *)text, len, "r");
    CHECK(i2v_trainer_read_corpus(t, f, "text", &err) == I2V_OK);
    fclose(f);
    i2v_status st = i2v_trainer_run(t, NULL, NULL, &err);
    if (st != I2V_OK)
        fprintf(stderr, "    train: %s\n", err.message);
    CHECK(st == I2V_OK);
    return t;
}

static void every_epoch_reads_the_whole_corpus(void)
{
    size_t len;
    char *text = make_text(5000, &len);
    for (uint32_t threads = 1; threads <= 3; threads++) {
        i2v_train_params p;
        i2v_train_params_default(&p);
        p.dim = 8;
        p.epochs = 4;
        p.min_count = 1;
        p.threads = threads;
        i2v_trainer *t = train_text(text, len, &p);
        CHECK(i2v_trainer_corpus_sequences(t) == 5000);
        uint64_t items = i2v_trainer_corpus_items(t);
        CHECK(items > 0);
        for (uint32_t e = 0; e < p.epochs; e++)
            CHECK(i2v_trainer_epoch_items(t, e) == items);
        i2v_trainer_free(t);
    }
    free(text);
}

static void thread_shares_cover_each_sequence_once(void)
{
    size_t len;
    char *text = make_text(3001, &len);
    FILE *f = fmemopen(text, len, "r");
    i2v_vocab *v = NULL;
    i2v_error err;
    corpus c;
    CHECK(i2v_vocab_create(&v, &err) == I2V_OK);
    CHECK(corpus_build(&c, v, f, "text", &(corpus_options){.min_count = 1}, &err) == I2V_OK);
    fclose(f);
    for (uint32_t parts = 1; parts <= 9; parts++) {
        uint64_t items = 0, sequences = 0;
        for (uint32_t part = 0; part < parts; part++) {
            corpus_cursor cur;
            uint32_t *ids, *buf = NULL;
            size_t n, cap = 0;
            CHECK(corpus_cursor_open(&cur, &c, part, parts, &err) == I2V_OK);
            while (corpus_cursor_next(&cur, &ids, &n, &buf, &cap, &err) == 1) {
                items += n;
                sequences++;
            }
            corpus_cursor_close(&cur);
            free(buf);
        }
        CHECK(items == c.items);
        CHECK(sequences == c.sequences);
    }
    corpus_close(&c);
    i2v_vocab_free(v);
    free(text);
}

static void long_sequences_cross_spool_blocks_whole(void)
{
    /* One sequence of 200,000 items (several spool blocks) between two
     * short ones. */
    size_t n = 200000, cap = n * 8 + 64, at = 0;
    char *text = malloc(cap);
    at += (size_t)snprintf(text, cap, "a b\n");
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(text + at, cap - at, "%s%c", i ? " " : "", 'a' + (int)(i % 3));
    at += (size_t)snprintf(text + at, cap - at, "\nc a\n");
    FILE *f = fmemopen(text, at, "r");
    i2v_vocab *v = NULL;
    i2v_error err;
    corpus c;
    CHECK(i2v_vocab_create(&v, &err) == I2V_OK);
    CHECK(corpus_build(&c, v, f, "text", &(corpus_options){.min_count = 1}, &err) == I2V_OK);
    fclose(f);
    CHECK(c.sequences == 3 && c.items == n + 4);
    for (uint32_t parts = 1; parts <= 4; parts++) {
        size_t longest = 0, total = 0;
        for (uint32_t part = 0; part < parts; part++) {
            corpus_cursor cur;
            uint32_t *ids, *buf = NULL;
            size_t got, bcap = 0;
            CHECK(corpus_cursor_open(&cur, &c, part, parts, &err) == I2V_OK);
            while (corpus_cursor_next(&cur, &ids, &got, &buf, &bcap, &err) == 1) {
                total += got;
                if (got > longest)
                    longest = got;
            }
            corpus_cursor_close(&cur);
            free(buf);
        }
        CHECK(longest == n);
        CHECK(total == n + 4);
    }
    corpus_close(&c);
    i2v_vocab_free(v);
    free(text);
}

static i2v_model *train_model(const char *text, size_t len, uint64_t seed)
{
    i2v_train_params p;
    i2v_train_params_default(&p);
    p.dim = 16;
    p.epochs = 2;
    p.min_count = 1;
    p.threads = 1;
    p.seed = seed;
    i2v_trainer *t = train_text(text, len, &p);
    i2v_model *m = NULL;
    i2v_error err;
    CHECK(i2v_trainer_take_model(t, &m, &err) == I2V_OK);
    i2v_trainer_free(t);
    return m;
}

static void one_thread_and_a_seed_give_identical_models(void)
{
    size_t len;
    char *text = make_text(2000, &len);
    i2v_model *a = train_model(text, len, 7), *b = train_model(text, len, 7),
              *c = train_model(text, len, 8);
    size_t bytes = (size_t)i2v_model_size(a) * i2v_model_dim(a) * sizeof(float);
    CHECK(i2v_model_size(a) == i2v_model_size(b));
    CHECK(memcmp(i2v_model_vector(a, 0), i2v_model_vector(b, 0), bytes) == 0);
    CHECK(memcmp(i2v_model_output(a, 0), i2v_model_output(b, 0), bytes) == 0);
    CHECK(memcmp(i2v_model_vector(a, 0), i2v_model_vector(c, 0), bytes) != 0);
    i2v_model_free(a);
    i2v_model_free(b);
    i2v_model_free(c);
    free(text);
}

static int same_weights(const i2v_model *a, const i2v_model *b)
{
    size_t bytes = (size_t)i2v_model_size(a) * i2v_model_dim(a) * sizeof(float);
    return i2v_model_size(a) == i2v_model_size(b) && i2v_model_dim(a) == i2v_model_dim(b) &&
           memcmp(i2v_model_vector(a, 0), i2v_model_vector(b, 0), bytes) == 0 &&
           memcmp(i2v_model_output(a, 0), i2v_model_output(b, 0), bytes) == 0;
}

/* Training in several calls is training in one (the learning rate goes on
 * falling where it was), a snapshot on the way leaves the run as it is,
 * and a fork on the same corpus with the same parameters trains the same
 * weights: what tune relies on to continue candidates. */
static void training_in_steps_and_forks_train_the_same_weights(void)
{
    size_t len;
    char *text = make_text(2000, &len);
    i2v_train_params p;
    i2v_train_params_default(&p);
    p.dim = 16;
    p.epochs = 5;
    p.min_count = 1;
    p.threads = 1;
    p.seed = 3;
    i2v_model *whole = NULL, *stepped = NULL, *peek = NULL, *forked = NULL;
    i2v_trainer *one = train_text(text, len, &p), *steps = NULL, *fork = NULL;
    i2v_error err;
    CHECK(i2v_trainer_epochs_done(one) == 5);
    CHECK(i2v_trainer_take_model(one, &whole, &err) == I2V_OK);
    CHECK(i2v_trainer_create(&p, NULL, &steps, &err) == I2V_OK);
    FILE *f = fmemopen((void *)text, len, "r");
    CHECK(i2v_trainer_read_corpus(steps, f, "text", &err) == I2V_OK);
    fclose(f);
    CHECK(trainer_fork(steps, &p, &fork, &err) == I2V_OK);
    CHECK(i2v_trainer_run_epochs(steps, 2, NULL, NULL, &err) == I2V_OK);
    CHECK(i2v_trainer_snapshot(steps, &peek, &err) == I2V_OK);
    CHECK(peek && i2v_model_params(peek)->epochs == 2 && i2v_model_has_successors(peek));
    CHECK(i2v_trainer_run_epochs(steps, 10, NULL, NULL, &err) == I2V_OK); /* 3 are left */
    CHECK(i2v_trainer_epochs_done(steps) == 5);
    CHECK(i2v_trainer_snapshot(steps, &stepped, &err) == I2V_OK);
    CHECK(i2v_trainer_run(fork, NULL, NULL, &err) == I2V_OK);
    CHECK(i2v_trainer_take_model(fork, &forked, &err) == I2V_OK);
    CHECK(whole && stepped && forked && same_weights(whole, stepped) && same_weights(whole, forked));
    CHECK(peek && !same_weights(whole, peek));
    /* A fork cannot change the vocabulary it shares. */
    i2v_trainer *bad = NULL;
    p.min_count = 2;
    CHECK(trainer_fork(steps, &p, &bad, &err) == I2V_ERR_INVALID && !bad);
    i2v_trainer_free(fork);
    i2v_trainer_free(steps);
    i2v_trainer_free(one);
    i2v_model_free(whole);
    i2v_model_free(stepped);
    i2v_model_free(peek);
    i2v_model_free(forked);
    free(text);
}

static void divergence_is_reported_not_written(void)
{
    size_t len;
    char *text = make_text(2000, &len);
    i2v_train_params p;
    i2v_train_params_default(&p);
    p.dim = 16;
    p.min_count = 1;
    p.alpha = 1e5;
    p.min_alpha = 1e5;
    i2v_trainer *t = NULL;
    i2v_error err;
    CHECK(i2v_trainer_create(&p, NULL, &t, &err) == I2V_OK);
    FILE *f = fmemopen(text, len, "r");
    CHECK(i2v_trainer_read_corpus(t, f, "text", &err) == I2V_OK);
    fclose(f);
    CHECK(i2v_trainer_run(t, NULL, NULL, &err) == I2V_ERR_DIVERGED);
    CHECK(strstr(err.message, "diverged") != NULL);
    i2v_trainer_free(t);
    free(text);
}

static void parameters_out_of_range_are_named(void)
{
    i2v_train_params p;
    i2v_error err;
    i2v_train_params_default(&p);
    CHECK(i2v_train_params_check(&p, &err) == I2V_OK);
    p.dim = 0;
    CHECK(i2v_train_params_check(&p, &err) == I2V_ERR_INVALID && err.param == I2V_PARAM_DIM &&
          strncmp(err.message, "dim ", 4) == 0);
    i2v_train_params_default(&p);
    p.min_alpha = 1;
    CHECK(i2v_train_params_check(&p, &err) == I2V_ERR_INVALID &&
          err.param == I2V_PARAM_MIN_ALPHA && strncmp(err.message, "min-alpha ", 10) == 0);
    i2v_train_params_default(&p);
    p.ns_exponent = INFINITY;
    CHECK(i2v_train_params_check(&p, &err) == I2V_ERR_INVALID &&
          err.param == I2V_PARAM_NS_EXPONENT);
    i2v_train_params_default(&p);
    p.alpha = 0; /* the range excludes its lower end */
    CHECK(i2v_train_params_check(&p, &err) == I2V_ERR_INVALID && err.param == I2V_PARAM_ALPHA);
}

/* The table is the one place parameters are described: every row has a
 * name found again by lookup, its default passes its own check, and the
 * ends of its range pass while what lies just outside fails. */
static void parameter_table_agrees_with_defaults_and_check(void)
{
    i2v_train_params p;
    i2v_train_params_default(&p);
    CHECK(i2v_param_describe(I2V_PARAM_COUNT) == NULL);
    CHECK(i2v_param_lookup("no-such-parameter") == I2V_PARAM_NONE);
    for (int k = 0; k < I2V_PARAM_COUNT; k++) {
        const i2v_param_info *in = i2v_param_describe((i2v_param)k);
        CHECK(in && in->name && in->doc && i2v_param_lookup(in->name) == k);
        if (in->type == I2V_PARAM_WHOLE) {
            CHECK(i2v_param_whole(&p, (i2v_param)k) == (uint64_t)in->default_value);
            CHECK(i2v_param_check_whole((i2v_param)k, in->whole_min, NULL) == I2V_OK);
            CHECK(i2v_param_check_whole((i2v_param)k, in->whole_max, NULL) == I2V_OK);
            if (in->whole_min > 0)
                CHECK(i2v_param_check_whole((i2v_param)k, in->whole_min - 1, NULL) != I2V_OK);
            if (in->whole_max < UINT64_MAX)
                CHECK(i2v_param_check_whole((i2v_param)k, in->whole_max + 1, NULL) != I2V_OK);
        } else {
            CHECK(i2v_param_real(&p, (i2v_param)k) == in->default_value);
            CHECK(i2v_param_check_real((i2v_param)k, in->real_max, NULL) == I2V_OK);
            CHECK(i2v_param_check_real((i2v_param)k, in->real_max * 2 + 1, NULL) != I2V_OK);
            CHECK(i2v_param_check_real((i2v_param)k, NAN, NULL) != I2V_OK);
            CHECK((i2v_param_check_real((i2v_param)k, in->real_min, NULL) == I2V_OK) ==
                  !in->real_min_open);
        }
    }
    CHECK(i2v_train_params_check(&p, NULL) == I2V_OK);
}

int main(void)
{
    RUN(every_epoch_reads_the_whole_corpus);
    RUN(thread_shares_cover_each_sequence_once);
    RUN(long_sequences_cross_spool_blocks_whole);
    RUN(one_thread_and_a_seed_give_identical_models);
    RUN(training_in_steps_and_forks_train_the_same_weights);
    RUN(divergence_is_reported_not_written);
    RUN(parameters_out_of_range_are_named);
    RUN(parameter_table_agrees_with_defaults_and_check);
    CHECK_EXIT();
}
