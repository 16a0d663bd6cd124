/* item2vec — Recommendations: the next items for a user's history, by the
 * model's own prediction blended with the successors training recorded.
 * Part of the public API; <item2vec.h> includes every part.
 *
 * The rule, for a history h (model ids, oldest first):
 *
 *  - Query.  The last `context` items of h, the newest weighing most:
 *    weights 1, 1/2, 1/4, ... going back (RECENCY_DECAY); q is their
 *    weighted mean input vector (of the vectors made unit for COSINE).
 *  - The model's prediction of candidate c (PREDICT): q . out(c) +
 *    x log count(c), x the ns-exponent the model was trained with.  SGNS
 *    with negatives drawn from count^x learns in . out = log P(c | in) -
 *    x log count(c) + const (Levy and Goldberg's analysis), so adding the
 *    term back makes the score the model's estimate of log P(next = c),
 *    up to a constant; q . out alone (DOT) underrates every popular item.
 *  - The successors.  S(c) is the weighted mean, over the query's items
 *    that have recorded successors (same weights), of the share of their
 *    counted transitions that went to c; the score gets
 *    blend x log(1 + S(c) / I2V_SUCCESSOR_FLOOR).  blend 0: the model
 *    alone.
 *  - Candidates are every item but those of h (unless keep_seen); equal
 *    scores rank the lower id first. */
#ifndef ITEM2VEC_RECOMMEND_H
#define ITEM2VEC_RECOMMEND_H

#include "item2vec/model.h"
#include "item2vec/query.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Each step back into the history halves an item's weight. */
#define I2V_RECENCY_DECAY 0.5
/* A share of transitions this small adds log 2 x blend to a score. */
#define I2V_SUCCESSOR_FLOOR 0.01

typedef enum i2v_rec_score {
    I2V_REC_AUTO = 0, /* PREDICT when the model has output vectors, else COSINE */
    I2V_REC_PREDICT,  /* q . out(c) + x log count(c) (no count term without counts) */
    I2V_REC_DOT,      /* q . out(c) */
    I2V_REC_COSINE    /* cosine of q and in(c): a model without output vectors */
} i2v_rec_score;

/* "predict", "dot", "cosine" ("auto" for AUTO). */
const char *i2v_rec_score_name(i2v_rec_score score);

typedef struct i2v_recommend_options {
    uint32_t k;           /* answers per history, >= 1 */
    uint32_t context;     /* history items making the query; 0: all of them */
    double blend;         /* weight of the successors, 0..1000 */
    int keep_seen;        /* the history's own items may be answered */
    i2v_rec_score score;
    uint32_t threads;     /* i2v_recommend's threads, 1..I2V_MAX_THREADS */
    uint32_t successors;  /* the blend uses each item's most frequent successors
                             only, at most this many; 0: all the model keeps */
    uint32_t ef;          /* > 0: candidates are found through the model's index
                             (item2vec/index.h) with a search list of ef, the
                             walk starting from the context's items as well;
                             0: the exact scan */
} i2v_recommend_options;

/* k 10, the context and blend the model records (else the parameters'
 * defaults), history items not answered, AUTO, one thread, every
 * successor, the exact scan. */
void i2v_recommend_options_default(const i2v_model *model, i2v_recommend_options *options);

typedef struct i2v_recommender i2v_recommender;

/* What a recommender does otherwise than asked, because the model lacks
 * what it needs (bits of i2v_recommender_notes). */
enum {
    I2V_REC_NOTE_COSINE = 1,        /* no output vectors: cosine instead */
    I2V_REC_NOTE_NO_SUCCESSORS = 2, /* a blend was asked but no successors are kept */
    I2V_REC_NOTE_NO_COUNTS = 4      /* PREDICT without counts: q . out alone */
};

/* A recommender over `model`, which must outlive it.  When the blend is
 * used, the model's successors are checked first (a damaged section is
 * I2V_ERR_FORMAT naming it).  Safe to use from several threads. */
i2v_status i2v_recommender_create(const i2v_model *model, const i2v_recommend_options *options,
                                  i2v_recommender **out, i2v_error *err);

void i2v_recommender_free(i2v_recommender *recommender);

unsigned i2v_recommender_notes(const i2v_recommender *recommender);

/* The scoring used (never AUTO) and the options in force. */
const i2v_recommend_options *i2v_recommender_options(const i2v_recommender *recommender);

/* A history: model ids, oldest first. */
typedef struct i2v_history {
    const uint32_t *items;
    size_t n;
} i2v_history;

/* The k best items for each of n histories, best first: history h's go to
 * out[h * k ...] and their number to n_out[h] (0 for an empty history).
 * A blocked product on the options' threads; every answer is bit for bit
 * what the history gets alone. */
i2v_status i2v_recommend(const i2v_recommender *recommender, const i2v_history *histories,
                         size_t n, i2v_neighbor *out, uint32_t *n_out, i2v_error *err);

/* Where `target` ranks among all the candidates the recommender orders for
 * `history` (1 is first), the order i2v_recommend answers from; 0 when it
 * cannot be ranked (an empty history, a target of the history without
 * keep_seen, an id past the model).  The score arithmetic is
 * i2v_recommend's, so a rank <= k means i2v_recommend answers the target
 * at that rank. */
i2v_status i2v_recommend_rank(const i2v_recommender *recommender, const i2v_history *history,
                              uint32_t target, uint64_t *rank, i2v_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_RECOMMEND_H */
