/* HNSW (hnsw.h): building the graph on several threads, reading it in
 * place, and the walk.  Similarity is the cosine of the exact scan:
 * dot(query, row) / |row| for a unit query (query_score). */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "query/dot.h"
#include "query/hnsw.h"
#include "query/nearest.h"
#include "query/topk.h"
#include "util/error.h"
#include "util/grow.h"
#include "util/prefetch.h"
#include "util/parallel.h"
#include "util/rng.h"

#define HNSW_MAGIC 0x47563249u /* "I2VG" */
#define HNSW_VERSION 1u
#define LOCK_STRIPES 4096u

static uint64_t align64(uint64_t x) { return (x + 63) / 64 * 64; }
static uint32_t get_u32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get_u64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static void put_u32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put_u64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }

void hnsw_plan(uint32_t n, uint32_t m0, uint32_t m, uint64_t rows, hnsw_layout *l)
{
    l->check = HNSW_HEADER_BYTES;
    l->upper_start = align64(l->check + 4 * (uint64_t)n);
    l->layer0 = align64(l->upper_start + 4 * ((uint64_t)n + 1));
    l->upper = align64(l->layer0 + 4 * (uint64_t)n * m0);
    l->size = rows ? l->upper + 4 * rows * m : l->layer0 + 4 * (uint64_t)n * m0;
}

/* ---- node checks ------------------------------------------------------ */

static uint32_t mix(uint32_t h, uint32_t w)
{
    h = (h ^ w) * 0x9e3779b1u;
    return h ^ (h >> 15);
}

/* The check of node i, from its bounds and rows as they are. */
static uint32_t node_hash(const hnsw_view *g, uint32_t i, uint32_t first, uint32_t last)
{
    uint32_t h = mix(0x8badf00du, i);
    h = mix(mix(h, first), last);
    const uint32_t *row = g->layer0 + (uint64_t)i * g->m0;
    for (uint32_t j = 0; j < g->m0; j++)
        h = mix(h, row[j]);
    for (uint64_t r = first; r < last; r++)
        for (uint32_t j = 0; j < g->m; j++)
            h = mix(h, g->upper[r * g->m + j]);
    return h;
}

/* Node i's layer count, its bounds checked, and its check; -1 when
 * damaged. */
static int node_layers(const hnsw_view *g, uint32_t i)
{
    uint32_t first = g->upper_start[i], last = g->upper_start[i + 1];
    if (first > last || last > g->upper_rows || last - first > g->top)
        return -1;
    if (node_hash(g, i, first, last) != g->check[i])
        return -1;
    return (int)(last - first);
}

static const uint32_t *node_row(const hnsw_view *g, uint32_t i, uint32_t layer)
{
    if (layer == 0)
        return g->layer0 + (uint64_t)i * g->m0;
    return g->upper + ((uint64_t)g->upper_start[i] + layer - 1) * g->m;
}

static i2v_status damaged(const char *name, const char *what, i2v_error *err)
{
    return i2v_fail(err, I2V_ERR_FORMAT, "%s: the index (graph section) is damaged: %s",
                    name ? name : "model", what);
}

/* ---- opening ------------------------------------------------------------ */

