/* item2vec — Training: a trainer reads a corpus once and runs SGNS
 * epochs. Part of the public API; <item2vec.h> includes every part. */
#ifndef ITEM2VEC_TRAIN_H
#define ITEM2VEC_TRAIN_H

#include "item2vec/params.h"
#include "item2vec/vocab.h"
#include "item2vec/model.h"

#ifdef __cplusplus
extern "C" {
#endif

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

/* A trainer with checked parameters.  `tmpdir` is where the corpus is
 * spooled as item ids (NULL: $TMPDIR or /tmp); the spool file is unlinked as
 * soon as it is created, so nothing is left behind whatever happens. */
i2v_status i2v_trainer_create(const i2v_train_params *params, const char *tmpdir,
                              i2v_trainer **out, i2v_error *err);

void i2v_trainer_free(i2v_trainer *trainer);

/* The training kernels this CPU runs, by name: "reference" (plain C, the
 * same instructions on every CPU of an architecture) first, the fastest
 * last.  Writes up to `max` names; returns how many there are. */
size_t i2v_train_kernels(const char **names, size_t max);

/* Trains with the kernel named `name` (one of i2v_train_kernels) instead
 * of the fastest; I2V_ERR_INVALID, naming the choices, for any other. */
i2v_status i2v_trainer_set_kernel(i2v_trainer *trainer, const char *name, i2v_error *err);

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

/* Distinct items the text held, before min_count and max_vocab cut them. */
uint64_t i2v_trainer_corpus_distinct(const i2v_trainer *trainer);

/* Trains all epochs with params->threads Hogwild threads (with
 * params->deterministic, in rounds that give the same weights for any
 * thread count; see the README).  Returns
 * I2V_ERR_CANCELED if i2v_trainer_cancel was called, I2V_ERR_DIVERGED if
 * the loss or the weights stopped being finite. */
i2v_status i2v_trainer_run(i2v_trainer *trainer, i2v_progress_fn progress, void *user,
                           i2v_error *err);

/* Trains the next `epochs` epochs (fewer when fewer of params.epochs are
 * left): the learning rate goes on falling where the previous call left
 * it, towards min_alpha at params.epochs, so training in several calls is
 * training in one.  i2v_trainer_run trains every epoch left. */
i2v_status i2v_trainer_run_epochs(i2v_trainer *trainer, uint32_t epochs,
                                  i2v_progress_fn progress, void *user, i2v_error *err);

/* Epochs trained so far. */
uint32_t i2v_trainer_epochs_done(const i2v_trainer *trainer);

/* A model of the weights as they stand, copied (with the vocabulary and
 * the successors): for evaluating a training in progress, which then goes
 * on.  Its parameters record the epochs trained so far, and the successors
 * the corpus was read with (a fork holds its source's). */
i2v_status i2v_trainer_snapshot(const i2v_trainer *trainer, i2v_model **out, i2v_error *err);

/* Asks a running i2v_trainer_run to stop soon.  Async-signal-safe. */
void i2v_trainer_cancel(i2v_trainer *trainer);

/* Corpus items read in epoch e (0-based) of the last run: every epoch reads
 * the whole corpus, so each equals i2v_trainer_corpus_items. */
uint64_t i2v_trainer_epoch_items(const i2v_trainer *trainer, uint32_t epoch);

/* Positive pairs trained over the last run (after subsampling). */
uint64_t i2v_trainer_pairs(const i2v_trainer *trainer);


/* Moves the trained weights and the vocabulary into a new model; the
 * trainer can then only be freed.  The model keeps the output weights. */
i2v_status i2v_trainer_take_model(i2v_trainer *trainer, i2v_model **out, i2v_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_TRAIN_H */
