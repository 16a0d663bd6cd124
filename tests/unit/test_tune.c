/* The settings search: what it holds out, that it scores as eval does,
 * that it keeps the defaults unless beaten, writes what it reports,
 * repeats itself, and refuses what it cannot do. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "planted.h"
#include "tune/tune.h"

static char dir[] = "/tmp/item2vec-tune-XXXXXX";
static char sessions[4096], truth[4096];

static FILE *open_sessions(void)
{
    FILE *f = fopen(sessions, "r");
    CHECK(f != NULL);
    return f;
}

/* Small and quick: a few candidates of few epochs. */
static void quick_options(i2v_tune_options *o)
{
    i2v_tune_options_default(o);
    o->base.threads = 1;
    o->base.dim = 16;
    o->trials = 4;
    o->max_epochs = 3;
    o->validation = 300;
    o->budget_sec = 600;
}

static void held_out_lines_are_last_items_kept_from_training(void)
{
    FILE *in = open_sessions();
    tune_data d;
    i2v_error err;
    CHECK(tune_data_read(&d, in, "sessions", 300, 7, NULL, &err) == I2V_OK);
    CHECK(d.sequences == 3000);
    CHECK(d.held_lines > 200 && d.held_lines <= 300 && d.held_lines <= d.eligible / 5);
    /* The training part has every line, the held-out ones without their
     * last item; the held-out text has them whole. */
    uint64_t lines = 0, train_items = 0, all_items = 0, held = 0;
    char line[65536];
    while (fgets(line, sizeof line, d.train)) {
        lines++;
        for (char *t = strtok(line, " \n"); t; t = strtok(NULL, " \n"))
            train_items++;
    }
    while (fgets(line, sizeof line, d.all))
        for (char *t = strtok(line, " \n"); t; t = strtok(NULL, " \n"))
            all_items++;
    while (fgets(line, sizeof line, d.held))
        held++;
    CHECK(lines == 3000);
    CHECK(all_items - train_items == d.held_lines);
    CHECK(held == d.held_lines);
    CHECK(d.line_start[d.held_lines] == d.n_words);
    /* Another seed holds out other lines. */
    tune_data e;
    rewind(in);
    CHECK(tune_data_read(&e, in, "sessions", 300, 8, NULL, &err) == I2V_OK);
    CHECK(e.n_words != d.n_words || memcmp(e.text, d.text, 64) != 0);
    tune_data_free(&d);
    tune_data_free(&e);
    fclose(in);
}

/* The search's scorer ranks exactly as eval --next-item: the same HR on
 * the same lines for the same model. */
static void the_scorer_agrees_with_eval_next_item(void)
{
    FILE *in = open_sessions();
    tune_data d;
    i2v_error err;
    CHECK(tune_data_read(&d, in, "sessions", 400, 3, NULL, &err) == I2V_OK);
    i2v_train_params p;
    i2v_train_params_default(&p);
    p.dim = 16;
    p.epochs = 2;
    p.threads = 1;
    i2v_trainer *t;
    CHECK(i2v_trainer_create(&p, NULL, &t, &err) == I2V_OK);
    CHECK(i2v_trainer_read_corpus(t, d.train, "train", &err) == I2V_OK);
    CHECK(i2v_trainer_run(t, NULL, NULL, &err) == I2V_OK);
    i2v_model *m;
    CHECK(i2v_trainer_snapshot(t, &m, &err) == I2V_OK);
    tune_lines lines;
    CHECK(tune_lines_map(&lines, &d, i2v_trainer_vocab(t), &err) == I2V_OK);
    i2v_tune_options o;
    i2v_tune_options_default(&o);
    o.base.threads = 2;
    for (int metric = I2V_TUNE_HR; metric <= I2V_TUNE_NDCG; metric++) {
        o.metric = (i2v_tune_metric)metric;
        tune_scorer s;
        CHECK(tune_scorer_init(&s, &o, &lines, &err) == I2V_OK);
        double score, se;
        tune_serving v = {3, 1.0, 0};
        CHECK(tune_score(&s, m, &v, &score, &se, &err) == I2V_OK);
        i2v_next_options no;
        i2v_next_options_default(m, &no);
        no.recommend.context = 3;
        no.recommend.blend = 1.0;
        i2v_next_eval e;
        rewind(d.held);
        CHECK(i2v_eval_next_item(m, NULL, d.held, "held", &no, &e, &err) == I2V_OK);
        CHECK(e.lines == d.held_lines);
        double want = metric == I2V_TUNE_HR ? e.model.hit_rate
                      : metric == I2V_TUNE_MRR ? e.model.mrr : e.model.ndcg;
        CHECK_NEAR(score, want, 1e-12);
        CHECK(se > 0 && se < 0.05);
        tune_scorer_free(&s);
    }
    tune_lines_free(&lines);
    i2v_model_free(m);
    i2v_trainer_free(t);
    tune_data_free(&d);
    fclose(in);
}

