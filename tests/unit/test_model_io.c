/* Model files: what a user relies on when writing a model, moving it
 * between tools and opening it again, and what protects them from damaged
 * files. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "item2vec.h"

/* Section table of the native format: 8 entries of 32 bytes at 128. */
#define TABLE_AT 128
#define ENTRY_BYTES 32
#define SECTIONS 8
#define SECTION_INPUT 6
#define SECTION_OUTPUT 7

/* A small trained model: counts, output weights and parameters, an odd
 * dimension so that SIMD tails are exercised. */
static i2v_model *train_small(void)
{
    static char corpus[64 * 1024];
    size_t used = 0;
    uint64_t x = 12345;
    for (int line = 0; line < 300; line++) {
        int group = line % 5;
        for (int w = 0; w < 8; w++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            used += (size_t)snprintf(corpus + used, sizeof corpus - used, "%sg%d_i%u",
                                     w ? " " : "", group, (unsigned)(x >> 60) % 6);
        }
        corpus[used++] = '\n';
    }
    i2v_train_params p;
    i2v_train_params_default(&p);
    p.dim = 13;
    p.epochs = 2;
    p.min_count = 1;
    p.threads = 1;
    i2v_trainer *t = NULL;
    i2v_model *m = NULL;
    i2v_error err;
    FILE *f = fmemopen(corpus, used, "r");
    CHECK(f != NULL);
    CHECK(i2v_trainer_create(&p, NULL, &t, &err) == I2V_OK);
    CHECK(i2v_trainer_read_corpus(t, f, "corpus", &err) == I2V_OK);
    CHECK(i2v_trainer_run(t, NULL, NULL, &err) == I2V_OK);
    CHECK(i2v_trainer_take_model(t, &m, &err) == I2V_OK);
    fclose(f);
    i2v_trainer_free(t);
    return m;
}

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

static i2v_status parse(const void *data, size_t len, i2v_format format, i2v_model **m,
                        i2v_error *err)
{
    return i2v_model_parse(data, len, format, "data", m, err);
}

static i2v_status parse_text(const char *text, i2v_model **m, i2v_error *err)
{
    return parse(text, strlen(text), I2V_FORMAT_AUTO, m, err);
}

static int same_rows(const float *a, const float *b, size_t n)
{
    return (a == NULL) == (b == NULL) && (!a || memcmp(a, b, n * sizeof *a) == 0);
}

/* Items, vectors and (when both have them) counts and outputs, bit for bit. */
static int same_model(const i2v_model *a, const i2v_model *b, int with_extras)
{
    uint32_t n = i2v_model_size(a), dim = i2v_model_dim(a);
    if (n != i2v_model_size(b) || dim != i2v_model_dim(b))
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        size_t la, lb;
        const char *ia = i2v_model_item(a, i, &la), *ib = i2v_model_item(b, i, &lb);
        if (la != lb || memcmp(ia, ib, la) != 0 || i2v_model_find(b, ia, la) != (int64_t)i)
            return 0;
        if (!same_rows(i2v_model_vector(a, i), i2v_model_vector(b, i), dim))
            return 0;
        if (i2v_model_norm(a, i) != i2v_model_norm(b, i))
            return 0;
        if (with_extras && (i2v_model_count(a, i) != i2v_model_count(b, i) ||
                            !same_rows(i2v_model_output(a, i), i2v_model_output(b, i), dim)))
            return 0;
    }
    return 1;
}

static void native_round_trip_keeps_everything_bit_exact(void)
{
    i2v_model *m = train_small(), *back = NULL;
    size_t len;
    unsigned char *bytes = write_bytes(m, I2V_FORMAT_NATIVE, &len);
    i2v_error err;
    CHECK(parse(bytes, len, I2V_FORMAT_AUTO, &back, &err) == I2V_OK);
    CHECK(back && i2v_model_format(back) == I2V_FORMAT_NATIVE);
    CHECK(back && same_model(m, back, 1));
    CHECK(back && i2v_model_output(back, 0) != NULL);
    CHECK(back && i2v_model_count(back, 0) > 0);
    const i2v_train_params *p = back ? i2v_model_params(back) : NULL;
    CHECK(p && p->dim == 13 && p->epochs == 2 && p->alpha == 0.025 && p->seed == 1);
    CHECK(back && i2v_model_verify(back, &err) == I2V_OK);
    /* Written again from the parsed copy: the same bytes. */
    size_t len2;
    unsigned char *again = back ? write_bytes(back, I2V_FORMAT_NATIVE, &len2) : NULL;
    CHECK(again && len2 == len && memcmp(again, bytes, len) == 0);
    free(again);
    i2v_model_free(back);
    free(bytes);
    i2v_model_free(m);
}

