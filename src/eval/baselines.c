/* The trivial recommenders an embedding must beat, learnt from the training
 * sequences: item popularity, and which items followed which. */
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "eval/next.h"
#include "core/reader.h"
#include "util/grow.h"

#define NO_ITEM UINT32_MAX

/* Consecutive pairs as (first << 32 | second), first collected with
 * provisional ids, then renumbered and sorted. */
typedef struct pair_list {
    uint64_t *pairs;
    size_t n, cap;
} pair_list;

static i2v_status pair_push(pair_list *l, uint32_t first, uint32_t second, i2v_error *err)
{
    if (grow_array(&l->pairs, &l->cap, l->n + 1, sizeof *l->pairs, 4096) != 0)
        return i2v_fail_nomem(err, "collecting consecutive items of the training data");
    l->pairs[l->n++] = (uint64_t)first << 32 | second;
    return I2V_OK;
}

/* One pass over the text: counts every item and lists every pair of
 * consecutive items of a line. */
static i2v_status read_training(FILE *in, const char *name, i2v_vocab *vocab, pair_list *pairs,
                                i2v_error *err)
{
    seq_reader r;
    i2v_status st = seq_reader_init(&r, in, name, err);
    if (st != I2V_OK)
        return st;
    uint32_t previous = NO_ITEM;
    while (st == I2V_OK) {
        const char *item;
        size_t len;
        seq_event ev = seq_reader_next(&r, &item, &len, err);
        if (ev == SEQ_END)
            break;
        if (ev == SEQ_ERROR) {
            st = err->code;
        } else if (ev == SEQ_EOL) {
            previous = NO_ITEM;
        } else {
            uint32_t id;
            st = i2v_vocab_add(vocab, item, len, 1, &id, err);
            if (st == I2V_OK && previous != NO_ITEM)
                st = pair_push(pairs, previous, id, err);
            previous = id;
        }
    }
    seq_reader_free(&r);
    return st;
}

static int by_value(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

/* Renumbers the pairs into final (popularity) ids, sorts them, and stores
 * each item's successors as one row of counts. */
static i2v_status build_rows(i2v_baselines *b, pair_list *l, const uint32_t *remap,
                             i2v_error *err)
{
    for (size_t i = 0; i < l->n; i++)
        l->pairs[i] = (uint64_t)remap[l->pairs[i] >> 32] << 32 | remap[l->pairs[i] & 0xffffffffu];
    if (l->n > 1) /* no pair at all leaves l->pairs NULL, which qsort must not see */
        qsort(l->pairs, l->n, sizeof *l->pairs, by_value);
    size_t distinct = 0;
    for (size_t i = 0; i < l->n; i++)
        distinct += i == 0 || l->pairs[i] != l->pairs[i - 1];
    uint32_t items = i2v_vocab_size(b->vocab);
    b->row_start = calloc((size_t)items + 1, sizeof *b->row_start);
    b->next_item = malloc((distinct ? distinct : 1) * sizeof *b->next_item);
    b->next_count = malloc((distinct ? distinct : 1) * sizeof *b->next_count);
    if (!b->row_start || !b->next_item || !b->next_count)
        return i2v_fail_nomem(err, "counting consecutive items of the training data");
    size_t at = 0;
    for (size_t i = 0; i < l->n; i++) {
        uint32_t first = (uint32_t)(l->pairs[i] >> 32);
        if (i > 0 && l->pairs[i] == l->pairs[i - 1]) {
            if (b->next_count[at - 1] < UINT32_MAX) /* saturate, never wrap */
                b->next_count[at - 1]++;
            continue;
        }
        b->next_item[at] = (uint32_t)l->pairs[i];
        b->next_count[at] = 1;
        b->row_start[first + 1]++;
        at++;
    }
    for (uint32_t a = 0; a < items; a++)
        b->row_start[a + 1] += b->row_start[a];
    return I2V_OK;
}

i2v_status i2v_baselines_create(FILE *in, const char *name, i2v_baselines **out, i2v_error *err)
{
    i2v_error scratch; /* the reader reports its failures through err */
    if (!err)
        err = &scratch;
    *out = NULL;
    i2v_baselines *b = calloc(1, sizeof *b);
    if (!b)
        return i2v_fail_nomem(err, "creating the baselines");
    pair_list pairs = {0};
    uint32_t *remap = NULL;
    i2v_status st = i2v_vocab_create(&b->vocab, err);
    if (st == I2V_OK)
        st = read_training(in, name, b->vocab, &pairs, err);
    if (st == I2V_OK && i2v_vocab_total(b->vocab) == 0)
        st = i2v_fail(err, I2V_ERR_EMPTY, "%s: no items (the training file is empty or blank)",
                      name);
    if (st == I2V_OK)
        st = i2v_vocab_finalize(b->vocab, 1, 0, &remap, err);
    if (st == I2V_OK)
        st = build_rows(b, &pairs, remap, err);
    free(remap);
    free(pairs.pairs);
    if (st != I2V_OK) {
        i2v_baselines_free(b);
        return st;
    }
    *out = b;
    return I2V_OK;
}

void i2v_baselines_free(i2v_baselines *b)
{
    if (!b)
        return;
    i2v_vocab_free(b->vocab);
    free(b->row_start);
    free(b->next_item);
    free(b->next_count);
    free(b);
}

uint32_t i2v_baselines_items(const i2v_baselines *b)
{
    return i2v_vocab_size(b->vocab);
}

uint32_t baselines_successor_count(const i2v_baselines *b, uint32_t first, uint32_t second)
{
    uint64_t lo = b->row_start[first], hi = b->row_start[first + 1];
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (b->next_item[mid] < second)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < b->row_start[first + 1] && b->next_item[lo] == second ? b->next_count[lo] : 0;
}
