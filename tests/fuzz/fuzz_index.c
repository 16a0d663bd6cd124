/* Index (graph) sections from arbitrary bytes, attached to a fixed sound
 * model: the bytes stand behind every file checksum, as a section forged
 * with valid checksums would.  Promises: describing, verifying and
 * searching never read outside the section or the model, never crash;
 * every answer is an item of the model, not excluded, not repeated, best
 * first, with the score the exact scan gives it; and a graph that
 * verifies answers every query.  Seeds are sections the library built. */
#include "fuzz_common.h"
#include "model/model.h"

enum { K = 5 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const i2v_model *fixed = fuzz_fixed_model();
    /* Mapped sections are 64-byte aligned: so is the copy. */
    unsigned char *graph = aligned_alloc(64, (size + 64) / 64 * 64);
    if (!graph)
        return 0;
    memcpy(graph, data, size);
    i2v_model m = *fixed;
    memset(m.owned, 0, sizeof m.owned);
    m.graph = graph;
    m.graph_size = size;
    m.graph_owned = NULL;
    m.mapping = NULL;
    uint32_t n = m.size, ids[4] = {0, n - 1, n / 2, 1};
    i2v_neighbor answers[4 * K], exact[K];
    uint32_t counts[4], got;
    i2v_error err;
    i2v_index_info info;
    int described = i2v_index_describe(&m, &info, &err) == I2V_OK;
    int sound = described && i2v_index_verify(&m, &err) == I2V_OK;
    i2v_status st = i2v_nearest_items_index(&m, ids, 4, 0, K, 1 + size % 16, 1, answers, counts,
                                            &err);
    if (sound && st != I2V_OK)
        fuzz_fail("a graph that verifies did not answer", err.message);
    if (!described && st == I2V_OK)
        fuzz_fail("a graph refused by its header answered", NULL);
    for (uint32_t q = 0; st == I2V_OK && q < 4; q++) {
        if (i2v_nearest_items(&m, &ids[q], 1, 0, K, 1, exact, &got, &err) != I2V_OK)
            fuzz_fail("the exact scan failed on the fixed model", err.message);
        for (uint32_t a = 0; a < counts[q]; a++) {
            i2v_neighbor x = answers[q * K + a];
            if (x.id >= n || x.id == ids[q])
                fuzz_fail("an answer out of range or excluded", NULL);
            for (uint32_t b = 0; b < a; b++)
                if (answers[q * K + b].id == x.id)
                    fuzz_fail("an item answered twice", NULL);
            if (a > 0 && answers[q * K + a - 1].score < x.score)
                fuzz_fail("answers out of order", NULL);
            for (uint32_t b = 0; b < got; b++)
                if (exact[b].id == x.id && exact[b].score != x.score)
                    fuzz_fail("a score other than the exact scan's", NULL);
        }
    }
    free(graph);
    return 0;
}
