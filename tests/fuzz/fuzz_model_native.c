/* Native .i2v models from arbitrary bytes.  Checksums guard every field,
 * so random damage would stop at the first checksum: an input whose
 * reserved header byte RESEAL_FLAG_AT is odd is resealed first (that byte
 * cleared, every checksum recomputed), which lets the fuzzer reach the
 * checks behind the checksums with forged counts, offsets, names, index
 * slots and vectors.  Seeds are files the library wrote, in both forms. */
#include "fuzz_common.h"
#include "model/model.h"

/* In the header's reserved bytes 460..503, which no reader looks at. */
#define RESEAL_FLAG_AT 460
#define NATIVE_HEADER_BYTES 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    if (size >= NATIVE_HEADER_BYTES && (copy[RESEAL_FLAG_AT] & 1)) {
        copy[RESEAL_FLAG_AT] = 0;
        model_native_reseal(copy, size);
    }
    i2v_model *m = NULL;
    i2v_error err;
    if (i2v_model_parse(copy, size, I2V_FORMAT_NATIVE, "fuzz.i2v", &m, &err) == I2V_OK) {
        fuzz_exercise_model(m, 0);
        i2v_model_free(m);
    } else if (m) {
        fuzz_fail("a refused model was handed out", NULL);
    }
    free(copy);
    return 0;
}
