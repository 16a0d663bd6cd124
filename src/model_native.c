/* The native .i2v format: not written yet. */
#include "error.h"
#include "model.h"

i2v_status model_write_native(const i2v_model *m, FILE *out, const char *name, i2v_error *err)
{
    (void)m;
    (void)out;
    return i2v_fail(err, I2V_ERR_INVALID, "%s: the native format is not available yet; "
                    "use a .bin, .txt or .vec name", name);
}
