/* Next-item evaluation, leave-last-out: does the model rank the item that
 * really came next near the top, and better than popularity and simple
 * item-to-next-item counts?  Every method ranks every candidate, so the
 * reciprocal rank is exact, not cut at k. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "eval/eval.h"
#include "eval/next.h"
#include "util/grow.h"

#define NO_ID UINT32_MAX

void i2v_next_options_default(const i2v_model *model, i2v_next_options *o)
{
    o->k = 10;
    i2v_recommend_options_default(model, &o->recommend);
}

/* Running sums of one method's metrics; a miss adds nothing. */
typedef struct metric_sum {
    uint64_t hits;
    double reciprocal_rank, gain;
} metric_sum;

/* One evaluation run.  "Seen" marks are stamps: an id is in the current
 * history when its mark equals the current stamp, so nothing is cleared
 * between lines. */
typedef struct next_run {
    const i2v_model *model;
    const i2v_baselines *baselines;
    uint32_t k;
    const i2v_recommender *recommender;  /* what `recommend` answers */
    const i2v_recommender *alone;        /* the same without the blend, or NULL */
    uint32_t *model_ids;      /* the history's items the model knows, in order */
    size_t n_known;
    uint32_t *train_seen;     /* per training id */
    uint32_t stamp;
    uint32_t *train_history;  /* distinct training ids of the history */
    size_t n_train_history, ids_cap;
    metric_sum model_sum, alone_sum, popular_sum, transition_sum;
} next_run;

static void add_rank(metric_sum *s, uint64_t rank, uint32_t k)
{
    if (rank == 0) /* the method cannot rank the target */
        return;
    s->reciprocal_rank += 1.0 / (double)rank;
    if (rank <= k) {
        s->hits++;
        s->gain += 1.0 / log2((double)rank + 1.0);
    }
}

static i2v_rank_metrics finish(const metric_sum *s, uint64_t lines)
{
    i2v_rank_metrics m = {s->hits, 0, 0, 0};
    if (lines > 0) {
        m.hit_rate = (double)s->hits / (double)lines;
        m.mrr = s->reciprocal_rank / (double)lines;
        m.ndcg = s->gain / (double)lines;
    }
    return m;
}

/* ---- the baselines ----------------------------------------------------- */

/* Training ids are popularity ranks: every lower id not in the history is
 * more popular than the target. */
static uint64_t popular_rank(const next_run *s, uint32_t target)
{
    uint64_t better = target;
    for (size_t i = 0; i < s->n_train_history; i++)
        better -= s->train_history[i] < target;
    return better + 1;
}

/* Candidates ordered by how often they followed `last` (more first), then
 * by popularity.  Items that never followed `last` all have count 0, so
 * among them the order is the popularity order. */
static uint64_t transition_rank(const next_run *s, int64_t last, uint32_t target)
{
    const i2v_baselines *b = s->baselines;
    uint64_t begin = last >= 0 ? b->row_start[last] : 0;
    uint64_t end = last >= 0 ? b->row_start[last + 1] : 0;
    uint32_t target_count = last >= 0 ? baselines_successor_count(b, (uint32_t)last, target) : 0;
    uint64_t better = 0;
    for (uint64_t j = begin; j < end; j++) {
        uint32_t item = b->next_item[j], count = b->next_count[j];
        if (item == target || s->train_seen[item] == s->stamp)
            continue;
        better += count > target_count || (count == target_count && item < target);
    }
    if (target_count > 0)
        return better + 1;
    /* The target never followed `last`: add the more popular items that
     * never did either, i.e. lower ids neither in the history nor in the
     * row (the row's items were counted above). */
    uint64_t lower_taken = 0;
    for (size_t i = 0; i < s->n_train_history; i++)
        lower_taken += s->train_history[i] < target;
    for (uint64_t j = begin; j < end; j++)
        lower_taken += b->next_item[j] < target && s->train_seen[b->next_item[j]] != s->stamp;
    return better + target - lower_taken + 1;
}

/* ---- one line ---------------------------------------------------------- */

static i2v_status reserve_ids(next_run *s, size_t n, i2v_error *err)
{
    size_t model_cap = s->ids_cap, train_cap = s->ids_cap;
    if (grow_array(&s->model_ids, &model_cap, n, sizeof *s->model_ids, n) != 0 ||
        grow_array(&s->train_history, &train_cap, n, sizeof *s->train_history, n) != 0)
        return i2v_fail_nomem(err, "reading a long test sequence");
    s->ids_cap = model_cap < train_cap ? model_cap : train_cap;
    return I2V_OK;
}

/* A new stamp for a new line; on wrap-around every mark is cleared so an
 * old mark can never equal a new stamp. */
static void next_stamp(next_run *s)
{
    if (++s->stamp != 0)
        return;
    if (s->baselines)
        memset(s->train_seen, 0, i2v_baselines_items(s->baselines) * sizeof *s->train_seen);
    s->stamp = 1;
}

/* Looks up the history items (the model's, in order; the training ids,
 * each once); returns whether the target is among them. */
static int mark_history(next_run *s, const eval_reader *r, size_t n_history)
{
    size_t target_len;
    const char *target = eval_field(r, n_history, &target_len);
    int repeated = 0;
    s->n_train_history = s->n_known = 0;
    for (size_t i = 0; i < n_history; i++) {
        size_t len;
        const char *item = eval_field(r, i, &len);
        repeated |= len == target_len && memcmp(item, target, len) == 0;
        int64_t id = i2v_model_find(s->model, item, len);
        if (id >= 0)
            s->model_ids[s->n_known++] = (uint32_t)id;
        int64_t tid = s->baselines ? i2v_vocab_find(s->baselines->vocab, item, len) : -1;
        if (tid >= 0 && s->train_seen[tid] != s->stamp) {
            s->train_seen[tid] = s->stamp;
            s->train_history[s->n_train_history++] = (uint32_t)tid;
        }
    }
    return repeated;
}

