/* item2vec — Models: formats, opening (memory-mapped native files),
 * accessors, writing. Part of the public API; <item2vec.h> includes every
 * part. */
#ifndef ITEM2VEC_MODEL_H
#define ITEM2VEC_MODEL_H

#include "item2vec/params.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Models                                                              */
/* ------------------------------------------------------------------ */

typedef struct i2v_model i2v_model;

/* One recorded successor of an item: an item that directly followed it in
 * the training sequences, and how often. */
typedef struct i2v_successor {
    uint32_t item;
    uint32_t count;
} i2v_successor;

typedef enum i2v_format {
    I2V_FORMAT_AUTO = 0,   /* by file name on write, by content on read */
    I2V_FORMAT_W2V_BIN,    /* word2vec binary */
    I2V_FORMAT_W2V_TEXT,   /* word2vec text (.txt, .vec) */
    I2V_FORMAT_NATIVE      /* item2vec native (.i2v) */
} i2v_format;

/* The format a file name asks for: .bin, .txt/.vec, anything else native. */
i2v_format i2v_format_from_path(const char *path);

/* "word2vec-binary", "word2vec-text", "native". */
const char *i2v_format_name(i2v_format format);


void i2v_model_free(i2v_model *model);

/* Number of items and dimensions. */
uint32_t i2v_model_size(const i2v_model *model);
uint32_t i2v_model_dim(const i2v_model *model);

/* The bytes of item i (NUL-terminated; *len gets its length if not NULL). */
const char *i2v_model_item(const i2v_model *model, uint32_t i, size_t *len);

/* The training count of item i (0 when the format does not keep counts). */
uint64_t i2v_model_count(const i2v_model *model, uint32_t i);

/* The input (embedding) vector of item i: dim floats; NULL past the last
 * item.  Rows are contiguous: row i starts at i2v_model_vector(model, 0)
 * + i * dim, so a caller may walk the whole matrix from row 0. */
const float *i2v_model_vector(const i2v_model *model, uint32_t i);

/* The output (context) vector of item i, or NULL when the model has none;
 * contiguous like the input rows. */
const float *i2v_model_output(const i2v_model *model, uint32_t i);

/* 1 when the model keeps output vectors (the native format does), and
 * when it keeps training counts. */
int i2v_model_has_output(const i2v_model *model);
int i2v_model_has_counts(const i2v_model *model);

/* The successors training recorded for item i (at most the successors
 * parameter of them), most frequent first, ties by item id; *n gets how
 * many (0 when the model keeps none: word2vec formats, or successors 0)
 * and *total, when not NULL, how many transitions out of item i were
 * counted, of which the listed ones are the most frequent.  Counts are
 * exact for items with at most 2 x successors distinct successors and
 * lower bounds otherwise (Misra-Gries summaries). */
const i2v_successor *i2v_model_successors(const i2v_model *model, uint32_t i, uint32_t *n,
                                          uint64_t *total);

/* 1 when the model keeps successors. */
int i2v_model_has_successors(const i2v_model *model);

/* The file or data name the model was opened from ("trained model" for
 * one straight from training): the name its messages use. */
const char *i2v_model_name(const i2v_model *model);

/* The index of an item, or -1 when it is not in the model. */
int64_t i2v_model_find(const i2v_model *model, const char *item, size_t len);

/* The training parameters when the format keeps them, else NULL. */
const i2v_train_params *i2v_model_params(const i2v_model *model);

/* The parameters to continue training `model` with: its recorded ones
 * when it has them, else i2v_train_params_default's, and in either case
 * the model's dimensions. */
void i2v_train_params_from_model(const i2v_model *model, i2v_train_params *params);

/* Writes a model to an open stream in the given format (not AUTO).  The
 * caller owns the stream and decides about temporary files and renames.
 * `name` names the destination in messages. */
i2v_status i2v_model_write(const i2v_model *model, FILE *out, i2v_format format,
                           const char *name, i2v_error *err);

/* Opens a model file.  AUTO recognises the native format by its magic and
 * tells word2vec binary from text by content.  The native format is
 * memory-mapped: opening reads the header and validates every section's
 * bounds, so a query never reads the whole file.  Truncated, corrupted or
 * inconsistent files are I2V_ERR_FORMAT with the reason. */
i2v_status i2v_model_open(const char *path, i2v_format format, i2v_model **out, i2v_error *err);

/* The same from bytes in memory (copied as needed; `data` may be freed
 * afterwards).  `name` names the data in messages. */
i2v_status i2v_model_parse(const void *data, size_t len, i2v_format format, const char *name,
                           i2v_model **out, i2v_error *err);

/* The L2 norm of item i's input vector. */
float i2v_model_norm(const i2v_model *model, uint32_t i);


/* Model files, as `info` and `convert` see them. */

/* The version of the native format this library writes; it reads every
 * version from 1 on. */
#define I2V_NATIVE_VERSION 2u

/* The format a model was read from (NATIVE for a model from training). */
i2v_format i2v_model_format(const i2v_model *model);

/* The native format version of the file the model was read from; 0 for a
 * model not read from a native file. */
uint32_t i2v_model_format_version(const i2v_model *model);

/* Checks what opening does not, reading every byte: for a native file the
 * checksums of the vector sections, and for every model that all values
 * are finite, that the stored norms match the vectors and that the index
 * leads to every item.  I2V_ERR_FORMAT names what is wrong. */
i2v_status i2v_model_verify(const i2v_model *model, i2v_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_MODEL_H */
