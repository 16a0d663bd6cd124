/* Internal view of the vocabulary, for the corpus spooler and the model. */
#ifndef I2V_VOCAB_H
#define I2V_VOCAB_H

#include "item2vec.h"

typedef struct vocab_slot {
    uint64_t hash;
    uint32_t id_plus_one; /* 0: empty */
    uint32_t length;
} vocab_slot;

struct i2v_vocab {
    /* Items, in id order: bytes at arena + offset[i], NUL-terminated. */
    char *arena;
    uint64_t arena_len, arena_cap;
    uint64_t *offset;
    uint32_t *length;
    uint64_t *count;
    uint32_t size, cap;
    /* Open addressing, linear probing.  A slot holds the item's hash and
     * length besides its id, so a lookup touches one slot and, on a likely
     * match only, the arena. */
    struct vocab_slot *slot;
    uint64_t slots; /* a power of two, kept at most half full */
    uint64_t total;
    /* The first `pinned` provisional ids are kept by finalize whatever
     * their count, and count towards max_vocab first. */
    uint32_t pinned;
};

/* Pins the items added so far: i2v_vocab_finalize keeps them whatever
 * their count, before any other.  This is how training that continues a
 * model merges counts: the model's items are added first with their
 * counts, pinned, then the new text is counted on top. */
void vocab_pin_all(i2v_vocab *vocab);

/* Bytes the vocabulary holds now (arena, arrays and table). */
size_t vocab_memory_bytes(const i2v_vocab *vocab);

#endif