static int same_params(const i2v_train_params *a, const i2v_train_params *b)
{
    return a->dim == b->dim && a->window == b->window && a->negative == b->negative &&
           a->epochs == b->epochs && a->alpha == b->alpha && a->sample == b->sample &&
           a->ns_exponent == b->ns_exponent && a->cbow == b->cbow && a->context == b->context &&
           a->blend == b->blend;
}

static char *model_bytes(const i2v_model *m, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    i2v_error err;
    CHECK(f && i2v_model_write(m, f, I2V_FORMAT_NATIVE, "memory", &err) == I2V_OK);
    fclose(f);
    return buf;
}

typedef struct seen {
    size_t trials;
    int bad_round;
} seen;

static void count_trial(const i2v_tune_trial *t, void *user)
{
    seen *s = user;
    s->trials++;
    s->bad_round |= t->epochs_done > t->params.epochs;
}

/* The run end to end: every trial reported, the defaults' row the
 * defaults, the winner never below them, its settings in the model it
 * writes; the same run again gives the same bytes. */
static void a_search_reports_keeps_the_best_and_repeats_itself(void)
{
    i2v_tune_options o;
    quick_options(&o);
    i2v_tune_report r1, r2;
    i2v_model *m1 = NULL, *m2 = NULL;
    i2v_error err;
    seen s = {0};
    FILE *in = open_sessions();
    CHECK(i2v_tune(in, "sessions", &o, count_trial, NULL, &s, &r1, &m1, &err) == I2V_OK);
    fclose(in);
    CHECK(s.trials == r1.n_trials && r1.n_trials >= 4 && !s.bad_round);
    CHECK(r1.candidates == 4 && r1.brackets == 1 && r1.rounds == 3 && !r1.budget_cut);
    CHECK(r1.validation_lines > 200 && r1.sequences == 3000);
    CHECK(r1.defaults.candidate == 0 && same_params(&r1.defaults.params, &o.base));
    CHECK(r1.defaults.epochs_done == o.base.epochs);
    CHECK(r1.best.score >= r1.defaults.score);
    CHECK(r1.has_baselines && r1.transition > 0 && r1.popular > 0);
    CHECK(r1.best.stderr_ > 0 && r1.best.stderr_ < 0.05);
    for (size_t i = 0; i < r1.n_trials; i++)
        CHECK(r1.trials[i].params.epochs <= (r1.trials[i].candidate ? 3u : o.base.epochs));
    CHECK(m1 && same_params(i2v_model_params(m1), &r1.best.params));
    CHECK(i2v_model_has_output(m1) && i2v_model_has_successors(m1));
    in = open_sessions();
    CHECK(i2v_tune(in, "sessions", &o, NULL, NULL, NULL, &r2, &m2, &err) == I2V_OK);
    fclose(in);
    size_t n1, n2;
    char *b1 = model_bytes(m1, &n1), *b2 = model_bytes(m2, &n2);
    CHECK(n1 == n2 && memcmp(b1, b2, n1) == 0);
    CHECK(r1.n_trials == r2.n_trials && r1.best.score == r2.best.score);
    free(b1);
    free(b2);
    i2v_model_free(m1);
    i2v_model_free(m2);
    i2v_tune_report_free(&r1);
    i2v_tune_report_free(&r2);
}

