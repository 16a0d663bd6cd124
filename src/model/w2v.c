/* word2vec's formats, as word2vec.c writes them and gensim reads them:
 *   binary: "V D\n" then per item "name " + D little-endian float32 + "\n"
 *   text:   "V D\n" then per item "name v1 v2 ... vD\n"
 * Text values are written with 9 significant digits, enough for every
 * float32 to read back to the same bits.  Numbers are written and read in
 * the C locale whatever the program's locale, so a decimal comma never
 * creeps in.
 *
 * Readers accept what other tools write: the newline after a binary vector
 * is optional (gensim omits it), tabs may separate text fields, lines may
 * end in \r\n.  They refuse what would give wrong answers: counts that
 * disagree with the content, short rows, NaN or infinite values, an item
 * twice, data after the last row. */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/quote.h"
#include "model/formats.h"

static i2v_status write_failed(const char *name, i2v_error *err)
{
    return i2v_fail_errno(err, errno ? errno : EIO, "%s: write failed", name);
}

/* Switches the calling thread to the C locale for numbers; restore with
 * c_numbers_end.  Returns (locale_t)0 when no locale object could be made
 * (the current locale then stays, which is the C locale in the CLI). */
static locale_t c_numbers_begin(locale_t *previous)
{
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    *previous = c ? uselocale(c) : (locale_t)0;
    return c;
}

static void c_numbers_end(locale_t c, locale_t previous)
{
    if (c) {
        uselocale(previous);
        freelocale(c);
    }
}

static i2v_status write_rows(const i2v_model *m, FILE *out, int binary, const char *name,
                             i2v_error *err);

i2v_status model_write_w2v(const i2v_model *m, FILE *out, int binary, const char *name,
                           i2v_error *err)
{
    locale_t previous;
    locale_t c = c_numbers_begin(&previous);
    i2v_status st = write_rows(m, out, binary, name, err);
    c_numbers_end(c, previous);
    return st;
}

