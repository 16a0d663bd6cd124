#include "core/reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

enum { READ_BLOCK_BYTES = 1 << 20 };

/* Bytes that separate items.  NUL counts as a blank so that binary garbage
 * cannot smuggle a NUL into an item name (model formats end names there). */
static int is_blank(unsigned char c) { return i2v_item_separator(c); }

i2v_status seq_reader_init(seq_reader *r, FILE *in, const char *name, i2v_error *err)
{
    memset(r, 0, sizeof *r);
    r->in = in;
    r->name = name;
    r->line = 1;
    r->cap = READ_BLOCK_BYTES;
    r->buf = malloc(r->cap);
    if (!r->buf)
        return i2v_fail_nomem(err, "allocating the read buffer");
    return I2V_OK;
}

void seq_reader_free(seq_reader *r)
{
    free(r->buf);
    r->buf = NULL;
}

/* Keeps buf[keep..len) (a partial item), moves it to the front, and reads
 * more after it, growing the buffer when the partial item fills it.
 * Returns 0 at end of input, 1 when bytes were added, -1 on error. */
static int refill(seq_reader *r, size_t keep, i2v_error *err)
{
    size_t kept = r->len - keep;
    if (r->eof)
        return 0;
    if (keep > 0)
        memmove(r->buf, r->buf + keep, kept);
    r->len = kept;
    r->pos = 0;
    if (kept == r->cap) {
        if (r->cap >= (size_t)I2V_MAX_ITEM_BYTES + 1) {
            i2v_fail(err, I2V_ERR_LIMIT, "%s: line %llu: an item is longer than %u bytes",
                     r->name, (unsigned long long)r->line, I2V_MAX_ITEM_BYTES);
            return -1;
        }
        char *bigger = realloc(r->buf, r->cap * 2);
        if (!bigger) {
            i2v_fail_nomem(err, "reading a long item");
            return -1;
        }
        r->buf = bigger;
        r->cap *= 2;
    }
    size_t got = fread(r->buf + r->len, 1, r->cap - r->len, r->in);
    if (got == 0) {
        if (ferror(r->in)) {
            i2v_fail_errno(err, errno ? errno : EIO, "%s: read failed", r->name);
            return -1;
        }
        r->eof = 1;
        return 0;
    }
    r->len += got;
    r->bytes += got;
    return 1;
}

seq_event seq_reader_next(seq_reader *r, const char **item, size_t *len, i2v_error *err)
{
    for (;;) {
        /* Skip blanks; a newline ends the line. */
        while (r->pos < r->len) {
            unsigned char c = (unsigned char)r->buf[r->pos];
            if (!is_blank(c))
                break;
            r->pos++;
            if (c == '\n') {
                r->line++;
                if (r->line_has_items) {
                    r->line_has_items = 0;
                    return SEQ_EOL;
                }
            }
        }
        if (r->pos == r->len) {
            int more = refill(r, r->len, err);
            if (more < 0)
                return SEQ_ERROR;
            if (more == 0) {
                if (r->line_has_items) {
                    r->line_has_items = 0;
                    return SEQ_EOL;
                }
                return SEQ_END;
            }
            continue;
        }
        /* An item starts at pos; find its end, refilling if it reaches the
         * end of the buffered bytes. */
        size_t start = r->pos, end = start;
        for (;;) {
            while (end < r->len && !is_blank((unsigned char)r->buf[end]))
                end++;
            if (end < r->len || r->eof)
                break;
            size_t offset = end - start;
            int more = refill(r, start, err);
            if (more < 0)
                return SEQ_ERROR;
            start = 0;
            end = offset;
            if (more == 0)
                break;
        }
        if (end - start > I2V_MAX_ITEM_BYTES) {
            i2v_fail(err, I2V_ERR_LIMIT, "%s: line %llu: an item is longer than %u bytes",
                     r->name, (unsigned long long)r->line, I2V_MAX_ITEM_BYTES);
            return SEQ_ERROR;
        }
        r->pos = end;
        r->line_has_items = 1;
        *item = r->buf + start;
        *len = end - start;
        return SEQ_ITEM;
    }
}