static void native_file_opens_memory_mapped(void)
{
    i2v_model *m = train_small(), *back = NULL;
    char path[] = "/tmp/item2vec-test-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    i2v_error err;
    CHECK(i2v_model_write(m, f, I2V_FORMAT_NATIVE, path, &err) == I2V_OK);
    fclose(f);
    CHECK(i2v_model_open(path, I2V_FORMAT_AUTO, &back, &err) == I2V_OK);
    unlink(path);
    CHECK(back && same_model(m, back, 1));
    /* Rows are 64-byte aligned in the mapping. */
    CHECK(back && ((uintptr_t)i2v_model_vector(back, 0) % 64) == 0);
    CHECK(back && i2v_model_verify(back, &err) == I2V_OK);
    i2v_model_free(back);
    i2v_model_free(m);
}

static void word2vec_binary_and_text_round_trip_bit_exact(void)
{
    i2v_model *m = train_small();
    const i2v_format formats[] = {I2V_FORMAT_W2V_BIN, I2V_FORMAT_W2V_TEXT};
    for (int f = 0; f < 2; f++) {
        size_t len;
        unsigned char *bytes = write_bytes(m, formats[f], &len);
        i2v_model *back = NULL;
        i2v_error err;
        CHECK(parse(bytes, len, I2V_FORMAT_AUTO, &back, &err) == I2V_OK);
        CHECK(back && i2v_model_format(back) == formats[f]);
        CHECK(back && same_model(m, back, 0));
        CHECK(back && i2v_model_count(back, 0) == 0 && i2v_model_output(back, 0) == NULL &&
              i2v_model_params(back) == NULL);
        i2v_model_free(back);
        free(bytes);
    }
    i2v_model_free(m);
}

static void gensim_style_binary_without_newlines_reads(void)
{
    /* gensim writes "name " + floats with no newline after the vector. */
    float v[4] = {1.0f, -2.5f, 0.25f, 3.0f};
    unsigned char data[64];
    size_t at = (size_t)sprintf((char *)data, "2 2\n");
    memcpy(data + at, "a ", 2), at += 2;
    memcpy(data + at, v, 8), at += 8;
    memcpy(data + at, "bb ", 3), at += 3;
    memcpy(data + at, v + 2, 8), at += 8;
    i2v_model *m = NULL;
    i2v_error err;
    CHECK(parse(data, at, I2V_FORMAT_W2V_BIN, &m, &err) == I2V_OK);
    CHECK(m && i2v_model_find(m, "bb", 2) == 1 && i2v_model_vector(m, 1)[1] == 3.0f);
    i2v_model_free(m);
}

static void text_accepts_crlf_and_tabs(void)
{
    i2v_model *m = NULL;
    i2v_error err;
    CHECK(parse_text("2 3\r\nx\t1 2 3\r\ny 4\t5 6 \r\n", &m, &err) == I2V_OK);
    CHECK(m && i2v_model_size(m) == 2 && i2v_model_vector(m, 1)[2] == 6.0f);
    CHECK_NEAR(m ? i2v_model_norm(m, 0) : 0, sqrt(14.0), 1e-6);
    i2v_model_free(m);
}

static void expect_format_error(const char *what, const void *data, size_t len,
                                i2v_format format, const char *needle)
{
    i2v_model *m = NULL;
    i2v_error err = {0};
    i2v_status st = parse(data, len, format, &m, &err);
    if (st != I2V_ERR_FORMAT || m != NULL || !strstr(err.message, needle)) {
        fprintf(stderr, "    %s: status %d, message '%s' (wanted '%s')\n", what, (int)st,
                err.message, needle);
        check_failures++;
    }
    i2v_model_free(m);
}

