/* The settings search (item2vec/tune.h): a timed epoch of the defaults
 * plans the rounds, successive halving runs them with every candidate
 * forked from one read corpus, and the winner's serving settings and
 * final training follow.  Time is checked before every step against what
 * the rest of the run needs, and a training that overruns is cancelled. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "train/train.h"
#include "tune/tune.h"
#include "util/error.h"
#include "util/grow.h"

enum { MAX_ROUNDS = 16 };

/* The serving settings tried on the winner and on the defaults, one
 * coordinate at a time: contexts, blends, contexts again. */
static const uint32_t serving_contexts[] = {1, 2, 3, 5, 10};
static const double serving_blends[] = {0, 0.5, 1, 2, 5, 10, 30, 100};
#define N_CONTEXTS (sizeof serving_contexts / sizeof *serving_contexts)
#define N_BLENDS (sizeof serving_blends / sizeof *serving_blends)
/* Successors per item: the base's, and more (counted once, the most of
 * them, when the corpus is read; a serving with fewer uses the most
 * frequent). */
static const uint32_t more_successors[] = {50, 100};
enum { MOST_SUCCESSOR_COUNTS = 1 + sizeof more_successors / sizeof *more_successors };
#define SERVINGS (2 * N_CONTEXTS + N_BLENDS + MOST_SUCCESSOR_COUNTS)

/* Epoch caps a budget can give: coarse, so that runs of one budget on one
 * machine plan alike. */
static const uint32_t epoch_steps[] = {1, 2, 3, 5, 8, 13, 20, 30, 50, 80, 120, 200};
enum { MOST_EPOCHS = 200 };

/* Candidates drawn for a search: the first bracket takes at most
 * I2V_TUNE_MAX_TRIALS, later ones the rest. */
enum { POOL = 3 * I2V_TUNE_MAX_TRIALS };

/* First-round sizes a budget can give: powers of 3 and the steps between,
 * coarse for the same reason. */
static const uint32_t first_rounds[] = {1, 3, 5, 9, 15, 27, 45, 81, 135, 243, 405, 729};

/* What the search plans with: the share of the budget one candidate's
 * full training may take, and the share the plan may fill. */
#define CANDIDATE_SHARE (1.0 / 6)
#define PLAN_SHARE 0.9

typedef struct candidate {
    i2v_train_params p;  /* its full epochs */
    i2v_trainer *trainer;
    double epoch_sec;    /* one epoch: estimated, then measured */
    double score_sec;    /* one scoring */
    double score, se;    /* the latest scoring ... */
    uint32_t scored_epochs; /* ... after this many epochs, */
    tune_serving scored;    /* answering so */
    int scored_now;      /* in the round being run */
    int out;             /* out of the search */
} candidate;

typedef struct search {
    const i2v_tune_options *o;
    i2v_tune_report *rep;
    i2v_tune_progress_fn progress;
    void *user;
    tune_data d;
    tune_lines lines;
    tune_scorer scorer;
    i2v_trainer *master;  /* read the corpus the candidates fork from */
    uint32_t items;
    candidate *c;
    uint32_t pool;        /* candidates drawn */
    uint32_t n;           /* of them in the search so far */
    double start, end;    /* the run's start and its budget's end, monotonic seconds */
    double epoch_base, score_base, read_sec;  /* measured on the defaults */
    double all_ratio;     /* the input's items over the training part's */
    double final_need;    /* what the run needs after the serving searches */
    tune_serving serve;   /* how candidates are scored */
    uint32_t successor_counts[MOST_SUCCESSOR_COUNTS]; /* the servings may keep */
    size_t n_successors;
    i2v_trainer *running; /* cancelled when its training reaches `stop` */
    double stop;
    int cut;
    size_t trials_cap;
} search;

