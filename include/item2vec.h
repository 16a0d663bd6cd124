/*
 * item2vec — item embeddings from sequences of item ids.
 *
 * This header is the whole public API of libitem2vec.  Every function is
 * documented where it is declared.  Conventions:
 *
 *  - Functions that can fail return an i2v_status and, when `err` is not
 *    NULL, fill it with a message that names the file, item or parameter
 *    concerned and the reason.  The library never prints and never exits.
 *  - Objects are created by a *_create/_open/_new function and released by
 *    the matching *_free, which accepts NULL.
 *  - The library has no global mutable state; separate objects may be used
 *    from separate threads.  One object is not safe for concurrent use
 *    unless its documentation says so.
 *  - Item ids are dense uint32 indices, 0 = most frequent item.
 */
#ifndef ITEM2VEC_H
#define ITEM2VEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define I2V_VERSION_STRING "0.1.0"

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

typedef enum i2v_status {
    I2V_OK = 0,
    I2V_ERR_IO,        /* a system call failed; the message has strerror */
    I2V_ERR_NOMEM,     /* an allocation failed */
    I2V_ERR_INVALID,   /* a parameter is out of its range */
    I2V_ERR_FORMAT,    /* input data (a model, a sequence file) is malformed */
    I2V_ERR_EMPTY,     /* nothing to work on: no sequence, no item kept */
    I2V_ERR_NOT_FOUND, /* an item is not in the vocabulary */
    I2V_ERR_CANCELED,  /* i2v_trainer_cancel() was called */
    I2V_ERR_DIVERGED,  /* training produced non-finite loss or weights */
    I2V_ERR_LIMIT      /* a size limit of the library was reached */
} i2v_status;

/* Room for one message; long file names are shortened, never overflowed. */
#define I2V_ERROR_MESSAGE_SIZE 1024

typedef struct i2v_error {
    i2v_status code;
    char message[I2V_ERROR_MESSAGE_SIZE];
} i2v_error;

/* A short constant name for a status ("io error", "out of memory", ...). */
const char *i2v_status_name(i2v_status status);

/* ------------------------------------------------------------------ */
/* Vocabulary                                                          */
/* ------------------------------------------------------------------ */

/* The longest item the library accepts, in bytes.  Longer runs of
 * non-blank bytes are an error (I2V_ERR_LIMIT), never truncated. */
#define I2V_MAX_ITEM_BYTES (64u * 1024u * 1024u)

/* The most distinct items one vocabulary can hold while counting. */
#define I2V_MAX_ITEMS 0x7ffffff0u

typedef struct i2v_vocab i2v_vocab;

/* An empty vocabulary that counts items as they are added. */
i2v_status i2v_vocab_create(i2v_vocab **out, i2v_error *err);

void i2v_vocab_free(i2v_vocab *vocab);

/* Counts every item of a sequence text read from `in` to its end.
 * `name` names the input in messages.  Items are separated by spaces, tabs,
 * carriage returns and NUL bytes; lines end with '\n'. */
i2v_status i2v_vocab_count_stream(i2v_vocab *vocab, FILE *in, const char *name,
                                  i2v_error *err);

/* Adds `count` occurrences of an item (len bytes, need not be terminated)
 * and stores its provisional id in *id when id is not NULL.  Before
 * i2v_vocab_finalize, ids are in order of first appearance. */
i2v_status i2v_vocab_add(i2v_vocab *vocab, const char *item, size_t len,
                         uint64_t count, uint32_t *id, i2v_error *err);

/* Sorts by count (descending), ties by item bytes (ascending, a prefix
 * before its extensions), keeps items whose count is at least min_count,
 * and at most max_vocab of them (0: no cap).  When remap is not NULL it
 * receives a malloc'ed table: remap[provisional id] = final id, or
 * I2V_DROPPED for an item that was not kept; the caller frees it.
 * Counting is exact: every item is counted before any is dropped.
 * Returns I2V_ERR_EMPTY when no item is kept (the vocabulary is then
 * empty but valid). */
#define I2V_DROPPED 0xffffffffu
i2v_status i2v_vocab_finalize(i2v_vocab *vocab, uint64_t min_count,
                              uint64_t max_vocab, uint32_t **remap,
                              i2v_error *err);

/* Number of items (after finalize: of kept items). */
uint32_t i2v_vocab_size(const i2v_vocab *vocab);

/* The bytes of item `id` (NUL-terminated; *len gets its length if len is
 * not NULL).  The pointer stays valid until the vocabulary is freed. */
const char *i2v_vocab_item(const i2v_vocab *vocab, uint32_t id, size_t *len);

/* The count of item `id`. */
uint64_t i2v_vocab_count(const i2v_vocab *vocab, uint32_t id);

/* Sum of the counts of all items held. */
uint64_t i2v_vocab_total(const i2v_vocab *vocab);

/* The id of an item, or -1 when it is not held. */
int64_t i2v_vocab_find(const i2v_vocab *vocab, const char *item, size_t len);

/* ------------------------------------------------------------------ */
/* Negative sampling and subsampling                                   */
/* ------------------------------------------------------------------ */

/* The distribution negatives are drawn from: P(i) proportional to
 * count(i)^exponent (0.75 in word2vec; 0 is uniform; negative values favour
 * rare items).  Drawn in O(1) with O(V) memory (Walker/Vose alias table). */
typedef struct i2v_sampler i2v_sampler;

i2v_status i2v_sampler_create(const uint64_t *counts, uint32_t n, double exponent,
                              i2v_sampler **out, i2v_error *err);
void i2v_sampler_free(i2v_sampler *sampler);

/* One draw from a 64-bit uniform random value (the caller owns the random
 * generator so that each thread has its own). */
uint32_t i2v_sampler_draw(const i2v_sampler *sampler, uint64_t random64);

/* The exact probability of item i under the sampler's distribution. */
double i2v_sampler_probability(const i2v_sampler *sampler, uint32_t i);

/* word2vec's probability of keeping one occurrence of an item that has
 * `count` occurrences among `total`, for threshold `sample` (0 disables
 * subsampling and returns 1):  (sqrt(f/s) + 1) * s/f, f = count/total,
 * clipped to 1. */
double i2v_keep_probability(uint64_t count, uint64_t total, double sample);

/* ------------------------------------------------------------------ */
/* Training                                                            */
/* ------------------------------------------------------------------ */