static void text_errors_name_the_line_and_item(void)
{
    const char *short_row = "2 3\na 1 2 3\nb 1 2\n";
    expect_format_error("short row", short_row, strlen(short_row), I2V_FORMAT_W2V_TEXT,
                        "line 3 (item 'b'): 2 values, expected 3");
    const char *long_row = "1 2\na 1 2 3\n";
    expect_format_error("long row", long_row, strlen(long_row), I2V_FORMAT_W2V_TEXT,
                        "more than 2 values");
    const char *nan_row = "2 2\na 1 2\nb nan 1\n";
    expect_format_error("NaN", nan_row, strlen(nan_row), I2V_FORMAT_W2V_TEXT,
                        "(item 'b'): NaN or infinite");
    const char *inf_row = "1 2\na 1e39 1\n";
    expect_format_error("overflow", inf_row, strlen(inf_row), I2V_FORMAT_W2V_TEXT, "infinite");
    const char *duplicate = "3 1\na 1\nb 2\na 3\n";
    expect_format_error("duplicate", duplicate, strlen(duplicate), I2V_FORMAT_W2V_TEXT,
                        "item 'a' appears twice (rows 1 and 3)");
    const char *garbage = "1 1\na 1\nb 2\n";
    expect_format_error("extra row", garbage, strlen(garbage), I2V_FORMAT_W2V_TEXT,
                        "unexpected data after the 1 items");
    const char *word = "1 2\na 1 x2\n";
    expect_format_error("not a number", word, strlen(word), I2V_FORMAT_W2V_TEXT,
                        "value 2, 'x2', is not a number");
    const char *no_header = "a 1 2\n";
    expect_format_error("no header", no_header, strlen(no_header), I2V_FORMAT_AUTO,
                        "first line must be 'ITEMS DIMENSIONS'");
    const char *blank = "2 1\na 1\n\nb 2\n";
    expect_format_error("blank line", blank, strlen(blank), I2V_FORMAT_W2V_TEXT,
                        "line 3: empty line where item 2 of 2 was expected");
}

static void binary_errors_name_the_row_and_item(void)
{
    unsigned char data[64];
    float nan_value = NAN, one = 1.0f;
    size_t at = (size_t)sprintf((char *)data, "1 2\nbad ");
    memcpy(data + at, &nan_value, 4);
    memcpy(data + at + 4, &nan_value, 4);
    expect_format_error("NaN", data, at + 8, I2V_FORMAT_W2V_BIN,
                        "row 1 of 1 (item 'bad'): NaN or infinite");
    /* A long first name keeps the size check of the header happy. */
    at = (size_t)sprintf((char *)data, "2 2\nlong_name_of_the_first_item ");
    memcpy(data + at, &one, 4);
    memcpy(data + at + 4, &one, 4);
    at += 8;
    at += (size_t)sprintf((char *)data + at, "b ");
    expect_format_error("short vector", data, at + 5, I2V_FORMAT_W2V_BIN,
                        "row 2 of 2 (item 'b'): truncated: the vector needs 8 bytes, 5 left");
    expect_format_error("no name end", data, at - 2, I2V_FORMAT_W2V_BIN,
                        "row 2 of 2: truncated in the item name");
}

static void absurd_headers_fail_before_allocating(void)
{
    /* 2^31 items of 10000 floats would need 80 TB: refused up front. */
    const char *huge = "2147483632 10000\na 1\n";
    expect_format_error("huge binary", huge, strlen(huge), I2V_FORMAT_W2V_BIN,
                        "more than the 4 bytes after it can hold");
    expect_format_error("huge text", huge, strlen(huge), I2V_FORMAT_W2V_TEXT,
                        "more than the 4 bytes after it can hold");
    const char *too_many = "99999999999 1\n";
    expect_format_error("too many", too_many, strlen(too_many), I2V_FORMAT_AUTO,
                        "this build holds at most");
    const char *dims = "1 0\na\n";
    expect_format_error("zero dims", dims, strlen(dims), I2V_FORMAT_AUTO, "0 dimensions");
    expect_format_error("empty", "", 0, I2V_FORMAT_AUTO, "empty");
}

