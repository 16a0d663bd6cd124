/* Hogwild skip-gram with negative sampling.
 *
 * Threads share the two weight matrices without locks (Recht et al.'s
 * Hogwild: sparse updates rarely collide, and a collision costs a little
 * noise, not correctness).  Each epoch starts one thread per share of the
 * spooled corpus and joins them all, so every epoch trains every sequence
 * exactly once: the end-of-file flag bug that silently makes word2vec.c
 * train one epoch only cannot happen here, and the items each epoch read
 * are counted so tests can check it.  The learning rate decays linearly
 * with the items read by all threads over all epochs. */
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "core/corpus.h"
#include "util/error.h"
#include "util/quote.h"
#include "core/kernel.h"
#include "core/successors.h"
#include "model/build.h"
#include "train/train.h"
#include "util/parallel.h"
#include "util/prefetch.h"
#include "util/rng.h"
#include "core/vocab.h"
#include "train/overlay.h"
#include "util/grow.h"

/* Threads publish their counters this often (items read). */
enum { PUBLISH_EVERY_ITEMS = 10000 };
/* The monitor wakes up this often to report progress, in milliseconds. */
enum { REPORT_EVERY_MS = 100 };
enum { CACHE_LINE = 64 };

/* What a worker publishes; one cache line each, so no false sharing. */
typedef struct worker_stats {
    _Alignas(CACHE_LINE) _Atomic uint64_t items;  /* read, this epoch */
    _Atomic uint64_t pairs;                       /* trained, all epochs */
    _Atomic uint64_t loss_pairs;                  /* of which loss-sampled */
    _Atomic double loss;                          /* their summed loss */
} worker_stats;

/* Loss bookkeeping between reports: totals at the last report and at the
 * start of the epoch. */
typedef struct loss_marks {
    uint64_t last_pairs, epoch_pairs;
    double last_loss, epoch_loss;
} loss_marks;

struct i2v_trainer {
    i2v_train_params p;
    char *tmpdir;
    i2v_vocab *vocab;           /* owned (NULL in a fork) ... */
    const i2v_vocab *words;     /* ... and read through this (a fork's: its source's) */
    const i2v_trainer *source;  /* a fork's source, which must outlive it; else NULL */
    /* Successors, counted with the corpus (NULL when not asked for); a
     * fork reads its source's. */
    uint64_t *succ_start, *succ_total;
    i2v_successor *succ;
    const i2v_model *base;      /* continuing from this model until the corpus is read */
    corpus corpus;
    int corpus_read;            /* i2v_trainer_read_corpus was called */
    int have_corpus;            /* ... and succeeded */
    i2v_sampler *sampler;
    uint32_t *keep_threshold;   /* keep an occurrence if rng32 < this; 2^32-1 = always */
    float *input, *output;      /* V x dim each */
    const sgns_kernel *kernel;
    corpus_chunks chunks;        /* deterministic training's cut of the spool, once cut */

    _Atomic int cancel;
    _Atomic int diverged;
    _Atomic uint64_t items_done; /* read by all threads over all epochs */
    uint64_t items_planned;      /* epochs x corpus items */
    uint64_t *epoch_items;       /* per epoch */
    worker_stats *stats;         /* per thread */
    uint64_t pairs;
    uint32_t epochs_done;        /* by i2v_trainer_run_epochs so far */
    struct timespec start;       /* of the first epoch */
    loss_marks marks;            /* the loss reported so far */
};

typedef struct worker {
    i2v_trainer *t;
    uint32_t index;
    uint32_t epoch;
    i2v_status status;
    i2v_error err;
} worker;

i2v_status i2v_trainer_create(const i2v_train_params *p, const char *tmpdir, i2v_trainer **out,
                              i2v_error *err)
{
    *out = NULL;
    i2v_status st = i2v_train_params_check(p, err);
    if (st != I2V_OK)
        return st;
    i2v_trainer *t = calloc(1, sizeof *t);
    if (!t)
        return i2v_fail_nomem(err, "creating a trainer");
    t->p = *p;
    t->corpus.fd = -1;
    t->kernel = sgns_kernel_best();
    if (tmpdir && !(t->tmpdir = strdup(tmpdir))) {
        i2v_trainer_free(t);
        return i2v_fail_nomem(err, "creating a trainer");
    }
    if ((st = i2v_vocab_create(&t->vocab, err)) != I2V_OK) {
        i2v_trainer_free(t);
        return st;
    }
    t->words = t->vocab;
    *out = t;
    return I2V_OK;
}

void i2v_trainer_free(i2v_trainer *t)
{
    if (!t)
        return;
    corpus_close(&t->corpus);
    i2v_vocab_free(t->vocab);
    if (!t->source) {
        free(t->succ_start);
        free(t->succ_total);
        free(t->succ);
    }
    i2v_sampler_free(t->sampler);
    free(t->keep_threshold);
    free(t->input);
    free(t->output);
    free(t->epoch_items);
    free(t->stats);
    free(t->tmpdir);
    corpus_chunks_free(&t->chunks);
    free(t);
}

const i2v_vocab *i2v_trainer_vocab(const i2v_trainer *t)
{
    return t->have_corpus ? t->words : NULL;
}

uint64_t i2v_trainer_corpus_items(const i2v_trainer *t) { return t->corpus.items; }
uint64_t i2v_trainer_corpus_sequences(const i2v_trainer *t) { return t->corpus.sequences; }
uint64_t i2v_trainer_corpus_distinct(const i2v_trainer *t) { return t->corpus.distinct; }
uint64_t i2v_trainer_pairs(const i2v_trainer *t) { return t->pairs; }

uint64_t i2v_trainer_epoch_items(const i2v_trainer *t, uint32_t epoch)
{
    return (t->epoch_items && epoch < t->p.epochs) ? t->epoch_items[epoch] : 0;
}

void i2v_trainer_cancel(i2v_trainer *t) { atomic_store(&t->cancel, 1); }

size_t i2v_train_kernels(const char **names, size_t max)
{
    const sgns_kernel *k[8];
    size_t n = sgns_kernels_available(k, sizeof k / sizeof *k);
    for (size_t i = 0; i < n && i < max; i++)
        names[i] = k[i]->name;
    return n;
}

i2v_status i2v_trainer_set_kernel(i2v_trainer *t, const char *name, i2v_error *err)
{
    const sgns_kernel *k[8];
    size_t n = sgns_kernels_available(k, sizeof k / sizeof *k);
    char list[128] = "";
    for (size_t i = 0; i < n; i++) {
        if (strcmp(k[i]->name, name) == 0) {
            t->kernel = k[i];
            return I2V_OK;
        }
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", k[i]->name);
    }
    return i2v_fail(err, I2V_ERR_INVALID, "no kernel '%.*s' on this CPU (it runs %s)",
                    I2V_QUOTED(strlen(name), name), list);
}

