/* Recommendations (include/item2vec/recommend.h has the rule).  Many
 * histories are answered at once by the blocked product of query/batch.c:
 * the candidates whose score the successors raise are left out of the
 * scan and scored exactly here, then merged, so the scan only ever ranks
 * plain model scores and every answer is the one a history gets alone. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "query/batch.h"
#include "query/hnsw.h"
#include "query/nearest.h"
#include "query/topk.h"
#include "util/error.h"
#include "util/grow.h"

struct i2v_recommender {
    const i2v_model *m;
    i2v_recommend_options o;   /* score resolved: never AUTO */
    unsigned notes;
    float *bias;               /* PREDICT: x log count(c); else NULL */
    int use_successors;
    const dot_kernel *kernel;
    uint32_t *hubs;            /* through the index, PREDICT: the items of the largest
                                  popularity terms, where every walk starts too */
    uint32_t n_hubs;
};

/* How many hubs a PREDICT walk starts from: the popularity term lifts
 * popular items above neighbours of the query that the graph links, and
 * the walk reaches them only from such starts.  On 1M x 128 generated
 * sessions, recall@10 at ef 64 goes from 0.927 to 0.968 with 32 and 0.990
 * with 256 (0.994 with 1,024, slower). */
#define REC_HUBS 256u

const char *i2v_rec_score_name(i2v_rec_score score)
{
    switch (score) {
    case I2V_REC_PREDICT: return "predict";
    case I2V_REC_DOT: return "dot";
    case I2V_REC_COSINE: return "cosine";
    case I2V_REC_AUTO: break;
    }
    return "auto";
}

void i2v_recommend_options_default(const i2v_model *m, i2v_recommend_options *o)
{
    i2v_train_params p;
    i2v_train_params_default(&p);
    const i2v_train_params *recorded = i2v_model_params(m);
    if (recorded)
        p = *recorded;
    *o = (i2v_recommend_options){.k = 10, .context = p.context, .blend = p.blend,
                                 .keep_seen = 0, .score = I2V_REC_AUTO, .threads = 1,
                                 .successors = 0, .ef = 0};
}

/* The REC_HUBS items of the largest bias (ties to the lower id). */
static i2v_status pick_hubs(i2v_recommender *r, i2v_error *err)
{
    uint32_t want = r->m->size < REC_HUBS ? r->m->size : REC_HUBS;
    i2v_neighbor *best = malloc((want ? want : 1) * sizeof *best);
    r->hubs = malloc((want ? want : 1) * sizeof *r->hubs);
    if (!best || !r->hubs) {
        free(best);
        return i2v_fail_nomem(err, "preparing recommendations");
    }
    topk_heap top;
    topk_init(&top, best, want);
    for (uint32_t c = 0; c < r->m->size; c++)
        topk_push(&top, c, r->bias[c]);
    r->n_hubs = topk_sort(&top);
    for (uint32_t i = 0; i < r->n_hubs; i++)
        r->hubs[i] = best[i].id;
    free(best);
    return I2V_OK;
}

static i2v_status check_options(const i2v_recommend_options *o, i2v_error *err)
{
    if (o->k < 1)
        return i2v_fail(err, I2V_ERR_INVALID, "k must be at least 1");
    if (o->threads < 1 || o->threads > I2V_MAX_THREADS)
        return i2v_fail_param(err, I2V_ERR_INVALID, I2V_PARAM_THREADS,
                              "threads must be between 1 and %u", I2V_MAX_THREADS);
    i2v_status st = i2v_param_check_whole(I2V_PARAM_CONTEXT, o->context, err);
    if (st == I2V_OK)
        st = i2v_param_check_real(I2V_PARAM_BLEND, o->blend, err);
    if (st == I2V_OK && o->ef > 100000)
        st = i2v_fail(err, I2V_ERR_INVALID, "ef must be at most 100000 (got %u)", o->ef);
    if (st == I2V_OK && (unsigned)o->score > I2V_REC_COSINE)
        st = i2v_fail(err, I2V_ERR_INVALID, "unknown scoring %d", (int)o->score);
    return st;
}