static double now_sec(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

const char *i2v_tune_metric_name(i2v_tune_metric metric)
{
    static const char *const names[] = {"hr", "mrr", "ndcg", "purity", "spearman"};
    return (unsigned)metric < sizeof names / sizeof *names ? names[metric] : "unknown";
}

void i2v_tune_options_default(i2v_tune_options *o)
{
    memset(o, 0, sizeof *o);
    o->metric = I2V_TUNE_HR;
    o->k = 10;
    o->budget_sec = 600;
    o->validation = 5000;
    o->groups_name = "the groups";
    o->pairs_name = "the pairs";
    i2v_train_params_default(&o->base);
}

void i2v_tune_report_free(i2v_tune_report *report)
{
    free(report->trials);
    memset(report, 0, sizeof *report);
}

static int next_item(const i2v_tune_options *o)
{
    return o->metric == I2V_TUNE_HR || o->metric == I2V_TUNE_MRR || o->metric == I2V_TUNE_NDCG;
}

/* ---- options ---------------------------------------------------------- */

/* Parameters a grid may not vary: every candidate shares one vocabulary
 * and successors, and the run's threads and seed. */
static int fixed_in_grid(int p)
{
    return p == I2V_PARAM_MIN_COUNT || p == I2V_PARAM_MAX_VOCAB || p == I2V_PARAM_THREADS ||
           p == I2V_PARAM_SEED || p == I2V_PARAM_SUCCESSORS || p == I2V_PARAM_DETERMINISTIC;
}

static i2v_status check_grid(const i2v_tune_grid *g, i2v_error *err)
{
    for (int p = 0; p < I2V_PARAM_COUNT; p++) {
        const i2v_param_info *info = i2v_param_describe((i2v_param)p);
        if (g->n[p] && fixed_in_grid(p))
            return i2v_fail(err, I2V_ERR_INVALID,
                            "a grid cannot vary %s: every candidate shares it", info->name);
        for (uint32_t i = 0; i < g->n[p]; i++) {
            double v = g->values[p][i];
            i2v_status st =
                info->type == I2V_PARAM_REAL ? i2v_param_check_real((i2v_param)p, v, err)
                : v < 0 || v != floor(v) || v > 1e19
                    ? i2v_fail(err, I2V_ERR_INVALID, "%s must be a whole number", info->name)
                    : i2v_param_check_whole((i2v_param)p, (uint64_t)v, err);
            if (st != I2V_OK)
                return st;
        }
    }
    return I2V_OK;
}

static i2v_status check_options(const i2v_tune_options *o, i2v_error *err)
{
    if ((unsigned)o->metric > I2V_TUNE_SPEARMAN)
        return i2v_fail(err, I2V_ERR_INVALID, "unknown metric %d", (int)o->metric);
    if (!(o->budget_sec > 0) || !isfinite(o->budget_sec))
        return i2v_fail(err, I2V_ERR_INVALID, "the budget must be more than 0 seconds");
    if (o->k == 0 || o->k > 1000)
        return i2v_fail(err, I2V_ERR_INVALID, "k must be between 1 and 1000");
    if (o->trials > I2V_TUNE_MAX_TRIALS)
        return i2v_fail(err, I2V_ERR_INVALID, "trials must be between 1 and %u",
                        I2V_TUNE_MAX_TRIALS);
    if (o->max_epochs > MOST_EPOCHS)
        return i2v_fail(err, I2V_ERR_INVALID, "max epochs must be between 1 and %d",
                        MOST_EPOCHS);
    if (next_item(o) && o->validation == 0)
        return i2v_fail(err, I2V_ERR_INVALID, "validation lines must be at least 1");
    if (o->metric == I2V_TUNE_PURITY && !o->groups)
        return i2v_fail(err, I2V_ERR_INVALID, "the purity metric needs item groups");
    if (o->metric == I2V_TUNE_SPEARMAN && !o->pairs)
        return i2v_fail(err, I2V_ERR_INVALID, "the spearman metric needs scored pairs");
    i2v_status st = i2v_train_params_check(&o->base, err);
    if (st == I2V_OK && o->grid)
        st = check_grid(o->grid, err);
    return st;
}

/* ---- trials ------------------------------------------------------------ */

static i2v_status add_trial(search *s, const i2v_tune_trial *t, i2v_error *err)
{
    i2v_tune_report *r = s->rep;
    if (grow_array(&r->trials, &s->trials_cap, r->n_trials + 1, sizeof *r->trials, 64) != 0)
        return i2v_fail_nomem(err, "keeping the trials");
    r->trials[r->n_trials++] = *t;
    if (s->progress)
        s->progress(t, s->user);
    return I2V_OK;
}

/* Orders candidates by their latest score: higher first, a NAN last, the
 * lower index first among equals. */
static int better(const candidate *a, uint32_t ia, const candidate *b, uint32_t ib)
{
    if (isnan(a->score) != isnan(b->score))
        return !isnan(a->score);
    if (!isnan(a->score) && a->score != b->score)
        return a->score > b->score;
    return ia < ib;
}

/* The training watch: a step that runs past the search's stop is
 * cancelled (the budget ends the search). */
static void watch(const i2v_progress *progress, void *user)
{
    (void)progress;
    search *s = user;
    if (s->running && now_sec() > s->stop)
        i2v_trainer_cancel(s->running);
}

static i2v_status score_trainer(search *s, const i2v_trainer *t, const tune_serving *v,
                                double *score, double *se, i2v_error *err)
{
    i2v_model *m;
    i2v_status st = i2v_trainer_snapshot(t, &m, err);
    if (st == I2V_OK) {
        st = tune_score(&s->scorer, m, v, score, se, err);
        i2v_model_free(m);
    }
    return st;
}

static int serving_equal(const tune_serving *a, const tune_serving *b)
{
    return a->context == b->context && a->blend == b->blend && a->successors == b->successors;
}

/* The serving as the parameters a model records. */
static void serving_into(i2v_train_params *p, const tune_serving *v)
{
    p->context = v->context;
    p->blend = v->blend;
    p->successors = v->successors;
}

static tune_serving serving_of(const i2v_train_params *p)
{
    return (tune_serving){p->context, p->blend, p->successors};
}

static void drop_trainer(candidate *c)
{
    i2v_trainer_free(c->trainer);
    c->trainer = NULL;
}

/* Trains candidate i to `epochs` of its epochs (forking it first) and
 * scores it with the base's serving.  A candidate that diverges scores
 * NAN and leaves the search; a cancelled one ends the search (s->cut). */
static i2v_status step(search *s, uint32_t i, uint32_t epochs, uint32_t round, i2v_error *err)
{
    candidate *c = &s->c[i];
    if (c->trainer && epochs <= c->scored_epochs &&
        c->scored_epochs == i2v_trainer_epochs_done(c->trainer) &&
        serving_equal(&c->scored, &s->serve)) {
        c->scored_now = 1; /* trained no further since its last scoring */
        return I2V_OK;
    }
    double t0 = now_sec();
    i2v_status st = I2V_OK;
    if (!c->trainer)
        st = trainer_fork(s->master, &c->p, &c->trainer, err);
    uint32_t done = c->trainer ? i2v_trainer_epochs_done(c->trainer) : 0;
    if (st == I2V_OK && epochs > done) {
        s->running = c->trainer;
        st = i2v_trainer_run_epochs(c->trainer, epochs - done, watch, s, err);
        s->running = NULL;
    }
    double t1 = now_sec();
    if (st == I2V_ERR_CANCELED) { /* a cancelled trainer cannot go on */
        s->cut = 1;
        c->out = 1;
        drop_trainer(c);
        return I2V_OK;
    }
    c->score = c->se = NAN;
    if (st == I2V_ERR_DIVERGED)
        c->out = 1;
    else if (st == I2V_OK)
        st = score_trainer(s, c->trainer, &s->serve, &c->score, &c->se, err);
    if (st != I2V_OK && st != I2V_ERR_DIVERGED)
        return st;
    double t2 = now_sec();
    if (epochs > done && st == I2V_OK)
        c->epoch_sec = (t1 - t0) / (epochs - done);
    c->score_sec = t2 - t1;
    c->scored_now = 1;
    c->scored_epochs = i2v_trainer_epochs_done(c->trainer);
    c->scored = s->serve;
    i2v_tune_trial t = {.candidate = i, .round = round, .params = c->p,
                        .epochs_done = i2v_trainer_epochs_done(c->trainer), .score = c->score,
                        .stderr_ = c->se, .seconds = t2 - t0};
    serving_into(&t.params, &s->serve);
    return add_trial(s, &t, err);
}

/* ---- the plan ------------------------------------------------------------ */

/* Round sizes: each keeps a third (rounded up) of the one before, down to
 * one candidate. */
static uint32_t plan_rounds(uint32_t first, uint32_t *sizes)
{
    uint32_t rounds = 0, n = first;
    for (;;) {
        sizes[rounds++] = n;
        if (n <= 1 || rounds == MAX_ROUNDS)
            return rounds;
        n = (n + 2) / 3;
    }
}

/* The epochs a candidate of `epochs` has trained by the end of round r of
 * `rounds`: a third of the next round's share, the last round all. */
static uint32_t rung_epochs(uint32_t epochs, uint32_t r, uint32_t rounds)
{
    double share = pow(3.0, (double)r - (double)(rounds - 1));
    double e = ceil(share * epochs - 1e-9);
    return e < 1 ? 1 : e > epochs ? epochs : (uint32_t)e;
}

static double full_sec(const candidate *c) { return c->p.epochs * c->epoch_sec; }

/* The final training of candidate c, on all the input. */
static double final_sec(const search *s, const candidate *c)
{
    return full_sec(c) * s->all_ratio + s->read_sec;
}

/* What the end of the run needs after the search, if any of the first n
 * candidates (those still in, with alive_only) wins: its serving settings
 * and final training, the defaults' row and the baselines. */
static double reserve_sec(const search *s, uint32_t n, int alive_only)
{
    double most = 0, score = s->score_base;
    for (uint32_t i = 0; i < n; i++) {
        const candidate *c = &s->c[i];
        if (alive_only && (c->out || !c->trainer))
            continue;
        double need = final_sec(s, c);
        most = need > most ? need : most;
        score = c->score_sec > score ? c->score_sec : score;
    }
    double servings = next_item(s->o) ? 2.0 * SERVINGS : 0; /* the winner's and the defaults' */
    double defaults = full_sec(&s->c[0]) + s->score_base * 4;
    return most + servings * score + defaults;
}

/* What the halving of the n candidates from `first` is expected to cost. */
static double plan_sec(const search *s, uint32_t first, uint32_t n)
{
    uint32_t sizes[MAX_ROUNDS];
    uint32_t rounds = plan_rounds(n, sizes);
    double total = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        double mean = 0;
        for (uint32_t i = first; i < first + n; i++) {
            const candidate *c = &s->c[i];
            uint32_t before = r ? rung_epochs(c->p.epochs, r - 1, rounds) : 0;
            mean += (rung_epochs(c->p.epochs, r, rounds) - before) * c->epoch_sec + c->score_sec;
        }
        total += sizes[r] * mean / n;
    }
    return total;
}