static void rank_baselines(next_run *s, const eval_reader *r, size_t n_history, int repeated)
{
    size_t len;
    const char *item = eval_field(r, n_history, &len);
    int64_t target = i2v_vocab_find(s->baselines->vocab, item, len);
    item = eval_field(r, n_history - 1, &len);
    int64_t last = i2v_vocab_find(s->baselines->vocab, item, len);
    int rankable = !repeated && target >= 0;
    add_rank(&s->popular_sum, rankable ? popular_rank(s, (uint32_t)target) : 0, s->k);
    add_rank(&s->transition_sum, rankable ? transition_rank(s, last, (uint32_t)target) : 0,
             s->k);
}

static i2v_status evaluate_line(next_run *s, const eval_reader *r, i2v_next_eval *out,
                                i2v_error *err)
{
    if (r->n_fields < 2) {
        eval_note_malformed(&out->malformed, r->line);
        return I2V_OK;
    }
    size_t n_history = r->n_fields - 1;
    i2v_status st = reserve_ids(s, n_history, err);
    if (st != I2V_OK)
        return st;
    out->lines++;
    next_stamp(s);
    int repeated = mark_history(s, r, n_history);
    out->target_in_history += repeated;

    size_t len;
    const char *item = eval_field(r, n_history, &len);
    int64_t target = i2v_model_find(s->model, item, len);
    out->target_unknown += target < 0;
    out->context_unknown += s->n_known == 0;
    /* The model ranks as `recommend` answers: a line it cannot rank (an
     * unknown target or history, a seen target) is a miss, rank 0. */
    i2v_history h = {s->model_ids, s->n_known};
    uint64_t rank = 0, alone = 0;
    if (target >= 0)
        st = i2v_recommend_rank(s->recommender, &h, (uint32_t)target, &rank, err);
    if (st == I2V_OK && target >= 0 && s->alone)
        st = i2v_recommend_rank(s->alone, &h, (uint32_t)target, &alone, err);
    if (st != I2V_OK)
        return st;
    add_rank(&s->model_sum, rank, s->k);
    add_rank(&s->alone_sum, alone, s->k);
    if (s->baselines)
        rank_baselines(s, r, n_history, repeated);
    return I2V_OK;
}

/* ---- the run ----------------------------------------------------------- */

static i2v_status run_init(next_run *s, const i2v_model *m, const i2v_baselines *b,
                           const i2v_next_options *o, i2v_next_eval *out, i2v_error *err)
{
    memset(s, 0, sizeof *s);
    s->model = m;
    s->baselines = b;
    s->k = o->k;
    i2v_recommend_options ro = o->recommend;
    ro.k = o->k;
    ro.threads = 1;
    i2v_recommender *r = NULL, *alone = NULL;
    i2v_status st = i2v_recommender_create(m, &ro, &r, err);
    s->recommender = r;
    if (st != I2V_OK)
        return st;
    out->used = *i2v_recommender_options(r);
    out->notes = i2v_recommender_notes(r);
    if (ro.blend > 0 && i2v_model_has_successors(m)) {
        ro.blend = 0;
        if ((st = i2v_recommender_create(m, &ro, &alone, err)) != I2V_OK)
            return st;
        s->alone = alone;
    }
    s->train_seen = b ? calloc(i2v_baselines_items(b) + 1, sizeof *s->train_seen) : NULL;
    if (b && !s->train_seen)
        return i2v_fail_nomem(err, "preparing the next-item evaluation");
    return reserve_ids(s, 64, err);
}

static void run_free(next_run *s)
{
    i2v_recommender_free((i2v_recommender *)s->recommender);
    i2v_recommender_free((i2v_recommender *)s->alone);
    free(s->train_seen);
    free(s->model_ids);
    free(s->train_history);
}

typedef struct line_run {
    next_run *s;
    i2v_next_eval *out;
} line_run;

static i2v_status next_line(const eval_reader *r, void *state, i2v_error *err)
{
    line_run *l = state;
    return evaluate_line(l->s, r, l->out, err);
}

static i2v_status read_lines(next_run *s, FILE *in, const char *name, i2v_next_eval *out,
                             i2v_error *err)
{
    line_run l = {s, out};
    return eval_reader_each(in, name, next_line, &l, err);
}

i2v_status i2v_eval_next_item(const i2v_model *model, const i2v_baselines *baselines, FILE *in,
                              const char *name, const i2v_next_options *options,
                              i2v_next_eval *out, i2v_error *err)
{
    i2v_error scratch; /* the reader reports its failures through err */
    if (!err)
        err = &scratch;
    memset(out, 0, sizeof *out);
    if (options->k == 0)
        return i2v_fail(err, I2V_ERR_INVALID, "k must be at least 1");
    next_run s;
    i2v_status st = run_init(&s, model, baselines, options, out, err);
    if (st == I2V_OK)
        st = read_lines(&s, in, name, out, err);
    if (st == I2V_OK && out->lines == 0)
        st = i2v_fail(err, I2V_ERR_EMPTY, "%s: no test sequence of two or more items%s", name,
                      out->malformed.count ? " (every line has a single item)" : "");
    out->model = finish(&s.model_sum, out->lines);
    out->has_model_alone = s.alone != NULL;
    if (s.alone)
        out->model_alone = finish(&s.alone_sum, out->lines);
    out->has_baselines = baselines != NULL;
    if (baselines) {
        out->popular = finish(&s.popular_sum, out->lines);
        out->transition = finish(&s.transition_sum, out->lines);
    }
    run_free(&s);
    return st;
}