/* The x log count(c) of PREDICT, x the model's ns-exponent. */
static i2v_status popularity_terms(i2v_recommender *r, i2v_error *err)
{
    const i2v_model *m = r->m;
    r->bias = malloc((m->size ? m->size : 1) * sizeof *r->bias);
    if (!r->bias)
        return i2v_fail_nomem(err, "preparing recommendations");
    double x = m->has_params ? m->params.ns_exponent : 0.75;
    for (uint32_t c = 0; c < m->size; c++) {
        uint64_t count = m->counts[c] ? m->counts[c] : 1;
        r->bias[c] = (float)(x * log((double)count));
    }
    return I2V_OK;
}

/* What is asked, against what the model has: AUTO falls back to cosine
 * without output vectors (a note says so), an explicit scoring by them
 * cannot. */
static i2v_status resolve_scoring(i2v_recommender *r, i2v_error *err)
{
    const i2v_model *m = r->m;
    if (r->o.score != I2V_REC_COSINE && !m->output && r->o.score != I2V_REC_AUTO)
        return i2v_fail(err, I2V_ERR_INVALID,
                        "%s has no output vectors (word2vec files keep input vectors only): "
                        "it can be scored by cosine only", m->source ? m->source : "the model");
    if (r->o.score == I2V_REC_AUTO) {
        r->o.score = m->output ? I2V_REC_PREDICT : I2V_REC_COSINE;
        if (!m->output)
            r->notes |= I2V_REC_NOTE_COSINE;
    }
    if (r->o.score == I2V_REC_PREDICT && !m->counts) {
        r->o.score = I2V_REC_DOT;
        r->notes |= I2V_REC_NOTE_NO_COUNTS;
    }
    if (r->o.blend > 0 && !m->succ)
        r->notes |= I2V_REC_NOTE_NO_SUCCESSORS;
    r->use_successors = r->o.blend > 0 && m->succ != NULL;
    return I2V_OK;
}

i2v_status i2v_recommender_create(const i2v_model *m, const i2v_recommend_options *o,
                                  i2v_recommender **out, i2v_error *err)
{
    *out = NULL;
    i2v_status st = check_options(o, err);
    if (st != I2V_OK)
        return st;
    i2v_recommender *r = calloc(1, sizeof *r);
    if (!r)
        return i2v_fail_nomem(err, "preparing recommendations");
    r->m = m;
    r->o = *o;
    r->kernel = dot_kernel_best();
    st = resolve_scoring(r, err);
    if (st == I2V_OK && r->use_successors)
        st = model_check_successors(m, err);
    if (st == I2V_OK && r->o.ef && (!m->graph || m->graph_stale))
        st = i2v_fail(err, I2V_ERR_INVALID, "%s has no current index to recommend through",
                      m->source ? m->source : "the model");
    if (st == I2V_OK && r->o.score == I2V_REC_PREDICT)
        st = popularity_terms(r, err);
    if (st == I2V_OK && r->o.score == I2V_REC_PREDICT && r->o.ef)
        st = pick_hubs(r, err);
    if (st != I2V_OK) {
        i2v_recommender_free(r);
        return st;
    }
    *out = r;
    return I2V_OK;
}

void i2v_recommender_free(i2v_recommender *r)
{
    if (!r)
        return;
    free(r->bias);
    free(r->hubs);
    free(r);
}

unsigned i2v_recommender_notes(const i2v_recommender *r) { return r->notes; }

const i2v_recommend_options *i2v_recommender_options(const i2v_recommender *r)
{
    return &r->o;
}

/* ---- one history's query ------------------------------------------- */

/* Accumulated successor shares, by candidate: open addressing over ids. */
typedef struct share_map {
    uint32_t *item;   /* UINT32_MAX: empty */
    double *share;
    size_t slots;     /* a power of two, at least twice the entries */
    size_t n;
} share_map;

/* One history made ready: its query, what it leaves out, and the
 * candidates the successors raise with their exact extra score. */
typedef struct prepared {
    int empty;              /* no query: nothing to answer */
    uint32_t *seen;         /* the history's items, ascending, once each (none with
                               keep_seen): never answered */
    size_t n_seen, seen_cap;
    uint32_t *exclude;      /* ascending: the seen and the raised, left out of the scan */
    size_t n_exclude, exclude_cap;
    uint32_t *raised;       /* candidates with a successor term ... */
    float *extra;           /* ... and that term */
    size_t n_raised, raised_cap, extra_cap;
    share_map shares;
    double *sum;            /* dim: the weighted sum of the query's vectors */
} prepared;

