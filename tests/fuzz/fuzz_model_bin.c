/* word2vec binary models from arbitrary bytes: parsing refuses or accepts,
 * and an accepted model keeps the contract of fuzz_common.h. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    i2v_model *m = NULL;
    i2v_error err;
    if (i2v_model_parse(data, size, I2V_FORMAT_W2V_BIN, "fuzz.bin", &m, &err) == I2V_OK) {
        fuzz_exercise_model(m, 0);
        i2v_model_free(m);
    } else if (m) {
        fuzz_fail("a refused model was handed out", NULL);
    }
    return 0;
}