/* A matrix of rows read and written at random: one of 2 MB or more is
 * aligned to 2 MB and offered huge pages, so that its pages fit the TLB
 * (the kernel may decline; then it has small pages as before). */
enum { HUGE_PAGE_BYTES = 2u << 20 };

static float *alloc_matrix(uint32_t rows, uint32_t dim)
{
    size_t bytes = (size_t)rows * dim * sizeof(float);
    bytes = (bytes + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
    if (bytes < HUGE_PAGE_BYTES)
        return aligned_alloc(CACHE_LINE, bytes ? bytes : CACHE_LINE);
    bytes = (bytes + HUGE_PAGE_BYTES - 1) / HUGE_PAGE_BYTES * HUGE_PAGE_BYTES;
    float *m = aligned_alloc(HUGE_PAGE_BYTES, bytes);
#ifdef MADV_HUGEPAGE
    if (m)
        (void)madvise(m, bytes, MADV_HUGEPAGE); /* advice only: failing costs nothing */
#endif
    return m;
}

/* Input rows uniform in [-1/dim, 1/dim) as gensim does (wider than
 * word2vec.c's [-0.5/dim, 0.5/dim): better on short item training);
 * output rows zero. */
static void init_weights(i2v_trainer *t, uint32_t n)
{
    i2v_rng rng = i2v_rng_seeded(t->p.seed, 0x1417);
    size_t total = (size_t)n * t->p.dim;
    float scale = 1.0f / (float)t->p.dim;
    for (size_t i = 0; i < total; i++)
        t->input[i] = (i2v_rng_float(&rng) * 2.0f - 1.0f) * scale;
    memset(t->output, 0, total * sizeof *t->output);
}

/* Training that continues: the base model's items start from their
 * trained rows (input and output), wherever the merged counts sorted them;
 * new items start as in a fresh run. */
static void carry_over_base(i2v_trainer *t)
{
    const i2v_model *b = t->base;
    size_t row_bytes = (size_t)t->p.dim * sizeof(float);
    for (uint32_t i = 0; i < i2v_model_size(b); i++) {
        size_t len;
        const char *item = i2v_model_item(b, i, &len);
        int64_t id = i2v_vocab_find(t->words, item, len);
        if (id < 0)
            continue; /* cannot happen: base items are always kept */
        memcpy(t->input + (size_t)id * t->p.dim, i2v_model_vector(b, i), row_bytes);
        memcpy(t->output + (size_t)id * t->p.dim, i2v_model_output(b, i), row_bytes);
    }
    t->base = NULL; /* no longer needed: the caller may close it */
}

i2v_status i2v_trainer_resume(i2v_trainer *t, const i2v_model *base, i2v_error *err)
{
    if (t->corpus_read || t->base)
        return i2v_fail(err, I2V_ERR_INVALID, "resume must come before reading the corpus");
    if (i2v_model_size(base) > 0 && !i2v_model_output(base, 0))
        return i2v_fail(err, I2V_ERR_FORMAT, "%s: the model has no output weights (word2vec "
                        "formats do not keep them): continuing needs a native model",
                        i2v_model_name(base));
    if (i2v_model_dim(base) != t->p.dim)
        return i2v_fail_param(err, I2V_ERR_INVALID, I2V_PARAM_DIM,
                              "dim %u differs from the model's %u dimensions", t->p.dim,
                              i2v_model_dim(base));
    /* The merge of counts: the model's items first, with their counts,
     * pinned so that they stay whatever the new text holds of them. */
    for (uint32_t i = 0; i < i2v_model_size(base); i++) {
        size_t len;
        const char *item = i2v_model_item(base, i, &len);
        uint32_t id;
        i2v_status st = i2v_vocab_add(t->vocab, item, len, i2v_model_count(base, i), &id, err);
        if (st != I2V_OK)
            return st;
        if (id != i)
            return i2v_fail(err, I2V_ERR_FORMAT, "the model lists item '%.*s' twice",
                            I2V_QUOTED(len, item));
    }
    vocab_pin_all(t->vocab);
    t->base = base;
    return I2V_OK;
}

/* A continued model's successors join the new counts: they were counted
 * on the text it was trained on, and name its items by its own ids. */
static i2v_status merge_base_successors(i2v_trainer *t, i2v_error *err)
{
    const i2v_model *b = t->base;
    uint32_t n = i2v_model_size(b);
    uint32_t *to_new = malloc((n ? n : 1) * sizeof *to_new);
    i2v_successor *row = malloc(I2V_MAX_SUCCESSORS * sizeof *row);
    i2v_status st = to_new && row ? I2V_OK : i2v_fail_nomem(err, "merging successors");
    for (uint32_t i = 0; st == I2V_OK && i < n; i++) {
        size_t len;
        const char *item = i2v_model_item(b, i, &len);
        to_new[i] = (uint32_t)i2v_vocab_find(t->vocab, item, len); /* pinned: always kept */
    }
    for (uint32_t i = 0; st == I2V_OK && i < n; i++) {
        uint32_t k;
        uint64_t total;
        const i2v_successor *old = i2v_model_successors(b, i, &k, &total);
        if (k > I2V_MAX_SUCCESSORS)
            k = I2V_MAX_SUCCESSORS;
        for (uint32_t j = 0; j < k; j++)
            row[j] = (i2v_successor){to_new[old[j].item], old[j].count};
        st = succ_counter_merge(t->corpus.successors, to_new[i], row, k, total, err);
    }
    free(to_new);
    free(row);
    return st;
}

/* What training needs once the corpus and its vocabulary are in place:
 * the sampler and the subsampling thresholds of this trainer's
 * parameters, and fresh weights (or the continued model's). */
static i2v_status prepare_weights(i2v_trainer *t, i2v_error *err)
{
    uint32_t n = i2v_vocab_size(t->words);
    const uint64_t *counts = t->words->count;
    i2v_status st = i2v_sampler_create(counts, n, t->p.ns_exponent, &t->sampler, err);
    if (st != I2V_OK)
        return st;
    t->keep_threshold = malloc((n ? n : 1) * sizeof *t->keep_threshold);
    t->input = alloc_matrix(n, t->p.dim);
    t->output = alloc_matrix(n, t->p.dim);
    t->epoch_items = calloc(t->p.epochs, sizeof *t->epoch_items);
    t->stats = aligned_alloc(CACHE_LINE, t->p.threads * sizeof *t->stats);
    if (!t->keep_threshold || !t->input || !t->output || !t->epoch_items || !t->stats)
        return i2v_fail_nomem(err, "allocating the weights");
    uint64_t total = i2v_vocab_total(t->words);
    for (uint32_t i = 0; i < n; i++) {
        double keep = i2v_keep_probability(counts[i], total, t->p.sample);
        t->keep_threshold[i] = keep >= 1 ? UINT32_MAX : (uint32_t)(keep * 4294967296.0);
    }
    init_weights(t, n);
    if (t->base)
        carry_over_base(t);
    t->have_corpus = 1; /* only now is everything training needs in place */
    return I2V_OK;
}

i2v_status i2v_trainer_read_corpus(i2v_trainer *t, FILE *in, const char *name, i2v_error *err)
{
    if (t->corpus_read)
        return i2v_fail(err, I2V_ERR_INVALID, "the trainer already read a corpus");
    t->corpus_read = 1;
    corpus_options options = {t->tmpdir, t->p.min_count, t->p.max_vocab, t->p.successors};
    i2v_status st = corpus_build(&t->corpus, t->vocab, in, name, &options, err);
    if (st == I2V_OK && t->base && t->corpus.successors)
        st = merge_base_successors(t, err);
    if (st == I2V_OK && t->corpus.successors) {
        st = succ_counter_finish(t->corpus.successors, &t->succ_start, &t->succ_total, &t->succ,
                                 err);
        succ_counter_free(t->corpus.successors);
        t->corpus.successors = NULL;
    }
    if (st == I2V_OK)
        st = prepare_weights(t, err);
    return st;
}

/* Most context rows one kernel call takes; a longer window (or a whole
 * sequence with --window 0) is trained in chunks of this many. */
enum { MAX_BLOCK_INPUTS = 16 };
/* One block in LOSS_SAMPLE_EVERY computes its loss: the running loss is an
 * unbiased sample, and a non-finite one still shows within a few blocks. */
enum { LOSS_SAMPLE_EVERY = 64 };

/* What one worker accumulates between publications (a chunk, in
 * deterministic training). */
typedef struct worker_tally {
    uint64_t pairs;        /* positive pairs trained */
    uint64_t loss_pairs;   /* pairs whose loss was sampled */
    double loss;           /* summed loss of the sampled pairs */
    uint32_t blocks;
    int out_of_memory;     /* a chunk's private rows could not grow */
} worker_tally;

/* The rows a block trains: the shared weights (Hogwild), or with an
 * overlay the chunk's own copies (deterministic); NULL when the copy could
 * not be made. */
static inline float *input_row(const i2v_trainer *t, row_overlay *ov, uint32_t id)
{
    return ov ? overlay_row(ov, id, 0) : t->input + (size_t)id * t->p.dim;
}

static inline float *output_row(const i2v_trainer *t, row_overlay *ov, uint32_t id)
{
    return ov ? overlay_row(ov, id, 1) : t->output + (size_t)id * t->p.dim;
}

/* The output rows of a centre and its negatives; 0 when one is missing. */
static int gather_outputs(const i2v_trainer *t, row_overlay *ov, uint32_t centre,
                          const uint32_t *negs, uint32_t n_negs, float **out_rows)
{
    if (!(out_rows[0] = output_row(t, ov, centre)))
        return 0;
    for (uint32_t k = 0; k < n_negs; k++)
        if (!(out_rows[1 + k] = output_row(t, ov, negs[k])))
            return 0;
    return 1;
}

/* Asks the cache for a row that a coming block will use: waiting for the
 * rows is most of the cost of a block.  Hogwild updates the row itself;
 * deterministic training only copies it, and two threads may copy one
 * row at once. */
static inline void prefetch_for(const row_overlay *ov, const float *row, uint32_t dim)
{
    if (ov)
        prefetch_floats_for_read(row, dim);
    else
        prefetch_floats_for_write(row, dim);
}

/* Draws the negatives of one window: up to `negative` items other than the
 * centre (word2vec skips a draw equal to the centre). */
static uint32_t draw_negatives(const i2v_trainer *t, uint32_t centre, i2v_rng *rng, uint32_t *negs)
{
    uint32_t n = 0;
    for (uint32_t k = 0; k < t->p.negative; k++) {
        uint32_t neg = i2v_sampler_draw(t->sampler, i2v_rng_next(rng));
        if (neg != centre)
            negs[n++] = neg;
    }
    return n;
}

/* Trains one sequence (already subsampled).  For each centre the context
 * is the items within a reach drawn uniformly from 1..window as word2vec
 * does (the whole sequence when window is 0).  The context rows form one
 * block against the centre's output row and one set of negatives shared
 * by the window (the HogBatch scheme of Ji et al.): the same gradient as
 * word2vec's per-pair loop, with fresh negatives per window instead of per
 * pair, and far fewer row loads.  The next centre's negatives are drawn
 * one step ahead so that their rows can be prefetched. */
static inline __attribute__((always_inline)) void
train_sequence(i2v_trainer *t, row_overlay *ov, float *const *seq_in, const uint32_t *seq,
               size_t n, i2v_rng *rng, float alpha, float **in_rows, float **out_rows,
               uint32_t *negs, float *scratch, worker_tally *tally)
{
    const uint32_t dim = t->p.dim, window = t->p.window;
    uint32_t *next_negs = negs + t->p.negative;
    uint32_t n_next = draw_negatives(t, seq[0], rng, next_negs);
    for (size_t pos = 0; pos < n; pos++) {
        uint32_t centre = seq[pos];
        uint32_t n_negs = n_next;
        memcpy(negs, next_negs, n_negs * sizeof *negs);
        if (pos + 1 < n) {
            n_next = draw_negatives(t, seq[pos + 1], rng, next_negs);
            for (uint32_t k = 0; k < n_next; k++)
                prefetch_for(ov, t->output + (size_t)next_negs[k] * dim, dim);
            prefetch_for(ov, t->output + (size_t)seq[pos + 1] * dim, dim);
            if (window > 0 && pos + 1 + window < n)
                prefetch_for(ov, t->input + (size_t)seq[pos + 1 + window] * dim, dim);
        }
        size_t lo = 0, hi = n - 1;
        if (window > 0) {
            uint32_t reach = window - i2v_rng_below(i2v_rng_next(rng), window);
            lo = pos > reach ? pos - reach : 0;
            hi = pos + reach < n - 1 ? pos + reach : n - 1;
        }
        for (size_t c = lo; c <= hi;) {
            uint32_t n_in = 0;
            for (; c <= hi && n_in < MAX_BLOCK_INPUTS; c++)
                if (c != pos)
                    in_rows[n_in++] = seq_in ? seq_in[c] : t->input + (size_t)seq[c] * dim;
            if (n_in == 0)
                break;
            if (!gather_outputs(t, ov, centre, negs, n_negs, out_rows)) {
                tally->out_of_memory = 1;
                return;
            }
            int want_loss = ++tally->blocks % LOSS_SAMPLE_EVERY == 0;
            double loss = t->kernel->block(in_rows, n_in, out_rows, 1 + n_negs, dim, alpha,
                                           scratch, want_loss);
            tally->pairs += n_in;
            if (want_loss) {
                tally->loss += loss;
                tally->loss_pairs += n_in;
            }
            /* A window wider than one block: fresh negatives per block. */
            n_negs = draw_negatives(t, centre, rng, negs);
        }
        if ((pos & 1023) == 1023 && atomic_load_explicit(&t->cancel, memory_order_relaxed))
            break;
    }
}

/* A worker's rows and scratch; CBOW's grow with the widest context met
 * (the whole sequence with --window 0). */
typedef struct worker_buffers {
    float **in_rows;
    size_t in_cap;
    float **out_rows;
    uint32_t *negs;    /* this centre's negatives, then the next centre's */
    float *scratch;
    size_t scratch_cap;
    float **seq_in;    /* deterministic: the sequence's input rows */
    size_t seq_in_cap;
    uint32_t *long_seq; /* a sequence that crosses the cursor's blocks */
    size_t long_cap;
    uint32_t *kept;    /* the sequence, subsampled */
    size_t kept_cap;
} worker_buffers;

static void buffers_free(worker_buffers *b)
{
    free(b->in_rows);
    free(b->out_rows);
    free(b->negs);
    free(b->scratch);
    free(b->seq_in);
    free(b->long_seq);
    free(b->kept);
}

static i2v_status buffers_init(worker_buffers *b, const i2v_trainer *t, i2v_error *err)
{
    memset(b, 0, sizeof *b);
    b->in_cap = MAX_BLOCK_INPUTS;
    b->scratch_cap = SGNS_SCRATCH_FLOATS(MAX_BLOCK_INPUTS, t->p.negative + 1, t->p.dim);
    b->in_rows = malloc(b->in_cap * sizeof *b->in_rows);
    b->out_rows = malloc((t->p.negative + 1) * sizeof *b->out_rows);
    b->negs = malloc(2 * t->p.negative * sizeof *b->negs);
    b->scratch = malloc(b->scratch_cap * sizeof *b->scratch);
    if (!b->in_rows || !b->out_rows || !b->negs || !b->scratch)
        return i2v_fail_nomem(err, "starting a training thread");
    return I2V_OK;
}

/* Room for a CBOW context of n_in rows. */
static i2v_status buffers_fit_context(worker_buffers *b, const i2v_trainer *t, size_t n_in,
                                      i2v_error *err)
{
    if (grow_array(&b->in_rows, &b->in_cap, n_in, sizeof *b->in_rows, n_in) != 0 ||
        grow_array(&b->scratch, &b->scratch_cap,
                   CBOW_SCRATCH_FLOATS(n_in, t->p.negative + 1, t->p.dim), sizeof *b->scratch,
                   0) != 0)
        return i2v_fail_nomem(err, "holding a long context");
    return I2V_OK;
}

/* CBOW over one sequence: for each centre, the mean of its context rows
 * (the same reach as skip-gram's) against the centre's output row and its
 * negatives, one kernel call per centre. */
static void train_sequence_cbow(i2v_trainer *t, row_overlay *ov, float *const *seq_in,
                                const uint32_t *seq, size_t n, i2v_rng *rng, float alpha,
                                worker_buffers *b, worker_tally *tally)
{
    const uint32_t dim = t->p.dim, window = t->p.window;
    for (size_t pos = 0; pos < n; pos++) {
        uint32_t centre = seq[pos];
        uint32_t n_negs = draw_negatives(t, centre, rng, b->negs);
        size_t lo = 0, hi = n - 1;
        if (window > 0) {
            uint32_t reach = window - i2v_rng_below(i2v_rng_next(rng), window);
            lo = pos > reach ? pos - reach : 0;
            hi = pos + reach < n - 1 ? pos + reach : n - 1;
        }
        uint32_t n_in = 0;
        for (size_t c = lo; c <= hi; c++)
            if (c != pos)
                b->in_rows[n_in++] = seq_in ? seq_in[c] : t->input + (size_t)seq[c] * dim;
        if (n_in == 0)
            continue;
        if (!gather_outputs(t, ov, centre, b->negs, n_negs, b->out_rows)) {
            tally->out_of_memory = 1;
            return;
        }
        int want_loss = ++tally->blocks % LOSS_SAMPLE_EVERY == 0;
        double loss = t->kernel->cbow(b->in_rows, n_in, b->out_rows, 1 + n_negs, dim, alpha,
                                      b->scratch, want_loss);
        tally->pairs++;
        if (want_loss) {
            tally->loss += loss;
            tally->loss_pairs++;
        }
        if ((pos & 1023) == 1023 && atomic_load_explicit(&t->cancel, memory_order_relaxed))
            break;
    }
}

/* One subsampled sequence, by the architecture asked for. */
static i2v_status train_one(i2v_trainer *t, row_overlay *ov, const uint32_t *seq, size_t n,
                            i2v_rng *rng, float alpha, worker_buffers *b, worker_tally *tally,
                            i2v_error *err)
{
    /* A chunk's input rows are looked up once per sequence, not once per
     * window they fall in. */
    if (ov) {
        if (grow_array(&b->seq_in, &b->seq_in_cap, n, sizeof *b->seq_in, 1024) != 0)
            return i2v_fail_nomem(err, "holding a long sequence");
        for (size_t i = 0; i < n; i++)
            if (!(b->seq_in[i] = input_row(t, ov, seq[i])))
                return i2v_fail_nomem(err, "copying the rows of a chunk");
    }
    if (!t->p.cbow) {
        /* Inlined twice: Hogwild's copy has no overlay test in its loop. */
        if (ov)
            train_sequence(t, ov, b->seq_in, seq, n, rng, alpha, b->in_rows, b->out_rows,
                           b->negs, b->scratch, tally);
        else
            train_sequence(t, NULL, NULL, seq, n, rng, alpha, b->in_rows, b->out_rows, b->negs,
                           b->scratch, tally);
        return tally->out_of_memory ? i2v_fail_nomem(err, "copying the rows of a chunk")
                                    : I2V_OK;
    }
    size_t widest = t->p.window == 0 || 2 * (size_t)t->p.window > n - 1 ? n - 1
                                                                       : 2 * (size_t)t->p.window;
    i2v_status st = buffers_fit_context(b, t, widest, err);
    if (st == I2V_OK)
        train_sequence_cbow(t, ov, ov ? b->seq_in : NULL, seq, n, rng, alpha, b, tally);
    if (st == I2V_OK && tally->out_of_memory)
        st = i2v_fail_nomem(err, "copying the rows of a chunk");
    return st;
}

/* The learning rate once `done` of the run's planned items are read. */
static float alpha_at(const i2v_trainer *t, uint64_t done)
{
    double frac = t->items_planned ? (double)done / (double)t->items_planned : 1;
    if (frac > 1)
        frac = 1;
    double a = t->p.alpha + (t->p.min_alpha - t->p.alpha) * frac;
    return (float)(a > t->p.min_alpha ? a : t->p.min_alpha);
}

static float current_alpha(const i2v_trainer *t)
{
    return alpha_at(t, atomic_load_explicit(&t->items_done, memory_order_relaxed));
}

/* Makes the worker's counters visible to the monitor and the learning
 * rate; returns 0 when the worker should stop (cancel, divergence). */
static int publish(i2v_trainer *t, worker_stats *stats, uint64_t *unpublished,
                   const worker_tally *tally)
{
    atomic_fetch_add_explicit(&stats->items, *unpublished, memory_order_relaxed);
    atomic_fetch_add_explicit(&t->items_done, *unpublished, memory_order_relaxed);
    atomic_store_explicit(&stats->pairs, tally->pairs, memory_order_relaxed);
    atomic_store_explicit(&stats->loss_pairs, tally->loss_pairs, memory_order_relaxed);
    atomic_store_explicit(&stats->loss, tally->loss, memory_order_relaxed);
    *unpublished = 0;
    if (!isfinite(tally->loss))
        atomic_store(&t->diverged, 1);
    return !atomic_load_explicit(&t->cancel, memory_order_relaxed) &&
           !atomic_load_explicit(&t->diverged, memory_order_relaxed);
}

/* word2vec's down-sampling of frequent items: keeps each occurrence with
 * its item's precomputed probability.  Returns how many were kept. */
static size_t subsample(const i2v_trainer *t, const uint32_t *ids, size_t n, uint32_t *kept,
                        i2v_rng *rng)
{
    size_t n_kept = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t threshold = t->keep_threshold[ids[i]];
        if (threshold == UINT32_MAX || (uint32_t)i2v_rng_next(rng) < threshold)
            kept[n_kept++] = ids[i];
    }
    return n_kept;
}

