/* What the one-query code (query.c) and the batched `--all` code
 * (query_all.c) share, so that both print the same scores bit for bit. */
#ifndef I2V_QUERY_H
#define I2V_QUERY_H

#include "model/model.h"

/* Cosine of a row with a unit query, from their dot product and the row's
 * norm.  A zero row scores 0 (gensim would give NaN); a NaN dot stays NaN
 * so that damaged rows are noticed. */
static inline float query_score(float dot, float norm)
{
    return norm > 0.0f ? dot / norm : dot * 0.0f + 0.0f;
}

/* 1 when id is one of the n_exclude ids in exclude (a query's own items:
 * a handful, so a scan of them). */
static inline int query_excluded(uint32_t id, const uint32_t *exclude, size_t n_exclude)
{
    for (size_t i = 0; i < n_exclude; i++)
        if (exclude[i] == id)
            return 1;
    return 0;
}

/* unit = query / |query|, as gensim's unitvec scales it; I2V_ERR_INVALID
 * when the query is zero or not finite. */
i2v_status query_unit(const float *query, uint32_t dim, float *unit, i2v_error *err);

/* The error for a row holding NaN or infinity: the model is damaged. */
i2v_status query_damaged_row(const i2v_model *m, uint32_t row, i2v_error *err);

#endif
