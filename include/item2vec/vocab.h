/* item2vec — Vocabulary: exact item counts, ids by frequency. Part of the
 * public API; <item2vec.h> includes every part. */
#ifndef ITEM2VEC_VOCAB_H
#define ITEM2VEC_VOCAB_H

#include "item2vec/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Vocabulary                                                          */
/* ------------------------------------------------------------------ */

/* The longest item the library accepts, in bytes.  Longer runs of
 * non-blank bytes are an error (I2V_ERR_LIMIT), never truncated. */
#define I2V_MAX_ITEM_BYTES (64u * 1024u * 1024u)

/* The most distinct items one vocabulary can hold while counting. */
#define I2V_MAX_ITEMS 0x7ffffff0u

/* Whether `len` bytes can name an item: not empty, at most
 * I2V_MAX_ITEM_BYTES, and no byte that separates items in a sequence file
 * (space, tab, carriage return, line feed, NUL).  One rule for every
 * format: the sequence reader never makes such a name, every model reader
 * refuses one, and no writer can be asked to write one. */
int i2v_item_name_valid(const char *name, size_t len);

/* 1 for the bytes i2v_item_name_valid refuses inside a name. */
int i2v_item_separator(unsigned char c);

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

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_VOCAB_H */