static uint32_t epochs_cap(double seconds, double epoch_sec)
{
    double most = epoch_sec > 0 ? seconds / epoch_sec : MOST_EPOCHS;
    uint32_t cap = 1;
    for (size_t i = 0; i < sizeof epoch_steps / sizeof *epoch_steps; i++)
        if (epoch_steps[i] <= most)
            cap = epoch_steps[i];
    return cap;
}

/* How much memory the search's trainers may hold at once: a quarter of
 * the machine's. */
static double memory_cap(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (double)pages * (double)page / 4 : 4e9;
}

/* How many candidates from `first` the next bracket takes: the most of
 * first_rounds (at least `least`) whose halving and the end of the run
 * fit in what the plan may fill, and whose trainers fit in memory; 0 when
 * none does. */
static uint32_t bracket_size(const search *s, uint32_t first, uint32_t least)
{
    double room = s->start + s->o->budget_sec * PLAN_SHARE - now_sec();
    uint32_t n = 0;
    for (size_t i = 0; i < sizeof first_rounds / sizeof *first_rounds; i++) {
        uint32_t t = first_rounds[i];
        if (t < least || first + t > s->pool)
            continue;
        double biggest = 0;
        for (uint32_t j = first; j < first + t; j++) {
            double bytes = (double)s->items * s->c[j].p.dim * 2 * sizeof(float);
            biggest = bytes > biggest ? bytes : biggest;
        }
        if (plan_sec(s, first, t) + reserve_sec(s, first + t, 0) <= room &&
            ((t + 2) / 3 + 4) * biggest <= memory_cap())
            n = t;
    }
    return n;
}

