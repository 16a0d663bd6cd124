/* Model files in and out: the one place that knows which format reads or
 * writes what (native.c and w2v.c know only their own).  Reading: a
 * regular file is memory-mapped; a native model is then used in place (the
 * mapping lives as long as the model), word2vec files are parsed from the
 * mapping and unmapped.  Pipes and in-memory data are copied. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "model/formats.h"

/* The first half of the native magic: a file that starts like a native
 * model is read as one, so a damaged magic is reported as such rather than
 * as a malformed word2vec header. */
#define NATIVE_MAGIC_PREFIX "\x89I2V"
#define NATIVE_MAGIC_PREFIX_BYTES 4
#define NATIVE_ALIGN_BYTES 64
#define READ_CHUNK_BYTES (1u << 20)

i2v_format i2v_format_from_path(const char *path)
{
    size_t n = strlen(path);
    if (n >= 4 && strcmp(path + n - 4, ".bin") == 0)
        return I2V_FORMAT_W2V_BIN;
    if (n >= 4 && (strcmp(path + n - 4, ".txt") == 0 || strcmp(path + n - 4, ".vec") == 0))
        return I2V_FORMAT_W2V_TEXT;
    return I2V_FORMAT_NATIVE;
}

const char *i2v_format_name(i2v_format format)
{
    switch (format) {
    case I2V_FORMAT_W2V_BIN: return "word2vec-binary";
    case I2V_FORMAT_W2V_TEXT: return "word2vec-text";
    case I2V_FORMAT_NATIVE: return "native";
    case I2V_FORMAT_AUTO: break;
    }
    return "auto";
}

i2v_status i2v_model_write(const i2v_model *m, FILE *out, i2v_format format, const char *name,
                           i2v_error *err)
{
    switch (format) {
    case I2V_FORMAT_W2V_BIN: return model_write_w2v(m, out, 1, name, err);
    case I2V_FORMAT_W2V_TEXT: return model_write_w2v(m, out, 0, name, err);
    case I2V_FORMAT_NATIVE: return model_write_native(m, out, name, err);
    case I2V_FORMAT_AUTO: break;
    }
    return i2v_fail(err, I2V_ERR_INVALID, "%s: no model format given", name);
}

static i2v_format detect_format(const unsigned char *data, size_t len)
{
    if (len >= NATIVE_MAGIC_PREFIX_BYTES &&
        memcmp(data, NATIVE_MAGIC_PREFIX, NATIVE_MAGIC_PREFIX_BYTES) == 0)
        return I2V_FORMAT_NATIVE;
    return model_w2v_looks_textual(data, len) ? I2V_FORMAT_W2V_TEXT : I2V_FORMAT_W2V_BIN;
}

static i2v_status parse_w2v(const unsigned char *data, size_t len, i2v_format format,
                            const char *name, i2v_model **out, i2v_error *err)
{
    return model_parse_w2v(data, len, format == I2V_FORMAT_W2V_BIN, name, out, err);
}

/* Native data from memory: copied to a 64-byte aligned block the model
 * then owns, so that its arrays are aligned as in a mapping. */
static i2v_status parse_native_copy(const void *data, size_t len, const char *name,
                                    i2v_model **out, i2v_error *err)
{
    void *copy = NULL;
    if (posix_memalign(&copy, NATIVE_ALIGN_BYTES, len) != 0)
        return i2v_fail_nomem(err, "copying a native model");
    memcpy(copy, data, len);
    i2v_status st = model_parse_native(copy, len, name, out, err);
    if (st != I2V_OK) {
        free(copy);
        return st;
    }
    st = model_own(*out, copy, err); /* frees the copy when it fails */
    if (st != I2V_OK) {
        i2v_model_free(*out);
        *out = NULL;
    }
    return st;
}

i2v_status i2v_model_parse(const void *data, size_t len, i2v_format format, const char *name,
                           i2v_model **out, i2v_error *err)
{
    *out = NULL;
    if (len == 0)
        return i2v_fail(err, I2V_ERR_FORMAT, "%s: empty, not a model", name);
    if (format == I2V_FORMAT_AUTO)
        format = detect_format(data, len);
    if (format == I2V_FORMAT_NATIVE)
        return parse_native_copy(data, len, name, out, err);
    return parse_w2v(data, len, format, name, out, err);
}

