/* Internal view of the vocabulary, for the corpus spooler and the model. */
#ifndef I2V_VOCAB_H
#define I2V_VOCAB_H

#include "item2vec.h"

struct i2v_vocab {
    /* Items, in id order: bytes at arena + offset[i], NUL-terminated. */
    char *arena;
    uint64_t arena_len, arena_cap;
    uint64_t *offset;
    uint32_t *length;
    uint64_t *count;
    uint32_t size, cap;
    /* Open addressing, linear probing: slot holds id + 1 (0 = empty) and
     * the item's hash, so most mismatches are rejected without touching
     * the arena. */
    uint32_t *slot_id;
    uint64_t *slot_hash;
    uint64_t slots; /* a power of two, kept at most half full */
    uint64_t total;
};

#endif