/* Draws the candidates, their epochs capped by the budget (no candidate's
 * training above CANDIDATE_SHARE of it) or by the option. */
static i2v_status draw_candidates(search *s, i2v_error *err)
{
    const i2v_tune_options *o = s->o;
    uint32_t pool = o->trials ? o->trials : POOL;
    candidate *grown = realloc(s->c, pool * sizeof *s->c);
    if (!grown)
        return i2v_fail_nomem(err, "drawing candidates");
    s->c = grown;
    s->pool = pool;
    memset(s->c + 1, 0, (pool - 1) * sizeof *s->c);
    double mean_length = s->d.mean_length;
    const i2v_vocab *v = i2v_trainer_vocab(s->master);
    double base_kept = tune_kept_share(v, o->base.sample);
    double samples[8], kept_of[8];
    size_t n_samples = 0;
    for (uint32_t i = 1; i < pool; i++) {
        candidate *c = &s->c[i];
        i2v_rng rng = i2v_rng_seeded(o->base.seed, 0x7475 + i);
        tune_draw(&c->p, &o->base, s->items, MOST_EPOCHS, &rng);
        size_t k = 0; /* the share subsampling keeps, once per threshold */
        while (k < n_samples && samples[k] != c->p.sample)
            k++;
        if (k == n_samples && n_samples < 8) {
            samples[n_samples] = c->p.sample;
            kept_of[n_samples++] = tune_kept_share(v, c->p.sample);
        }
        double kept = k < n_samples ? kept_of[k] : tune_kept_share(v, c->p.sample);
        c->epoch_sec = s->epoch_base * tune_epoch_cost(&c->p, kept, &o->base, base_kept,
                                                       mean_length);
        c->score_sec = s->score_base * c->p.dim / o->base.dim;
        c->score = c->se = NAN;
        uint32_t cap = o->max_epochs ? o->max_epochs
                                     : epochs_cap(o->budget_sec * CANDIDATE_SHARE, c->epoch_sec);
        if (c->p.epochs > cap)
            c->p.epochs = cap;
    }
    return I2V_OK;
}

/* ---- the halving --------------------------------------------------------- */

/* The candidates of this round ranked `keep` or lower can never come
 * back: their trainers go at once (the defaults' stays for their row). */
static void prune(search *s, uint32_t first, uint32_t end, uint32_t keep)
{
    for (uint32_t i = first; i < end; i++) {
        candidate *c = &s->c[i];
        if (!c->scored_now || c->out)
            continue;
        uint32_t ahead = 0;
        for (uint32_t j = first; j < end; j++)
            ahead += s->c[j].scored_now && !s->c[j].out && j != i && better(&s->c[j], j, c, i);
        if (ahead >= keep) {
            c->out = 1;
            if (i != 0)
                drop_trainer(c);
        }
    }
}

/* One bracket: successive halving of the n candidates from `first`, down
 * to one. */
static i2v_status halve(search *s, uint32_t first, uint32_t n, i2v_error *err)
{
    uint32_t sizes[MAX_ROUNDS];
    uint32_t rounds = plan_rounds(n, sizes), end = first + n;
    s->n = end;
    s->rep->candidates = end;
    s->rep->brackets++;
    s->rep->rounds = rounds > s->rep->rounds ? rounds : s->rep->rounds;
    for (uint32_t r = 0; r < rounds && !s->cut; r++) {
        uint32_t keep = r + 1 < rounds ? sizes[r + 1] : 1;
        for (uint32_t i = first; i < end; i++)
            s->c[i].scored_now = 0;
        for (uint32_t i = first; i < end && !s->cut; i++) {
            candidate *c = &s->c[i];
            if (c->out)
                continue;
            uint32_t epochs = rung_epochs(c->p.epochs, r, rounds);
            uint32_t done = c->trainer ? i2v_trainer_epochs_done(c->trainer) : 0;
            double need = (epochs > done ? epochs - done : 0) * c->epoch_sec + c->score_sec;
            s->stop = s->end - reserve_sec(s, s->n, 1);
            if (now_sec() + need > s->stop) {
                s->cut = 1;
                break;
            }
            i2v_status st = step(s, i, epochs, r, err);
            if (st != I2V_OK)
                return st;
            prune(s, first, end, keep);
        }
    }
    for (uint32_t i = first; i < end; i++) /* the epoch cap the report gives */
        if (i > 0 && s->c[i].p.epochs > s->rep->max_epochs)
            s->rep->max_epochs = s->c[i].p.epochs;
    s->rep->budget_cut = s->cut;
    return I2V_OK;
}