typedef struct i2v_train_params {
    uint32_t dim;          /* vector dimensions, 1..I2V_MAX_DIM */
    uint32_t window;       /* max context distance; 0: whole sequence */
    uint32_t negative;     /* negatives per positive pair, 1..I2V_MAX_NEGATIVE */
    uint32_t epochs;       /* passes over the corpus, >= 1 */
    uint32_t threads;      /* worker threads, 1..I2V_MAX_THREADS */
    uint64_t min_count;    /* drop items seen fewer times */
    uint64_t max_vocab;    /* keep at most this many items; 0: no cap */
    double alpha;          /* starting learning rate, > 0 */
    double min_alpha;      /* final learning rate, 0 <= min_alpha <= alpha */
    double sample;         /* subsampling threshold, >= 0 (0: off) */
    double ns_exponent;    /* negative-sampling exponent, finite */
    uint64_t seed;         /* random seed */
} i2v_train_params;

#define I2V_MAX_DIM 10000u
#define I2V_MAX_NEGATIVE 1000u
#define I2V_MAX_THREADS 1024u
#define I2V_MAX_WINDOW 1000000u
#define I2V_MAX_EPOCHS 1000000u

/* The spec's defaults: dim 100, window 5, negative 5, epochs 5, alpha 0.025,
 * min_alpha 0.0001, sample 1e-3, ns_exponent 0.75, min_count 5, no cap,
 * threads 1, seed 1. */
void i2v_train_params_default(i2v_train_params *params);

/* Checks every field against its range; the message names the field. */
i2v_status i2v_train_params_check(const i2v_train_params *params, i2v_error *err);

/* A snapshot of a running training, given to the progress callback. */
typedef struct i2v_progress {
    uint32_t epoch;          /* 1-based epoch being trained */
    uint32_t epochs;
    int epoch_done;          /* 1 when this call reports a finished epoch */
    double fraction;         /* of the whole run, 0..1 */
    double items_per_sec;    /* corpus items read per second, all threads */
    double eta_sec;          /* estimated seconds left */
    double alpha;            /* current learning rate */
    double loss;             /* mean loss per trained pair since the last report */
    double epoch_loss;       /* mean loss per trained pair in this epoch so far */
    uint64_t epoch_items;    /* items read in this epoch so far */
    double elapsed_sec;
} i2v_progress;

/* Called from the thread that called i2v_trainer_run, about ten times a
 * second and once at the end of each epoch. */
typedef void (*i2v_progress_fn)(const i2v_progress *progress, void *user);

typedef struct i2v_trainer i2v_trainer;
typedef struct i2v_model i2v_model; /* see "Models" below */

/* A trainer with checked parameters.  `tmpdir` is where the corpus is
 * spooled as item ids (NULL: $TMPDIR or /tmp); the spool file is unlinked as
 * soon as it is created, so nothing is left behind whatever happens. */
i2v_status i2v_trainer_create(const i2v_train_params *params, const char *tmpdir,
                              i2v_trainer **out, i2v_error *err);

void i2v_trainer_free(i2v_trainer *trainer);

/* Continues training from `base` (incremental training, like gensim's
 * build_vocab(update=True) + train): call before i2v_trainer_read_corpus,
 * and keep `base` open until that returns.  The base needs output weights
 * (the native format keeps them) and params->dim dimensions.  Its items
 * keep their input and output vectors and stay in the vocabulary whatever
 * their count in the new text; their counts are the base counts plus the
 * new ones.  New items join when they reach min_count in the new text
 * (max_vocab caps the total, base items first).  The negative-sampling
 * and subsampling tables use the merged counts; the epochs train on the
 * new text only, with the learning rate falling from alpha to min_alpha
 * again. */
i2v_status i2v_trainer_resume(i2v_trainer *trainer, const i2v_model *base, i2v_error *err);

/* Reads the sequence text once: counts the items, builds the vocabulary
 * (min_count, max_vocab) and spools the sequences as item ids, so later
 * epochs never parse text and the corpus is never held in memory.
 * May be called once per trainer. */
i2v_status i2v_trainer_read_corpus(i2v_trainer *trainer, FILE *in, const char *name,
                                   i2v_error *err);

/* The vocabulary built by i2v_trainer_read_corpus (NULL before). */
const i2v_vocab *i2v_trainer_vocab(const i2v_trainer *trainer);

/* Items (tokens) and sequences in the spooled corpus, counting only items
 * kept in the vocabulary and sequences with at least one of them. */
uint64_t i2v_trainer_corpus_items(const i2v_trainer *trainer);
uint64_t i2v_trainer_corpus_sequences(const i2v_trainer *trainer);

/* Trains all epochs with params->threads Hogwild threads.  Returns
 * I2V_ERR_CANCELED if i2v_trainer_cancel was called, I2V_ERR_DIVERGED if
 * the loss or the weights stopped being finite. */
i2v_status i2v_trainer_run(i2v_trainer *trainer, i2v_progress_fn progress, void *user,
                           i2v_error *err);

/* Asks a running i2v_trainer_run to stop soon.  Async-signal-safe. */
void i2v_trainer_cancel(i2v_trainer *trainer);

/* Corpus items read in epoch e (0-based) of the last run: every epoch reads
 * the whole corpus, so each equals i2v_trainer_corpus_items. */
uint64_t i2v_trainer_epoch_items(const i2v_trainer *trainer, uint32_t epoch);

/* Positive pairs trained over the last run (after subsampling). */
uint64_t i2v_trainer_pairs(const i2v_trainer *trainer);

/* ------------------------------------------------------------------ */
/* Models                                                              */
/* ------------------------------------------------------------------ */

typedef enum i2v_format {
    I2V_FORMAT_AUTO = 0,   /* by file name on write, by content on read */
    I2V_FORMAT_W2V_BIN,    /* word2vec binary */
    I2V_FORMAT_W2V_TEXT,   /* word2vec text (.txt, .vec) */
    I2V_FORMAT_NATIVE      /* item2vec native (.i2v) */
} i2v_format;

/* The format a file name asks for: .bin, .txt/.vec, anything else native. */
i2v_format i2v_format_from_path(const char *path);

/* "word2vec-binary", "word2vec-text", "native". */
const char *i2v_format_name(i2v_format format);

/* Moves the trained weights and the vocabulary into a new model; the
 * trainer can then only be freed.  The model keeps the output weights. */
i2v_status i2v_trainer_take_model(i2v_trainer *trainer, i2v_model **out, i2v_error *err);

void i2v_model_free(i2v_model *model);

/* Number of items and dimensions. */
uint32_t i2v_model_size(const i2v_model *model);
uint32_t i2v_model_dim(const i2v_model *model);

/* The bytes of item i (NUL-terminated; *len gets its length if not NULL). */
const char *i2v_model_item(const i2v_model *model, uint32_t i, size_t *len);

