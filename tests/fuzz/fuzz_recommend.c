/* Histories from arbitrary bytes, answered by recommend on a fixed sound
 * model with successors.  The first bytes choose the options (k, context,
 * blend, scoring, keep-seen); the rest are item ids, a history per 0xff
 * byte.  Promises: every history's answers are distinct items of the
 * model, as many as asked for or as there are candidates, never an item
 * of the history without keep-seen, best first; an answer alone equals
 * the same history's answer in a block; and i2v_recommend_rank puts each
 * answer at the rank it was answered at. */
#include "fuzz_common.h"

enum { MOST_HISTORIES = 64, MOST_K = 20 };

static int contains(const uint32_t *items, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (items[i] == id)
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const i2v_model *m = fuzz_fixed_model();
    uint32_t n_items = i2v_model_size(m);
    i2v_recommend_options o;
    i2v_recommend_options_default(m, &o);
    o.k = 1 + data[0] % MOST_K;
    o.context = data[1] % 8;
    o.blend = (data[2] & 0x0f) / 2.0;
    o.keep_seen = data[2] >> 4 & 1;
    o.score = (i2v_rec_score)(data[2] >> 5 & 3);
    o.threads = 1 + (data[1] >> 6);
    data += 3;
    size -= 3;
    i2v_recommender *r = NULL;
    i2v_error err;
    if (i2v_recommender_create(m, &o, &r, &err) != I2V_OK)
        fuzz_fail("a recommender over a sound model was refused", err.message);
    const i2v_recommend_options *used = i2v_recommender_options(r);

    uint32_t *ids = malloc((size ? size : 1) * sizeof *ids);
    i2v_history h[MOST_HISTORIES];
    size_t n = 0, at = 0, start = 0;
    if (!ids)
        fuzz_fail("out of memory in the harness", NULL);
    for (size_t i = 0; i < size && n < MOST_HISTORIES; i++) {
        if (data[i] == 0xff) {
            h[n++] = (i2v_history){ids + start, at - start};
            start = at;
            continue;
        }
        ids[at++] = data[i] % n_items;
    }
    if (n < MOST_HISTORIES)
        h[n++] = (i2v_history){ids + start, at - start};

    i2v_neighbor *block = malloc(n * o.k * sizeof *block), alone[MOST_K];
    uint32_t *counts = malloc(n * sizeof *counts), count;
    if (!block || !counts)
        fuzz_fail("out of memory in the harness", NULL);
    if (i2v_recommend(r, h, n, block, counts, &err) != I2V_OK)
        fuzz_fail("recommend failed on histories of model ids", err.message);
    for (size_t j = 0; j < n; j++) {
        const i2v_neighbor *a = block + j * o.k;
        uint32_t distinct = 0;
        for (uint32_t c = 0; c < n_items; c++)
            distinct += used->keep_seen || !contains(h[j].items, h[j].n, c);
        uint32_t want = h[j].n == 0 ? 0 : distinct < o.k ? distinct : o.k;
        if (counts[j] != want)
            fuzz_fail("recommend answered another number of items than it could", NULL);
        for (uint32_t x = 0; x < counts[j]; x++) {
            if (a[x].id >= n_items || (!used->keep_seen && contains(h[j].items, h[j].n, a[x].id)))
                fuzz_fail("recommend answered an item out of range or of the history", NULL);
            for (uint32_t y = 0; y < x; y++)
                if (a[y].id == a[x].id)
                    fuzz_fail("recommend answered an item twice", NULL);
            if (x > 0 && a[x].score > a[x - 1].score)
                fuzz_fail("recommend's answers are not best first", NULL);
            uint64_t rank = 0;
            if (i2v_recommend_rank(r, &h[j], a[x].id, &rank, &err) != I2V_OK || rank != x + 1)
                fuzz_fail("i2v_recommend_rank disagrees with the answer's place", NULL);
        }
        if (i2v_recommend(r, &h[j], 1, alone, &count, &err) != I2V_OK || count != counts[j] ||
            memcmp(alone, a, count * sizeof *alone) != 0)
            fuzz_fail("a history alone is answered otherwise than in a block", NULL);
    }
    free(block);
    free(counts);
    free(ids);
    i2v_recommender_free(r);
    return 0;
}