/* The search: a first bracket as large as the budget holds (or the
 * option's), then, when the plan left time, more brackets of new
 * candidates whose survivor meets the winner so far at full epochs.  A
 * fixed `trials` makes one bracket, so that the run can be repeated. */
static i2v_status search_run(search *s, i2v_error *err)
{
    i2v_status st = draw_candidates(s, err);
    uint32_t n = s->o->trials ? s->o->trials : bracket_size(s, 0, 1);
    if (st == I2V_OK)
        st = halve(s, 0, n ? n : 1, err);
    while (st == I2V_OK && !s->o->trials && !s->cut && (n = bracket_size(s, s->n, 3)) > 0)
        st = halve(s, s->n, n, err);
    if (s->o->max_epochs)
        s->rep->max_epochs = s->o->max_epochs;
    return st;
}

/* The winner: the best latest score of the candidates still in. */
static uint32_t winner(const search *s)
{
    uint32_t w = UINT32_MAX;
    for (uint32_t i = 0; i < s->n; i++)
        if (!s->c[i].out && s->c[i].trainer && !isnan(s->c[i].score) &&
            (w == UINT32_MAX || better(&s->c[i], i, &s->c[w], w)))
            w = i;
    return w == UINT32_MAX ? 0 : w;
}

/* ---- the grid ------------------------------------------------------------- */

/* Every combination of the grid's training values, trained in full, each
 * scored with every combination of its serving values. */
static i2v_status run_grid(search *s, i2v_tune_trial *best, i2v_error *err)
{
    const i2v_tune_grid *g = s->o->grid;
    uint32_t place[I2V_PARAM_COUNT] = {0};
    const double base_context = s->o->base.context, base_blend = s->o->base.blend;
    uint32_t n_context = g->n[I2V_PARAM_CONTEXT] ? g->n[I2V_PARAM_CONTEXT] : 1;
    uint32_t n_blend = g->n[I2V_PARAM_BLEND] ? g->n[I2V_PARAM_BLEND] : 1;
    uint32_t point = 1;
    best->score = NAN;
    s->stop = s->end;
    for (;;) {
        i2v_train_params p = s->o->base;
        for (int q = 0; q < I2V_PARAM_COUNT; q++)
            if (g->n[q] && q != I2V_PARAM_CONTEXT && q != I2V_PARAM_BLEND) {
                double v = g->values[q][place[q]];
                if (i2v_param_describe((i2v_param)q)->type == I2V_PARAM_REAL)
                    i2v_param_set_real(&p, (i2v_param)q, v);
                else
                    i2v_param_set_whole(&p, (i2v_param)q, (uint64_t)v);
            }
        if (p.min_alpha > p.alpha)
            p.min_alpha = p.alpha;
        double t0 = now_sec();
        i2v_trainer *t;
        i2v_status st = trainer_fork(s->master, &p, &t, err);
        if (st != I2V_OK)
            return st;
        s->running = t;
        st = i2v_trainer_run_epochs(t, p.epochs, watch, s, err);
        s->running = NULL;
        if (st == I2V_ERR_CANCELED) {
            i2v_trainer_free(t);
            s->cut = 1;
            break;
        }
        i2v_model *m = NULL;
        if (st == I2V_OK)
            st = i2v_trainer_snapshot(t, &m, err);
        uint32_t done = i2v_trainer_epochs_done(t);
        i2v_trainer_free(t);
        if (st != I2V_OK && st != I2V_ERR_DIVERGED)
            return st;
        double t1 = now_sec();
        for (uint32_t a = 0; a < n_context; a++)
            for (uint32_t b = 0; b < n_blend; b++) {
                i2v_tune_trial trial = {.candidate = point, .params = p, .epochs_done = done,
                                        .score = NAN, .stderr_ = NAN};
                trial.params.context = g->n[I2V_PARAM_CONTEXT]
                                           ? (uint32_t)g->values[I2V_PARAM_CONTEXT][a]
                                           : (uint32_t)base_context;
                trial.params.blend = g->n[I2V_PARAM_BLEND] ? g->values[I2V_PARAM_BLEND][b]
                                                           : base_blend;
                tune_serving v = serving_of(&trial.params);
                if (m && (st = tune_score(&s->scorer, m, &v, &trial.score, &trial.stderr_,
                                          err)) != I2V_OK)
                    break;
                double t2 = now_sec();
                trial.seconds = (a == 0 && b == 0 ? t1 - t0 : 0) + (t2 - t1);
                t1 = t2;
                if ((st = add_trial(s, &trial, err)) != I2V_OK)
                    break;
                if (!isnan(trial.score) && (isnan(best->score) || trial.score > best->score))
                    *best = trial;
            }
        i2v_model_free(m);
        if (st != I2V_OK)
            return st;
        point++;
        /* The next combination: the parameters as the digits of a number. */
        int q = 0;
        for (; q < I2V_PARAM_COUNT; q++) {
            if (!g->n[q] || q == I2V_PARAM_CONTEXT || q == I2V_PARAM_BLEND)
                continue;
            if (++place[q] < g->n[q])
                break;
            place[q] = 0;
        }
        if (q == I2V_PARAM_COUNT || now_sec() > s->end)
            break;
    }
    s->rep->candidates = point - 1;
    s->rep->rounds = 1;
    s->rep->budget_cut = s->cut || now_sec() > s->end;
    return I2V_OK;
}

