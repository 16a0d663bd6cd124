/* What the trainer offers inside the library beyond its public API: the
 * settings search (tune/) trains many candidates on one corpus. */
#ifndef I2V_TRAIN_TRAIN_H
#define I2V_TRAIN_TRAIN_H

#include "item2vec.h"

/* A trainer with parameters `p` on the corpus `from` has read: the spool,
 * the vocabulary and the successors are shared (read once), the weights,
 * sampler and subsampling are its own.  p's min_count and max_vocab must
 * be from's.  `from` must outlive the fork; a fork gives snapshots (or a
 * copied model). */
i2v_status trainer_fork(const i2v_trainer *from, const i2v_train_params *p, i2v_trainer **out,
                        i2v_error *err);

#endif
