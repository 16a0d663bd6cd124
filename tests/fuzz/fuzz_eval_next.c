/* Next-item evaluation from arbitrary bytes against a fixed trained model
 * (fuzz_fixed_model): training sequences for the baselines, then test
 * sequences, separated by the first byte 0x1e (without it, no baselines).
 *
 * The first byte chooses k, the context length, the scoring, the blend and
 * whether seen items are kept.  Promises: every rate lies in [0, 1], hits
 * never exceed the lines, a miss counter never exceeds the lines, AUTO
 * scoring is resolved, and the blend changes nothing but the model's row. */
#include "fuzz_common.h"

#define BASELINES_END 0x1e

static void check_metrics(const i2v_rank_metrics *r, uint64_t lines, const char *which)
{
    if (r->hits > lines || !(r->hit_rate >= 0 && r->hit_rate <= 1) ||
        !(r->mrr >= 0 && r->mrr <= 1) || !(r->ndcg >= 0 && r->ndcg <= 1 + 1e-12))
        fuzz_fail("a next-item metric out of range", which);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t knobs = data[0];
    data++;
    size--;
    const i2v_model *m = fuzz_fixed_model();
    i2v_error err;
    i2v_baselines *b = NULL;
    const uint8_t *end = memchr(data, BASELINES_END, size);
    if (end) {
        FILE *train = fuzz_stream(data, (size_t)(end - data));
        if (!train)
            fuzz_fail("cannot open the training part", NULL);
        i2v_status st = i2v_baselines_create(train, "fuzz-train", &b, &err);
        fclose(train);
        if (st != I2V_OK && st != I2V_ERR_EMPTY)
            fuzz_fail("baselines from memory failed", err.message);
        size -= (size_t)(end - data) + 1;
        data = end + 1;
    }
    i2v_next_options o;
    i2v_next_options_default(m, &o);
    o.k = 1 + (knobs & 7);
    o.recommend.context = (knobs >> 3) & 3;
    o.recommend.score = (i2v_rec_score)((knobs >> 5) & 3);
    o.recommend.blend = (knobs >> 7) ? 0.5 : 0;
    o.recommend.keep_seen = (knobs >> 3) & 4 ? 1 : 0;
    FILE *in = fuzz_stream(data, size);
    if (!in)
        fuzz_fail("cannot open the test part", NULL);
    i2v_next_eval r;
    i2v_status st = i2v_eval_next_item(m, b, in, "fuzz", &o, &r, &err);
    fclose(in);
    if (st == I2V_OK) {
        if (r.used.score == I2V_REC_AUTO)
            fuzz_fail("the scoring was left AUTO", NULL);
        if (r.target_unknown > r.lines || r.context_unknown > r.lines ||
            r.target_in_history > r.lines)
            fuzz_fail("a miss counter exceeds the lines", NULL);
        check_metrics(&r.model, r.lines, "model");
        if (r.has_model_alone)
            check_metrics(&r.model_alone, r.lines, "model alone");
        if (r.has_baselines) {
            check_metrics(&r.popular, r.lines, "popular");
            check_metrics(&r.transition, r.lines, "transition");
        }
    } else if (st != I2V_ERR_EMPTY) {
        fuzz_fail("next-item evaluation from memory failed", err.message);
    }
    i2v_baselines_free(b);
    return 0;
}