/* The cursor's next sequence, subsampled into b->kept: returns 1 with the
 * items read in *n and those kept in *n_kept, 0 at the end, -1 on failure
 * (err says why). */
static int next_subsampled(const i2v_trainer *t, corpus_cursor *cur, i2v_rng *rng,
                           worker_buffers *b, size_t *n, size_t *n_kept, i2v_error *err)
{
    uint32_t *ids;
    int got = corpus_cursor_next(cur, &ids, n, &b->long_seq, &b->long_cap, err);
    if (got <= 0)
        return got;
    if (grow_array(&b->kept, &b->kept_cap, *n, sizeof *b->kept, *n) != 0) {
        i2v_fail_nomem(err, "holding a long sequence");
        return -1;
    }
    *n_kept = subsample(t, ids, *n, b->kept, rng);
    return 1;
}

static void worker_main(void *state, uint32_t index)
{
    worker *w = (worker *)state + index;
    i2v_trainer *t = w->t;
    worker_stats *stats = &t->stats[w->index];
    i2v_rng rng = i2v_rng_seeded(t->p.seed, (uint64_t)w->epoch * t->p.threads + w->index + 1);
    corpus_cursor cur = {0};
    worker_buffers b;
    w->status = buffers_init(&b, t, &w->err);
    if (w->status == I2V_OK)
        w->status = corpus_cursor_open(&cur, &t->corpus, w->index, t->p.threads, &w->err);

    /* Slot w->index belongs to this thread alone: carry its totals over
     * from the previous epoch's thread. */
    worker_tally tally = {
        .pairs = atomic_load_explicit(&stats->pairs, memory_order_relaxed),
        .loss_pairs = atomic_load_explicit(&stats->loss_pairs, memory_order_relaxed),
        .loss = atomic_load_explicit(&stats->loss, memory_order_relaxed),
    };
    uint64_t unpublished = 0;
    float alpha = current_alpha(t);
    while (w->status == I2V_OK) {
        size_t n, n_kept;
        int r = next_subsampled(t, &cur, &rng, &b, &n, &n_kept, &w->err);
        if (r <= 0) {
            if (r < 0)
                w->status = w->err.code;
            break;
        }
        if (n_kept > 1 &&
            (w->status = train_one(t, NULL, b.kept, n_kept, &rng, alpha, &b, &tally, &w->err)) !=
                I2V_OK)
            break;
        unpublished += n;
        if (unpublished >= PUBLISH_EVERY_ITEMS) {
            if (!publish(t, stats, &unpublished, &tally))
                break;
            alpha = current_alpha(t);
        }
    }
    publish(t, stats, &unpublished, &tally);
    corpus_cursor_close(&cur);
    buffers_free(&b);
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) * 1e-9;
}