static uint64_t table_u64(const unsigned char *bytes, int section, int field)
{
    uint64_t v;
    memcpy(&v, bytes + TABLE_AT + section * ENTRY_BYTES + field * 8, 8);
    return v;
}

static void native_truncated_anywhere_is_an_error(void)
{
    i2v_model *m = train_small();
    size_t len;
    unsigned char *bytes = write_bytes(m, I2V_FORMAT_NATIVE, &len);
    size_t cuts[4 * SECTIONS + 64], n = 0;
    for (int s = 0; s < SECTIONS; s++) {
        uint64_t offset = table_u64(bytes, s, 0), size = table_u64(bytes, s, 1);
        cuts[n++] = offset;
        cuts[n++] = offset + 1;
        cuts[n++] = offset + size / 2;
        cuts[n++] = offset + size - 1;
    }
    uint64_t x = 99;
    while (n < sizeof cuts / sizeof cuts[0]) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        cuts[n++] = (size_t)(x >> 33) % len;
    }
    for (size_t c = 0; c < n; c++) {
        if (cuts[c] >= len)
            continue;
        char what[64];
        snprintf(what, sizeof what, "cut at %zu of %zu", cuts[c], len);
        /* Short files say what they hold is not a model or is truncated. */
        i2v_model *back = NULL;
        i2v_error err = {0};
        i2v_status st = parse(bytes, cuts[c], I2V_FORMAT_AUTO, &back, &err);
        if (st != I2V_ERR_FORMAT || back) {
            fprintf(stderr, "    %s: status %d '%s'\n", what, (int)st, err.message);
            check_failures++;
        }
        i2v_model_free(back);
    }
    /* One byte more is not a model either. */
    unsigned char *longer = malloc(len + 1);
    memcpy(longer, bytes, len);
    longer[len] = 0;
    expect_format_error("trailing byte", longer, len + 1, I2V_FORMAT_AUTO,
                        "1 bytes of unexpected data after the model");
    free(longer);
    free(bytes);
    i2v_model_free(m);
}

static void native_wrong_magic_or_version_is_refused(void)
{
    i2v_model *m = train_small();
    size_t len;
    unsigned char *bytes = write_bytes(m, I2V_FORMAT_NATIVE, &len);
    bytes[6] = '\r'; /* what a \n -> \r\n conversion might do */
    expect_format_error("magic", bytes, len, I2V_FORMAT_AUTO, "wrong magic");
    expect_format_error("magic, asked as native", bytes, len, I2V_FORMAT_NATIVE, "wrong magic");
    bytes[6] = 0x1a;
    bytes[8] = 3;
    expect_format_error("version", bytes, len, I2V_FORMAT_AUTO,
                        "version 3 is not supported (this build reads versions 1 to 2)");
    bytes[8] = 0;
    expect_format_error("version 0", bytes, len, I2V_FORMAT_AUTO, "version 0 is not supported");
    bytes[8] = 2;
    bytes[30] ^= 1; /* item count, under the header checksum */
    expect_format_error("header", bytes, len, I2V_FORMAT_AUTO, "header checksum");
    free(bytes);
    i2v_model_free(m);
}

static void native_damage_is_found_on_open_or_by_verify(void)
{
    i2v_model *m = train_small();
    size_t len;
    unsigned char *bytes = write_bytes(m, I2V_FORMAT_NATIVE, &len);
    /* Small sections are checked on open. */
    for (int s = 0; s < SECTION_INPUT; s++) {
        uint64_t offset = table_u64(bytes, s, 0), size = table_u64(bytes, s, 1);
        if (size == 0)
            continue;
        bytes[offset + size / 2] ^= 0x10;
        expect_format_error("small section", bytes, len, I2V_FORMAT_AUTO, "checksum of the");
        bytes[offset + size / 2] ^= 0x10;
    }
    /* Vector sections only by a full check, which names the section. */
    const char *names[2] = {"input vectors", "output vectors"};
    for (int s = SECTION_INPUT; s <= SECTION_OUTPUT; s++) {
        uint64_t offset = table_u64(bytes, s, 0);
        bytes[offset + 5] ^= 0x01;
        i2v_model *back = NULL;
        i2v_error err;
        CHECK(parse(bytes, len, I2V_FORMAT_AUTO, &back, &err) == I2V_OK);
        CHECK(back && i2v_model_verify(back, &err) == I2V_ERR_FORMAT &&
              strstr(err.message, names[s - SECTION_INPUT]) != NULL);
        i2v_model_free(back);
        bytes[offset + 5] ^= 0x01;
    }
    free(bytes);
    i2v_model_free(m);
}