/* The training count of item i (0 when the format does not keep counts). */
uint64_t i2v_model_count(const i2v_model *model, uint32_t i);

/* The input (embedding) vector of item i: dim floats. */
const float *i2v_model_vector(const i2v_model *model, uint32_t i);

/* The output (context) vector of item i, or NULL when the model has none. */
const float *i2v_model_output(const i2v_model *model, uint32_t i);

/* The index of an item, or -1 when it is not in the model. */
int64_t i2v_model_find(const i2v_model *model, const char *item, size_t len);

/* The training parameters when the format keeps them, else NULL. */
const i2v_train_params *i2v_model_params(const i2v_model *model);

/* Writes a model to an open stream in the given format (not AUTO).  The
 * caller owns the stream and decides about temporary files and renames.
 * `name` names the destination in messages. */
i2v_status i2v_model_write(const i2v_model *model, FILE *out, i2v_format format,
                           const char *name, i2v_error *err);

/* Opens a model file.  AUTO recognises the native format by its magic and
 * tells word2vec binary from text by content.  The native format is
 * memory-mapped: opening reads the header and validates every section's
 * bounds, so a query never reads the whole file.  Truncated, corrupted or
 * inconsistent files are I2V_ERR_FORMAT with the reason. */
i2v_status i2v_model_open(const char *path, i2v_format format, i2v_model **out, i2v_error *err);

/* The same from bytes in memory (copied as needed; `data` may be freed
 * afterwards).  `name` names the data in messages. */
i2v_status i2v_model_parse(const void *data, size_t len, i2v_format format, const char *name,
                           i2v_model **out, i2v_error *err);

/* The L2 norm of item i's input vector. */
float i2v_model_norm(const i2v_model *model, uint32_t i);

/* ------------------------------------------------------------------ */
/* Queries                                                             */
/* ------------------------------------------------------------------ */

typedef struct i2v_neighbor {
    uint32_t id;
    float score;
} i2v_neighbor;

/* The k items nearest to `query` (dim floats, any length) by cosine,
 * best first (equal scores: lower id first), leaving out the n_exclude ids
 * in `exclude` and, when limit > 0, every item with id >= limit (gensim's
 * restrict_vocab).  *n_out gets the number written (< k when fewer items
 * qualify).  Safe to call from several threads on one model. */
i2v_status i2v_nearest(const i2v_model *model, const float *query, const uint32_t *exclude,
                       size_t n_exclude, uint32_t limit, uint32_t k, i2v_neighbor *out,
                       uint32_t *n_out, i2v_error *err);

/* gensim's most_similar query: the mean of the unit-length vectors of the
 * positive items minus those of the negative items, written to out (dim
 * floats). */
i2v_status i2v_query_vector(const i2v_model *model, const uint32_t *positive, size_t n_positive,
                            const uint32_t *negative, size_t n_negative, float *out,
                            i2v_error *err);

typedef enum i2v_analogy_method {
    I2V_ANALOGY_ADD = 0, /* 3CosAdd: nearest to b - a + c */
    I2V_ANALOGY_MUL      /* 3CosMul (Levy & Goldberg), cosines shifted to [0,1] */
} i2v_analogy_method;

/* "a is to b as c is to ?": the k best answers, a, b and c excluded;
 * limit as for i2v_nearest. */
i2v_status i2v_analogy(const i2v_model *model, uint32_t a, uint32_t b, uint32_t c,
                       i2v_analogy_method method, uint32_t limit, uint32_t k, i2v_neighbor *out,
                       uint32_t *n_out, i2v_error *err);

/* Top-k for many items at once, each item's own vector as the query (the
 * item itself excluded): what `similar --all` prints.  The neighbours of
 * ids[q] go to out[q * k ...], best first, and their number to n_out[q]
 * (0 for an item whose vector is zero).  A blocked matrix product on
 * `threads` threads (1..I2V_MAX_THREADS); scores are bit for bit those
 * i2v_nearest gives for the item's vector, so the result of a query never
 * depends on the batch it was in.  limit as for i2v_nearest. */
i2v_status i2v_nearest_items(const i2v_model *model, const uint32_t *ids, size_t n_ids,
                             uint32_t limit, uint32_t k, uint32_t threads, i2v_neighbor *out,
                             uint32_t *n_out, i2v_error *err);

/* Model files, as `info` and `convert` see them. */

/* The version of the native format this library writes and reads. */
#define I2V_NATIVE_VERSION 1u

/* The format a model was read from (NATIVE for a model from training). */
i2v_format i2v_model_format(const i2v_model *model);

/* Checks what opening does not, reading every byte: for a native file the
 * checksums of the vector sections, and for every model that all values
 * are finite, that the stored norms match the vectors and that the index
 * leads to every item.  I2V_ERR_FORMAT names what is wrong. */
i2v_status i2v_model_verify(const i2v_model *model, i2v_error *err);

/* ---- query: further declarations go above this line ---- */

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */
/* ------------------------------------------------------------------ */

/* Evaluation files (analogy questions, scored pairs, held-out sequences,
 * item groups) are text: items separated by spaces or tabs, one record per
 * line, blank lines ignored.  A line without the expected shape is counted,
 * the first few line numbers are kept, and the line is skipped: one bad line
 * never spoils a run.  A file with no record at all is I2V_ERR_EMPTY. */
#define I2V_EVAL_LINES_KEPT 5

typedef struct i2v_eval_malformed {
    uint64_t count;                      /* malformed lines */
    uint64_t lines[I2V_EVAL_LINES_KEPT]; /* 1-based numbers of the first ones */
} i2v_eval_malformed;

/* How analogy and pair files name items.  The defaults are those of gensim's
 * KeyedVectors.evaluate_word_analogies / evaluate_word_pairs:
 *  - restrict_vocab N: only the N first (most frequent) items of the model
 *    are known; a question or pair naming any other item is skipped, and
 *    analogy answers are searched among those N only (0: all items);
 *  - case folding: items and model names are compared in upper case (each
 *    character's simple Unicode capital, and "SS" for U+00DF); when several
 *    model names fold to the same text, the most frequent one (lowest id)
 *    stands for all of them, as in gensim. */
#define I2V_EVAL_RESTRICT_DEFAULT 300000u

typedef struct i2v_word_eval_options {
    uint32_t restrict_vocab;    /* default I2V_EVAL_RESTRICT_DEFAULT; 0: all */
    int case_sensitive;         /* default 0: fold case */
    i2v_analogy_method method;  /* analogies only; default I2V_ANALOGY_ADD */
} i2v_word_eval_options;