static void a_grid_trains_every_combination(void)
{
    i2v_tune_options o;
    quick_options(&o);
    o.trials = 0;
    o.max_epochs = 0;
    o.base.epochs = 2;
    static const double windows[] = {1, 3}, blends[] = {0, 2};
    i2v_tune_grid g;
    memset(&g, 0, sizeof g);
    g.n[I2V_PARAM_WINDOW] = 2;
    g.values[I2V_PARAM_WINDOW] = windows;
    g.n[I2V_PARAM_BLEND] = 2;
    g.values[I2V_PARAM_BLEND] = blends;
    o.grid = &g;
    i2v_tune_report r;
    i2v_model *m = NULL;
    i2v_error err;
    FILE *in = open_sessions();
    CHECK(i2v_tune(in, "sessions", &o, NULL, NULL, NULL, &r, &m, &err) == I2V_OK);
    fclose(in);
    CHECK(r.candidates == 2);
    size_t points = 0;
    for (size_t i = 0; i < r.n_trials; i++)
        if (r.trials[i].candidate > 0) {
            points++;
            CHECK(r.trials[i].epochs_done == 2);
            CHECK(r.trials[i].params.window == 1 || r.trials[i].params.window == 3);
            CHECK(r.trials[i].params.blend == 0 || r.trials[i].params.blend == 2);
            CHECK(r.trials[i].score <= r.best.score);
        }
    CHECK(points == 4);
    CHECK(m && i2v_model_params(m)->window == r.best.params.window);
    CHECK(i2v_model_params(m)->blend == r.best.params.blend);
    i2v_model_free(m);
    i2v_tune_report_free(&r);
    /* A grid cannot vary what the candidates share. */
    static const double counts[] = {1, 5};
    g.n[I2V_PARAM_MIN_COUNT] = 2;
    g.values[I2V_PARAM_MIN_COUNT] = counts;
    in = open_sessions();
    CHECK(i2v_tune(in, "sessions", &o, NULL, NULL, NULL, &r, &m, &err) == I2V_ERR_INVALID);
    CHECK(strstr(err.message, "min-count") != NULL);
    fclose(in);
    i2v_tune_report_free(&r);
}

/* Purity and Spearman need no held-out lines: the candidates train on
 * everything, and the model written is the winner's own training. */
static void purity_and_spearman_search_on_all_the_input(void)
{
    FILE *f = fopen(truth, "r");
    CHECK(f != NULL);
    char groups[1 << 16];
    size_t n = fread(groups, 1, sizeof groups, f);
    fclose(f);
    i2v_tune_options o;
    quick_options(&o);
    o.metric = I2V_TUNE_PURITY;
    o.groups = groups;
    o.groups_len = n;
    i2v_tune_report r;
    i2v_model *m = NULL;
    i2v_error err;
    FILE *in = open_sessions();
    CHECK(i2v_tune(in, "sessions", &o, NULL, NULL, NULL, &r, &m, &err) == I2V_OK);
    fclose(in);
    CHECK(r.validation_lines == 0 && !r.has_baselines);
    CHECK(r.best.score > 0.3 && r.best.score <= 1 && r.best.score >= r.defaults.score);
    CHECK(m && same_params(i2v_model_params(m), &r.best.params));
    i2v_model_free(m);
    i2v_tune_report_free(&r);

    static const char pairs[] = "item_1 item_21 9\nitem_1 item_2 1\nitem_2 item_22 8\n"
                                "item_3 item_23 9\nitem_2 item_3 2\nitem_4 item_24 7\n"
                                "item_4 item_5 1\nitem_6 item_26 9\n";
    o.metric = I2V_TUNE_SPEARMAN;
    o.pairs = pairs;
    o.pairs_len = sizeof pairs - 1;
    in = open_sessions();
    CHECK(i2v_tune(in, "sessions", &o, NULL, NULL, NULL, &r, &m, &err) == I2V_OK);
    fclose(in);
    CHECK(r.best.score >= -1 && r.best.score <= 1 && r.best.stderr_ > 0);
    i2v_model_free(m);
    i2v_tune_report_free(&r);
}

