/* Scoring a candidate: the held-out lines ranked as `recommend` answers
 * them (a blocked top-k for HR and NDCG, each target's full rank for MRR),
 * or the evaluations of purity and Spearman on the option's text. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tune/tune.h"
#include "util/error.h"
#include "util/parallel.h"

enum { SCORE_BLOCK = 1024 };

i2v_status tune_scorer_init(tune_scorer *s, const i2v_tune_options *o, const tune_lines *lines,
                            i2v_error *err)
{
    memset(s, 0, sizeof *s);
    s->o = o;
    s->lines = lines;
    if (!lines)
        return I2V_OK;
    size_t n = lines->n ? lines->n : 1;
    s->answers = malloc((size_t)SCORE_BLOCK * o->k * sizeof *s->answers);
    s->n_out = malloc(SCORE_BLOCK * sizeof *s->n_out);
    s->ranks = malloc(n * sizeof *s->ranks);
    if (!s->answers || !s->n_out || !s->ranks) {
        tune_scorer_free(s);
        return i2v_fail_nomem(err, "scoring candidates");
    }
    return I2V_OK;
}

void tune_scorer_free(tune_scorer *s)
{
    free(s->answers);
    free(s->n_out);
    free(s->ranks);
    memset(s, 0, sizeof *s);
}

/* Ranks within k: where each target is among its line's answers. */
static i2v_status rank_in_answers(tune_scorer *s, const i2v_recommender *r, i2v_error *err)
{
    const tune_lines *l = s->lines;
    uint32_t k = s->o->k;
    for (size_t off = 0; off < l->n; off += SCORE_BLOCK) {
        size_t n = l->n - off < SCORE_BLOCK ? l->n - off : SCORE_BLOCK;
        i2v_status st = i2v_recommend(r, l->histories + off, n, s->answers, s->n_out, err);
        if (st != I2V_OK)
            return st;
        for (size_t h = 0; h < n; h++) {
            uint32_t target = l->targets[off + h];
            s->ranks[off + h] = 0;
            for (uint32_t j = 0; target != UINT32_MAX && j < s->n_out[h]; j++)
                if (s->answers[h * k + j].id == target) {
                    s->ranks[off + h] = j + 1;
                    break;
                }
        }
    }
    return I2V_OK;
}

/* Full ranks, the lines shared out to threads by their place. */
typedef struct rank_job {
    const i2v_recommender *r;
    const tune_lines *l;
    uint64_t *ranks;
    uint32_t tasks;
    i2v_status *status;
    i2v_error *errors;
} rank_job;

static void rank_task(void *state, uint32_t index)
{
    rank_job *j = state;
    j->status[index] = I2V_OK;
    for (size_t i = index; i < j->l->n; i += j->tasks) {
        j->ranks[i] = 0;
        if (j->l->targets[i] == UINT32_MAX)
            continue;
        j->status[index] = i2v_recommend_rank(j->r, &j->l->histories[i], j->l->targets[i],
                                              &j->ranks[i], &j->errors[index]);
        if (j->status[index] != I2V_OK)
            return;
    }
}

static i2v_status rank_all(tune_scorer *s, const i2v_recommender *r, i2v_error *err)
{
    uint32_t tasks = s->o->base.threads ? s->o->base.threads : 1;
    if (tasks > s->lines->n)
        tasks = s->lines->n ? (uint32_t)s->lines->n : 1;
    rank_job j = {r, s->lines, s->ranks, tasks, malloc(tasks * sizeof *j.status),
                  malloc(tasks * sizeof *j.errors)};
    if (!j.status || !j.errors) {
        free(j.status);
        free(j.errors);
        return i2v_fail_nomem(err, "ranking the validation lines");
    }
    parallel_run(tasks, rank_task, &j);
    i2v_status st = I2V_OK;
    for (uint32_t t = 0; t < tasks && st == I2V_OK; t++)
        if ((st = j.status[t]) != I2V_OK && err)
            *err = j.errors[t];
    free(j.status);
    free(j.errors);
    return st;
}

/* The metric's mean over the lines from their ranks, and its standard
 * error: binomial for a hit rate, the sample deviation otherwise. */