/* What separates the fields of a row, for the readers and the writers. */
static int is_blank(unsigned char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* A name with a blank, a line break or a NUL would split its row: the file
 * would not read back.  No reader lets one in; checked again before the
 * first byte is written, so nothing partial reaches a stream. */
static i2v_status check_names_writable(const i2v_model *m, const char *name, i2v_error *err)
{
    for (uint32_t i = 0; i < m->size; i++) {
        const char *item = m->names + m->name_offset[i];
        uint32_t len = m->name_length[i];
        if (!i2v_item_name_valid(item, len))
            return i2v_fail(err, I2V_ERR_FORMAT,
                            "%s: row %u (item '%.*s'): the name holds a blank, a line break or "
                            "a NUL byte, which no model file can carry",
                            name, i + 1, I2V_QUOTED(len, item));
    }
    return I2V_OK;
}

static i2v_status write_rows(const i2v_model *m, FILE *out, int binary, const char *name,
                             i2v_error *err)
{
    if (binary && !model_host_is_little_endian())
        return i2v_fail(err, I2V_ERR_INVALID,
                        "%s: word2vec binary models are written on little-endian machines only",
                        name);
    i2v_status st = check_names_writable(m, name, err);
    if (st != I2V_OK)
        return st;
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

/* ---- reading ------------------------------------------------------- */

/* A model being read: the rows go straight to their final place; the
 * names grow in one arena. */
typedef struct w2v_reader {
    const unsigned char *p, *end; /* what is left to read */
    const char *name;             /* of the data, for messages */
    int binary;
    uint32_t n, dim;
    uint64_t line;                /* text: 1-based line of p */
    float *input;
    uint64_t *name_offset;
    uint32_t *name_length;
    char *names;
    size_t names_used, names_capacity;
} w2v_reader;

#define NUMBER_MAX_CHARS 64 /* longer tokens are not numbers a writer makes */

static void skip_blanks(w2v_reader *r)
{
    while (r->p < r->end && is_blank(*r->p))
        r->p++;
}

static int read_u64(w2v_reader *r, uint64_t *out)
{
    uint64_t v = 0;
    const unsigned char *start = r->p;
    while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
        uint64_t digit = (uint64_t)(*r->p - '0');
        if (v > (UINT64_MAX - digit) / 10)
            return 0;
        v = v * 10 + digit;
        r->p++;
    }
    *out = v;
    return r->p > start;
}

/* "ITEMS DIMENSIONS\n", then a check that the rest of the data can hold
 * that many rows at all, before anything is allocated. */
static i2v_status read_header(w2v_reader *r, i2v_error *err)
{
    uint64_t items, dim;
    skip_blanks(r);
    int ok = read_u64(r, &items);
    skip_blanks(r);
    ok = ok && read_u64(r, &dim);
    skip_blanks(r);
    if (!ok || r->p == r->end || *r->p != '\n')
        return i2v_fail(err, I2V_ERR_FORMAT,
                        "%s: not a word2vec model: the first line must be 'ITEMS DIMENSIONS'",
                        r->name);
    r->p++;
    r->line = 2;
    if (dim < 1 || dim > I2V_MAX_DIM)
        return i2v_fail(err, I2V_ERR_FORMAT, "%s: %llu dimensions; expected 1 to %u", r->name,
                        (unsigned long long)dim, I2V_MAX_DIM);
    if (items > I2V_MAX_ITEMS)
        return i2v_fail(err, I2V_ERR_FORMAT, "%s: %llu items; this build holds at most %u",
                        r->name, (unsigned long long)items, I2V_MAX_ITEMS);
    /* A binary row is at least "x " + 4 * dim bytes, a text row "x" +
     * dim times " 0". */
    uint64_t least_row = r->binary ? 2 + 4 * dim : 1 + 2 * dim;
    uint64_t left = (uint64_t)(r->end - r->p);
    if (items > left / least_row)
        return i2v_fail(err, I2V_ERR_FORMAT,
                        "%s: the header announces %llu items of %llu dimensions, more than the "
                        "%llu bytes after it can hold", r->name, (unsigned long long)items,
                        (unsigned long long)dim, (unsigned long long)left);
    r->n = (uint32_t)items;
    r->dim = (uint32_t)dim;
    return I2V_OK;
}

/* Rows start 64-byte aligned, for the SIMD loads of the query kernels.
 * (Transparent huge pages were tried here: fewer page faults, but on this
 * project's virtual machines the time to fill them varied threefold.) */
static float *allocate_floats(size_t bytes)
{
    void *p = NULL;
    return posix_memalign(&p, 64, bytes ? bytes : 64) == 0 ? p : NULL;
}

static i2v_status allocate_rows(w2v_reader *r, i2v_error *err)
{
    r->input = allocate_floats((size_t)r->n * r->dim * sizeof(float));
    r->name_offset = malloc((r->n ? r->n : 1) * sizeof *r->name_offset);
    r->name_length = malloc((r->n ? r->n : 1) * sizeof *r->name_length);
    r->names_capacity = 4096;
    r->names = malloc(r->names_capacity);
    if (!r->input || !r->name_offset || !r->name_length || !r->names)
        return i2v_fail_nomem(err, "reading a word2vec model");
    return I2V_OK;
}

static i2v_status add_name(w2v_reader *r, uint32_t i, const unsigned char *item, size_t len,
                           i2v_error *err)
{
    if (r->names_capacity - r->names_used < len + 1) {
        size_t capacity = r->names_capacity;
        while (capacity - r->names_used < len + 1)
            capacity *= 2;
        char *grown = realloc(r->names, capacity);
        if (!grown)
            return i2v_fail_nomem(err, "reading a word2vec model");
        r->names = grown;
        r->names_capacity = capacity;
    }
    memcpy(r->names + r->names_used, item, len);
    r->names[r->names_used + len] = '\0';
    r->name_offset[i] = r->names_used;
    r->name_length[i] = (uint32_t)len;
    r->names_used += len + 1;
    return I2V_OK;
}

/* Where row i is, for messages: "line 7" in text, "row 6 of 9" in binary. */
static const char *row_place(const w2v_reader *r, uint32_t i, char *buf, size_t size)
{
    if (r->binary)
        snprintf(buf, size, "row %u of %u", i + 1, r->n);
    else
        snprintf(buf, size, "line %llu", (unsigned long long)r->line);
    return buf;
}

static i2v_status check_name(const w2v_reader *r, uint32_t i, const unsigned char *item,
                             size_t len, i2v_error *err)
{
    char place[64];
    if (len == 0)
        return i2v_fail(err, I2V_ERR_FORMAT, "%s: %s: empty item name", r->name,
                        row_place(r, i, place, sizeof place));
    if (len > I2V_MAX_ITEM_BYTES)
        return i2v_fail(err, I2V_ERR_LIMIT, "%s: %s: item longer than %u bytes", r->name,
                        row_place(r, i, place, sizeof place), I2V_MAX_ITEM_BYTES);
    if (!i2v_item_name_valid((const char *)item, len))
        return i2v_fail(err, I2V_ERR_FORMAT, "%s: %s: the item name holds a blank, a line "
                        "break or a NUL byte; the file is malformed", r->name,
                        row_place(r, i, place, sizeof place));
    return I2V_OK;
}

static i2v_status check_row_finite(const w2v_reader *r, uint32_t i, const float *row,
                                   i2v_error *err)
{
    if (model_first_nonfinite_row(row, r->dim, 0, 1) == 0) {
        char place[64];
        return i2v_fail(err, I2V_ERR_FORMAT, "%s: %s (item '%.*s'): NaN or infinite value",
                        r->name, row_place(r, i, place, sizeof place),
                        I2V_QUOTED(r->name_length[i], r->names + r->name_offset[i]));
    }
    return I2V_OK;
}

static i2v_status read_binary_row(w2v_reader *r, uint32_t i, i2v_error *err)
{
    while (r->p < r->end && *r->p == '\n') /* after the previous vector, if any */
        r->p++;
    const unsigned char *item = r->p;
    const unsigned char *space = memchr(item, ' ', (size_t)(r->end - item));
    char place[64];
    if (!space)
        return i2v_fail(err, I2V_ERR_FORMAT, "%s: %s: truncated in the item name", r->name,
                        row_place(r, i, place, sizeof place));
    size_t len = (size_t)(space - item);
    i2v_status st = check_name(r, i, item, len, err);
    if (st == I2V_OK)
        st = add_name(r, i, item, len, err);
    if (st != I2V_OK)
        return st;
    r->p = space + 1;
    size_t vector_bytes = (size_t)r->dim * sizeof(float);
    if ((size_t)(r->end - r->p) < vector_bytes)
        return i2v_fail(err, I2V_ERR_FORMAT,
                        "%s: %s (item '%.*s'): truncated: the vector needs %zu bytes, %zu left",
                        r->name, row_place(r, i, place, sizeof place), I2V_QUOTED(len, item),
                        vector_bytes, (size_t)(r->end - r->p));
    float *row = r->input + (size_t)i * r->dim;
    memcpy(row, r->p, vector_bytes);
    r->p += vector_bytes;
    return check_row_finite(r, i, row, err);
}

/* One text value: the token must be a whole number in C syntax. */
static int parse_value(const unsigned char *token, size_t len, float *out)
{
    char buf[NUMBER_MAX_CHARS];
    if (len == 0 || len >= sizeof buf)
        return 0;
    memcpy(buf, token, len);
    buf[len] = '\0';
    char *end;
    *out = strtof(buf, &end);
    return end == buf + len;
}

static i2v_status read_text_values(w2v_reader *r, uint32_t i, const unsigned char *line_end,
                                   i2v_error *err)
{
    float *row = r->input + (size_t)i * r->dim;
    const char *item = r->names + r->name_offset[i];
    uint32_t len = r->name_length[i];
    for (uint32_t j = 0; j <= r->dim; j++) {
        while (r->p < line_end && is_blank(*r->p))
            r->p++;
        if (r->p == line_end) {
            if (j == r->dim)
                return I2V_OK;
            return i2v_fail(err, I2V_ERR_FORMAT, "%s: line %llu (item '%.*s'): %u values, "
                            "expected %u", r->name, (unsigned long long)r->line,
                            I2V_QUOTED(len, item), j, r->dim);
        }
        if (j == r->dim)
            return i2v_fail(err, I2V_ERR_FORMAT, "%s: line %llu (item '%.*s'): more than %u "
                            "values", r->name, (unsigned long long)r->line, I2V_QUOTED(len, item),
                            r->dim);
        const unsigned char *token = r->p;
        while (r->p < line_end && !is_blank(*r->p))
            r->p++;
        size_t token_len = (size_t)(r->p - token);
        if (!parse_value(token, token_len, &row[j]))
            return i2v_fail(err, I2V_ERR_FORMAT, "%s: line %llu (item '%.*s'): value %u, "
                            "'%.*s', is not a number", r->name, (unsigned long long)r->line,
                            I2V_QUOTED(len, item), j + 1, I2V_QUOTED(token_len, token));
    }
    return I2V_OK;
}

static i2v_status read_text_row(w2v_reader *r, uint32_t i, i2v_error *err)
{
    const unsigned char *line_end = memchr(r->p, '\n', (size_t)(r->end - r->p));
    if (!line_end)
        line_end = r->end;
    while (r->p < line_end && is_blank(*r->p))
        r->p++;
    const unsigned char *item = r->p;
    while (r->p < line_end && !is_blank(*r->p))
        r->p++;
    size_t len = (size_t)(r->p - item);
    if (len == 0)
        return i2v_fail(err, I2V_ERR_FORMAT, "%s: line %llu: empty line where item %u of %u "
                        "was expected", r->name, (unsigned long long)r->line, i + 1, r->n);
    i2v_status st = check_name(r, i, item, len, err);
    if (st == I2V_OK)
        st = add_name(r, i, item, len, err);
    if (st == I2V_OK)
        st = read_text_values(r, i, line_end, err);
    if (st == I2V_OK)
        st = check_row_finite(r, i, r->input + (size_t)i * r->dim, err);
    r->p = line_end < r->end ? line_end + 1 : line_end;
    r->line++;
    return st;
}

/* After the last row only blank space may follow: more rows than the
 * header announced, or bytes of another file, are an error. */
static i2v_status check_end(w2v_reader *r, i2v_error *err)
{
    while (r->p < r->end && (is_blank(*r->p) || *r->p == '\n'))
        r->p++;
    if (r->p == r->end)
        return I2V_OK;
    return i2v_fail(err, I2V_ERR_FORMAT, "%s: %zu bytes of unexpected data after the %u "
                    "items the header announced", r->name, (size_t)(r->end - r->p), r->n);
}

static i2v_status read_rows(w2v_reader *r, i2v_error *err)
{
    i2v_status st = I2V_OK;
    for (uint32_t i = 0; st == I2V_OK && i < r->n; i++)
        st = r->binary ? read_binary_row(r, i, err) : read_text_row(r, i, err);
    return st == I2V_OK ? check_end(r, err) : st;
}

static void reader_release(w2v_reader *r)
{
    free(r->input);
    free(r->name_offset);
    free(r->name_length);
    free(r->names);
}

/* Moves the arrays into a new model, which then builds its index (an
 * item twice is an error naming it) and its norms. */
static i2v_status reader_finish(w2v_reader *r, i2v_model **out, i2v_error *err)
{
    model_arrays arrays = {.names = r->names, .name_offset = r->name_offset,
                           .name_length = r->name_length, .input = r->input};
    const char *name = r->name;
    uint32_t size = r->n, dim = r->dim;
    int binary = r->binary;
    memset(r, 0, sizeof *r); /* the model takes the arrays whatever happens */
    i2v_status st = model_from_arrays(name, size, dim, &arrays, NULL, out, err);
    if (st == I2V_OK)
        (*out)->format = binary ? I2V_FORMAT_W2V_BIN : I2V_FORMAT_W2V_TEXT;
    return st;
}

i2v_status model_parse_w2v(const unsigned char *data, size_t len, int binary, const char *name,
                           i2v_model **out, i2v_error *err)
{
    *out = NULL;
    if (binary && !model_host_is_little_endian())
        return i2v_fail(err, I2V_ERR_INVALID,
                        "%s: word2vec binary models are read on little-endian machines only",
                        name);
    w2v_reader r = {.p = data, .end = data + len, .name = name, .binary = binary, .line = 1};
    locale_t previous;
    locale_t c = c_numbers_begin(&previous);
    i2v_status st = read_header(&r, err);
    if (st == I2V_OK)
        st = allocate_rows(&r, err);
    if (st == I2V_OK)
        st = read_rows(&r, err);
    c_numbers_end(c, previous);
    if (st == I2V_OK)
        return reader_finish(&r, out, err);
    reader_release(&r);
    return st;
}

/* Binary or text?  Text when the first row is one line of exactly
 * DIMENSIONS + 1 fields whose values are made of number characters; a
 * binary vector's bytes essentially never are.  When `data` ends inside
 * the first row (a sample of a file), the fields seen must fit. */
static int looks_like_number(const unsigned char *t, size_t len)
{
    static const char number_chars[] = "0123456789+-.eEnaNAiIfFtTyY";
    for (size_t j = 0; j < len; j++)
        if (!memchr(number_chars, t[j], sizeof number_chars - 1))
            return 0;
    return len > 0;
}

int model_w2v_looks_textual(const unsigned char *data, size_t len)
{
    w2v_reader r = {.p = data, .end = data + len, .name = "", .binary = 0};
    uint64_t items, dim, fields = 0;
    skip_blanks(&r);
    int ok = read_u64(&r, &items);
    skip_blanks(&r);
    if (!ok || !read_u64(&r, &dim))
        return 0;
    skip_blanks(&r);
    if (r.p == r.end || *r.p != '\n')
        return 0;
    r.p++;
    if (items == 0)
        return 1;
    const unsigned char *line_end = memchr(r.p, '\n', (size_t)(r.end - r.p));
    int whole_line = line_end != NULL;
    if (!line_end)
        line_end = r.end;
    while (r.p < line_end) {
        while (r.p < line_end && is_blank(*r.p))
            r.p++;
        const unsigned char *token = r.p;
        while (r.p < line_end && !is_blank(*r.p))
            r.p++;
        if (r.p == token)
            break;
        if (fields > 0 && !looks_like_number(token, (size_t)(r.p - token)))
            return 0;
        fields++;
    }
    return whole_line ? fields == dim + 1 : fields > 1 && fields <= dim + 1;
}
