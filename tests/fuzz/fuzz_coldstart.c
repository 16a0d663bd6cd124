/* Features files from arbitrary bytes, through cold start against a fixed
 * trained model (fuzz_fixed_model).  The first byte chooses ridge or
 * mean, the penalty and the fusion; the rest is the file.
 *
 * Promises: the report adds up (malformed examples never exceed the
 * malformed lines); the new model holds the old items first, in their
 * order, then the placed items, in byte order; it verifies and keeps the
 * contract of every model (fuzz_exercise_model). */
#include "fuzz_common.h"

static void check_result(const i2v_model *old, const i2v_model *m, const i2v_coldstart_report *r)
{
    uint32_t n = i2v_model_size(old);
    if (i2v_model_size(m) != n + r->placed || i2v_model_dim(m) != i2v_model_dim(old))
        fuzz_fail("cold start did not append exactly the placed items", NULL);
    for (uint32_t i = 0; i < i2v_model_size(m); i++) {
        size_t la, lb;
        const char *a = i2v_model_item(m, i, &la);
        if (i < n) {
            const char *b = i2v_model_item(old, i, &lb);
            if (la != lb || memcmp(a, b, la) != 0)
                fuzz_fail("cold start moved an item of the model", NULL);
        } else if (i > n) {
            const char *b = i2v_model_item(m, i - 1, &lb);
            int c = memcmp(b, a, la < lb ? la : lb);
            if (c > 0 || (c == 0 && lb >= la))
                fuzz_fail("placed items are not in byte order", NULL);
        }
    }
    fuzz_exercise_model(m, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t knobs = data[0];
    const i2v_model *model = fuzz_fixed_model();
    FILE *in = fuzz_stream(data + 1, size - 1);
    if (!in)
        fuzz_fail("cannot open the features", NULL);
    i2v_features *features = NULL;
    i2v_features_report fr;
    i2v_error err;
    i2v_status st = i2v_features_read(in, "fuzz", &features, &fr, &err);
    fclose(in);
    if (st != I2V_OK) {
        if (st != I2V_ERR_EMPTY)
            fuzz_fail("reading features from memory failed", err.message);
        i2v_features_free(features);
        return 0;
    }
    if (fr.n_examples > I2V_COLDSTART_MAX_EXAMPLES || fr.n_examples > fr.malformed)
        fuzz_fail("more malformed examples than malformed lines", NULL);
    i2v_coldstart_params p;
    i2v_coldstart_params_default(&p);
    p.method = knobs & 1 ? I2V_COLDSTART_MEAN : I2V_COLDSTART_RIDGE;
    static const double lambdas[] = {1, 1e-9, 1e9, 0.01};
    p.lambda = lambdas[(knobs >> 1) & 3];
    static const double fuses[] = {I2V_COLDSTART_NO_FUSE, 0, 0.5, 1};
    p.fuse = fuses[(knobs >> 3) & 3];
    i2v_model *out = NULL;
    i2v_coldstart_report r;
    st = i2v_coldstart_run(model, features, &p, &out, &r, &err);
    if (st == I2V_OK)
        check_result(model, out, &r);
    else if (st != I2V_ERR_EMPTY && st != I2V_ERR_DIVERGED)
        fuzz_fail("cold start failed", err.message);
    i2v_model_free(out);
    i2v_features_free(features);
    return 0;
}