void i2v_word_eval_options_default(i2v_word_eval_options *options);

/* One section of an analogy file (the text after a ": " header line), or
 * the total over all sections. */
typedef struct i2v_analogy_section {
    char *name;          /* NUL-terminated; "" for questions before any header */
    uint64_t correct;    /* answered with the expected item */
    uint64_t attempted;  /* questions with all four items known */
    uint64_t skipped;    /* questions with an item unknown or outside restrict_vocab */
} i2v_analogy_section;

typedef struct i2v_analogy_eval {
    i2v_analogy_section *sections;  /* in file order */
    size_t n_sections;
    i2v_analogy_section total;      /* name "total" */
    i2v_eval_malformed malformed;   /* lines that are not four items */
} i2v_analogy_eval;

/* Answers every question "a b c d" (a is to b as c is to d) of a
 * questions-words file read from `in` to its end: the answer is the best
 * item for i2v_analogy(a, b, c) whose folded name is none of a, b, c; it is
 * correct when its folded name is d's.  Accuracy = correct / attempted;
 * skipped questions do not count (gensim's dummy4unknown=False).  `name`
 * names the input in messages.  Free the result with i2v_analogy_eval_free,
 * also after a failure. */
i2v_status i2v_eval_analogies(const i2v_model *model, FILE *in, const char *name,
                              const i2v_word_eval_options *options, i2v_analogy_eval *out,
                              i2v_error *err);

void i2v_analogy_eval_free(i2v_analogy_eval *result);

typedef struct i2v_pairs_eval {
    uint64_t pairs;      /* well-formed lines: two items and a finite score */
    uint64_t used;       /* pairs with both items known */
    uint64_t oov;        /* pairs skipped: an item unknown or outside restrict_vocab */
    double spearman;     /* rank correlation, ties get their average rank */
    double pearson;      /* linear correlation */
    i2v_eval_malformed malformed;
} i2v_pairs_eval;

/* Correlates human similarity scores with the model's cosine similarities:
 * each line is "item item score" (WordSim-353, SimLex-999; tabs or spaces);
 * lines whose first item starts with '#' are comments.  Cosines are
 * rounded to float precision, so cosines equal as floats tie, as in
 * gensim's float32 arithmetic.  spearman and pearson are NAN when fewer
 * than two pairs are used or either side is constant.  Only restrict_vocab
 * and case_sensitive of the options apply. */
i2v_status i2v_eval_pairs(const i2v_model *model, FILE *in, const char *name,
                          const i2v_word_eval_options *options, i2v_pairs_eval *out,
                          i2v_error *err);

/* Correlation helpers, exposed for tests and for callers with their own
 * data: NAN when n < 2 or either series is constant. */
double i2v_pearson(const double *x, const double *y, size_t n);
/* Pearson correlation of the ranks; equal values share their average rank.
 * Returns NAN also when scratch memory cannot be allocated. */
double i2v_spearman(const double *x, const double *y, size_t n);

/* Popularity and item-to-next-item counts of training sequences: the two
 * baselines a recommender must beat. */
typedef struct i2v_baselines i2v_baselines;

/* Reads training sequences (the format `train` reads) from `in` to its
 * end, counting every item and every pair of consecutive items.  While
 * reading it holds 8 bytes per item occurrence; afterwards 8 bytes per
 * distinct pair. */
i2v_status i2v_baselines_create(FILE *in, const char *name, i2v_baselines **out,
                                i2v_error *err);

void i2v_baselines_free(i2v_baselines *baselines);

/* Distinct items seen by i2v_baselines_create. */
uint32_t i2v_baselines_items(const i2v_baselines *baselines);

typedef enum i2v_next_score {
    I2V_NEXT_SCORE_AUTO = 0,  /* OUTPUT when the model has output vectors, else COSINE */
    I2V_NEXT_SCORE_OUTPUT,    /* the model's own prediction: query . output vector */
    I2V_NEXT_SCORE_COSINE     /* cosine between the query and input vectors */
} i2v_next_score;

const char *i2v_next_score_name(i2v_next_score score);

typedef struct i2v_next_options {
    uint32_t k;          /* cut-off of HR@k and NDCG@k, >= 1 (default 10) */
    uint32_t context;    /* history items that make the query (default 1; 0: all) */
    i2v_next_score score;
} i2v_next_options;

void i2v_next_options_default(i2v_next_options *options);

/* Means over all evaluated lines; a line whose target cannot be ranked
 * counts as a miss (0). */
typedef struct i2v_rank_metrics {
    uint64_t hits;  /* lines with the target in the top k */
    double hit_rate;  /* HR@k: hits / lines */
    double mrr;       /* mean of 1 / rank over the full ranking */
    double ndcg;      /* NDCG@k: mean of 1 / log2(rank + 1) for ranks <= k */
} i2v_rank_metrics;

typedef struct i2v_next_eval {
    uint64_t lines;              /* evaluated lines: a history and a target */
    uint64_t target_in_history;  /* lines whose target is also in the history */
    uint64_t target_unknown;     /* lines whose target is not in the model */
    uint64_t context_unknown;    /* lines with no query item in the model */
    i2v_next_score score;        /* the scoring used (never AUTO) */
    i2v_rank_metrics model;
    int has_baselines;
    i2v_rank_metrics popular;    /* most popular items not in the history */
    i2v_rank_metrics transition; /* items that most often followed the last history item */
    i2v_eval_malformed malformed;  /* lines with fewer than two items */
} i2v_next_eval;

/* Next-item evaluation, leave-last-out: each line of `in` is a sequence
 * whose last item is the target and whose other items are the history
 * ("history<TAB>target" is the same thing).  Every candidate ranking leaves
 * out the items of the history, so a target repeated from the history is a
 * miss for every method.
 *  - model: the query is made of the last `context` history items (0: the
 *    whole history), those not in the model left out.  OUTPUT ranks
 *    candidates by (mean of their input vectors) . (output vector), COSINE
 *    by cosine with the mean of their unit input vectors.  Equal scores
 *    rank the lower id first.  With no query item, or a target the model
 *    does not know, the line is a miss.
 *  - popular (when baselines is not NULL): items by training count.
 *  - transition: items by how often they followed the last history item in
 *    the training sequences, then by training count.
 * Ranks are over every candidate, so MRR uses the full ranking. */
i2v_status i2v_eval_next_item(const i2v_model *model, const i2v_baselines *baselines,
                              FILE *in, const char *name, const i2v_next_options *options,
                              i2v_next_eval *out, i2v_error *err);

