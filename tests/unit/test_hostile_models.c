/* Model files built to hurt: shapes the writers must get right, values
 * that break arithmetic, and native files whose fields lie while their
 * checksums agree.  Each is refused with I2V_ERR_FORMAT and a reason, or
 * read back exactly; none crashes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "item2vec.h"

static unsigned char *write_bytes(const i2v_model *m, i2v_format format, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    i2v_error err;
    CHECK(f != NULL);
    CHECK(i2v_model_write(m, f, format, "memory", &err) == I2V_OK);
    fclose(f);
    return (unsigned char *)buf;
}

/* "n dim" and n rows "wI v v v ..." with distinct small values. */
static char *text_model(uint32_t n, uint32_t dim)
{
    size_t cap = 64 + (size_t)n * (16 + 8 * dim), used = 0;
    char *text = malloc(cap);
    used += (size_t)snprintf(text + used, cap - used, "%u %u\n", n, dim);
    for (uint32_t i = 0; i < n; i++) {
        used += (size_t)snprintf(text + used, cap - used, "w%u", i);
        for (uint32_t j = 0; j < dim; j++)
            used += (size_t)snprintf(text + used, cap - used, " %d", (int)(i * 7 + j * 3) % 11 - 5);
        text[used++] = '\n';
    }
    text[used] = '\0';
    return text;
}

static int same_items_and_vectors(const i2v_model *a, const i2v_model *b)
{
    uint32_t n = i2v_model_size(a), dim = i2v_model_dim(a);
    if (n != i2v_model_size(b) || dim != i2v_model_dim(b))
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        size_t la, lb;
        const char *ia = i2v_model_item(a, i, &la), *ib = i2v_model_item(b, i, &lb);
        if (la != lb || memcmp(ia, ib, la) != 0 ||
            memcmp(i2v_model_vector(a, i), i2v_model_vector(b, i), dim * sizeof(float)) != 0)
            return 0;
    }
    return 1;
}

/* Found by fuzzing: a model without output vectors whose input vectors do
 * not end on a 64-byte boundary was written with its empty output section
 * placed past the end of the file, and the reader refused the file. */
static void word2vec_models_of_every_shape_convert_to_native_and_back(void)
{
    for (uint32_t n = 0; n <= 5; n++) {
        for (uint32_t dim = 1; dim <= 17; dim++) {
            char *text = text_model(n, dim);
            i2v_model *m = NULL, *back = NULL;
            i2v_error err;
            CHECK(i2v_model_parse(text, strlen(text), I2V_FORMAT_W2V_TEXT, "text", &m, &err) ==
                  I2V_OK);
            size_t len;
            unsigned char *bytes = write_bytes(m, I2V_FORMAT_NATIVE, &len);
            i2v_status st = i2v_model_parse(bytes, len, I2V_FORMAT_AUTO, "native", &back, &err);
            if (st != I2V_OK)
                fprintf(stderr, "    %u items x %u: %s\n", n, dim, err.message);
            CHECK(st == I2V_OK);
            CHECK(back && i2v_model_verify(back, &err) == I2V_OK);
            CHECK(back && same_items_and_vectors(m, back));
            i2v_model_free(back);
            i2v_model_free(m);
            free(bytes);
            free(text);
        }
    }
}

static void expect_refused(const char *what, const void *data, size_t len, i2v_format format,
                           const char *reason)
{
    i2v_model *m = NULL;
    i2v_error err = {0};
    i2v_status st = i2v_model_parse(data, len, format, "data", &m, &err);
    if (st != I2V_ERR_FORMAT || m || !strstr(err.message, reason)) {
        fprintf(stderr, "    %s: status %d, message '%s', want '%s'\n", what, (int)st,
                err.message, reason);
        check_failures++;
    }
    i2v_model_free(m);
}

/* Found by fuzzing: finite values near FLT_MAX make a vector whose length
 * is infinite as a float.  Such a model loaded, answered every query with
 * an error and could not be converted to native; it is refused on load. */
static void rows_whose_length_overflows_a_float_are_refused(void)
{
    const char *text = "2 2\na 1 2\nbig 3e38 3e38\n";
    expect_refused("text", text, strlen(text), I2V_FORMAT_W2V_TEXT,
                   "data: row 2 (item 'big'): the values are so large that the vector's "
                   "length overflows a float");
    unsigned char bin[64];
    const float big[2] = {3e38f, -3e38f};
    size_t len = (size_t)snprintf((char *)bin, sizeof bin, "1 2\nhuge ");
    memcpy(bin + len, big, sizeof big);
    len += sizeof big;
    bin[len++] = '\n';
    expect_refused("binary", bin, len, I2V_FORMAT_W2V_BIN, "row 1 (item 'huge')");
    /* Just below the limit is a model like any other. */
    const char *near = "2 2\na 1 2\nbig 2e38 2e38\n";
    i2v_model *m = NULL;
    i2v_error err;
    CHECK(i2v_model_parse(near, strlen(near), I2V_FORMAT_W2V_TEXT, "near", &m, &err) == I2V_OK);
    i2v_model_free(m);
}

int main(void)
{
    RUN(word2vec_models_of_every_shape_convert_to_native_and_back);
    RUN(rows_whose_length_overflows_a_float_are_refused);
    CHECK_EXIT();
}
