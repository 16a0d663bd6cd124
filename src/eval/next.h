/* Next-item evaluation: the baselines' tables, shared by the module that
 * builds them (eval_baselines.c) and the one that ranks with them
 * (eval_next.c). */
#ifndef I2V_EVAL_NEXT_H
#define I2V_EVAL_NEXT_H

#include "item2vec.h"

struct i2v_baselines {
    /* Every training item, kept whatever its count; ids are popularity
     * ranks (most frequent first, ties by item bytes). */
    i2v_vocab *vocab;
    /* Successors of item a: next_item[row_start[a] .. row_start[a + 1])
     * in ascending id order, with how often each followed a directly. */
    uint64_t *row_start;
    uint32_t *next_item;
    uint32_t *next_count;
};

/* How often `second` directly followed `first` in the training sequences. */
uint32_t baselines_successor_count(const i2v_baselines *b, uint32_t first, uint32_t second);

#endif