/* Sums what the workers published and hands it to the callback. */
static void report(i2v_trainer *t, uint32_t epoch, int epoch_done, const struct timespec *start,
                   loss_marks *marks, i2v_progress_fn fn, void *user)
{
    uint64_t epoch_items = 0, pairs = 0;
    double loss = 0;
    /* The loss is sampled: average over the sampled pairs. */
    for (uint32_t i = 0; i < t->p.threads; i++) {
        epoch_items += atomic_load_explicit(&t->stats[i].items, memory_order_relaxed);
        pairs += atomic_load_explicit(&t->stats[i].loss_pairs, memory_order_relaxed);
        loss += atomic_load_explicit(&t->stats[i].loss, memory_order_relaxed);
    }
    if (!fn)
        return;
    uint64_t done = atomic_load_explicit(&t->items_done, memory_order_relaxed);
    i2v_progress pr = {0};
    pr.epoch = epoch + 1;
    pr.epochs = t->p.epochs;
    pr.epoch_done = epoch_done;
    pr.fraction = t->items_planned ? (double)done / (double)t->items_planned : 1;
    pr.elapsed_sec = seconds_since(start);
    pr.items_per_sec = pr.elapsed_sec > 0 ? (double)done / pr.elapsed_sec : 0;
    pr.eta_sec = pr.items_per_sec > 0 ? (double)(t->items_planned - done) / pr.items_per_sec : 0;
    pr.alpha = current_alpha(t);
    pr.loss = pairs > marks->last_pairs
                  ? (loss - marks->last_loss) / (double)(pairs - marks->last_pairs) : 0;
    pr.epoch_loss = pairs > marks->epoch_pairs
                        ? (loss - marks->epoch_loss) / (double)(pairs - marks->epoch_pairs) : 0;
    pr.epoch_items = epoch_items;
    if (pairs > marks->last_pairs) {
        marks->last_pairs = pairs;
        marks->last_loss = loss;
    }
    if (epoch_done) {
        marks->epoch_pairs = pairs;
        marks->epoch_loss = loss;
    }
    fn(&pr, user);
}

