/* Model files built to hurt: shapes the writers must get right, values
 * that break arithmetic, and native files whose fields lie while their
 * checksums agree.  Each is refused with I2V_ERR_FORMAT and a reason, or
 * read back exactly; none crashes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model/build.h"
#include "util/hash.h"
#include "item2vec.h"
#include "model/model.h"

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

/* ---- native files that lie with agreeing checksums ------------------ */

/* The native layout (model_native.c): header fields and section table. */
#define HEADER_ITEMS 24
#define HEADER_DIM 32
#define HEADER_SLOTS 40
#define TABLE_AT 128
#define ENTRY_BYTES 32
enum { SEC_NAME_OFFSETS, SEC_NAME_LENGTHS, SEC_NAMES, SEC_COUNTS, SEC_NORMS, SEC_INDEX };

static uint64_t get64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static uint32_t get32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }

static unsigned char *section(unsigned char *bytes, int s)
{
    return bytes + get64(bytes + TABLE_AT + s * ENTRY_BYTES);
}

/* The native bytes of a 4-item, 3-dimension model: w0 w1 w2 w3. */
static unsigned char *small_native(size_t *len)
{
    char *text = text_model(4, 3);
    i2v_model *m = NULL;
    i2v_error err;
    CHECK(i2v_model_parse(text, strlen(text), I2V_FORMAT_W2V_TEXT, "text", &m, &err) == I2V_OK);
    unsigned char *bytes = write_bytes(m, I2V_FORMAT_NATIVE, len);
    i2v_model_free(m);
    free(text);
    return bytes;
}

/* Rebuilds the index section from the names, as the writer does, so that
 * a forged name is still found. */
static void rebuild_index(unsigned char *bytes)
{
    uint64_t n = get64(bytes + HEADER_ITEMS), slots = get64(bytes + HEADER_SLOTS);
    uint32_t *index = (uint32_t *)(void *)section(bytes, SEC_INDEX);
    const unsigned char *offsets = section(bytes, SEC_NAME_OFFSETS);
    const unsigned char *lengths = section(bytes, SEC_NAME_LENGTHS);
    const char *names = (const char *)section(bytes, SEC_NAMES);
    memset(index, 0, slots * sizeof *index);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t h = i2v_hash_bytes(names + get64(offsets + 8 * i), get32(lengths + 4 * i));
        uint64_t s = h & (slots - 1);
        while (index[s])
            s = (s + 1) & (slots - 1);
        index[s] = i + 1;
    }
}

/* Resealed so that only the forged field can be blamed. */
static void expect_forgery_refused(const char *what, unsigned char *bytes, size_t len,
                                   const char *reason)
{
    model_native_reseal(bytes, len);
    expect_refused(what, bytes, len, I2V_FORMAT_NATIVE, reason);
}

static void native_header_claiming_more_than_the_file_holds_is_refused(void)
{
    size_t len;
    unsigned char *bytes = small_native(&len);
    put64(bytes + HEADER_ITEMS, 5);
    expect_forgery_refused("one item more", bytes, len, "section has the wrong size");
    put64(bytes + HEADER_ITEMS, (uint64_t)1 << 32);
    expect_forgery_refused("2^32 items", bytes, len, "item count out of range");
    put64(bytes + HEADER_ITEMS, 4);
    put32(bytes + HEADER_DIM, 4);
    expect_forgery_refused("one dimension more", bytes, len, "input vectors section has the wrong size");
    put32(bytes + HEADER_DIM, I2V_MAX_DIM + 1);
    expect_forgery_refused("too many dimensions", bytes, len, "dimensions out of range");
    put32(bytes + HEADER_DIM, 3);
    uint64_t slots = get64(bytes + HEADER_SLOTS);
    put64(bytes + HEADER_SLOTS, 2 * slots);
    expect_forgery_refused("twice the index", bytes, len, "index section has the wrong size");
    put64(bytes + HEADER_SLOTS, 4);
    expect_forgery_refused("index no larger than the items", bytes, len,
                           "index size is not a power of two above the item count");
    free(bytes);
}

static void native_names_and_index_that_lie_are_refused_on_open(void)
{
    size_t len;
    unsigned char *bytes = small_native(&len);
    unsigned char *offsets = section(bytes, SEC_NAME_OFFSETS);
    put64(offsets + 8 * 2, 1000);
    expect_forgery_refused("name past its section", bytes, len,
                           "an item name lies outside the names section");
    put64(offsets + 8 * 2, 6);
    unsigned char *lengths = section(bytes, SEC_NAME_LENGTHS);
    put32(lengths + 4 * 2, 0);
    expect_forgery_refused("empty name", bytes, len, "an item name lies outside the names section");
    put32(lengths + 4 * 2, 3);
    expect_forgery_refused("name running over its NUL", bytes, len,
                           "an item name lies outside the names section");
    put32(lengths + 4 * 2, 2);
    uint32_t *index = (uint32_t *)(void *)section(bytes, SEC_INDEX);
    uint64_t slots = get64(bytes + HEADER_SLOTS), used = 0;
    while (!index[used])
        used++;
    index[used] = 99;
    expect_forgery_refused("index naming item 99", bytes, len,
                           "the index names an item that does not exist");
    index[used] = 0;
    expect_forgery_refused("index missing an item", bytes, len,
                           "the index does not hold every item once");
    CHECK(used < slots);
    float *norms = (float *)(void *)section(bytes, SEC_NORMS);
    rebuild_index(bytes);
    norms[1] = -1.0f;
    expect_forgery_refused("negative norm", bytes, len, "a norm is not a finite non-negative number");
    free(bytes);
}