i2v_status hnsw_open(const unsigned char *b, uint64_t size, uint32_t n_items, const char *name,
                     hnsw_view *g, i2v_error *err)
{
    memset(g, 0, sizeof *g);
    if (size < HNSW_HEADER_BYTES)
        return damaged(name, "shorter than its header", err);
    if (get_u32(b) != HNSW_MAGIC)
        return damaged(name, "no graph magic", err);
    if (get_u32(b + 4) != HNSW_VERSION)
        return damaged(name, "unknown graph version", err);
    g->bytes = b;
    g->size = size;
    g->n = get_u32(b + 8);
    g->m = get_u32(b + 12);
    g->m0 = get_u32(b + 16);
    g->top = get_u32(b + 20);
    g->entry = get_u32(b + 24);
    g->ef_construction = get_u32(b + 28);
    g->seed = get_u64(b + 32);
    g->input_checksum = get_u64(b + 40);
    g->upper_rows = get_u64(b + 48);
    if (g->n != n_items)
        return damaged(name, "its node count is not the model's item count", err);
    if (g->m < 2 || g->m0 < g->m || g->m0 > HNSW_MAX_LINKS || g->top > HNSW_MAX_LAYER)
        return damaged(name, "links per node or layers out of range", err);
    if (get_u64(b + 56) != 0)
        return damaged(name, "reserved bytes are not zero", err);
    if (g->n == 0 || g->entry >= g->n || g->upper_rows > (uint64_t)g->n * g->top)
        return damaged(name, "entry point or upper rows out of range", err);
    hnsw_layout l;
    hnsw_plan(g->n, g->m0, g->m, g->upper_rows, &l);
    if (l.size != size)
        return damaged(name, "its size does not match its header", err);
    g->check = (const uint32_t *)(b + l.check);
    g->upper_start = (const uint32_t *)(b + l.upper_start);
    g->layer0 = (const uint32_t *)(b + l.layer0);
    g->upper = (const uint32_t *)(b + l.upper);
    if (g->upper_start[0] != 0 || g->upper_start[g->n] != g->upper_rows)
        return damaged(name, "layer bounds do not add up", err);
    if (node_layers(g, g->entry) != (int)g->top)
        return damaged(name, "the entry point is not on the top layer", err);
    return I2V_OK;
}

i2v_status hnsw_verify(const hnsw_view *g, const char *name, i2v_error *err)
{
    char what[96];
    for (uint32_t i = 0; i < g->n; i++) {
        int layers = node_layers(g, i);
        if (layers < 0) {
            snprintf(what, sizeof what, "node %u fails its check", i);
            return damaged(name, what, err);
        }
        for (int layer = 0; layer <= layers; layer++) {
            const uint32_t *row = node_row(g, i, (uint32_t)layer);
            uint32_t width = layer ? g->m : g->m0, j = 0;
            for (; j < width && row[j] != HNSW_NONE; j++)
                if (row[j] >= g->n || row[j] == i ||
                    g->upper_start[row[j] + 1] - g->upper_start[row[j]] < (uint32_t)layer) {
                    snprintf(what, sizeof what, "node %u links to %u on layer %d", i, row[j],
                             layer);
                    return damaged(name, what, err);
                }
            for (; j < width; j++)
                if (row[j] != HNSW_NONE) {
                    snprintf(what, sizeof what, "node %u has a link after its padding", i);
                    return damaged(name, what, err);
                }
        }
    }
    return I2V_OK;
}

/* ---- heaps of (similarity, id) ------------------------------------------- */

typedef struct hit {
    float sim;
    uint32_t id;
} hit;

/* Better: higher similarity, then lower id (as the exact scan orders). */
static int hit_better(hit a, hit b) { return a.sim > b.sim || (a.sim == b.sim && a.id < b.id); }

typedef struct heap {
    hit *h;
    uint32_t size, cap;
    int best_on_top; /* 1: a max-heap (candidates), 0: a min-heap (results) */
} heap;

static int heap_above(const heap *q, hit a, hit b)
{
    return q->best_on_top ? hit_better(a, b) : hit_better(b, a);
}

static int heap_push(heap *q, hit x)
{
    if (q->size == q->cap) {
        uint32_t cap = q->cap ? 2 * q->cap : 64;
        hit *grown = realloc(q->h, (size_t)cap * sizeof *grown);
        if (!grown)
            return -1;
        q->h = grown;
        q->cap = cap;
    }
    uint32_t i = q->size++;
    while (i > 0 && heap_above(q, x, q->h[(i - 1) / 2])) {
        q->h[i] = q->h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    q->h[i] = x;
    return 0;
}

static hit heap_pop(heap *q)
{
    hit top = q->h[0], moving = q->h[--q->size];
    uint32_t i = 0;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= q->size)
            break;
        if (c + 1 < q->size && heap_above(q, q->h[c + 1], q->h[c]))
            c++;
        if (!heap_above(q, q->h[c], moving))
            break;
        q->h[i] = q->h[c];
        i = c;
    }
    if (q->size)
        q->h[i] = moving;
    return top;
}

