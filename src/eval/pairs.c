/* Word-pair similarity: how well the model's cosines rank pairs the way
 * people scored them (WordSim-353, SimLex-999), as gensim's
 * evaluate_word_pairs computes it. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "eval/eval.h"
#include "util/grow.h"

void i2v_word_eval_options_default(i2v_word_eval_options *o)
{
    o->restrict_vocab = I2V_EVAL_RESTRICT_DEFAULT;
    o->case_sensitive = 0;
    o->method = I2V_ANALOGY_ADD;
}

/* The two series being correlated. */
typedef struct score_series {
    double *human, *model;
    size_t n, cap;
} score_series;

static i2v_status series_push(score_series *s, double human, double model, i2v_error *err)
{
    size_t human_cap = s->cap, model_cap = s->cap;
    if (grow_array(&s->human, &human_cap, s->n + 1, sizeof *s->human, 256) != 0 ||
        grow_array(&s->model, &model_cap, s->n + 1, sizeof *s->model, 256) != 0)
        return i2v_fail_nomem(err, "collecting pair scores");
    s->cap = human_cap < model_cap ? human_cap : model_cap;
    s->human[s->n] = human;
    s->model[s->n] = model;
    s->n++;
    return I2V_OK;
}

/* A score field: a finite number and nothing else. */
static int parse_score(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Cosine of the input vectors, rounded to float: the vectors are floats,
 * so cosines that agree to float precision are ties, as they are for gensim
 * (which computes them in float32).  Without the rounding, a model whose
 * cosines crowd near 1 ranks pairs by rounding noise and its Spearman rho
 * drifts from gensim's.  0 when either vector is zero (gensim's unitvec
 * leaves a zero vector as it is). */
static double item_cosine(const i2v_model *m, uint32_t a, uint32_t b)
{
    double na = eval_input_norm(m, a), nb = eval_input_norm(m, b);
    if (na == 0 || nb == 0)
        return 0;
    const float *va = i2v_model_vector(m, a), *vb = i2v_model_vector(m, b);
    double dot = 0;
    for (uint32_t j = 0; j < i2v_model_dim(m); j++)
        dot += (double)va[j] * vb[j];
    return (float)(dot / (na * nb));
}

/* One non-blank line: a comment, a malformed line, an unknown pair or a
 * pair to score. */
static i2v_status read_pair(const eval_reader *r, word_index *w, i2v_pairs_eval *out,
                            score_series *series, i2v_error *err)
{
    size_t len_a, len_b;
    const char *a = eval_field(r, 0, &len_a);
    if (a[0] == '#')
        return I2V_OK;
    double human;
    if (r->n_fields != 3 || parse_score(eval_field(r, 2, NULL), &human) != 0) {
        eval_note_malformed(&out->malformed, r->line);
        return I2V_OK;
    }
    out->pairs++;
    const char *b = eval_field(r, 1, &len_b);
    int64_t ia, ib;
    i2v_status st = word_index_find(w, a, len_a, &ia, err);
    if (st == I2V_OK)
        st = word_index_find(w, b, len_b, &ib, err);
    if (st != I2V_OK)
        return st;
    if (ia < 0 || ib < 0) {
        out->oov++;
        return I2V_OK;
    }
    out->used++;
    return series_push(series, human, item_cosine(w->model, (uint32_t)ia, (uint32_t)ib), err);
}

typedef struct pair_run {
    word_index *w;
    i2v_pairs_eval *out;
    score_series *series;
} pair_run;

static i2v_status pair_line(const eval_reader *r, void *state, i2v_error *err)
{
    pair_run *p = state;
    return read_pair(r, p->w, p->out, p->series, err);
}

static i2v_status read_pairs(FILE *in, const char *name, word_index *w, i2v_pairs_eval *out,
                             score_series *series, i2v_error *err)
{
    pair_run p = {w, out, series};
    return eval_reader_each(in, name, pair_line, &p, err);
}

i2v_status i2v_eval_pairs(const i2v_model *model, FILE *in, const char *name,
                          const i2v_word_eval_options *options, i2v_pairs_eval *out,
                          i2v_error *err)
{
    i2v_error scratch; /* the reader reports its failures through err */
    if (!err)
        err = &scratch;
    memset(out, 0, sizeof *out);
    out->spearman = out->pearson = NAN;
    word_index w;
    i2v_status st = word_index_init(&w, model, options->restrict_vocab, options->case_sensitive,
                                    err);
    if (st != I2V_OK)
        return st;
    score_series series = {0};
    st = read_pairs(in, name, &w, out, &series, err);
    word_index_free(&w);
    if (st == I2V_OK && out->pairs == 0)
        st = i2v_fail(err, I2V_ERR_EMPTY, "%s: no pair \"item item score\" in the file%s", name,
                      out->malformed.count ? " (every line is malformed)" : "");
    if (st == I2V_OK)
        st = eval_spearman(series.human, series.model, series.n, &out->spearman, err);
    if (st == I2V_OK)
        out->pearson = i2v_pearson(series.human, series.model, series.n);
    free(series.human);
    free(series.model);
    return st;
}