/* Open checks the header and the small sections only; --verify finds the
 * rest, which a forger can get past the checksums. */
static void native_lies_that_only_verify_finds(void)
{
    size_t len;
    unsigned char *bytes = small_native(&len);
    float *norms = (float *)(void *)section(bytes, SEC_NORMS);
    norms[1] *= 2.0f;
    model_native_reseal(bytes, len);
    i2v_model *m = NULL;
    i2v_error err;
    CHECK(i2v_model_parse(bytes, len, I2V_FORMAT_NATIVE, "data", &m, &err) == I2V_OK);
    CHECK(m && i2v_model_verify(m, &err) == I2V_ERR_FORMAT &&
          strstr(err.message, "a stored norm does not match its vector"));
    i2v_model_free(m);
    norms[1] /= 2.0f;

    /* Two rows named alike, each reachable in the index. */
    char *names = (char *)section(bytes, SEC_NAMES);
    names[4] = '0'; /* w1 -> w0 */
    rebuild_index(bytes);
    model_native_reseal(bytes, len);
    CHECK(i2v_model_parse(bytes, len, I2V_FORMAT_NATIVE, "data", &m, &err) == I2V_OK);
    CHECK(m && i2v_model_verify(m, &err) == I2V_ERR_FORMAT &&
          strstr(err.message, "the index does not lead to every item"));
    i2v_model_free(m);
    free(bytes);
}

/* One rule for names in every format: a blank, a line break or a NUL
 * would split a row or a sequence line, so the native reader refuses such
 * a name as the word2vec readers do, even with agreeing checksums. */
static void names_that_would_split_a_row_are_refused_by_every_reader(void)
{
    static const char blanks[] = {' ', '\t', '\r', '\n', '\0'};
    for (size_t b = 0; b < sizeof blanks; b++) {
        size_t len;
        unsigned char *bytes = small_native(&len);
        char *names = (char *)section(bytes, SEC_NAMES);
        names[4] = blanks[b]; /* w1 -> "w?" */
        rebuild_index(bytes);
        expect_forgery_refused("a name holding a separator", bytes, len,
                               "the name holds a blank, a line break or a NUL byte");
        free(bytes);
    }
    CHECK(i2v_item_name_valid("item_1", 6) && !i2v_item_name_valid("", 0));
    CHECK(!i2v_item_name_valid("a b", 3) && !i2v_item_name_valid("a\nb", 3));
    CHECK(!i2v_item_name_valid("a\0b", 3) && i2v_item_name_valid("\xc3\xa9", 2));
}

/* ... and no writer writes one, whatever built the model. */
static void names_that_would_split_a_row_are_refused_by_every_writer(void)
{
    static const char *const names[] = {"ok", "a b", "a\nb", "a\tb"};
    for (size_t bad = 1; bad < sizeof names / sizeof *names; bad++) {
        model_arrays a = {0};
        a.names = malloc(16);
        a.name_offset = malloc(2 * sizeof *a.name_offset);
        a.name_length = malloc(2 * sizeof *a.name_length);
        a.input = calloc(4, sizeof *a.input);
        CHECK(a.names && a.name_offset && a.name_length && a.input);
        memcpy(a.names, "ok\0", 3);
        memcpy(a.names + 3, names[bad], 4);
        a.name_offset[0] = 0;
        a.name_offset[1] = 3;
        a.name_length[0] = 2;
        a.name_length[1] = 3;
        a.input[0] = a.input[3] = 1;
        i2v_model *m = NULL;
        i2v_error err;
        if (model_from_arrays("built", 2, 2, &a, NULL, &m, &err) != I2V_OK)
            continue; /* refused when built: as good */
        for (int f = I2V_FORMAT_W2V_BIN; f <= I2V_FORMAT_NATIVE; f++) {
            char *out = NULL;
            size_t out_len;
            FILE *stream = open_memstream(&out, &out_len);
            i2v_status st = i2v_model_write(m, stream, (i2v_format)f, "out", &err);
            fclose(stream);
            CHECK(st != I2V_OK && strstr(err.message, "row 2") &&
                  strstr(err.message, "the name holds a blank, a line break or a NUL byte"));
            CHECK(out_len == 0);
            free(out);
        }
        i2v_model_free(m);
    }
}

int main(void)
{
    RUN(word2vec_models_of_every_shape_convert_to_native_and_back);
    RUN(rows_whose_length_overflows_a_float_are_refused);
    RUN(native_header_claiming_more_than_the_file_holds_is_refused);
    RUN(native_names_and_index_that_lie_are_refused_on_open);
    RUN(native_lies_that_only_verify_finds);
    RUN(names_that_would_split_a_row_are_refused_by_every_reader);
    RUN(names_that_would_split_a_row_are_refused_by_every_writer);
    CHECK_EXIT();
}