static int weights_finite(const float *w, size_t n)
{
    float acc = 0;
    for (size_t i = 0; i < n; i++)
        acc += w[i] * 0.0f; /* stays 0 unless some w[i] is Inf or NaN */
    return acc == 0;
}

/* What the calling thread reports while an epoch's workers run. */
typedef struct epoch_watch {
    i2v_trainer *t;
    uint32_t epoch;
    const struct timespec *start;
    loss_marks *marks;
    i2v_progress_fn fn;
    void *user;
} epoch_watch;

static void watch_epoch(void *state)
{
    epoch_watch *w = state;
    report(w->t, w->epoch, 0, w->start, w->marks, w->fn, w->user);
}

/* The counters of a run, zeroed before its first epoch. */
static void start_run(i2v_trainer *t)
{
    for (uint32_t i = 0; i < t->p.threads; i++) {
        atomic_init(&t->stats[i].items, 0);
        atomic_init(&t->stats[i].pairs, 0);
        atomic_init(&t->stats[i].loss_pairs, 0);
        atomic_init(&t->stats[i].loss, 0.0);
    }
    atomic_store(&t->items_done, 0);
    t->items_planned = t->corpus.items * t->p.epochs;
    clock_gettime(CLOCK_MONOTONIC, &t->start);
    memset(&t->marks, 0, sizeof t->marks);
}