/* A budget far too small for the plan ends the search early, and says so. */
static void the_budget_cuts_a_plan_it_cannot_hold(void)
{
    i2v_tune_options o;
    quick_options(&o);
    o.trials = I2V_TUNE_MAX_TRIALS;
    o.max_epochs = 50;
    o.budget_sec = 3;
    i2v_tune_report r;
    i2v_model *m = NULL;
    i2v_error err;
    FILE *in = open_sessions();
    CHECK(i2v_tune(in, "sessions", &o, NULL, NULL, NULL, &r, &m, &err) == I2V_OK);
    fclose(in);
    CHECK(r.budget_cut && m != NULL);
    CHECK(r.n_trials < I2V_TUNE_MAX_TRIALS);
    i2v_model_free(m);
    i2v_tune_report_free(&r);
}

static void bad_options_and_small_inputs_are_refused(void)
{
    i2v_tune_options o;
    i2v_tune_report r;
    i2v_model *m = NULL;
    i2v_error err;
    FILE *in = open_sessions();
    quick_options(&o);
    o.budget_sec = 0;
    CHECK(i2v_tune(in, "s", &o, NULL, NULL, NULL, &r, &m, &err) == I2V_ERR_INVALID);
    CHECK(strstr(err.message, "budget") != NULL && m == NULL);
    quick_options(&o);
    o.metric = (i2v_tune_metric)42;
    CHECK(i2v_tune(in, "s", &o, NULL, NULL, NULL, &r, &m, &err) == I2V_ERR_INVALID);
    quick_options(&o);
    o.metric = I2V_TUNE_PURITY;
    CHECK(i2v_tune(in, "s", &o, NULL, NULL, NULL, &r, &m, &err) == I2V_ERR_INVALID);
    CHECK(strstr(err.message, "groups") != NULL);
    quick_options(&o);
    o.trials = I2V_TUNE_MAX_TRIALS + 1;
    CHECK(i2v_tune(in, "s", &o, NULL, NULL, NULL, &r, &m, &err) == I2V_ERR_INVALID);
    fclose(in);

    /* Four sequences of two items: too few to hold a fifth of them out. */
    static const char tiny[] = "a b\nb c\nc d\nd a\n";
    quick_options(&o);
    in = fmemopen((void *)tiny, sizeof tiny - 1, "r");
    CHECK(i2v_tune(in, "tiny", &o, NULL, NULL, NULL, &r, &m, &err) == I2V_ERR_EMPTY);
    CHECK(strstr(err.message, "tiny") != NULL && strstr(err.message, "too few") != NULL);
    fclose(in);
    static const char blank[] = "\n\n";
    in = fmemopen((void *)blank, sizeof blank - 1, "r");
    CHECK(i2v_tune(in, "blank", &o, NULL, NULL, NULL, &r, &m, &err) == I2V_ERR_EMPTY);
    fclose(in);
    i2v_tune_report_free(&r);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL);
    snprintf(sessions, sizeof sessions, "%s/s.txt", dir);
    snprintf(truth, sizeof truth, "%s/s.truth", dir);
    CHECK(planted_generate(dir, "s", "--items 300 --groups 10 --sessions 3000 --seed 5") == 0);
    RUN(held_out_lines_are_last_items_kept_from_training);
    RUN(the_scorer_agrees_with_eval_next_item);
    RUN(a_search_reports_keeps_the_best_and_repeats_itself);
    RUN(a_grid_trains_every_combination);
    RUN(purity_and_spearman_search_on_all_the_input);
    RUN(the_budget_cuts_a_plan_it_cannot_hold);
    RUN(bad_options_and_small_inputs_are_refused);
    unlink(sessions);
    unlink(truth);
    rmdir(dir);
    CHECK_EXIT();
}