/* ---- the end of the run ------------------------------------------------- */

/* Scores candidate i's model with one serving setting, unless tried
 * already or the time left is needed for the end of the run. */
typedef struct serving_run {
    search *s;
    uint32_t i;
    const i2v_model *m;
    i2v_tune_trial *best;
    tune_serving tried[SERVINGS + 1];
    size_t n_tried;
} serving_run;

static i2v_status try_serving(serving_run *r, tune_serving v, i2v_error *err)
{
    search *s = r->s;
    candidate *c = &s->c[r->i];
    for (size_t j = 0; j < r->n_tried; j++)
        if (serving_equal(&r->tried[j], &v))
            return I2V_OK;
    double t0 = now_sec();
    if (r->n_tried > SERVINGS || t0 + c->score_sec + s->final_need > s->end)
        return I2V_OK;
    r->tried[r->n_tried++] = v;
    i2v_tune_trial t = *r->best;
    serving_into(&t.params, &v);
    i2v_status st = tune_score(&s->scorer, r->m, &v, &t.score, &t.stderr_, err);
    t.seconds = now_sec() - t0;
    if (st == I2V_OK)
        st = add_trial(s, &t, err);
    if (st == I2V_OK && !isnan(t.score) && (isnan(r->best->score) || t.score > r->best->score))
        *r->best = t;
    return st;
}

/* Candidate i's best serving on the same lines, from the one it was
 * scored with, one coordinate at a time: every context, every blend with
 * the best context, every successor count the corpus was read with, then
 * every context again. */
static i2v_status choose_serving(search *s, uint32_t i, i2v_tune_trial *best, i2v_error *err)
{
    candidate *c = &s->c[i];
    i2v_model *m;
    i2v_status st = i2v_trainer_snapshot(c->trainer, &m, err);
    if (st != I2V_OK)
        return st;
    *best = (i2v_tune_trial){.candidate = i, .round = s->rep->rounds, .params = c->p,
                             .epochs_done = i2v_trainer_epochs_done(c->trainer),
                             .score = c->score, .stderr_ = c->se};
    serving_into(&best->params, &c->scored);
    serving_run r = {.s = s, .i = i, .m = m, .best = best, .n_tried = 1};
    r.tried[0] = c->scored;
    if (c->scored_epochs != best->epochs_done) { /* trained on since: score it afresh */
        best->score = best->stderr_ = NAN;
        r.n_tried = 0;
    }
    for (int pass = 0; pass < 4 && next_item(s->o) && st == I2V_OK; pass++) {
        size_t n = pass == 1 ? N_BLENDS : pass == 2 ? s->n_successors : N_CONTEXTS;
        for (size_t j = 0; j < n && st == I2V_OK; j++) {
            tune_serving v = serving_of(&best->params);
            if (pass == 1)
                v.blend = serving_blends[j];
            else if (pass == 2)
                v.successors = s->successor_counts[j];
            else
                v.context = serving_contexts[j];
            st = try_serving(&r, v, err);
        }
    }
    i2v_model_free(m);
    return st;
}

/* The serving the search scores candidates with: the best for the
 * defaults after their first epoch, when that costs at most a twentieth
 * of the budget.  Data whose next item is mostly its predecessor's usual
 * successor want a short context and a strong blend, and a candidate
 * made for them would look poor with the defaults' serving. */
static i2v_status probe_serving(search *s, i2v_error *err)
{
    if (!next_item(s->o) || s->score_base * SERVINGS > s->o->budget_sec / 20)
        return I2V_OK;
    candidate *c = &s->c[0];
    s->final_need = 0;
    i2v_tune_trial probe;
    i2v_status st = choose_serving(s, 0, &probe, err);
    if (st == I2V_OK && !isnan(probe.score)) {
        s->serve = c->scored = serving_of(&probe.params);
        c->score = probe.score;
        c->se = probe.stderr_;
    }
    return st;
}

/* The defaults trained in full, scored with their serving. */
static i2v_status score_defaults(search *s, i2v_error *err)
{
    candidate *c = &s->c[0];
    c->out = 0;
    s->stop = INFINITY;
    size_t before = s->rep->n_trials;
    s->serve = serving_of(&c->p);
    i2v_status st = step(s, 0, c->p.epochs, s->rep->rounds + 1, err);
    if (st != I2V_OK)
        return st;
    if (s->rep->n_trials > before)
        s->rep->defaults = s->rep->trials[s->rep->n_trials - 1];
    else /* scored in full by the search already */
        s->rep->defaults = (i2v_tune_trial){.candidate = 0, .round = s->rep->rounds + 1,
                                            .params = c->p, .epochs_done = c->scored_epochs,
                                            .score = c->score, .stderr_ = c->se};
    return I2V_OK;
}

/* Popularity and transition on the same lines, as `eval --next-item`
 * counts them; for MRR and NDCG the error is the bound of a mean of
 * values in [0, 1]. */
