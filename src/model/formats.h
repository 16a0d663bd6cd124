/* The formats' own readers and writers, behind the one dispatcher that
 * chooses among them (io.c): native.c for .i2v, w2v.c for word2vec
 * binary and text.  Nothing outside model/ calls them. */
#ifndef I2V_MODEL_FORMATS_H
#define I2V_MODEL_FORMATS_H

#include "model/model.h"

/* Format-specific writers (the stream is the caller's). */
i2v_status model_write_w2v(const i2v_model *m, FILE *out, int binary, const char *name,
                           i2v_error *err);
i2v_status model_write_native(const i2v_model *m, FILE *out, const char *name,
                              i2v_error *err);

/* Readers: `data` stays owned by the caller, except that native models
 * point into it, so it must outlive them. */
i2v_status model_parse_native(const unsigned char *data, size_t len, const char *name,
                              i2v_model **out, i2v_error *err);
i2v_status model_parse_w2v(const unsigned char *data, size_t len, int binary, const char *name,
                           i2v_model **out, i2v_error *err);

/* 1 when word2vec data looks like the text format, 0 for binary. */
int model_w2v_looks_textual(const unsigned char *data, size_t len);

/* Full check of a native model: every checksum, every value finite,
 * norms and index consistent with the rows and names. */
i2v_status model_verify_native(const i2v_model *m, i2v_error *err);

#endif