static void prepared_free(prepared *p)
{
    free(p->seen);
    free(p->exclude);
    free(p->raised);
    free(p->extra);
    free(p->shares.item);
    free(p->shares.share);
    free(p->sum);
    memset(p, 0, sizeof *p);
}

static i2v_status shares_reset(share_map *s, size_t entries, i2v_error *err)
{
    size_t slots = 16;
    while (slots < 2 * entries)
        slots *= 2;
    if (slots > s->slots) {
        free(s->item);
        free(s->share);
        s->item = malloc(slots * sizeof *s->item);
        s->share = malloc(slots * sizeof *s->share);
        if (!s->item || !s->share) {
            s->slots = 0;
            return i2v_fail_nomem(err, "blending successors");
        }
        s->slots = slots;
    }
    memset(s->item, 0xff, s->slots * sizeof *s->item);
    s->n = 0;
    return I2V_OK;
}

static void shares_add(share_map *s, uint32_t item, double share)
{
    size_t mask = s->slots - 1, at = (item * 0x9e3779b1u) & mask;
    while (s->item[at] != UINT32_MAX && s->item[at] != item)
        at = (at + 1) & mask;
    if (s->item[at] == UINT32_MAX) {
        s->item[at] = item;
        s->share[at] = 0;
        s->n++;
    }
    s->share[at] += share;
}