/* ---- deterministic training ------------------------------------------ */

/* Items per chunk, and chunks per round.  A round's chunks all start from
 * the weights as the round found them and their changes are summed, so a
 * row that every chunk moves (a frequent item's output row, drawn as a
 * negative everywhere) moves by the sum of DET_ROUND_CHUNKS independent
 * steps.  Measured on the Brown corpus (WordSim-353): rounds of 4,096
 * items (4 x 1024, 8 x 512, 16 x 256) train as well as Hogwild; 8 x 1024
 * or 32 x 128 lose half the correlation, 8 x 2048 diverges.  Of the good
 * ones 4 x 1024 is the fastest (fewer chunks copy fewer rows) and as good
 * on planted sessions.  Both are constants, never a function of the
 * thread count: that is what makes the result one; at most
 * DET_ROUND_CHUNKS threads have work at once. */
enum { DET_CHUNK_ITEMS = 1024, DET_ROUND_CHUNKS = 4 };

/* One chunk of a round: what training it tallied. */
typedef struct det_chunk {
    worker_tally tally;
    uint64_t items;
    i2v_status status;
    i2v_error err;
} det_chunk;

/* An epoch's rounds, as the team sees them.  Member 0 (the calling
 * thread) decides between the phases; the others only claim work. */
typedef struct det_round {
    i2v_trainer *t;
    uint32_t epoch;
    uint64_t first;          /* the round's first chunk ... */
    uint32_t n;              /* ... and how many it has */
    uint32_t applying;       /* chunks of the round being applied */
    int last;                /* it is the epoch's last round */
    det_chunk chunks[DET_ROUND_CHUNKS];
    row_overlay overlays[DET_ROUND_CHUNKS]; /* each chunk's rows */
    uint64_t *first_holder;                 /* 2V words for overlay_merge_part */
    worker_buffers *threads; /* what each member keeps from chunk to chunk */
    uint32_t n_threads;
    _Atomic uint32_t next_chunk;  /* to train */
    _Atomic uint32_t next_part;   /* to apply */
    int apply;               /* set by member 0: this round's deltas are added */
    i2v_status status;       /* the first failure, in chunk order */
    i2v_error err;
    epoch_watch *watch;
    struct timespec last_report;
} det_round;

/* Trains chunk r->first + i into its private rows.  Everything it draws
 * comes from a generator of (seed, epoch, chunk), and its learning rate
 * is the one at its place in the run. */
static void train_chunk(det_round *r, worker_buffers *b, uint32_t i)
{
    i2v_trainer *t = r->t;
    det_chunk *ch = &r->chunks[i];
    uint64_t index = r->first + i;
    ch->tally = (worker_tally){0};
    ch->items = 0;
    row_overlay *ov = &r->overlays[i];
    overlay_reset(ov);
    i2v_rng rng = i2v_rng_seeded(t->p.seed, ((uint64_t)(r->epoch + 1) << 40) + index);
    float alpha = alpha_at(t, (uint64_t)r->epoch * t->corpus.items + t->chunks.items_before[index]);
    corpus_cursor cur;
    i2v_status st = corpus_cursor_open_range(&cur, &t->corpus, t->chunks.start[index],
                                             t->chunks.start[index + 1], &ch->err);
    while (st == I2V_OK && !atomic_load_explicit(&t->cancel, memory_order_relaxed)) {
        size_t n, n_kept;
        int got = next_subsampled(t, &cur, &rng, b, &n, &n_kept, &ch->err);
        if (got <= 0) {
            if (got < 0)
                st = ch->err.code;
            break;
        }
        if (n_kept > 1)
            st = train_one(t, ov, b->kept, n_kept, &rng, alpha, b, &ch->tally, &ch->err);
        ch->items += n;
    }
    corpus_cursor_close(&cur);
    if (st == I2V_OK && overlay_finish(ov) != 0)
        st = i2v_fail_nomem(&ch->err, "copying the rows of a chunk");
    ch->status = st;
}

/* Counts a trained round in chunk order (so even the loss is the same
 * sum), into the first thread's slot. */
static void det_tally(i2v_trainer *t, const det_round *r)
{
    worker_stats *s = &t->stats[0];
    double loss = atomic_load_explicit(&s->loss, memory_order_relaxed);
    for (uint32_t i = 0; i < r->n; i++) {
        const det_chunk *ch = &r->chunks[i];
        atomic_fetch_add(&s->items, ch->items);
        atomic_fetch_add(&t->items_done, ch->items);
        atomic_fetch_add(&s->pairs, ch->tally.pairs);
        atomic_fetch_add(&s->loss_pairs, ch->tally.loss_pairs);
        loss += ch->tally.loss;
    }
    atomic_store_explicit(&s->loss, loss, memory_order_relaxed);
    if (!isfinite(loss))
        atomic_store(&t->diverged, 1);
}

