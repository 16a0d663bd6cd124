/* Shared by the evaluation modules (eval_*.c): evaluation files read line by
 * line as fields, malformed-line bookkeeping, item lookup the way gensim's
 * evaluate_word_* functions see the vocabulary, and the small pieces of
 * linear algebra they need. */
#ifndef I2V_EVAL_H
#define I2V_EVAL_H

#include <stdint.h>
#include <stdio.h>

#include "item2vec.h"
#include "core/reader.h"

/* ---- evaluation files ---------------------------------------------- */

/* Reads one non-blank line at a time and keeps a copy of its fields, so
 * that all of them stay valid together (the tokenizer's item pointers do
 * not survive the next item). */
typedef struct eval_reader {
    seq_reader seq;
    uint64_t line;      /* 1-based number of the line last returned */
    size_t n_fields;
    size_t *offset;     /* field i starts at text + offset[i] ... */
    size_t *length;     /* ... and has length[i] bytes, then a NUL */
    size_t fields_cap;
    char *text;
    size_t text_len, text_cap;
    int done;
} eval_reader;

i2v_status eval_reader_init(eval_reader *r, FILE *in, const char *name, i2v_error *err);
void eval_reader_free(eval_reader *r);

/* Reads the next non-blank line: 1 when there is one, 0 at the end of the
 * input, -1 on a read error (err filled). */
int eval_reader_next(eval_reader *r, i2v_error *err);

/* Field i of the current line (NUL-terminated); *len gets its length. */
const char *eval_field(const eval_reader *r, size_t i, size_t *len);

/* What eval_reader_each calls for each non-blank line. */
typedef i2v_status (*eval_line_fn)(const eval_reader *r, void *state, i2v_error *err);

/* Reads `in` (named `name` in messages) to its end and calls line() for
 * every non-blank line, stopping at the first failure it returns. */
i2v_status eval_reader_each(FILE *in, const char *name, eval_line_fn line, void *state,
                            i2v_error *err);

/* Counts a malformed line and keeps its number if it is among the first. */
void eval_note_malformed(i2v_eval_malformed *m, uint64_t line);

/* ---- items as gensim's evaluate_word_* see them --------------------- */

/* The vocabulary of an analogy or pair evaluation: the first `limit` items
 * of the model, looked up by name, optionally case-folded.  When several
 * names fold to the same text, the lowest id stands for all of them. */
typedef struct word_index {
    const i2v_model *model;
    uint32_t limit;       /* known ids are < limit */
    int fold;             /* compare upper-cased names */
    i2v_vocab *folded;    /* folded name -> provisional id (fold only) */
    uint32_t *first_id;   /* provisional id -> lowest model id with that name */
    uint32_t *canonical;  /* model id < limit -> the id that stands for it */
    char *scratch;        /* folding buffer */
    size_t scratch_cap;
    void *locale;         /* a locale_t for towupper_l, or NULL: ASCII only */
} word_index;

i2v_status word_index_init(word_index *w, const i2v_model *model, uint32_t restrict_vocab,
                           int case_sensitive, i2v_error *err);
void word_index_free(word_index *w);

/* *id gets the model id that stands for `item`, or -1 when it is unknown
 * or outside the limit. */
i2v_status word_index_find(word_index *w, const char *item, size_t len, int64_t *id,
                           i2v_error *err);

/* The id that stands for model id `id` (< limit): itself unless a more
 * frequent item has the same folded name. */
static inline uint32_t word_index_canonical(const word_index *w, uint32_t id)
{
    return w->fold ? w->canonical[id] : id;
}

/* Upper-cases UTF-8 text as Python's str.upper() does for all but a few
 * characters: each code point's simple capital (towupper_l in `locale`,
 * ASCII only when locale is NULL), and U+00DF (sharp s) becomes "SS".
 * Bytes that are not valid UTF-8 are copied unchanged.  *buf grows as
 * needed; the result is NUL-terminated. */
i2v_status fold_case(void *locale, const char *s, size_t len, char **buf, size_t *cap,
                     size_t *out_len, i2v_error *err);

/* ---- vectors -------------------------------------------------------- */

/* The L2 norm of item i's input vector (computed when the model has none). */
double eval_input_norm(const i2v_model *model, uint32_t i);

/* i2v_spearman that reports a failed allocation instead of answering NAN. */
i2v_status eval_spearman(const double *x, const double *y, size_t n, double *rho,
                         i2v_error *err);

/* Eigenvalues of the symmetric n x n matrix `a` (row-major; destroyed), in
 * descending order, into values[n]: cyclic Jacobi rotations until the
 * off-diagonal part is negligible. */
i2v_status eval_symmetric_eigenvalues(double *a, uint32_t n, double *values, i2v_error *err);

/* The same with the eigenvectors when `vectors` is not NULL: row k of
 * vectors[n * n] is the unit eigenvector of values[k], its largest
 * component positive (so the result does not depend on rounding's choice
 * of sign).  The rotations are accumulated, which costs about as much
 * again as the eigenvalues alone. */
i2v_status eval_symmetric_eigen(double *a, uint32_t n, double *values, double *vectors,
                                i2v_error *err);

#endif
