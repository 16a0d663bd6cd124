/* Each item's most frequent successors, counted in bounded memory while the
 * corpus is spooled: what recommend blends with the model's prediction.
 *
 * Every item keeps a Misra-Gries summary of at most 2 x keep slots: a
 * successor already held is counted, a new one takes a free slot, and when
 * none is free every held count drops by one (the new successor's share
 * too), which frees the slots of the rarest.  Items with at most 2 x keep
 * distinct successors are counted exactly; for the others every count is
 * a lower bound within total / (2 x keep + 1) of the truth, so a successor
 * that follows an item more often than that is never lost.  Memory: 24
 * bytes per item, and 8 bytes per slot in use. */
#ifndef I2V_SUCCESSORS_H
#define I2V_SUCCESSORS_H

#include <stdint.h>

#include "item2vec.h"

typedef struct succ_counter succ_counter;

/* A counter for items 0..items-1 that will keep `keep` (>= 1) successors
 * each. */
i2v_status succ_counter_create(uint32_t items, uint32_t keep, succ_counter **out,
                               i2v_error *err);
void succ_counter_free(succ_counter *c);

/* `weight` transitions from item a to item b (both < items). */
i2v_status succ_counter_add(succ_counter *c, uint32_t a, uint32_t b, uint32_t weight,
                            i2v_error *err);

/* Transitions out of a counted elsewhere (a model being continued): its
 * listed successors are added with their counts, and `total` to a's total. */
i2v_status succ_counter_merge(succ_counter *c, uint32_t a, const i2v_successor *pairs,
                              uint32_t n, uint64_t total, i2v_error *err);

/* The `keep` most frequent successors of every item, most frequent first,
 * ties by item, as the arrays of a model (model_arrays): start[items + 1],
 * total[items] and the pairs, malloc'ed, the caller's.  The counter is
 * spent: it can only be freed. */
i2v_status succ_counter_finish(succ_counter *c, uint64_t **start, uint64_t **total,
                               i2v_successor **pairs, i2v_error *err);

#endif
