/* The top k rows for many queries at once: a blocked matrix product on
 * threads.  Behind `similar --all`, `similar` and `analogy` from standard
 * input, and `recommend`.
 *
 * Each worker takes a tile of queries and streams every row past it: a
 * block of rows is packed into column-major panels once and scored against
 * all queries of the tile while it sits in cache, so memory traffic is the
 * matrix once per tile rather than once per query.  The panel kernel sums
 * in another order than the one-query dot product, so the heaps keep a few
 * more candidates than asked (BATCH_RESCORE_MARGIN), and those are scored
 * again with the one-query dot product before the final cut: the answer of
 * a query is bit for bit what the one-query scan gives, whatever the tile,
 * block or thread it ran in. */
#ifndef I2V_QUERY_BATCH_H
#define I2V_QUERY_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "item2vec.h"
#include "query/dot.h"

/* How a row's score comes from its dot product with the query. */
typedef enum batch_score {
    BATCH_COSINE,  /* query_score(dot, norm[row]): the query is a unit vector */
    BATCH_DOT_BIAS /* dot + bias[row] (bias NULL: dot alone) */
} batch_score;

typedef struct batch_job {
    const i2v_model *model; /* names a damaged row's item in messages (its rows:
                               input, or output when `rows` are those) */
    const float *rows;      /* candidates, row-major, dim floats each */
    uint32_t n_rows;        /* rows 0..n_rows-1 compete */
    uint32_t dim;
    batch_score score;
    const float *norm;      /* BATCH_COSINE: each row's length */
    const float *bias;      /* BATCH_DOT_BIAS: a term per row, or NULL */
    const float *queries;   /* n_queries x dim */
    size_t n_queries;
    /* Rows a query must not answer: exclude[exclude_start[q] ..
     * exclude_start[q + 1]), ascending; exclude_start NULL for none. */
    const uint64_t *exclude_start;
    const uint32_t *exclude;
    const uint8_t *skip;    /* queries to leave unanswered, or NULL */
    uint32_t k;
    i2v_neighbor *out;      /* n_queries x k: query q's answers at out + q * k */
    uint32_t *n_out;        /* how many each got */
} batch_job;

/* Answers every query of the job on `threads` threads (1..I2V_MAX_THREADS;
 * fewer when there are fewer tiles): best first, equal scores by lower row.
 * A row whose score is not finite is I2V_ERR_FORMAT (damage). */
i2v_status batch_top_k(const batch_job *job, uint32_t threads, i2v_error *err);

/* The score batch_top_k gives row `row` for `query`: the one-query scan's
 * arithmetic, for callers that score single rows (exclusions, ranks). */
float batch_row_score(const batch_job *job, const dot_kernel *kernel, const float *query,
                      uint32_t row);

#endif
