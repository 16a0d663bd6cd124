#include "core/successors.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/grow.h"

/* One item's summary: slot[0..n) in no particular order until finish. */
typedef struct summary {
    i2v_successor *slot;
    uint32_t n;
    size_t cap;
    uint64_t total;
} summary;

struct succ_counter {
    uint32_t items, keep, slots_max;
    summary *of; /* per item */
};

enum { FIRST_SLOTS = 4 };

i2v_status succ_counter_create(uint32_t items, uint32_t keep, succ_counter **out,
                               i2v_error *err)
{
    *out = NULL;
    if (keep < 1 || keep > I2V_MAX_SUCCESSORS)
        return i2v_fail_param(err, I2V_ERR_INVALID, I2V_PARAM_SUCCESSORS,
                              "successors must be between 1 and %u", I2V_MAX_SUCCESSORS);
    succ_counter *c = calloc(1, sizeof *c);
    if (c)
        c->of = calloc(items ? items : 1, sizeof *c->of);
    if (!c || !c->of) {
        free(c);
        return i2v_fail_nomem(err, "counting successors");
    }
    c->items = items;
    c->keep = keep;
    c->slots_max = 2 * keep;
    *out = c;
    return I2V_OK;
}

void succ_counter_free(succ_counter *c)
{
    if (!c)
        return;
    for (uint32_t i = 0; i < c->items; i++)
        free(c->of[i].slot);
    free(c->of);
    free(c);
}

/* Takes `by` from every held count and drops the slots left at zero. */
static void lower_all(summary *s, uint32_t by)
{
    uint32_t kept = 0;
    for (uint32_t j = 0; j < s->n; j++) {
        if (s->slot[j].count > by) {
            s->slot[kept] = s->slot[j];
            s->slot[kept++].count -= by;
        }
    }
    s->n = kept;
}

static uint32_t smallest_count(const summary *s)
{
    uint32_t least = UINT32_MAX;
    for (uint32_t j = 0; j < s->n; j++)
        if (s->slot[j].count < least)
            least = s->slot[j].count;
    return least;
}

/* Misra-Gries with weights: `weight` occurrences of `item` in s. */
static i2v_status count_in(succ_counter *c, summary *s, uint32_t item, uint32_t weight,
                           i2v_error *err)
{
    for (uint32_t j = 0; j < s->n; j++) {
        if (s->slot[j].item == item) {
            uint32_t room = UINT32_MAX - s->slot[j].count;
            s->slot[j].count += weight < room ? weight : room; /* saturate, never wrap */
            return I2V_OK;
        }
    }
    while (weight > 0 && s->n == c->slots_max) {
        /* Full: every held count, and the newcomer's, drop together until
         * a slot frees or the newcomer is spent. */
        uint32_t least = smallest_count(s), by = least < weight ? least : weight;
        lower_all(s, by);
        weight -= by;
    }
    if (weight == 0)
        return I2V_OK;
    if (grow_array(&s->slot, &s->cap, (size_t)s->n + 1, sizeof *s->slot, FIRST_SLOTS) != 0)
        return i2v_fail_nomem(err, "counting successors");
    s->slot[s->n++] = (i2v_successor){item, weight};
    return I2V_OK;
}

i2v_status succ_counter_add(succ_counter *c, uint32_t a, uint32_t b, uint32_t weight,
                            i2v_error *err)
{
    summary *s = &c->of[a];
    s->total += weight;
    return count_in(c, s, b, weight, err);
}

i2v_status succ_counter_merge(succ_counter *c, uint32_t a, const i2v_successor *pairs,
                              uint32_t n, uint64_t total, i2v_error *err)
{
    summary *s = &c->of[a];
    s->total += total;
    for (uint32_t j = 0; j < n; j++) {
        i2v_status st = count_in(c, s, pairs[j].item, pairs[j].count, err);
        if (st != I2V_OK)
            return st;
    }
    return I2V_OK;
}

static int more_frequent_first(const void *pa, const void *pb)
{
    const i2v_successor *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return (a->item > b->item) - (a->item < b->item);
}

i2v_status succ_counter_finish(succ_counter *c, uint64_t **start_out, uint64_t **total_out,
                               i2v_successor **pairs_out, i2v_error *err)
{
    *start_out = *total_out = NULL;
    *pairs_out = NULL;
    uint64_t listed = 0;
    for (uint32_t i = 0; i < c->items; i++)
        listed += c->of[i].n < c->keep ? c->of[i].n : c->keep;
    uint64_t *start = malloc(((size_t)c->items + 1) * sizeof *start);
    uint64_t *total = malloc((c->items ? c->items : 1) * sizeof *total);
    i2v_successor *pairs = malloc((listed ? listed : 1) * sizeof *pairs);
    if (!start || !total || !pairs) {
        free(start);
        free(total);
        free(pairs);
        return i2v_fail_nomem(err, "listing successors");
    }
    uint64_t at = 0;
    for (uint32_t i = 0; i < c->items; i++) {
        summary *s = &c->of[i];
        if (s->n > 1)
            qsort(s->slot, s->n, sizeof *s->slot, more_frequent_first);
        uint32_t k = s->n < c->keep ? s->n : c->keep;
        start[i] = at;
        total[i] = s->total;
        if (k)
            memcpy(pairs + at, s->slot, k * sizeof *pairs);
        at += k;
        free(s->slot);
        s->slot = NULL;
        s->n = 0;
    }
    start[c->items] = at;
    *start_out = start;
    *total_out = total;
    *pairs_out = pairs;
    return I2V_OK;
}
