/* The settings the search draws from, and what a candidate costs.  The
 * ranges are those the literature on word2vec for recommendation found to
 * matter (Caselles-Dupre et al. 2018: the negative-sampling exponent,
 * epochs, subsampling, window), and the dimension around the usual rule
 * of thumb (10..30) x V^(1/4). */
#include <math.h>

#include "tune/tune.h"

static const uint32_t windows[] = {1, 2, 3, 5, 7, 10, 0};
static const double samples[] = {0, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3};
static const uint32_t negatives[] = {5, 10, 15, 20};
static const double alphas[] = {0.0125, 0.025, 0.05};
enum { MIN_EPOCHS = 5, MAX_EPOCHS = 200, MIN_DIM = 16, MAX_DIM = 512 };

#define PICK(rng, table) (table)[i2v_rng_below(i2v_rng_next(rng), sizeof(table) / sizeof(table)[0])]

static double uniform(i2v_rng *rng)
{
    return (double)(i2v_rng_next(rng) >> 11) * (1.0 / 9007199254740992.0);
}

/* Three dimensions across the rule of thumb, multiples of 8. */
static uint32_t draw_dim(uint32_t items, i2v_rng *rng)
{
    double root = pow(items > 1 ? items : 2, 0.25), low = 10 * root, high = 30 * root;
    double d = low * pow(high / low, (double)i2v_rng_below(i2v_rng_next(rng), 3) / 2.0);
    uint32_t dim = (uint32_t)(d / 8 + 0.5) * 8;
    return dim < MIN_DIM ? MIN_DIM : dim > MAX_DIM ? MAX_DIM : dim;
}

void tune_draw(i2v_train_params *out, const i2v_train_params *base, uint32_t items,
               uint32_t max_epochs, i2v_rng *rng)
{
    *out = *base;
    out->ns_exponent = round((uniform(rng) * 2 - 1) * 20) / 20; /* steps of 0.05 */
    out->window = PICK(rng, windows);
    out->sample = PICK(rng, samples);
    uint32_t top = max_epochs < MAX_EPOCHS ? max_epochs : MAX_EPOCHS;
    uint32_t low = MIN_EPOCHS < top ? MIN_EPOCHS : top;
    out->epochs = (uint32_t)lround(low * pow((double)top / low, uniform(rng)));
    if (out->epochs < 1)
        out->epochs = 1;
    out->dim = draw_dim(items, rng);
    out->negative = PICK(rng, negatives);
    out->alpha = PICK(rng, alphas);
    out->min_alpha = out->alpha * 1e-4 / 0.025 < base->min_alpha ? out->alpha * 1e-4 / 0.025
                                                                   : base->min_alpha;
    out->cbow = i2v_rng_below(i2v_rng_next(rng), 4) == 0;
}

/* The context rows a centre trains with: a window w reaches 1..w items on
 * each side, (w + 1) on average in all, never more than the sequence
 * holds; window 0 is the whole sequence. */
static double context_rows(uint32_t window, double mean_length)
{
    double whole = mean_length > 1 ? mean_length - 1 : 1;
    return window == 0 || window + 1.0 > whole ? whole : window + 1.0;
}

double tune_kept_share(const i2v_vocab *vocab, double sample)
{
    uint64_t total = i2v_vocab_total(vocab);
    double kept = 0;
    for (uint32_t i = 0; i < i2v_vocab_size(vocab); i++) {
        uint64_t count = i2v_vocab_count(vocab, i);
        kept += (double)count * i2v_keep_probability(count, total, sample);
    }
    return total ? kept / (double)total : 1;
}

/* One epoch's work for settings p: the items kept by subsampling, each a
 * block of context rows against 1 + negative output rows (skip-gram), or
 * one row (their mean) against them and the context summed (CBOW). */
static double epoch_work(const i2v_train_params *p, double mean_length, double kept)
{
    double rows = context_rows(p->window, mean_length * kept);
    double per_item = p->cbow ? (p->negative + 1.0) * 2 + rows : rows * (p->negative + 2.0);
    return per_item * kept * p->dim;
}

double tune_epoch_cost(const i2v_train_params *p, double kept, const i2v_train_params *base,
                       double base_kept, double mean_length)
{
    return epoch_work(p, mean_length, kept) / epoch_work(base, mean_length, base_kept);
}