static i2v_status baselines(search *s, i2v_error *err)
{
    i2v_baselines *b;
    rewind(s->d.train);
    i2v_status st = i2v_baselines_create(s->d.train, "the training part", &b, err);
    if (st != I2V_OK)
        return st;
    i2v_model *m;
    st = i2v_trainer_snapshot(s->c[0].trainer, &m, err);
    if (st == I2V_OK) {
        i2v_next_options no;
        i2v_next_options_default(m, &no);
        no.k = s->o->k;
        no.recommend.blend = 0;
        i2v_next_eval e;
        rewind(s->d.held);
        st = i2v_eval_next_item(m, b, s->d.held, "the validation lines", &no, &e, err);
        if (st == I2V_OK) {
            i2v_tune_report *r = s->rep;
            double n = (double)e.lines;
            int hr = s->o->metric == I2V_TUNE_HR, mrr = s->o->metric == I2V_TUNE_MRR;
            r->popular = hr ? e.popular.hit_rate : mrr ? e.popular.mrr : e.popular.ndcg;
            r->transition = hr    ? e.transition.hit_rate
                            : mrr ? e.transition.mrr
                                  : e.transition.ndcg;
            r->popular_stderr = sqrt(r->popular * (1 - r->popular) / n);
            r->transition_stderr = sqrt(r->transition * (1 - r->transition) / n);
            r->has_baselines = 1;
        }
        i2v_model_free(m);
    }
    i2v_baselines_free(b);
    return st;
}

/* The winner trained on all the input: afresh for next-item metrics (the
 * candidates never saw the held-out targets), else the winner's own
 * training carried to its end. */
static i2v_status final_model(search *s, const i2v_tune_trial *best, uint32_t w,
                              i2v_progress_fn progress, void *user, const char *name,
                              i2v_model **out, i2v_error *err)
{
    i2v_status st = I2V_OK;
    if (!next_item(s->o)) {
        int own = !(w < s->n && s->c[w].trainer);
        i2v_trainer *t = own ? NULL : s->c[w].trainer;
        if (own)
            st = trainer_fork(s->master, &best->params, &t, err);
        if (st == I2V_OK)
            st = i2v_trainer_run(t, progress, user, err);
        if (st == I2V_OK)
            st = i2v_trainer_take_model(t, out, err);
        if (own)
            i2v_trainer_free(t);
        return st;
    }
    i2v_trainer *t;
    st = i2v_trainer_create(&best->params, s->o->tmpdir, &t, err);
    if (st == I2V_OK && s->o->kernel)
        st = i2v_trainer_set_kernel(t, s->o->kernel, err);
    if (st != I2V_OK) {
        i2v_trainer_free(t);
        return st;
    }
    rewind(s->d.all);
    st = i2v_trainer_read_corpus(t, s->d.all, name, err);
    if (st == I2V_OK)
        st = i2v_trainer_run(t, progress, user, err);
    if (st == I2V_OK)
        st = i2v_trainer_take_model(t, out, err);
    i2v_trainer_free(t);
    return st;
}

/* ---- the run --------------------------------------------------------------- */

/* Reads the input, the corpus the candidates fork from, the held-out
 * lines, and times an epoch and a scoring of the defaults. */
static i2v_status prepare(search *s, FILE *in, const char *name, i2v_error *err)
{
    const i2v_tune_options *o = s->o;
    i2v_status st = tune_data_read(&s->d, in, name, next_item(o) ? o->validation : 0,
                                   o->base.seed, o->tmpdir, err);
    if (st != I2V_OK)
        return st;
    s->rep->sequences = s->d.sequences;
    s->rep->validation_lines = s->d.held_lines;
    double t0 = now_sec();
    /* The corpus is read once, counting as many successors as any
     * serving may keep. */
    s->successor_counts[s->n_successors++] = o->base.successors;
    for (size_t i = 0; next_item(o) && o->base.successors &&
                       i < sizeof more_successors / sizeof *more_successors;
         i++)
        if (more_successors[i] > o->base.successors)
            s->successor_counts[s->n_successors++] = more_successors[i];
    i2v_train_params read_with = o->base;
    read_with.successors = s->successor_counts[s->n_successors - 1];
    if ((st = i2v_trainer_create(&read_with, o->tmpdir, &s->master, err)) != I2V_OK)
        return st;
    if (o->kernel && (st = i2v_trainer_set_kernel(s->master, o->kernel, err)) != I2V_OK)
        return st; /* forks run their source's kernel */
    FILE *corpus = next_item(o) ? s->d.train : s->d.all;
    if ((st = i2v_trainer_read_corpus(s->master, corpus, name, err)) != I2V_OK)
        return st;
    s->read_sec = now_sec() - t0;
    double items = s->d.mean_length * (double)s->d.sequences;
    s->all_ratio = items > (double)s->d.held_lines ? items / (items - (double)s->d.held_lines) : 1;
    const i2v_vocab *v = i2v_trainer_vocab(s->master);
    s->items = i2v_vocab_size(v);
    s->rep->items = s->items;
    if (s->items < 2)
        return i2v_fail(err, I2V_ERR_EMPTY,
                        "%s: %u item%s seen at least min_count times: too few to tune", name,
                        s->items, s->items == 1 ? "" : "s");
    if (next_item(o) && (st = tune_lines_map(&s->lines, &s->d, v, err)) != I2V_OK)
        return st;
    st = tune_scorer_init(&s->scorer, o, next_item(o) ? &s->lines : NULL, err);
    if (st != I2V_OK)
        return st;
    /* The defaults are candidate 0: their first epoch times the plan. */
    if (!(s->c = calloc(1, sizeof *s->c)))
        return i2v_fail_nomem(err, "drawing candidates");
    candidate *c = &s->c[0];
    c->p = o->base;
    s->serve = serving_of(&o->base);
    s->stop = s->end;
    double t1 = now_sec();
    if ((st = trainer_fork(s->master, &c->p, &c->trainer, err)) != I2V_OK)
        return st;
    s->running = c->trainer;
    st = i2v_trainer_run_epochs(c->trainer, 1, watch, s, err);
    s->running = NULL;
    if (st != I2V_OK)
        return st == I2V_ERR_CANCELED
                   ? i2v_fail(err, I2V_ERR_LIMIT,
                              "the budget ran out in the first epoch of the defaults")
                   : st;
    double t2 = now_sec();
    st = score_trainer(s, c->trainer, &s->serve, &c->score, &c->se, err);
    double t3 = now_sec();
    s->epoch_base = c->epoch_sec = t2 - t1;
    s->score_base = c->score_sec = t3 - t2;
    c->scored_epochs = 1;
    c->scored = s->serve;
    i2v_tune_trial t = {.candidate = 0, .round = 0, .params = c->p, .epochs_done = 1,
                        .score = c->score, .stderr_ = c->se, .seconds = t3 - t1};
    return st == I2V_OK ? add_trial(s, &t, err) : st;
}

