/* word2vec text models from arbitrary bytes, and the sniffing that tells
 * text from binary: parsing refuses or accepts, and an accepted model
 * keeps the contract of fuzz_common.h. */
#include "fuzz_common.h"
#include "model/formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)model_w2v_looks_textual(data, size);
    i2v_model *m = NULL;
    i2v_error err;
    if (i2v_model_parse(data, size, I2V_FORMAT_W2V_TEXT, "fuzz.txt", &m, &err) == I2V_OK) {
        fuzz_exercise_model(m, 0);
        i2v_model_free(m);
    } else if (m) {
        fuzz_fail("a refused model was handed out", NULL);
    }
    return 0;
}