static int id_order(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return (a > b) - (a < b);
}

/* ---- the searcher ---------------------------------------------------------- */

struct hnsw_searcher {
    /* Visited nodes: a bit each (a million nodes in 128 KB, which stays in
     * the cache where an array of marks would not), and their list, by
     * which the next walk clears them. */
    uint64_t *seen;
    uint32_t *visited;
    size_t n_visited, visited_cap;
    uint32_t n;
    heap cand, found;
    uint32_t *exclude; /* a query's exclusions, ascending */
    size_t exclude_cap;
    hit *from;         /* where layer 0's search starts */
    size_t from_cap;
};

i2v_status hnsw_searcher_new(uint32_t n, hnsw_searcher **out, i2v_error *err)
{
    hnsw_searcher *s = calloc(1, sizeof *s);
    if (s)
        s->seen = calloc((size_t)n / 64 + 1, sizeof *s->seen);
    if (!s || !s->seen) {
        free(s);
        return i2v_fail_nomem(err, "preparing an index search");
    }
    s->n = n;
    s->cand.best_on_top = 1;
    *out = s;
    return I2V_OK;
}

void hnsw_searcher_free(hnsw_searcher *s)
{
    if (!s)
        return;
    free(s->seen);
    free(s->visited);
    free(s->exclude);
    free(s->from);
    free(s->cand.h);
    free(s->found.h);
    free(s);
}

static void new_walk(hnsw_searcher *s)
{
    if (s->n_visited > s->n / 256) /* many: cheaper to clear every word */
        memset(s->seen, 0, ((size_t)s->n / 64 + 1) * sizeof *s->seen);
    else
        for (size_t i = 0; i < s->n_visited; i++)
            s->seen[s->visited[i] / 64] = 0;
    s->n_visited = 0;
    s->cand.size = s->found.size = 0;
}

/* Marks id visited; 0 when it was already, -1 out of memory. */
static int visit(hnsw_searcher *s, uint32_t id)
{
    uint64_t bit = (uint64_t)1 << (id % 64), *word = &s->seen[id / 64];
    if (*word & bit)
        return 0;
    if (s->n_visited == s->visited_cap &&
        grow_array(&s->visited, &s->visited_cap, s->n_visited + 1, sizeof *s->visited, 1024))
        return -1;
    *word |= bit;
    s->visited[s->n_visited++] = id;
    return 1;
}

/* What a walk reads: the rows it ranks, and the graph through a view or
 * (while building) through the builder's locked copies. */
typedef struct walk {
    const i2v_model *m;
    const dot_kernel *kernel;
    const float *query;
    hnsw_target target;
    int (*links)(void *state, uint32_t node, uint32_t layer, uint32_t *out); /* -1 damaged */
    void *state;
} walk;

/* The score of the exact scan: the cosine of a unit query (norms), or the
 * dot product plus the row's bias. */
static float score_of(const walk *w, uint32_t id)
{
    float dot = w->kernel->dot(w->query, w->target.rows + (size_t)id * w->m->dim, w->m->dim);
    if (w->target.norms)
        return query_score(dot, w->target.norms[id]);
    return w->target.bias ? dot + w->target.bias[id] : dot;
}

static void prefetch_row(const walk *w, uint32_t id)
{
    prefetch_floats_for_read(w->target.rows + (size_t)id * w->m->dim, w->m->dim);
    __builtin_prefetch(w->target.norms ? w->target.norms + id
                       : w->target.bias ? w->target.bias + id
                                        : w->target.rows + (size_t)id * w->m->dim,
                       0, 3);
}

/* Rows fetched ahead of the one scored: far enough to hide a miss, near
 * enough that the lines are still there. */
enum { SCORE_AHEAD = 4 };

/* Scores ids[0..n) into out, each row asked for SCORE_AHEAD rows early. */
static void score_many(const walk *w, const uint32_t *ids, int n, hit *out)
{
    for (int j = 0; j < n && j < SCORE_AHEAD; j++)
        prefetch_row(w, ids[j]);
    for (int j = 0; j < n; j++) {
        if (j + SCORE_AHEAD < n)
            prefetch_row(w, ids[j + SCORE_AHEAD]);
        out[j] = (hit){score_of(w, ids[j]), ids[j]};
    }
}