static void search_free(search *s)
{
    for (uint32_t i = 0; s->c && i < (s->n ? s->n : 1); i++)
        i2v_trainer_free(s->c[i].trainer);
    free(s->c);
    tune_scorer_free(&s->scorer);
    tune_lines_free(&s->lines);
    i2v_trainer_free(s->master);
    tune_data_free(&s->d);
}

static i2v_status run(search *s, FILE *in, const char *name, i2v_progress_fn train_progress,
                      void *user, i2v_model **out, i2v_error *err)
{
    i2v_status st = prepare(s, in, name, err);
    i2v_tune_trial best;
    uint32_t w = 0;
    if (st == I2V_OK && s->o->grid) {
        s->n = 1;
        st = run_grid(s, &best, err);
        if (st == I2V_OK && isnan(best.score))
            st = i2v_fail(err, I2V_ERR_DIVERGED, "no grid point trained to a score");
        w = UINT32_MAX;
    } else if (st == I2V_OK) {
        st = probe_serving(s, err);
        if (st == I2V_OK)
            st = search_run(s, err);
        w = winner(s);
        candidate *c = &s->c[w];
        /* The winner's training carried to its end, when there is time. */
        double left = (c->p.epochs - i2v_trainer_epochs_done(c->trainer)) * c->epoch_sec;
        s->stop = s->end;
        if (st == I2V_OK && left > 0 &&
            now_sec() + left + reserve_sec(s, 0, 0) + final_sec(s, c) <= s->end)
            st = step(s, w, c->p.epochs, s->rep->rounds - 1, err);
        if (st == I2V_OK && !c->trainer) /* cancelled after all: the defaults win */
            w = 0;
    }
    s->rep->search_sec = now_sec() - s->start;
    if (st == I2V_OK)
        st = score_defaults(s, err);
    if (st == I2V_OK && !s->o->grid) {
        /* The winner and the defaults, each with its best serving: the
         * defaults stay unless the winner beats them. */
        double a = final_sec(s, &s->c[w]), b = final_sec(s, &s->c[0]);
        s->final_need = (a > b ? a : b) + 4 * s->score_base;
        st = choose_serving(s, w, &best, err);
        i2v_tune_trial kept;
        if (st == I2V_OK && w != 0 && (st = choose_serving(s, 0, &kept, err)) == I2V_OK &&
            !(best.score > kept.score))
            best = kept, w = 0;
    }
    if (st == I2V_OK && next_item(s->o))
        st = baselines(s, err);
    if (st == I2V_OK) {
        s->rep->best = best;
        st = final_model(s, &best, w, train_progress, user, name, out, err);
    }
    s->rep->total_sec = now_sec() - s->start;
    return st;
}

i2v_status i2v_tune(FILE *in, const char *name, const i2v_tune_options *options,
                    i2v_tune_progress_fn progress, i2v_progress_fn train_progress, void *user,
                    i2v_tune_report *report, i2v_model **out, i2v_error *err)
{
    *out = NULL;
    memset(report, 0, sizeof *report);
    report->metric = options->metric;
    report->k = options->k;
    i2v_status st = check_options(options, err);
    if (st != I2V_OK)
        return st;
    search s;
    memset(&s, 0, sizeof s);
    s.o = options;
    s.rep = report;
    s.progress = progress;
    s.user = user;
    s.start = now_sec();
    s.end = s.start + options->budget_sec;
    st = run(&s, in, name, train_progress, user, out, err);
    search_free(&s);
    return st;
}