/* Principal components of the input vectors. */
#define I2V_DIMS_TOP 10

typedef struct i2v_dims_eval {
    uint32_t dim;
    uint32_t items;
    double share;          /* the variance share asked for, e.g. 0.9 */
    uint32_t components;   /* fewest components whose variance reaches share */
    uint32_t n_top;        /* min(dim, I2V_DIMS_TOP) */
    double top[I2V_DIMS_TOP];  /* largest explained-variance ratios, descending */
} i2v_dims_eval;

/* Covariance of the centred input vectors (d x d, double precision) and its
 * eigenvalues by the cyclic Jacobi method: O(items d^2 + d^3).  share is in
 * (0, 1].  A model with fewer than two items or no variance is
 * I2V_ERR_EMPTY. */
i2v_status i2v_eval_dims(const i2v_model *model, double share, i2v_dims_eval *out,
                         i2v_error *err);

typedef struct i2v_purity_eval {
    uint32_t k;
    uint64_t items;     /* well-formed lines "item<TAB>group" */
    uint64_t used;      /* items of the file found in the model */
    uint64_t unknown;   /* items of the file not in the model */
    double purity;      /* mean share of same-group items among the k nearest */
    i2v_eval_malformed malformed;
} i2v_purity_eval;

/* Neighbour purity@k against planted groups: for every item of the file
 * (lines "item group") that is in the model, the share of its k nearest
 * items by cosine (itself left out) that the file puts in the same group;
 * neighbours absent from the file count as other groups.  The mean over
 * those items; NAN when there is none.  A line naming an item already
 * listed is malformed (the first line holds). */
i2v_status i2v_eval_purity(const i2v_model *model, FILE *in, const char *name, uint32_t k,
                           i2v_purity_eval *out, i2v_error *err);

/* Splitting a sequence file for next-item evaluation. */
typedef struct i2v_split_options {
    double test_ratio;  /* 0: leave-last-out; in (0, 1): hold out whole sequences */
    uint64_t seed;      /* chooses the held-out sequences */
} i2v_split_options;

typedef struct i2v_split_stats {
    uint64_t sequences;    /* non-blank input lines */
    uint64_t train_lines;
    uint64_t test_lines;
    uint64_t single_item;  /* one-item sequences, always training data */
} i2v_split_stats;

/* Reads sequences from `in` and writes training and test sequences, items
 * separated by single spaces, one per line, in input order.
 *  - leave-last-out (test_ratio 0): a sequence of two or more items goes
 *    whole to `test` (its last item is the target) and without its last
 *    item to `train`;
 *  - holdout (test_ratio > 0): each sequence of two or more items goes
 *    whole to `test` with probability test_ratio, decided by a hash of
 *    the seed and the sequence's ordinal (blank lines do not count), else
 *    whole to `train`.
 * One-item sequences always go to `train`.  Same input and options, same
 * bytes.  Names are used in messages. */
i2v_status i2v_split(FILE *in, const char *in_name, FILE *train, const char *train_name,
                     FILE *test, const char *test_name, const i2v_split_options *options,
                     i2v_split_stats *stats, i2v_error *err);

/* ---- evaluation: declarations go above this line ---- */

/* ------------------------------------------------------------------ */
/* Cold start from item features                                       */
/* ------------------------------------------------------------------ */

/* Places items that have metadata but no behaviour (no vector) in the
 * embedding space of a model, by learning how features map into it from
 * the items that have both.
 *
 * Features file.  One item per line: the item, a tab, then its features
 * separated by spaces or tabs (`shoe_42<TAB>category:shoes brand:acme
 * tag:red`).  Features are opaque words; an item's features are a set
 * (a repeated feature counts once), and an item on several lines has the
 * union of their features, so one "item<TAB>feature" row per pair works
 * too.  "\r\n" ends a line like "\n"; blank lines and lines whose first
 * non-blank byte is '#' are skipped.  Spaces around the item are ignored.
 * A line with no tab, an empty item, an item holding a blank or a NUL byte
 * (no sequence could hold it), no feature, a NUL byte in a feature, or a
 * line longer than I2V_MAX_ITEM_BYTES is malformed: skipped and counted,
 * the first ones kept in the report with their line numbers.
 *
 * Method.  The content vector of an item is a linear function of its
 * bag of features, fitted on the "known" items (in the model and in the
 * file) to their behaviour vectors as they are: longer vectors, mostly
 * those of items with more data and better estimated directions, weigh
 * more (on planted data this placed cold items slightly better than
 * fitting unit vectors).  Only the direction of a content vector is used:
 *
 *  - I2V_COLDSTART_RIDGE: ridge regression W = (X'X + lambda I)^-1 X'Y,
 *    X the binary item-by-feature matrix plus a constant column (so the
 *    direction all items share is not pushed onto the features), Y the
 *    behaviour vectors.  Solved exactly by Cholesky when at most
 *    I2V_COLDSTART_DENSE_FEATURES features are seen on known items, else
 *    by conjugate gradient on the sparse X with a Jacobi preconditioner
 *    (memory O(features x dim), never features^2), to a relative residual
 *    of I2V_COLDSTART_CG_TOLERANCE on every dimension.
 *  - I2V_COLDSTART_MEAN: each feature taken alone.  A feature's vector is
 *    the mean of the behaviour vectors of the known items that carry it,
 *    less the mean of all known items; an item's content is that overall
 *    mean plus its features' vectors.  (Without the centring, a noise tag
 *    carried by unrelated items would pull them all to one place.)
 *
 * Features that no known item carries are ignored.  A cold item (in the
 * file, not in the model) with at least one feature a known item carries
 * is placed: its vector is the direction of its content, scaled to the
 * median length of the model's vectors so that it looks like any other
 * item to whatever reads lengths.  A cold item with none is skipped (its
 * first line is kept in the report).  With fuse = A in [0, 1], a known
 * item's vector becomes A x behaviour + (1 - A) x content, the content
 * scaled to the behaviour vector's length so that A weighs directions,
 * not lengths (A = 1 keeps the behaviour, A = 0 keeps the length only).
 *
 * Output.  The input model's items first, in their order, with their
 * counts and output weights (fused or not); then the placed cold items,
 * in byte order, with count 0 and, when the model has output weights,
 * zero output rows (training can resume and will learn them).  Training
 * parameters are kept.  Index and norms are rebuilt. */

#define I2V_COLDSTART_DENSE_FEATURES 2048u /* Cholesky up to this many features */
#define I2V_COLDSTART_CG_TOLERANCE 1e-6
#define I2V_COLDSTART_CG_MAX_ITERATIONS 2000u
#define I2V_COLDSTART_NO_FUSE (-1.0)       /* fuse: behaviour kept unchanged */
#define I2V_COLDSTART_MAX_EXAMPLES 10      /* malformed lines, skipped items kept */
#define I2V_COLDSTART_REASON_SIZE 192