static int ascending(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static size_t sort_unique(uint32_t *ids, size_t n)
{
    if (n < 2)
        return n;
    qsort(ids, n, sizeof *ids, ascending);
    size_t kept = 1;
    for (size_t i = 1; i < n; i++)
        if (ids[i] != ids[kept - 1])
            ids[kept++] = ids[i];
    return kept;
}

static int contains(const uint32_t *sorted, size_t n, uint32_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && sorted[lo] == id;
}

/* How many of the newest items make the query. */
static size_t context_of(const i2v_recommender *r, const i2v_history *h)
{
    return r->o.context == 0 || r->o.context > h->n ? h->n : r->o.context;
}

/* q: the recency-weighted mean of the context's vectors (for cosine, the
 * unit vector of the mean of their unit vectors; zero rows count for
 * nothing). */
static void build_query(const i2v_recommender *r, const i2v_history *h, prepared *p, float *q)
{
    const i2v_model *m = r->m;
    size_t used = context_of(r, h);
    double weight = 1, total = 0;
    memset(p->sum, 0, m->dim * sizeof *p->sum);
    for (size_t d = 0; d < used; d++, weight *= I2V_RECENCY_DECAY) {
        uint32_t id = h->items[h->n - 1 - d];
        const float *v = m->input + (size_t)id * m->dim;
        double scale = weight;
        if (r->o.score == I2V_REC_COSINE) {
            if (!(m->norms[id] > 0.0f))
                continue;
            scale = weight / m->norms[id];
        }
        for (uint32_t j = 0; j < m->dim; j++)
            p->sum[j] += scale * v[j];
        total += weight;
    }
    p->empty = total == 0;
    for (uint32_t j = 0; j < m->dim; j++)
        q[j] = p->empty ? 0.0f : (float)(p->sum[j] / total);
    /* Cosine compares directions: the query is made unit length, as
     * similar's is (and an all-zero one answers nothing). */
    if (!p->empty && r->o.score == I2V_REC_COSINE && query_unit(q, m->dim, q, NULL) != I2V_OK)
        p->empty = 1;
}

/* How many of item id's recorded successors (most frequent first) the
 * blend uses. */
static uint64_t successors_used(const i2v_recommender *r, uint32_t id)
{
    uint64_t n = r->m->succ_start[id + 1] - r->m->succ_start[id];
    return r->o.successors && r->o.successors < n ? r->o.successors : n;
}

/* The successor term of every candidate the context's successors reach. */
static i2v_status raise_successors(const i2v_recommender *r, const i2v_history *h, prepared *p,
                                   i2v_error *err)
{
    const i2v_model *m = r->m;
    size_t used = context_of(r, h), entries = 0;
    p->n_raised = 0;
    for (size_t d = 0; d < used; d++)
        entries += successors_used(r, h->items[h->n - 1 - d]);
    if (entries == 0)
        return I2V_OK;
    i2v_status st = shares_reset(&p->shares, entries, err);
    if (st != I2V_OK)
        return st;
    double weight = 1, total = 0;
    for (size_t d = 0; d < used; d++, weight *= I2V_RECENCY_DECAY) {
        uint32_t id = h->items[h->n - 1 - d];
        if (m->succ_total[id] == 0)
            continue;
        for (uint64_t j = m->succ_start[id]; j < m->succ_start[id] + successors_used(r, id); j++)
            shares_add(&p->shares, m->succ[j].item,
                       weight * (double)m->succ[j].count / (double)m->succ_total[id]);
        total += weight;
    }
    if (grow_array(&p->raised, &p->raised_cap, p->shares.n, sizeof *p->raised, 16) != 0 ||
        grow_array(&p->extra, &p->extra_cap, p->shares.n, sizeof *p->extra, 16) != 0)
        return i2v_fail_nomem(err, "blending successors");
    for (size_t s = 0; s < p->shares.slots; s++) {
        uint32_t c = p->shares.item[s];
        if (c == UINT32_MAX || contains(p->seen, p->n_seen, c))
            continue;
        p->raised[p->n_raised] = c;
        p->extra[p->n_raised++] =
            (float)(r->o.blend * log1p(p->shares.share[s] / total / I2V_SUCCESSOR_FLOOR));
    }
    return I2V_OK;
}

/* The history's items, sorted, as the seen ones; then the raised ones
 * joined to them for the scan. */
static i2v_status prepare(const i2v_recommender *r, const i2v_history *h, prepared *p, float *q,
                          i2v_error *err)
{
    const i2v_model *m = r->m;
    for (size_t i = 0; i < h->n; i++)
        if (h->items[i] >= m->size)
            return i2v_fail(err, I2V_ERR_INVALID, "item id %u is out of range (the model has "
                            "%u items)", h->items[i], m->size);
    if (!p->sum && !(p->sum = malloc(m->dim * sizeof *p->sum)))
        return i2v_fail_nomem(err, "preparing recommendations");
    build_query(r, h, p, q);
    p->n_exclude = p->n_seen = p->n_raised = 0;
    if (p->empty)
        return I2V_OK;
    size_t seen = r->o.keep_seen ? 0 : h->n;
    if (grow_array(&p->seen, &p->seen_cap, seen + 1, sizeof *p->seen, 16) != 0)
        return i2v_fail_nomem(err, "preparing recommendations");
    copy_bytes(p->seen, h->items, seen * sizeof *p->seen);
    p->n_seen = sort_unique(p->seen, seen);
    i2v_status st = r->use_successors ? raise_successors(r, h, p, err) : I2V_OK;
    if (st != I2V_OK)
        return st;
    if (grow_array(&p->exclude, &p->exclude_cap, p->n_seen + p->n_raised + 1,
                   sizeof *p->exclude, 16) != 0)
        return i2v_fail_nomem(err, "preparing recommendations");
    copy_bytes(p->exclude, p->seen, p->n_seen * sizeof *p->exclude);
    copy_bytes(p->exclude + p->n_seen, p->raised, p->n_raised * sizeof *p->exclude);
    p->n_exclude = sort_unique(p->exclude, p->n_seen + p->n_raised);
    return I2V_OK;
}

static batch_job job_for(const i2v_recommender *r)
{
    const i2v_model *m = r->m;
    batch_job job = {.model = m, .n_rows = m->size, .dim = m->dim};
    if (r->o.score == I2V_REC_COSINE) {
        job.rows = m->input;
        job.score = BATCH_COSINE;
        job.norm = m->norms;
    } else {
        job.rows = m->output;
        job.score = BATCH_DOT_BIAS;
        job.bias = r->bias;
    }
    return job;
}

/* ---- many histories ------------------------------------------------ */

typedef struct block {
    size_t n;
    float *queries;          /* n x dim */
    uint64_t *start;         /* n + 1 into exclude */
    uint32_t *exclude;
    size_t exclude_cap;
    uint8_t *skip;
    prepared one;            /* scratch for each history in turn */
    /* Through the index: each history's context items, where the walk
     * starts. */
    uint64_t *seed_start;
    uint32_t *seeds;
    size_t seeds_cap;
    /* The raised candidates of every history, kept for the merge. */
    uint64_t *raised_start;
    uint32_t *raised;
    float *extra;
    size_t raised_cap, extra_cap;
} block;

static void block_free(block *b)
{
    free(b->queries);
    free(b->start);
    free(b->exclude);
    free(b->skip);
    free(b->seed_start);
    free(b->seeds);
    prepared_free(&b->one);
    free(b->raised_start);
    free(b->raised);
    free(b->extra);
}

static i2v_status block_prepare(const i2v_recommender *r, const i2v_history *hs, size_t n,
                                block *b, i2v_error *err)
{
    uint32_t dim = r->m->dim;
    b->n = n;
    b->queries = malloc(n * dim * sizeof *b->queries);
    b->start = malloc((n + 1) * sizeof *b->start);
    b->raised_start = malloc((n + 1) * sizeof *b->raised_start);
    b->skip = calloc(n ? n : 1, 1);
    if (r->o.ef)
        b->seed_start = malloc((n + 1) * sizeof *b->seed_start);
    if (!b->queries || !b->start || !b->raised_start || !b->skip || (r->o.ef && !b->seed_start))
        return i2v_fail_nomem(err, "preparing recommendations");
    size_t excluded = 0, raised = 0, seeded = 0;
    for (size_t h = 0; h < n; h++) {
        prepared *p = &b->one;
        i2v_status st = prepare(r, &hs[h], p, b->queries + h * dim, err);
        if (st != I2V_OK)
            return st;
        b->skip[h] = (uint8_t)p->empty;
        if (grow_array(&b->exclude, &b->exclude_cap, excluded + p->n_exclude + 1,
                       sizeof *b->exclude, 256) != 0 ||
            grow_array(&b->raised, &b->raised_cap, raised + p->n_raised + 1, sizeof *b->raised,
                       256) != 0 ||
            grow_array(&b->extra, &b->extra_cap, raised + p->n_raised + 1, sizeof *b->extra,
                       256) != 0)
            return i2v_fail_nomem(err, "preparing recommendations");
        b->start[h] = excluded;
        copy_bytes(b->exclude + excluded, p->exclude, p->n_exclude * sizeof *b->exclude);
        excluded += p->n_exclude;
        b->raised_start[h] = raised;
        copy_bytes(b->raised + raised, p->raised, p->n_raised * sizeof *b->raised);
        copy_bytes(b->extra + raised, p->extra, p->n_raised * sizeof *b->extra);
        raised += p->n_raised;
        if (r->o.ef) {
            size_t used = context_of(r, &hs[h]);
            if (grow_array(&b->seeds, &b->seeds_cap, seeded + used + 1, sizeof *b->seeds,
                           256) != 0)
                return i2v_fail_nomem(err, "preparing recommendations");
            b->seed_start[h] = seeded;
            for (size_t d = 0; d < used; d++)
                b->seeds[seeded++] = hs[h].items[hs[h].n - 1 - d];
        }
    }
    if (r->o.ef)
        b->seed_start[n] = seeded;
    b->start[n] = excluded;
    b->raised_start[n] = raised;
    return I2V_OK;
}

static int better_first(const void *pa, const void *pb)
{
    i2v_neighbor a = *(const i2v_neighbor *)pa, b = *(const i2v_neighbor *)pb;
    return neighbor_better(a, b) ? -1 : neighbor_better(b, a) ? 1 : 0;
}

/* The scan's k best of the plain candidates, joined by the raised ones,
 * each scored with the scan's arithmetic plus its successor term. */
static i2v_status merge_raised(const i2v_recommender *r, const batch_job *job, const block *b,
                               size_t h, i2v_neighbor *out, uint32_t *n_out, i2v_error *err)
{
    uint64_t first = b->raised_start[h], n_raised = b->raised_start[h + 1] - first;
    if (n_raised == 0)
        return I2V_OK;
    uint32_t k = r->o.k, scanned = n_out[h];
    i2v_neighbor *answers = out + h * k;
    i2v_neighbor *all = malloc((scanned + n_raised) * sizeof *all);
    if (!all)
        return i2v_fail_nomem(err, "blending successors");
    copy_bytes(all, answers, scanned * sizeof *all);
    const float *q = b->queries + h * r->m->dim;
    for (uint64_t j = 0; j < n_raised; j++) {
        uint32_t c = b->raised[first + j];
        all[scanned + j] = (i2v_neighbor){c, batch_row_score(job, r->kernel, q, c) +
                                                 b->extra[first + j]};
    }
    qsort(all, scanned + n_raised, sizeof *all, better_first);
    n_out[h] = (uint32_t)(scanned + n_raised < k ? scanned + n_raised : k);
    copy_bytes(answers, all, n_out[h] * sizeof *answers);
    free(all);
    return I2V_OK;
}

i2v_status i2v_recommend(const i2v_recommender *r, const i2v_history *histories, size_t n,
                         i2v_neighbor *out, uint32_t *n_out, i2v_error *err)
{
    for (size_t h = 0; h < n; h++)
        n_out[h] = 0;
    if (n == 0)
        return I2V_OK;
    block b;
    memset(&b, 0, sizeof b);
    i2v_status st = block_prepare(r, histories, n, &b, err);
    batch_job job = job_for(r);
    job.queries = b.queries;
    job.n_queries = n;
    job.exclude_start = b.start;
    job.exclude = b.exclude;
    job.skip = b.skip;
    job.k = r->o.k;
    job.out = out;
    job.n_out = n_out;
    if (st == I2V_OK && r->o.ef) {
        /* The index's walk ranks by the scan's score: cosine between
         * input vectors, or q . out plus the popularity term. */
        index_searches q = {.target = {job.rows, job.score == BATCH_COSINE ? job.norm : NULL,
                                       job.bias},
                            .queries = b.queries, .n = n, .skip = b.skip,
                            .exclude_start = b.start, .exclude = b.exclude,
                            .seed_start = b.seed_start, .seeds = b.seeds,
                            .hubs = r->hubs, .n_hubs = r->n_hubs, .k = r->o.k,
                            .ef = r->o.ef, .threads = r->o.threads};
        st = index_search_many(r->m, &q, out, n_out, err);
    } else if (st == I2V_OK) {
        st = batch_top_k(&job, r->o.threads, err);
    }
    for (size_t h = 0; st == I2V_OK && h < n; h++)
        if (!b.skip[h])
            st = merge_raised(r, &job, &b, h, out, n_out, err);
    block_free(&b);
    return st;
}

/* ---- the rank of one target ---------------------------------------- */

/* 1 when candidate c comes before the target: a higher score, or an equal
 * one and a lower id (the order i2v_recommend answers in). */
static int ranks_before(const float *score, uint32_t c, uint32_t target)
{
    float s = score[c], t = score[target];
    return c != target && (s > t || (s == t && c < target));
}

i2v_status i2v_recommend_rank(const i2v_recommender *r, const i2v_history *h, uint32_t target,
                              uint64_t *rank, i2v_error *err)
{
    const i2v_model *m = r->m;
    *rank = 0;
    if (target >= m->size || h->n == 0)
        return I2V_OK;
    prepared p;
    memset(&p, 0, sizeof p);
    float *q = malloc(m->dim * sizeof *q);
    float *score = malloc((m->size ? m->size : 1) * sizeof *score);
    i2v_status st = q && score ? I2V_OK : i2v_fail_nomem(err, "ranking a target");
    if (st == I2V_OK)
        st = prepare(r, h, &p, q, err);
    if (st == I2V_OK && !p.empty && !contains(p.seen, p.n_seen, target)) {
        /* Every candidate's score with the arithmetic of the blocked scan
         * (dots() gives dot()'s bits), then the raised ones' terms. */
        batch_job job = job_for(r);
        r->kernel->dots(q, job.rows, m->size, m->dim, score);
        for (uint32_t c = 0; c < m->size; c++)
            score[c] = job.score == BATCH_COSINE ? query_score(score[c], m->norms[c])
                       : job.bias                ? score[c] + job.bias[c]
                                                 : score[c];
        for (size_t j = 0; j < p.n_raised; j++)
            score[p.raised[j]] += p.extra[j];
        uint64_t better = 0;
        for (uint32_t c = 0; c < m->size; c++)
            better += ranks_before(score, c, target);
        for (size_t j = 0; j < p.n_seen; j++)
            better -= ranks_before(score, p.seen[j], target);
        *rank = better + 1;
    }
    prepared_free(&p);
    free(q);
    free(score);
    return st;
}