static void nan_in_a_mapped_vector_stops_a_query_naming_the_row(void)
{
    i2v_model *m = train_small();
    size_t len;
    unsigned char *bytes = write_bytes(m, I2V_FORMAT_NATIVE, &len);
    uint64_t input = table_u64(bytes, SECTION_INPUT, 0);
    const uint32_t row = 3;
    const uint32_t nan_bits = 0x7fc00000u;
    memcpy(bytes + input + (row * 13 + 2) * 4, &nan_bits, 4);
    i2v_model *back = NULL;
    i2v_error err;
    CHECK(parse(bytes, len, I2V_FORMAT_AUTO, &back, &err) == I2V_OK);
    if (back) {
        float query[13] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        i2v_neighbor out[5];
        uint32_t n;
        CHECK(i2v_nearest(back, query, NULL, 0, 0, 5, out, &n, &err) == I2V_ERR_FORMAT);
        CHECK(strstr(err.message, "row 4 (item '") && strstr(err.message, "damaged"));
        uint32_t id = 0, counts[1];
        CHECK(i2v_nearest_items(back, &id, 1, 0, 5, 1, out, counts, &err) == I2V_ERR_FORMAT);
        CHECK(strstr(err.message, "row 4 (item '") != NULL);
        CHECK(i2v_model_verify(back, &err) == I2V_ERR_FORMAT);
    }
    i2v_model_free(back);
    free(bytes);
    i2v_model_free(m);
}

static void writing_to_a_full_device_fails_cleanly(void)
{
    i2v_model *m = train_small();
    FILE *f = fopen("/dev/full", "wb");
    if (!f) {
        i2v_model_free(m);
        return;
    }
    i2v_error err;
    CHECK(i2v_model_write(m, f, I2V_FORMAT_NATIVE, "/dev/full", &err) == I2V_ERR_IO);
    CHECK(strstr(err.message, "/dev/full: write failed: ") != NULL);
    fclose(f);
    i2v_model_free(m);
}

static void missing_file_and_directory_are_io_errors(void)
{
    i2v_model *m = NULL;
    i2v_error err;
    CHECK(i2v_model_open("/nonexistent/model.i2v", I2V_FORMAT_AUTO, &m, &err) == I2V_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent/model.i2v: cannot open: No such file") != NULL);
    CHECK(i2v_model_open("/tmp", I2V_FORMAT_AUTO, &m, &err) == I2V_ERR_IO);
    CHECK(strstr(err.message, "directory") != NULL);
    CHECK(m == NULL);
}

int main(void)
{
    RUN(native_round_trip_keeps_everything_bit_exact);
    RUN(native_file_opens_memory_mapped);
    RUN(word2vec_binary_and_text_round_trip_bit_exact);
    RUN(gensim_style_binary_without_newlines_reads);
    RUN(text_accepts_crlf_and_tabs);
    RUN(text_errors_name_the_line_and_item);
    RUN(binary_errors_name_the_row_and_item);
    RUN(absurd_headers_fail_before_allocating);
    RUN(native_truncated_anywhere_is_an_error);
    RUN(native_wrong_magic_or_version_is_refused);
    RUN(native_damage_is_found_on_open_or_by_verify);
    RUN(nan_in_a_mapped_vector_stops_a_query_naming_the_row);
    RUN(writing_to_a_full_device_fails_cleanly);
    RUN(missing_file_and_directory_are_io_errors);
    CHECK_EXIT();
}