/* Sets the round starting at chunk `first` (none left: stop). */
static void det_set_round(det_round *r, uint64_t first)
{
    uint64_t n = r->t->chunks.n;
    r->first = first;
    r->n = first >= n ? 0 : n - first < DET_ROUND_CHUNKS ? (uint32_t)(n - first) : DET_ROUND_CHUNKS;
    atomic_store(&r->next_chunk, 0);
}

/* Member 0, between training and applying: the round's failures, its
 * counts, progress, and whether the deltas are added. */
static void det_decide(det_round *r)
{
    i2v_trainer *t = r->t;
    r->apply = 1;
    for (uint32_t i = 0; i < r->n && r->status == I2V_OK; i++)
        if (r->chunks[i].status != I2V_OK) {
            r->status = r->chunks[i].status;
            r->err = r->chunks[i].err;
        }
    if (r->status == I2V_OK)
        det_tally(t, r);
    if (r->status != I2V_OK || atomic_load(&t->cancel) || atomic_load(&t->diverged))
        r->apply = 0;
    if (seconds_since(&r->last_report) * 1000 >= REPORT_EVERY_MS) {
        watch_epoch(r->watch);
        clock_gettime(CLOCK_MONOTONIC, &r->last_report);
    }
    /* The next round is set now (nobody trains until the deltas are
     * added), so that one barrier less is needed. */
    atomic_store(&r->next_part, 0);
    r->applying = r->n;
    r->last = r->first + r->n >= t->chunks.n;
    det_set_round(r, r->first + r->n);
}

/* One member's epoch: rounds of training chunks, then adding their
 * deltas part by part, each part's rows chunk by chunk, with three
 * barriers per round (trained; decided; applied). */
static void det_member(void *state, uint32_t member, uint32_t size, parallel_team *team)
{
    (void)size;
    det_round *r = state;
    worker_buffers *b = &r->threads[member];
    for (;;) {
        for (uint32_t i; (i = atomic_fetch_add(&r->next_chunk, 1)) < r->n;)
            train_chunk(r, b, i);
        parallel_team_sync(team);
        if (member == 0)
            det_decide(r);
        parallel_team_sync(team);
        if (!r->apply)
            return;
        for (uint32_t part; (part = atomic_fetch_add(&r->next_part, 1)) < OVERLAY_PARTS;)
            overlay_merge_part(r->overlays, r->applying, part, r->t->input, r->t->output,
                               r->first_holder);
        parallel_team_sync(team);
        if (r->last)
            return;
    }
}

static void det_round_free(det_round *r)
{
    for (uint32_t i = 0; i < DET_ROUND_CHUNKS; i++)
        overlay_free(&r->overlays[i]);
    for (uint32_t i = 0; r->threads && i < r->n_threads; i++)
        buffers_free(&r->threads[i]);
    free(r->threads);
    free(r->first_holder);
    free(r);
}

static i2v_status det_round_create(i2v_trainer *t, det_round **out, i2v_error *err)
{
    *out = NULL;
    det_round *r = calloc(1, sizeof *r);
    if (!r)
        return i2v_fail_nomem(err, "starting deterministic training");
    r->t = t;
    for (uint32_t i = 0; i < DET_ROUND_CHUNKS; i++)
        overlay_init(&r->overlays[i], t->p.dim, t->input, t->output);
    r->n_threads = t->p.threads < DET_ROUND_CHUNKS ? t->p.threads : DET_ROUND_CHUNKS;
    r->threads = calloc(r->n_threads, sizeof *r->threads);
    size_t rows = 2 * (size_t)i2v_vocab_size(t->words);
    r->first_holder = calloc(rows ? rows : 1, sizeof *r->first_holder);
    i2v_status st = I2V_OK;
    if (!r->threads || !r->first_holder)
        st = i2v_fail_nomem(err, "starting deterministic training");
    if (!r->threads)
        r->n_threads = 0;
    for (uint32_t i = 0; st == I2V_OK && i < r->n_threads; i++)
        st = buffers_init(&r->threads[i], t, err);
    if (st == I2V_OK && !t->chunks.start)
        st = corpus_chunks_cut(&t->corpus, DET_CHUNK_ITEMS, &t->chunks, err);
    if (st != I2V_OK) {
        det_round_free(r);
        return st;
    }
    *out = r;
    return I2V_OK;
}

/* One epoch in rounds, on a team of up to the run's threads. */
static i2v_status run_epoch_deterministic(det_round *r, uint32_t epoch, epoch_watch *watch,
                                          i2v_error *err)
{
    r->epoch = epoch;
    r->watch = watch;
    r->status = I2V_OK;
    clock_gettime(CLOCK_MONOTONIC, &r->last_report);
    det_set_round(r, 0);
    if (r->n > 0)
        parallel_team_run(r->n_threads, det_member, r);
    if (r->status != I2V_OK && err)
        *err = r->err;
    return r->status; /* a cancel or a divergence: the caller says which */
}

i2v_status i2v_trainer_run_epochs(i2v_trainer *t, uint32_t epochs, i2v_progress_fn progress,
                                  void *user, i2v_error *err)
{
    if (!t->have_corpus)
        return i2v_fail(err, I2V_ERR_INVALID, "no corpus was read before training");
    const uint32_t threads = t->p.threads;
    worker *workers = calloc(threads, sizeof *workers);
    if (!workers)
        return i2v_fail_nomem(err, "starting the training threads");
    if (t->epochs_done == 0)
        start_run(t);
    uint32_t last = epochs < t->p.epochs - t->epochs_done ? t->epochs_done + epochs : t->p.epochs;
    det_round *round = NULL;
    i2v_status st = t->p.deterministic ? det_round_create(t, &round, err) : I2V_OK;

    for (uint32_t epoch = t->epochs_done; epoch < last && st == I2V_OK; epoch++) {
        for (uint32_t i = 0; i < threads; i++) {
            atomic_store(&t->stats[i].items, 0);
            workers[i] = (worker){.t = t, .index = i, .epoch = epoch};
        }
        /* Each share of the spool is one task: all of them run, whatever
         * the machine lets start, and progress is reported meanwhile. */
        epoch_watch watch = {t, epoch, &t->start, &t->marks, progress, user};
        if (round)
            st = run_epoch_deterministic(round, epoch, &watch, err);
        else
            parallel_run_watched(threads, worker_main, workers, watch_epoch, &watch,
                                 REPORT_EVERY_MS);
        uint64_t epoch_items = 0;
        for (uint32_t i = 0; i < threads; i++) {
            epoch_items += atomic_load(&t->stats[i].items);
            if (workers[i].status != I2V_OK && st == I2V_OK) {
                st = workers[i].status;
                if (err)
                    *err = workers[i].err;
            }
        }
        t->epoch_items[epoch] = epoch_items;
        if (st != I2V_OK)
            break;
        if (atomic_load(&t->diverged))
            st = i2v_fail_param(err, I2V_ERR_DIVERGED, I2V_PARAM_ALPHA,
                                "training diverged in epoch %u (the loss is no longer "
                                "finite); lower the learning rate", epoch + 1);
        else if (atomic_load(&t->cancel))
            st = i2v_fail(err, I2V_ERR_CANCELED, "training was canceled");
        else
            report(t, epoch, 1, &t->start, &t->marks, progress, user);
        t->epochs_done = epoch + 1;
    }
    t->pairs = 0;
    for (uint32_t i = 0; i < threads; i++)
        t->pairs += atomic_load(&t->stats[i].pairs);
    size_t weights = (size_t)i2v_vocab_size(t->words) * t->p.dim;
    if (st == I2V_OK && (!weights_finite(t->input, weights) || !weights_finite(t->output, weights)))
        st = i2v_fail_param(err, I2V_ERR_DIVERGED, I2V_PARAM_ALPHA,
                            "training diverged (the weights are no longer finite); lower the "
                            "learning rate");
    if (round)
        det_round_free(round);
    free(workers);
    return st;
}