/* A features file, read and indexed. */
typedef struct i2v_features i2v_features;

/* A line that was not used, and why. */
typedef struct i2v_features_problem {
    uint64_t line;
    char reason[I2V_COLDSTART_REASON_SIZE];
} i2v_features_problem;

typedef struct i2v_features_report {
    uint64_t lines;          /* lines read */
    uint64_t skipped_lines;  /* blank lines and comments */
    uint64_t malformed;      /* malformed lines skipped */
    uint32_t n_examples;     /* min(malformed, I2V_COLDSTART_MAX_EXAMPLES) */
    i2v_features_problem examples[I2V_COLDSTART_MAX_EXAMPLES];
    uint32_t items;          /* distinct items with at least one feature */
    uint32_t features;       /* distinct features */
    uint64_t pairs;          /* distinct (item, feature) pairs */
} i2v_features_report;

/* Reads a features file from `in` (named `name` in messages) to its end.
 * The report is filled as far as the reading got, also on failure.
 * Errors: I2V_ERR_EMPTY for an empty input or one without a single valid
 * line; I2V_ERR_IO for a read error; I2V_ERR_LIMIT past I2V_MAX_ITEMS
 * items or features. */
i2v_status i2v_features_read(FILE *in, const char *name, i2v_features **out,
                             i2v_features_report *report, i2v_error *err);

void i2v_features_free(i2v_features *features);

typedef enum i2v_coldstart_method {
    I2V_COLDSTART_RIDGE = 0,
    I2V_COLDSTART_MEAN
} i2v_coldstart_method;

typedef struct i2v_coldstart_params {
    i2v_coldstart_method method;
    double lambda;   /* ridge penalty, finite and > 0 */
    double fuse;     /* 0..1, or I2V_COLDSTART_NO_FUSE */
} i2v_coldstart_params;

/* Ridge, lambda 1, no fusion. */
void i2v_coldstart_params_default(i2v_coldstart_params *params);

typedef struct i2v_coldstart_report {
    uint32_t known;            /* items with features and a vector: the fit's rows */
    uint32_t without_features; /* model items not in the file: kept as they are */
    uint32_t features;         /* features carried by known items: the fit's columns */
    uint32_t unused_features;  /* features only cold items carry: ignored */
    uint32_t placed;           /* cold items appended */
    uint32_t fused;            /* known items blended (fuse given) */
    uint32_t skipped;          /* cold items with no feature a known item carries */
    uint32_t n_examples;       /* min(skipped, I2V_COLDSTART_MAX_EXAMPLES) */
    i2v_features_problem examples[I2V_COLDSTART_MAX_EXAMPLES]; /* first skipped */
    const char *solver;        /* "cholesky", "conjugate gradient" or "mean" */
    uint32_t iterations;       /* conjugate gradient iterations, else 0 */
    double residual;           /* largest relative residual of conjugate gradient */
    double fit_cosine;         /* mean cosine of content and behaviour, known items */
} i2v_coldstart_report;

/* Builds a new model from `model` and `features` as described above;
 * neither is changed.  The report is filled as far as the run got.  Errors: I2V_ERR_INVALID
 * for bad params; I2V_ERR_EMPTY when no item of the file is in the model
 * (nothing to learn from); I2V_ERR_DIVERGED when the ridge system cannot
 * be solved (lambda too small for the data); I2V_ERR_LIMIT past
 * I2V_MAX_ITEMS items. */
i2v_status i2v_coldstart_run(const i2v_model *model, const i2v_features *features,
                             const i2v_coldstart_params *params, i2v_model **out,
                             i2v_coldstart_report *report, i2v_error *err);

/* ------------------------------------------------------------------ */
/* Plots                                                               */
/* ------------------------------------------------------------------ */

/* A 2-D map of the embedding space: items projected to the plane (PCA or
 * t-SNE), then drawn as a standalone SVG with groups in colour, a legend
 * and labels for the most frequent items. */

typedef enum i2v_projection_method {
    I2V_PROJECT_PCA = 0, /* the two leading principal components (to rounding) */
    I2V_PROJECT_TSNE     /* exact t-SNE (van der Maaten & Hinton 2008) */
} i2v_projection_method;

/* "PCA", "t-SNE". */
const char *i2v_projection_method_name(i2v_projection_method method);

/* Exact t-SNE keeps n x n affinities (4 bytes each) and every gradient
 * step visits each pair: 400 MB and many minutes at this limit. */
#define I2V_TSNE_MAX_POINTS 10000u
#define I2V_TSNE_MAX_ITERATIONS 100000u
#define I2V_TSNE_MAX_PERPLEXITY 10000.0

typedef struct i2v_projection_params {
    i2v_projection_method method;
    double perplexity;    /* t-SNE: effective number of neighbours, >= 1
                             (default 30); lowered to (points - 1) / 3 for
                             small sets, as the reference code requires */
    uint32_t iterations;  /* t-SNE gradient steps, >= 1 (default 1000) */
    uint64_t seed;        /* t-SNE: the jitter added to its PCA start (default 1) */
    uint32_t threads;     /* t-SNE worker threads, 1..I2V_MAX_THREADS (default 1);
                             the result is the same for any number */
} i2v_projection_params;

/* PCA; perplexity 30, 1000 iterations, seed 1 and 1 thread for t-SNE. */
void i2v_projection_params_default(i2v_projection_params *params);

/* Checks every field against its range; the message names the field. */
i2v_status i2v_projection_params_check(const i2v_projection_params *params, i2v_error *err);

typedef struct i2v_projection_report {
    double explained[2];   /* variance shares of the two principal components
                              (for t-SNE: those of its start) */
    double perplexity;     /* t-SNE: the perplexity used; NAN for PCA */
    double kl_divergence;  /* t-SNE: KL(P || Q) of the final layout; NAN for PCA */
} i2v_projection_report;