/* Greedy descent on one layer from *at: the best neighbour until none is
 * better.  -1 when the graph is damaged. */
static int greedy(const walk *w, uint32_t layer, hit *at)
{
    uint32_t row[HNSW_MAX_LINKS];
    for (int moved = 1; moved;) {
        moved = 0;
        int k = w->links(w->state, at->id, layer, row);
        if (k < 0)
            return -1;
        hit scored[HNSW_MAX_LINKS];
        score_many(w, row, k, scored);
        for (int j = 0; j < k; j++)
            if (hit_better(scored[j], *at)) {
                *at = scored[j];
                moved = 1;
            }
    }
    return 0;
}

/* Links of a node read from a view, the node checked first. */
static int view_links(void *state, uint32_t node, uint32_t layer, uint32_t *out)
{
    const hnsw_view *g = state;
    int layers = node_layers(g, node);
    if (layers < (int)layer)
        return -1;
    const uint32_t *row = node_row(g, node, layer);
    uint32_t width = layer ? g->m : g->m0;
    int k = 0;
    for (uint32_t j = 0; j < width && row[j] != HNSW_NONE; j++) {
        if (row[j] >= g->n)
            return -1;
        out[k++] = row[j];
    }
    return k;
}

/* Asks for what expanding a node will read (view_links): its check,
 * bounds and layer-0 row. */
static void prefetch_node(const walk *w, uint32_t id)
{
    if (w->links != view_links)
        return;
    const hnsw_view *g = w->state;
    __builtin_prefetch(g->check + id, 0, 3);
    __builtin_prefetch(g->upper_start + id, 0, 3);
    const uint32_t *row = g->layer0 + (uint64_t)id * g->m0;
    for (uint32_t j = 0; j < g->m0; j += 16)
        __builtin_prefetch(row + j, 0, 3);
}

/* Which nodes a search may answer: not excluded (ascending ids) and, with
 * limit > 0, below it.  The others are walked through all the same. */
typedef struct filter {
    const uint32_t *exclude;
    size_t n_exclude;
    uint32_t limit;
} filter;