static void from_ranks(const tune_scorer *s, double *score, double *se)
{
    size_t n = s->lines->n;
    double sum = 0, squares = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = s->ranks[i];
        double v = 0;
        if (r > 0 && s->o->metric == I2V_TUNE_MRR)
            v = 1.0 / (double)r;
        else if (r > 0 && r <= s->o->k)
            v = s->o->metric == I2V_TUNE_NDCG ? 1.0 / log2((double)r + 1.0) : 1.0;
        sum += v;
        squares += v * v;
    }
    double mean = n ? sum / (double)n : NAN;
    *score = mean;
    if (n < 2)
        *se = NAN;
    else if (s->o->metric == I2V_TUNE_HR)
        *se = sqrt(mean * (1 - mean) / (double)n);
    else {
        double var = (squares - (double)n * mean * mean) / (double)(n - 1);
        *se = sqrt((var > 0 ? var : 0) / (double)n);
    }
}

static i2v_status score_next(tune_scorer *s, const i2v_model *m, const tune_serving *v,
                             double *score, double *se, i2v_error *err)
{
    i2v_recommend_options ro;
    i2v_recommend_options_default(m, &ro);
    ro.k = s->o->k;
    ro.context = v->context;
    ro.blend = v->blend;
    ro.successors = v->successors;
    ro.threads = s->o->base.threads;
    i2v_recommender *r;
    i2v_status st = i2v_recommender_create(m, &ro, &r, err);
    if (st != I2V_OK)
        return st;
    st = s->o->metric == I2V_TUNE_MRR ? rank_all(s, r, err) : rank_in_answers(s, r, err);
    i2v_recommender_free(r);
    if (st == I2V_OK)
        from_ranks(s, score, se);
    return st;
}

static i2v_status open_text(const char *text, size_t len, const char *name, FILE **out,
                            i2v_error *err)
{
    if (!(*out = len ? fmemopen((void *)text, len, "r") : NULL))
        return i2v_fail(err, I2V_ERR_EMPTY, "%s: empty", name);
    return I2V_OK;
}

/* Purity is a mean of shares in [0, 1]: its variance is at most p (1 - p),
 * so the binomial error bounds its standard error. */
static i2v_status score_purity(tune_scorer *s, const i2v_model *m, double *score, double *se,
                               i2v_error *err)
{
    FILE *f;
    i2v_status st = open_text(s->o->groups, s->o->groups_len, s->o->groups_name, &f, err);
    if (st != I2V_OK)
        return st;
    i2v_purity_eval pe;
    st = i2v_eval_purity(m, f, s->o->groups_name, s->o->k, &pe, err);
    fclose(f);
    if (st != I2V_OK)
        return st;
    *score = pe.purity;
    *se = pe.used ? sqrt(pe.purity * (1 - pe.purity) / (double)pe.used) : NAN;
    return I2V_OK;
}

/* Spearman's error through Fisher's z: sd(z) = sqrt(1.06 / (n - 3)), back
 * to rho by its derivative 1 - rho^2. */
static i2v_status score_pairs(tune_scorer *s, const i2v_model *m, double *score, double *se,
                              i2v_error *err)
{
    FILE *f;
    i2v_status st = open_text(s->o->pairs, s->o->pairs_len, s->o->pairs_name, &f, err);
    if (st != I2V_OK)
        return st;
    i2v_word_eval_options wo;
    i2v_word_eval_options_default(&wo);
    i2v_pairs_eval pe;
    st = i2v_eval_pairs(m, f, s->o->pairs_name, &wo, &pe, err);
    fclose(f);
    if (st != I2V_OK)
        return st;
    *score = pe.spearman;
    *se = pe.used > 3 ? (1 - pe.spearman * pe.spearman) * sqrt(1.06 / (double)(pe.used - 3))
                      : NAN;
    return I2V_OK;
}

i2v_status tune_score(tune_scorer *s, const i2v_model *model, const tune_serving *v,
                      double *score, double *stderr_, i2v_error *err)
{
    *score = *stderr_ = NAN;
    switch (s->o->metric) {
    case I2V_TUNE_PURITY:
        return score_purity(s, model, score, stderr_, err);
    case I2V_TUNE_SPEARMAN:
        return score_pairs(s, model, score, stderr_, err);
    default:
        return score_next(s, model, v, score, stderr_, err);
    }
}