/* Projects n points of dim floats each (row-major) to the plane: point i
 * goes to (xy[2i], xy[2i + 1]).  Deterministic: the same points and params
 * give the same bytes.
 *  - PCA: the centred points on their two leading principal components,
 *    each axis oriented so that its largest coordinate is positive.  The
 *    components are found by subspace iteration on a block of 10 vectors
 *    with Rayleigh-Ritz steps until they are eigenvectors of the
 *    covariance C to rounding (|| C u - l u || <= 1e-9 l_1): trained
 *    embeddings take 50 to 150 steps of O(d^2) (C formed once, O(n d^2),
 *    when d <= 2n and d <= 2048) or O(n d) (C applied as X^T X); at most
 *    1000 steps when the leading variances hardly stand out (the plane
 *    found then holds nearly as much variance as the best one).
 *  - t-SNE: affinities from squared Euclidean distances calibrated to the
 *    perplexity by bisection, then gradient descent on KL(P || Q) with a
 *    Student-t kernel: early exaggeration 12 and momentum 0.5 for the first
 *    quarter of the steps (at most 250), momentum 0.8 after, per-coordinate
 *    gains (+0.2 / x0.8, at least 0.01) and a learning rate of
 *    max(n / 12, 50) (Belkina et al. 2019).  The start is the PCA layout
 *    scaled to a standard deviation of 1e-4 plus a seeded jitter of 1e-6,
 *    so the global arrangement follows PCA (Kobak & Berens 2019) while
 *    equal points still separate.  O(n^2 (d + iterations)) time, 4 n^2
 *    bytes; each point's forces are summed over all others in a fixed
 *    order, so threads change the speed, never the result.
 * One point lands at the origin.  Errors: I2V_ERR_EMPTY for n = 0,
 * I2V_ERR_INVALID for bad params, I2V_ERR_LIMIT for t-SNE past
 * I2V_TSNE_MAX_POINTS.  report may be NULL. */
i2v_status i2v_project(const float *points, uint32_t n, uint32_t dim,
                       const i2v_projection_params *params, double *xy,
                       i2v_projection_report *report, i2v_error *err);

/* The same for model items ids[0..n): their input vectors scaled to unit
 * length first, so that distances on the map follow cosine similarity, the
 * measure `similar` ranks by (a zero vector stays zero). */
i2v_status i2v_project_items(const i2v_model *model, const uint32_t *ids, uint32_t n,
                             const i2v_projection_params *params, double *xy,
                             i2v_projection_report *report, i2v_error *err);

/* Which items to plot: the first field of every non-blank line of a text
 * file (so an "item<TAB>group" file serves too). */
typedef struct i2v_item_list_report {
    uint64_t lines;         /* non-blank lines read */
    uint64_t unknown;       /* lines naming an item not in the model */
    uint64_t first_unknown; /* line number of the first of them, or 0 */
    uint64_t repeated;      /* lines naming an item listed before */
} i2v_item_list_report;

/* Reads the list from `in` (named `name` in messages) to its end; *ids gets
 * a malloc'ed array of the ids of the listed items that the model holds,
 * each once, ascending (most frequent first), and *n their number; the
 * caller frees it.  No known item is I2V_ERR_EMPTY naming the file. */
i2v_status i2v_item_list_read(const i2v_model *model, FILE *in, const char *name,
                              uint32_t **ids, uint32_t *n, i2v_item_list_report *report,
                              i2v_error *err);

/* Groups of items ("item<TAB>group" lines, as for i2v_eval_purity): the
 * colours of a map. */
#define I2V_NO_GROUP UINT32_MAX

typedef struct i2v_item_groups i2v_item_groups;

typedef struct i2v_item_groups_report {
    uint64_t items;    /* well-formed lines: two fields */
    uint64_t unknown;  /* of them, items not in the model */
    i2v_eval_malformed malformed; /* other shapes, and items listed again
                                     (the first line holds) */
} i2v_item_groups_report;

/* Reads the groups of the model's items from `in` to its end.  Groups are
 * numbered 0, 1, ... in order of first appearance.  A file without any
 * well-formed line is I2V_ERR_EMPTY. */
i2v_status i2v_item_groups_read(const i2v_model *model, FILE *in, const char *name,
                                i2v_item_groups **out, i2v_item_groups_report *report,
                                i2v_error *err);

void i2v_item_groups_free(i2v_item_groups *groups);

/* Number of distinct groups (including those whose items are all unknown). */
uint32_t i2v_item_groups_count(const i2v_item_groups *groups);

/* The name of group g (NUL-terminated; *len gets its length if not NULL). */
const char *i2v_item_groups_name(const i2v_item_groups *groups, uint32_t g, size_t *len);

/* The group of model item `item`, or I2V_NO_GROUP when the file omits it. */
uint32_t i2v_item_group(const i2v_item_groups *groups, uint32_t item);

/* One point of a map. */
typedef struct i2v_plot_point {
    double x, y;       /* projected coordinates, any scale; y grows upwards */
    const char *name;  /* NUL-terminated: tooltip and label */
    uint32_t group;    /* < n_groups, or I2V_NO_GROUP */
} i2v_plot_point;

typedef struct i2v_plot_options {
    const char *title;                /* first line (NULL: none) */
    const char *subtitle;             /* second line, smaller (NULL: none) */
    const char *const *group_names;   /* n_groups names, NULL when no groups */
    uint32_t n_groups;
    uint32_t labels;                  /* label at most this many points, taken
                                         in array order (put the most frequent
                                         items first) */
} i2v_plot_options;

/* What the drawing could show. */
typedef struct i2v_plot_report {
    uint32_t labels_placed;   /* labels drawn */
    uint32_t labels_dropped;  /* labels with no free room, left out */
    uint32_t legend_groups;   /* groups named in the legend */
    uint32_t other_groups;    /* groups summed up as "other" */
} i2v_plot_report;

/* The most groups with a colour of their own; further groups reuse the
 * colours in turn and the legend names only the most populous ones. */
#define I2V_PLOT_PALETTE_SIZE 20u

/* Writes a standalone SVG (1200 x 900 px) to `out` (named `out_name` in
 * messages): title and subtitle on top; points scaled to fit the plot area
 * with equal scales on both axes, no axes (projected coordinates have no
 * units), one colour per group by population (grey for points without
 * group), each with its name as a tooltip; a legend of the groups, most
 * populous first, with their point counts; labels greedily placed near
 * their points, in array order, where they overlap no other label and no
 * point (with a leader line when not right beside the point), else left
 * out.  Text is escaped for XML, invalid UTF-8 and
 * control bytes become U+FFFD and long names are shortened with an
 * ellipsis.  The caller owns the stream. */
i2v_status i2v_plot_svg(FILE *out, const char *out_name, const i2v_plot_point *points,
                        uint32_t n, const i2v_plot_options *options, i2v_plot_report *report,
                        i2v_error *err);

/* ------------------------------------------------------------------ */
/* Sessions from interaction logs                                      */
/* ------------------------------------------------------------------ */

