/* word2vec's formats, as word2vec.c writes them and gensim reads them:
 *   binary: "V D\n" then per item "name " + D little-endian float32 + "\n"
 *   text:   "V D\n" then per item "name v1 v2 ... vD\n"
 * Text values are written with 9 significant digits, enough for every
 * float32 to read back to the same bits. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "model.h"

static i2v_status write_failed(const char *name, i2v_error *err)
{
    return i2v_fail_errno(err, errno ? errno : EIO, "%s: write failed", name);
}

i2v_status model_write_w2v(const i2v_model *m, FILE *out, int binary, const char *name,
                           i2v_error *err)
{
    errno = 0;
    if (fprintf(out, "%u %u\n", m->size, m->dim) < 0)
        return write_failed(name, err);
    for (uint32_t i = 0; i < m->size; i++) {
        const float *v = m->input + (size_t)i * m->dim;
        if (fwrite(m->names + m->name_offset[i], 1, m->name_length[i], out) != m->name_length[i])
            return write_failed(name, err);
        if (binary) {
            if (putc(' ', out) == EOF || fwrite(v, sizeof *v, m->dim, out) != m->dim ||
                putc('\n', out) == EOF)
                return write_failed(name, err);
        } else {
            for (uint32_t j = 0; j < m->dim; j++)
                if (fprintf(out, " %.9g", (double)v[j]) < 0)
                    return write_failed(name, err);
            if (putc('\n', out) == EOF)
                return write_failed(name, err);
        }
    }
    if (fflush(out) == EOF || ferror(out))
        return write_failed(name, err);
    return I2V_OK;
}
