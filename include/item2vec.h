/*
 * item2vec — item embeddings from sequences of item ids.
 *
 * This header is the whole public API of libitem2vec: it includes one
 * header per part (include/item2vec/NAME.h), and every function is documented
 * where it is declared.  Conventions:
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

#include "item2vec/common.h"
#include "item2vec/vocab.h"
#include "item2vec/sampler.h"
#include "item2vec/params.h"
#include "item2vec/train.h"
#include "item2vec/model.h"
#include "item2vec/query.h"
#include "item2vec/eval.h"
#include "item2vec/coldstart.h"
#include "item2vec/plot.h"
#include "item2vec/tune.h"
#include "item2vec/sessions.h"
#include "item2vec/recommend.h"
#include "item2vec/index.h"

#endif /* ITEM2VEC_H */