/* Turns an interaction log (CSV or TSV with a header: one row per event,
 * with a user, an item and a time column) into sequences: each user's
 * events ordered by time, split into sessions, one session per line.
 *
 * Input.  RFC 4180: fields may be quoted with '"', a doubled quote inside
 * quotes is one quote, quoted fields may hold delimiters and newlines; a
 * quote inside an unquoted field is kept as a character.  "\r\n" ends a
 * line like "\n"; a UTF-8 byte-order mark before the header is skipped;
 * blank lines are skipped (and counted).  Leading and trailing spaces and
 * tabs of the user, item and time fields are ignored.
 *
 * Time.  An integer or decimal number is seconds since 1970-01-01 UTC,
 * except that magnitudes above 1e11 (the year 5138 in seconds) are
 * milliseconds, above 1e14 microseconds and above 1e17 nanoseconds.
 * ISO 8601: 2024-01-02, 2024-01-02T03:04:05, a space for the T, a
 * fraction of a second (.123 or ,123), and Z or an offset +hh:mm, +hhmm,
 * +hh; a time without a zone is UTC.  Times are kept to the microsecond.
 *
 * Output.  Users in byte order, each user's events by time, equal times
 * in input order: the output depends only on the input and the params.
 * Rules, in this order: a user's history is split where two consecutive
 * events are more than gap_usec apart; events of items seen fewer than
 * min_count times in all valid rows are dropped; with dedup, an event
 * repeating the previous kept item of its session is dropped; a session
 * longer than max_len is cut into pieces of max_len items (the last piece
 * may be shorter); pieces shorter than min_len are dropped.  Items are
 * written separated by one space, a line per piece, prefixed with the
 * user and a tab when with_user is set.  Blanks inside an item (space,
 * tab, CR, LF, NUL) would split it when the output is read as sequences:
 * each becomes '_' (counted in items_renamed); likewise tab, CR, LF and
 * NUL inside a user printed by with_user (users_renamed).
 *
 * Memory.  Events are sorted in a buffer of at most memory_bytes (less
 * the item dictionary, which stays in memory, down to a quarter of the
 * budget); a full buffer is sorted and written to a temporary file in
 * tmpdir (unlinked as soon as it is created, so nothing is left behind
 * whatever happens), and the sorted runs are merged at the end.
 *
 * Malformed rows (a missing field, an empty user or item, a time that does
 * not parse, a character after a closing quote, a quote never closed, a
 * row longer than I2V_MAX_ITEM_BYTES) are skipped and counted; the first
 * ones are kept in the report with their line numbers.  With strict, the
 * first one is an I2V_ERR_FORMAT error naming the line and the reason. */

#define I2V_SESSIONS_NO_GAP (-1)                 /* gap_usec: never split */
#define I2V_SESSIONS_MIN_MEMORY (64u * 1024u)    /* smallest memory_bytes */
#define I2V_SESSIONS_DEFAULT_MEMORY (1024u * 1024u * 1024u)
#define I2V_SESSIONS_MAX_EXAMPLES 10             /* malformed rows kept */
#define I2V_SESSIONS_REASON_SIZE 192

typedef struct i2v_sessions_params {
    const char *user_column; /* a header name, or a 1-based column number */
    const char *item_column; /* (a name wins over a number when both fit) */
    const char *time_column;
    char delimiter;          /* 0: the most frequent of tab , ; | in the header */
    int64_t gap_usec;        /* split after more than this; I2V_SESSIONS_NO_GAP */
    int dedup;               /* drop consecutive repeats within a session */
    uint64_t min_len;        /* drop pieces with fewer items, >= 1 */
    uint64_t max_len;        /* cut sessions into pieces of this many; 0: never */
    uint64_t min_count;      /* drop items with fewer occurrences, >= 1 */
    int with_user;           /* "user<TAB>items" lines */
    int strict;              /* a malformed row is an error */
    uint64_t memory_bytes;   /* sort budget, >= I2V_SESSIONS_MIN_MEMORY */
    const char *tmpdir;      /* for sorted runs; NULL: $TMPDIR or /tmp */
    uint32_t merge_fanin;    /* runs merged at once, >= 2; 0: the default (64) */
} i2v_sessions_params;

/* No gap, no dedup, min_len 1, no cut, min_count 1, no user column,
 * not strict, I2V_SESSIONS_DEFAULT_MEMORY, detected delimiter; the three
 * columns are NULL and must be set. */
void i2v_sessions_params_default(i2v_sessions_params *params);

/* A malformed row: its first line and why. */
typedef struct i2v_sessions_problem {
    uint64_t line;
    char reason[I2V_SESSIONS_REASON_SIZE];
} i2v_sessions_problem;

/* What a run read, dropped and wrote. */
typedef struct i2v_sessions_report {
    char delimiter;            /* the one used, given or detected */
    uint64_t rows;             /* data rows (header and blank lines excluded) */
    uint64_t blank_lines;      /* skipped */
    uint64_t events;           /* rows that gave an event */
    uint64_t malformed;        /* rows skipped as malformed */
    uint32_t n_examples;       /* min(malformed, I2V_SESSIONS_MAX_EXAMPLES) */
    i2v_sessions_problem examples[I2V_SESSIONS_MAX_EXAMPLES]; /* the first ones */
    uint64_t items_renamed;    /* events whose item had blanks replaced */
    uint64_t users_renamed;    /* users written with tabs/newlines replaced */
    uint64_t users;            /* distinct users */
    uint64_t distinct_items;   /* distinct items (after renaming) */
    uint64_t rare_events;      /* events dropped by min_count */
    uint64_t repeats;          /* events dropped by dedup */
    uint64_t cuts;             /* cuts made by max_len */
    uint64_t short_pieces;     /* pieces dropped by min_len */
    uint64_t sessions;         /* lines written */
    uint64_t items_written;
    uint64_t runs;             /* sorted runs written to disk; 0: all in memory */
} i2v_sessions_report;

/* Reads the log from `in` (named in_name in messages) to its end and
 * writes the sessions to `out` (named out_name).  The report is filled as
 * far as the run got, also on failure.  Errors: I2V_ERR_INVALID for bad
 * params or a column not in the header (the message names it);
 * I2V_ERR_EMPTY for an empty input, a header without rows, no valid row,
 * or no session written; I2V_ERR_FORMAT for a malformed row with strict;
 * I2V_ERR_IO for reading, writing or a temporary file. */
i2v_status i2v_sessions_run(const i2v_sessions_params *params, FILE *in, const char *in_name,
                            FILE *out, const char *out_name, i2v_sessions_report *report,
                            i2v_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_H */