i2v_status i2v_trainer_run(i2v_trainer *t, i2v_progress_fn progress, void *user, i2v_error *err)
{
    return i2v_trainer_run_epochs(t, t->p.epochs, progress, user, err);
}

uint32_t i2v_trainer_epochs_done(const i2v_trainer *t) { return t->epochs_done; }

/* A deterministic model does not depend on the thread count, and neither
 * do its bytes: it records one thread whatever trained it. */
static void record_threads(i2v_train_params *p)
{
    if (p->deterministic)
        p->threads = 1;
}

i2v_status i2v_trainer_take_model(i2v_trainer *t, i2v_model **out, i2v_error *err)
{
    *out = NULL;
    if (!t->have_corpus || !t->input)
        return i2v_fail(err, I2V_ERR_INVALID, "the trainer has no model to give");
    if (t->source) /* the vocabulary is the source's: copy, do not take */
        return i2v_trainer_snapshot(t, out, err);
    i2v_vocab *v = t->vocab;
    model_arrays arrays = {.names = v->arena, .name_offset = v->offset, .name_length = v->length,
                           .counts = v->count, .input = t->input, .output = t->output,
                           .succ_start = t->succ_start, .succ_total = t->succ_total,
                           .succ = t->succ};
    uint32_t size = v->size;
    /* The model takes these blocks whatever happens; the trainer forgets
     * them and can only be freed. */
    v->arena = NULL;
    v->offset = NULL;
    v->length = NULL;
    v->count = NULL;
    v->size = 0;
    t->input = t->output = NULL;
    t->succ_start = t->succ_total = NULL;
    t->succ = NULL;
    t->have_corpus = 0;
    i2v_train_params recorded = t->p;
    record_threads(&recorded);
    return model_from_arrays("trained model", size, t->p.dim, &arrays, &recorded, out, err);
}

static void *copy_of(const void *from, size_t bytes)
{
    void *to = malloc(bytes ? bytes : 1);
    if (to)
        copy_bytes(to, from, bytes);
    return to;
}

i2v_status i2v_trainer_snapshot(const i2v_trainer *t, i2v_model **out, i2v_error *err)
{
    *out = NULL;
    if (!t->have_corpus || !t->input)
        return i2v_fail(err, I2V_ERR_INVALID, "the trainer has no model to give");
    const i2v_vocab *v = t->words;
    size_t n = v->size, rows = n * t->p.dim * sizeof(float);
    model_arrays a = {
        .names = copy_of(v->arena, v->arena_len), .name_offset = copy_of(v->offset, n * 8),
        .name_length = copy_of(v->length, n * 4), .counts = copy_of(v->count, n * 8),
        .input = copy_of(t->input, rows), .output = copy_of(t->output, rows),
    };
    int missing = !a.names || !a.name_offset || !a.name_length || !a.counts || !a.input ||
                  !a.output;
    const i2v_trainer *owner = t->source ? t->source : t;
    if (owner->succ) {
        a.succ_start = copy_of(owner->succ_start, (n + 1) * 8);
        a.succ_total = copy_of(owner->succ_total, n * 8);
        a.succ = copy_of(owner->succ, owner->succ_start[n] * sizeof *owner->succ);
        missing |= !a.succ_start || !a.succ_total || !a.succ;
    }
    i2v_train_params p = t->p;
    p.epochs = t->epochs_done ? t->epochs_done : t->p.epochs;
    p.successors = owner->p.successors; /* what the arrays were counted to keep */
    record_threads(&p);
    if (missing) {
        model_arrays_free(&a);
        return i2v_fail_nomem(err, "copying the weights");
    }
    return model_from_arrays("trained model", (uint32_t)n, t->p.dim, &a, &p, out, err);
}

i2v_status trainer_fork(const i2v_trainer *from, const i2v_train_params *p, i2v_trainer **out,
                        i2v_error *err)
{
    *out = NULL;
    if (!from->have_corpus)
        return i2v_fail(err, I2V_ERR_INVALID, "a trainer is forked once its corpus is read");
    if (p->min_count != from->p.min_count || p->max_vocab != from->p.max_vocab)
        return i2v_fail(err, I2V_ERR_INVALID, "a fork keeps the vocabulary of its source");
    i2v_status st = i2v_train_params_check(p, err);
    if (st != I2V_OK)
        return st;
    i2v_trainer *t = calloc(1, sizeof *t);
    if (!t)
        return i2v_fail_nomem(err, "creating a trainer");
    t->p = *p;
    t->kernel = from->kernel;
    t->source = from;
    t->words = from->words;
    t->succ_start = from->succ_start;
    t->succ_total = from->succ_total;
    t->succ = from->succ;
    t->corpus = from->corpus;
    t->corpus.successors = NULL;
    t->corpus.fd = dup(from->corpus.fd); /* pread only: sharing the file is safe */
    t->corpus_read = 1;
    if (t->corpus.fd < 0) {
        st = i2v_fail_errno(err, errno, "sharing the corpus spool");
        t->corpus.fd = -1;
    }
    if (st == I2V_OK)
        st = prepare_weights(t, err);
    if (st != I2V_OK) {
        i2v_trainer_free(t);
        return st;
    }
    *out = t;
    return I2V_OK;
}