/* Everything from a descriptor that cannot be mapped (a pipe, a FIFO). */
static i2v_status read_all(int fd, const char *path, unsigned char **out, size_t *out_len,
                           i2v_error *err)
{
    size_t len = 0, capacity = READ_CHUNK_BYTES;
    unsigned char *buf = malloc(capacity);
    if (!buf)
        return i2v_fail_nomem(err, "reading a model");
    for (;;) {
        if (capacity - len < READ_CHUNK_BYTES) {
            unsigned char *grown = capacity <= SIZE_MAX / 2 ? realloc(buf, capacity * 2) : NULL;
            if (!grown) {
                free(buf);
                return i2v_fail_nomem(err, "reading a model");
            }
            buf = grown;
            capacity *= 2;
        }
        ssize_t got = read(fd, buf + len, capacity - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            return i2v_fail_errno(err, e, "%s: read failed", path);
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    *out = buf;
    *out_len = len;
    return I2V_OK;
}

static i2v_status open_unmappable(int fd, const char *path, i2v_format format, i2v_model **out,
                                  i2v_error *err)
{
    unsigned char *data = NULL;
    size_t len = 0;
    i2v_status st = read_all(fd, path, &data, &len, err);
    if (st != I2V_OK)
        return st;
    st = i2v_model_parse(data, len, format, path, out, err);
    free(data);
    return st;
}

/* The first bytes of a file: enough to tell its format (a text row that
 * is longer is judged on its beginning). */
#define SNIFF_BYTES 65536

static i2v_format sniff_format(int fd, size_t len)
{
    static const size_t sniff = SNIFF_BYTES;
    unsigned char *head = malloc(sniff);
    if (!head) /* the parser then says what is wrong, if anything */
        return I2V_FORMAT_W2V_BIN;
    ssize_t got = pread(fd, head, len < sniff ? len : sniff, 0);
    i2v_format format = detect_format(head, got > 0 ? (size_t)got : 0);
    free(head);
    return format;
}

static i2v_status open_mapped(int fd, const char *path, size_t len, i2v_format format,
                              i2v_model **out, i2v_error *err)
{
    if (format == I2V_FORMAT_AUTO)
        format = sniff_format(fd, len);
    /* A word2vec file is read whole, at once: mapping every page in one
     * call costs far less than a page fault for each.  A native file is
     * mapped lazily: a query touches only what it needs. */
    int populate = format == I2V_FORMAT_NATIVE ? 0 : MAP_POPULATE;
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | populate, fd, 0);
    if (map == MAP_FAILED)
        return i2v_fail_errno(err, errno, "%s: cannot map into memory", path);
    i2v_status st;
    if (format == I2V_FORMAT_NATIVE) {
        st = model_parse_native(map, len, path, out, err);
        if (st == I2V_OK) {
            (*out)->mapping = map;
            (*out)->mapping_len = len;
            return I2V_OK;
        }
    } else {
        st = parse_w2v(map, len, format, path, out, err);
    }
    munmap(map, len);
    return st;
}

i2v_status i2v_model_open(const char *path, i2v_format format, i2v_model **out, i2v_error *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return i2v_fail_errno(err, errno, "%s: cannot open", path);
    struct stat st;
    i2v_status status;
    if (fstat(fd, &st) != 0)
        status = i2v_fail_errno(err, errno, "%s: cannot stat", path);
    else if (S_ISDIR(st.st_mode))
        status = i2v_fail_errno(err, EISDIR, "%s: cannot read", path);
    else if (!S_ISREG(st.st_mode))
        status = open_unmappable(fd, path, format, out, err);
    else if (st.st_size == 0)
        status = i2v_fail(err, I2V_ERR_FORMAT, "%s: empty file, not a model", path);
    else if ((uint64_t)st.st_size > SIZE_MAX)
        status = i2v_fail(err, I2V_ERR_LIMIT, "%s: too large for this machine's memory", path);
    else
        status = open_mapped(fd, path, (size_t)st.st_size, format, out, err);
    close(fd);
    return status;
}

i2v_format i2v_model_format(const i2v_model *m) { return m->format; }
uint32_t i2v_model_format_version(const i2v_model *m) { return m->native_version; }

/* Models parsed from word2vec files were checked value by value while
 * reading; trained ones were written by this library.  Both get the same
 * checks a native file's vectors get. */
static i2v_status verify_in_memory(const i2v_model *m, i2v_error *err)
{
    const char *name = m->source ? m->source : "model";
    const float *rows[2] = {m->input, m->output};
    for (int r = 0; r < 2; r++) {
        if (!rows[r])
            continue;
        uint32_t bad = model_first_nonfinite_row(rows[r], m->dim, 0, m->size);
        if (bad < m->size)
            return i2v_fail(err, I2V_ERR_FORMAT, "%s: row %u of the %s vectors is not finite",
                            name, bad + 1, r ? "output" : "input");
    }
    for (uint32_t i = 0; i < m->size; i++)
        if (i2v_model_find(m, m->names + m->name_offset[i], m->name_length[i]) != (int64_t)i)
            return i2v_fail(err, I2V_ERR_FORMAT, "%s: the item index does not lead to row %u",
                            name, i + 1);
    return model_check_successors(m, err);
}

i2v_status i2v_model_verify(const i2v_model *m, i2v_error *err)
{
    if (m->native_bytes)
        return model_verify_native(m, err);
    return verify_in_memory(m, err);
}