static int eligible(const filter *f, uint32_t id)
{
    if (!f)
        return 1;
    if (f->limit && id >= f->limit)
        return 0;
    size_t lo = 0, hi = f->n_exclude;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->exclude[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return !(lo < f->n_exclude && f->exclude[lo] == id);
}

/* The ef best eligible nodes of one layer reachable from the n_from
 * starts, left in s->found (a min-heap); a node is expanded when it would
 * rank among them, eligible or not.  -1 on a damaged graph, -2 out of
 * memory. */
static int search_layer(const walk *w, hnsw_searcher *s, const hit *from, size_t n_from,
                        uint32_t layer, uint32_t ef, const filter *f)
{
    uint32_t row[HNSW_MAX_LINKS];
    hit scored[HNSW_MAX_LINKS];
    new_walk(s);
    for (size_t i = 0; i < n_from; i++) {
        hit h = from[i];
        int fresh = visit(s, h.id);
        if (fresh < 0)
            return -2;
        if (!fresh)
            continue;
        if (heap_push(&s->cand, h))
            return -2;
        if (eligible(f, h.id) && heap_push(&s->found, h))
            return -2;
        if (s->found.size > ef)
            heap_pop(&s->found);
    }
    while (s->cand.size) {
        hit c = heap_pop(&s->cand);
        if (s->found.size >= ef && hit_better(s->found.h[0], c))
            break;
        if (s->cand.size)
            prefetch_node(w, s->cand.h[0].id);
        int k = w->links(w->state, c.id, layer, row), fresh = 0;
        if (k < 0)
            return -1;
        for (int j = 0; j < k; j++) {
            int v = visit(s, row[j]);
            if (v < 0)
                return -2;
            if (v)
                row[fresh++] = row[j];
        }
        score_many(w, row, fresh, scored);
        for (int j = 0; j < fresh; j++) {
            hit h = scored[j];
            if (s->found.size < ef || hit_better(h, s->found.h[0])) {
                if (heap_push(&s->cand, h))
                    return -2;
                if (!eligible(f, h.id))
                    continue;
                if (heap_push(&s->found, h))
                    return -2;
                if (s->found.size > ef)
                    heap_pop(&s->found);
            }
        }
    }
    return 0;
}

i2v_status hnsw_search(const i2v_model *m, const hnsw_view *g, hnsw_searcher *s,
                       const hnsw_query *q, i2v_neighbor *out, uint32_t *n_out, i2v_error *err)
{
    *n_out = 0;
    if (q->k == 0)
        return I2V_OK;
    uint32_t ef = q->ef < q->k ? q->k : q->ef;
    /* The exclusions ascending, for eligible(). */
    if (q->n_exclude > s->exclude_cap) {
        uint32_t *grown = realloc(s->exclude, q->n_exclude * sizeof *grown);
        if (!grown)
            return i2v_fail_nomem(err, "searching the index");
        s->exclude = grown;
        s->exclude_cap = q->n_exclude;
    }
    copy_bytes(s->exclude, q->exclude, q->n_exclude * sizeof *s->exclude);
    if (q->n_exclude > 1)
        qsort(s->exclude, q->n_exclude, sizeof *s->exclude, id_order);
    filter f = {s->exclude, q->n_exclude, q->limit};
    walk w = {m, dot_kernel_best(), q->query, q->target, view_links, (void *)g};
    /* The descent from the entry point, then layer 0 from where it ends
     * and from the seeds (checked against n: they are the caller's). */
    hit at = {score_of(&w, g->entry), g->entry};
    int r = 0;
    for (uint32_t layer = g->top; layer > 0 && r == 0; layer--)
        r = greedy(&w, layer, &at);
    size_t starts = q->n_seeds + q->n_hubs + 1;
    if (r == 0 && starts > s->from_cap) {
        hit *grown = realloc(s->from, starts * sizeof *grown);
        if (!grown)
            return i2v_fail_nomem(err, "searching the index");
        s->from = grown;
        s->from_cap = starts;
    }
    size_t n_from = 0;
    if (r == 0) {
        s->from[n_from++] = at;
        for (size_t i = 0; i < q->n_seeds; i++)
            if (q->seeds[i] < g->n)
                s->from[n_from++] = (hit){score_of(&w, q->seeds[i]), q->seeds[i]};
        for (size_t i = 0; i < q->n_hubs; i++)
            if (q->hubs[i] < g->n)
                s->from[n_from++] = (hit){score_of(&w, q->hubs[i]), q->hubs[i]};
        r = search_layer(&w, s, s->from, n_from, 0, ef, &f);
    }
    if (r == -2)
        return i2v_fail_nomem(err, "searching the index");
    if (r < 0)
        return damaged(m->source, "a node fails its check", err);
    topk_heap top;
    topk_init(&top, out, q->k);
    for (uint32_t i = 0; i < s->found.size; i++) {
        hit h = s->found.h[i];
        if (!isfinite(h.sim))
            return query_damaged_row(m, h.id, err);
        topk_push(&top, h.id, h.sim);
    }
    *n_out = topk_sort(&top);
    return I2V_OK;
}

/* ---- building ------------------------------------------------------------- */

typedef struct builder {
    const i2v_model *m;
    const hnsw_build_options *o;
    hnsw_view g;           /* the section being filled (rows writable below) */
    uint32_t *layer0, *upper, *upper_start;
    unsigned char *count0; /* links on layer 0 per node */
    unsigned char *count_up; /* links per upper row */
    pthread_mutex_t stripe[LOCK_STRIPES];
    pthread_mutex_t top_lock;
    uint32_t entry, top;   /* under top_lock */
    _Atomic uint32_t next, done;
    _Atomic int failed;    /* 1 out of memory */
    hnsw_progress_fn progress;
    void *user;
    pthread_mutex_t progress_lock;
} builder;

typedef struct build_state {
    builder *b;
    hnsw_searcher *s;
    float *unit;
} build_state;

static uint32_t *row_of(builder *b, uint32_t node, uint32_t layer, unsigned char **count)
{
    if (layer == 0) {
        *count = b->count0 + node;
        return b->layer0 + (uint64_t)node * b->o->m0;
    }
    uint64_t r = (uint64_t)b->upper_start[node] + layer - 1;
    *count = b->count_up + r;
    return b->upper + r * b->o->m;
}

/* A copy of a node's links taken under its lock. */
static int build_links(void *state, uint32_t node, uint32_t layer, uint32_t *out)
{
    builder *b = state;
    pthread_mutex_t *lock = &b->stripe[node % LOCK_STRIPES];
    pthread_mutex_lock(lock);
    unsigned char *count;
    const uint32_t *row = row_of(b, node, layer, &count);
    int k = *count;
    memcpy(out, row, (size_t)k * sizeof *out);
    pthread_mutex_unlock(lock);
    return k;
}

static float pair_sim(const builder *b, const dot_kernel *kernel, uint32_t x, uint32_t y)
{
    const i2v_model *m = b->m;
    float d = kernel->dot(m->input + (size_t)x * m->dim, m->input + (size_t)y * m->dim, m->dim);
    float nx = m->norms[x], ny = m->norms[y];
    return nx > 0 && ny > 0 ? d / nx / ny : 0.0f;
}

static int hit_order(const void *pa, const void *pb)
{
    hit a = *(const hit *)pa, b = *(const hit *)pb;
    return hit_better(a, b) ? -1 : hit_better(b, a) ? 1 : 0;
}

/* Malkov & Yashunin's heuristic: candidates best first, each kept unless
 * it is nearer to a kept one than to the base; at most `width`.  Sorts
 * `c` and returns how many of its first entries are kept (moved to the
 * front). */
static uint32_t select_links(const builder *b, const dot_kernel *kernel, hit *c, uint32_t n,
                             uint32_t width)
{
    qsort(c, n, sizeof *c, hit_order);
    uint32_t kept = 0;
    for (uint32_t i = 0; i < n && kept < width; i++) {
        int good = 1;
        for (uint32_t j = 0; j < kept && good; j++)
            if (pair_sim(b, kernel, c[i].id, c[j].id) > c[i].sim)
                good = 0;
        if (good)
            c[kept++] = c[i];
    }
    return kept;
}

/* Adds `from` to node's links on `layer`, shrinking them by the
 * heuristic when full. */
static void link_back(builder *b, const dot_kernel *kernel, uint32_t node, uint32_t from,
                      float sim, uint32_t layer)
{
    uint32_t width = layer ? b->o->m : b->o->m0;
    pthread_mutex_t *lock = &b->stripe[node % LOCK_STRIPES];
    pthread_mutex_lock(lock);
    unsigned char *count;
    uint32_t *row = row_of(b, node, layer, &count);
    if (*count < width) {
        row[(*count)++] = from;
    } else {
        hit c[HNSW_MAX_LINKS + 1];
        for (uint32_t j = 0; j < width; j++)
            c[j] = (hit){pair_sim(b, kernel, node, row[j]), row[j]};
        c[width] = (hit){sim, from};
        uint32_t kept = select_links(b, kernel, c, width + 1, width);
        for (uint32_t j = 0; j < width; j++)
            row[j] = j < kept ? c[j].id : HNSW_NONE;
        *count = (unsigned char)kept;
    }
    pthread_mutex_unlock(lock);
}

static int node_level(const builder *b, uint32_t i)
{
    return (int)(b->upper_start[i + 1] - b->upper_start[i]);
}

static int insert(build_state *t, uint32_t q)
{
    builder *b = t->b;
    const i2v_model *m = b->m;
    const dot_kernel *kernel = dot_kernel_best();
    float norm = m->norms[q];
    const float *v = m->input + (size_t)q * m->dim;
    for (uint32_t j = 0; j < m->dim; j++)
        t->unit[j] = norm > 0 ? v[j] / norm : 0.0f;
    walk w = {m, kernel, t->unit, {m->input, m->norms, NULL}, build_links, b};
    int level = node_level(b, q);
    pthread_mutex_lock(&b->top_lock);
    uint32_t entry = b->entry, top = b->top;
    int raises = level > (int)top;
    if (!raises)
        pthread_mutex_unlock(&b->top_lock);
    hit at = {score_of(&w, entry), entry};
    for (int layer = (int)top; layer > level; layer--)
        greedy(&w, (uint32_t)layer, &at);
    for (int layer = level < (int)top ? level : (int)top; layer >= 0; layer--) {
        if (search_layer(&w, t->s, &at, 1, (uint32_t)layer, b->o->ef_construction, NULL) == -2) {
            if (raises)
                pthread_mutex_unlock(&b->top_lock);
            return -1;
        }
        heap *found = &t->s->found;
        for (uint32_t i = 0; i < found->size; i++) /* never its own neighbour */
            if (found->h[i].id == q)
                found->h[i--] = found->h[--found->size];
        if (found->size == 0)
            continue;
        /* The best found leads the next layer down. */
        hit best = found->h[0];
        for (uint32_t i = 1; i < found->size; i++)
            if (hit_better(found->h[i], best))
                best = found->h[i];
        uint32_t width = layer ? b->o->m : b->o->m0;
        uint32_t kept = select_links(b, kernel, found->h, found->size, width);
        pthread_mutex_t *lock = &b->stripe[q % LOCK_STRIPES];
        pthread_mutex_lock(lock);
        unsigned char *count;
        uint32_t *row = row_of(b, q, (uint32_t)layer, &count);
        for (uint32_t j = 0; j < kept; j++)
            row[j] = found->h[j].id;
        *count = (unsigned char)kept;
        pthread_mutex_unlock(lock);
        for (uint32_t j = 0; j < kept; j++)
            link_back(b, kernel, found->h[j].id, q, found->h[j].sim, (uint32_t)layer);
        at = best;
    }
    if (raises) {
        b->entry = q;
        b->top = (uint32_t)level;
        pthread_mutex_unlock(&b->top_lock);
    }
    return 0;
}

static void build_task(void *state, uint32_t index)
{
    build_state *t = (build_state *)state + index;
    builder *b = t->b;
    for (;;) {
        uint32_t q = atomic_fetch_add(&b->next, 1);
        if (q >= b->m->size || atomic_load(&b->failed))
            return;
        if (insert(t, q) != 0) {
            atomic_store(&b->failed, 1);
            return;
        }
        uint32_t done = atomic_fetch_add(&b->done, 1) + 1;
        if (b->progress && (done % 16384 == 0 || done == b->m->size)) {
            pthread_mutex_lock(&b->progress_lock);
            b->progress(done, b->m->size, b->user);
            pthread_mutex_unlock(&b->progress_lock);
        }
    }
}

/* Each node's top layer, from (seed, node): geometric with ratio 1/M. */
static uint64_t draw_layers(builder *b)
{
    double scale = 1.0 / log((double)b->o->m);
    uint64_t rows = 0;
    b->upper_start[0] = 0;
    for (uint32_t i = 0; i < b->m->size; i++) {
        i2v_rng rng = i2v_rng_seeded(b->o->seed, i);
        double u = ((double)(i2v_rng_next(&rng) >> 11) + 1.0) / 9007199254740992.0; /* (0, 1] */
        double l = floor(-log(u) * scale);
        uint32_t level = l > HNSW_MAX_LAYER ? HNSW_MAX_LAYER : (uint32_t)l;
        rows += level;
        b->upper_start[i + 1] = (uint32_t)rows;
    }
    return rows;
}

static void finish_header(builder *b, unsigned char *bytes, uint64_t rows)
{
    memset(bytes, 0, HNSW_HEADER_BYTES);
    put_u32(bytes, HNSW_MAGIC);
    put_u32(bytes + 4, HNSW_VERSION);
    put_u32(bytes + 8, b->m->size);
    put_u32(bytes + 12, b->o->m);
    put_u32(bytes + 16, b->o->m0);
    put_u32(bytes + 20, b->top);
    put_u32(bytes + 24, b->entry);
    put_u32(bytes + 28, b->o->ef_construction);
    put_u64(bytes + 32, b->o->seed);
    put_u64(bytes + 40, b->o->input_checksum);
    put_u64(bytes + 48, rows);
}

i2v_status hnsw_build(const i2v_model *m, const hnsw_build_options *o, hnsw_progress_fn progress,
                      void *user, unsigned char **out, uint64_t *size, i2v_error *err)
{
    *out = NULL;
    *size = 0;
    i2v_status st;
    builder *b = calloc(1, sizeof *b);
    uint32_t threads = o->threads ? o->threads : 1;
    build_state *t = calloc(threads, sizeof *t);
    if (!b || !t) {
        free(b);
        free(t);
        return i2v_fail_nomem(err, "building the index");
    }
    b->m = m;
    b->o = o;
    b->progress = progress;
    b->user = user;
    unsigned char *bytes = NULL;
    b->upper_start = malloc(((size_t)m->size + 1) * sizeof *b->upper_start);
    b->count0 = calloc(m->size, 1);
    uint64_t rows = 0;
    hnsw_layout l = {0, 0, 0, 0, 0};
    if (b->upper_start && b->count0) {
        rows = draw_layers(b);
        hnsw_plan(m->size, o->m0, o->m, rows, &l);
        bytes = malloc(l.size);
        b->count_up = calloc(rows ? rows : 1, 1);
    }
    for (uint32_t i = 0; bytes && b->count_up && i < threads; i++) {
        t[i].b = b;
        t[i].unit = malloc(((size_t)m->dim + 16) * sizeof *t[i].unit);
        if (!t[i].unit || hnsw_searcher_new(m->size, &t[i].s, err) != I2V_OK)
            break;
    }
    int ready = bytes && b->count_up && t[threads - 1].s;
    if (ready) {
        memset(bytes, 0, l.size);
        memcpy(bytes + l.upper_start, b->upper_start, ((size_t)m->size + 1) * 4);
        memset(bytes + l.layer0, 0xff, 4 * (size_t)m->size * o->m0);
        if (rows)
            memset(bytes + l.upper, 0xff, 4 * (size_t)rows * o->m);
        b->layer0 = (uint32_t *)(bytes + l.layer0);
        b->upper = (uint32_t *)(bytes + l.upper);
        for (uint32_t i = 0; i < LOCK_STRIPES; i++)
            pthread_mutex_init(&b->stripe[i], NULL);
        pthread_mutex_init(&b->top_lock, NULL);
        pthread_mutex_init(&b->progress_lock, NULL);
        b->entry = 0;
        b->top = (uint32_t)node_level(b, 0);
        atomic_store(&b->next, 1);
        atomic_store(&b->done, 1);
        parallel_run(threads, build_task, t);
        for (uint32_t i = 0; i < LOCK_STRIPES; i++)
            pthread_mutex_destroy(&b->stripe[i]);
        pthread_mutex_destroy(&b->top_lock);
        pthread_mutex_destroy(&b->progress_lock);
        if (atomic_load(&b->failed))
            ready = 0;
    }
    if (ready) {
        finish_header(b, bytes, rows);
        hnsw_view g;
        memset(&g, 0, sizeof g);
        g.n = m->size;
        g.m = o->m;
        g.m0 = o->m0;
        g.upper_rows = rows;
        g.upper_start = (const uint32_t *)(bytes + l.upper_start);
        g.layer0 = b->layer0;
        g.upper = b->upper;
        uint32_t *check = (uint32_t *)(bytes + l.check);
        for (uint32_t i = 0; i < m->size; i++)
            check[i] = node_hash(&g, i, g.upper_start[i], g.upper_start[i + 1]);
        *out = bytes;
        *size = l.size;
        bytes = NULL;
        st = I2V_OK;
    } else {
        st = i2v_fail_nomem(err, "building the index");
    }
    for (uint32_t i = 0; i < threads; i++) {
        free(t[i].unit);
        hnsw_searcher_free(t[i].s);
    }
    free(t);
    free(bytes);
    free(b->upper_start);
    free(b->count0);
    free(b->count_up);
    free(b);
    return st;
}
