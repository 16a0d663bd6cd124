#include "sessions/csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

enum { READ_BLOCK_BYTES = 1 << 20, INITIAL_RECORD_BYTES = 256, INITIAL_FIELDS = 16 };

/* Where the parser is inside a field. */
typedef enum field_state {
    AT_FIELD_START,  /* nothing of the field read yet */
    IN_UNQUOTED,     /* a field that did not start with a quote */
    IN_QUOTED,       /* inside quotes */
    QUOTE_IN_QUOTED  /* a quote inside quotes: doubled, or the closing one */
} field_state;

static const char QUOTE = '"';

void csv_reader_free(csv_reader *r)
{
    free(r->block);
    free(r->rec);
    free(r->field_end);
    r->block = r->rec = NULL;
    r->field_end = NULL;
}

/* Reads more input after block[block_len).  Unparsed bytes are moved to the
 * front first; a block that is full of unparsed bytes is doubled (only the
 * header scan keeps bytes unparsed).  Returns the number of bytes added,
 * 0 at end of input, -1 on error. */
static long fill(csv_reader *r, i2v_error *err)
{
    if (r->eof)
        return 0;
    if (r->block_pos > 0) {
        memmove(r->block, r->block + r->block_pos, r->block_len - r->block_pos);
        r->block_len -= r->block_pos;
        r->block_pos = 0;
    }
    if (r->block_len == r->block_cap) {
        char *bigger = realloc(r->block, r->block_cap * 2);
        if (!bigger) {
            i2v_fail_nomem(err, "reading a long header line");
            return -1;
        }
        r->block = bigger;
        r->block_cap *= 2;
    }
    size_t n = fread(r->block + r->block_len, 1, r->block_cap - r->block_len, r->in);
    if (n == 0) {
        if (ferror(r->in)) {
            i2v_fail_errno(err, errno ? errno : EIO, "%s: cannot read", r->name);
            return -1;
        }
        r->eof = 1;
        return 0;
    }
    r->block_len += n;
    return (long)n;
}

/* Counts the candidate delimiters on the first line, outside quotes, and
 * keeps the most frequent.  The line stays in the block for the parser. */
static i2v_status detect_delimiter(csv_reader *r, i2v_error *err)
{
    static const char candidates[] = {'\t', ',', ';', '|'};
    uint64_t counts[sizeof candidates] = {0};
    int quoted = 0;
    size_t scanned = 0; /* relative to block_pos, which fill may move */
    for (;;) {
        size_t at = r->block_pos + scanned;
        while (at < r->block_len && (quoted || r->block[at] != '\n')) {
            char c = r->block[at++];
            if (c == QUOTE)
                quoted = !quoted;
            else if (!quoted)
                for (size_t k = 0; k < sizeof candidates; k++)
                    counts[k] += c == candidates[k];
        }
        if (at < r->block_len || r->block_len - r->block_pos >= CSV_MAX_RECORD_BYTES)
            break;
        scanned = at - r->block_pos;
        long got = fill(r, err);
        if (got < 0)
            return err ? err->code : I2V_ERR_IO;
        if (got == 0)
            break;
    }
    size_t best = 0;
    for (size_t k = 1; k < sizeof candidates; k++)
        if (counts[k] > counts[best])
            best = k;
    r->delimiter_detected = counts[best] > 0;
    r->delimiter = r->delimiter_detected ? candidates[best] : ',';
    return I2V_OK;
}

i2v_status csv_reader_init(csv_reader *r, FILE *in, const char *name, char delimiter,
                           i2v_error *err)
{
    memset(r, 0, sizeof *r);
    r->in = in;
    r->name = name;
    r->line = 1;
    r->block_cap = READ_BLOCK_BYTES;
    r->rec_cap = INITIAL_RECORD_BYTES;
    r->fields_cap = INITIAL_FIELDS;
    r->block = malloc(r->block_cap);
    r->rec = malloc(r->rec_cap);
    r->field_end = malloc(r->fields_cap * sizeof *r->field_end);
    if (!r->block || !r->rec || !r->field_end) {
        csv_reader_free(r);
        return i2v_fail_nomem(err, "allocating the CSV reader");
    }
    if (fill(r, err) < 0) {
        csv_reader_free(r);
        return err ? err->code : I2V_ERR_IO;
    }
    if (r->block_len >= 3 && memcmp(r->block, "\xEF\xBB\xBF", 3) == 0)
        r->block_pos = 3;
    r->delimiter = delimiter;
    r->delimiter_detected = delimiter != 0;
    if (delimiter == 0) {
        i2v_status st = detect_delimiter(r, err);
        if (st != I2V_OK) {
            csv_reader_free(r);
            return st;
        }
    }
    return I2V_OK;
}

/* The first defect of a record is the one reported. */
static void set_defect(csv_reader *r, const char *why)
{
    if (!r->defect) {
        r->defect = why;
        r->defect_field = r->n_fields + 1;
    }
}

static void append(csv_reader *r, const char *bytes, size_t n)
{
    if (r->rec_len + n > CSV_MAX_RECORD_BYTES) {
        set_defect(r, "the row is longer than the limit of 64 MiB");
        return;
    }
    if (r->rec_len + n > r->rec_cap) {
        size_t cap = r->rec_cap;
        while (cap < r->rec_len + n)
            cap *= 2;
        char *bigger = realloc(r->rec, cap);
        if (!bigger) {
            r->out_of_memory = 1;
            return;
        }
        r->rec = bigger;
        r->rec_cap = cap;
    }
    memcpy(r->rec + r->rec_len, bytes, n);
    r->rec_len += n;
}

static void end_field(csv_reader *r)
{
    if (r->n_fields == CSV_MAX_FIELDS) {
        set_defect(r, "the row has more than 1048576 fields");
        return;
    }
    if (r->n_fields == r->fields_cap) {
        size_t *bigger = realloc(r->field_end, 2 * r->fields_cap * sizeof *bigger);
        if (!bigger) {
            r->out_of_memory = 1;
            return;
        }
        r->field_end = bigger;
        r->fields_cap *= 2;
    }
    r->field_end[r->n_fields++] = r->rec_len;
}

/* The parse of one record, kept across block refills. */
typedef struct record_parse {
    field_state state;
    int pending_cr;  /* a CR outside quotes, not yet known to end the line */
    int content;     /* anything but the line end was read */
} record_parse;

/* A CR that turned out not to end the line is an ordinary byte. */
static void settle_cr(csv_reader *r, record_parse *rp)
{
    rp->pending_cr = 0;
    rp->content = 1;
    if (rp->state == QUOTE_IN_QUOTED)
        set_defect(r, "bad quoting: a character after the closing quote");
    rp->state = IN_UNQUOTED;
    append(r, "\r", 1);
}

/* Parses block[*at..len).  Returns 1 when the record ended (after its
 * newline), 0 when the block ran out first. */
static int parse_block(csv_reader *r, record_parse *rp, size_t *at)
{
    const char *p = r->block + *at, *end = r->block + r->block_len;
    const char delim = r->delimiter;
    while (p < end) {
        char c = *p++;
        if (rp->pending_cr && c != '\n')
            settle_cr(r, rp);
        if (c == '\n' && rp->state != IN_QUOTED) {
            r->line++;
            end_field(r);
            *at = (size_t)(p - r->block);
            return 1;
        }
        if (c != '\r' || rp->state == IN_QUOTED)
            rp->content = 1;
        switch (rp->state) {
        case AT_FIELD_START:
        case IN_UNQUOTED:
            if (c == delim) {
                end_field(r);
                rp->state = AT_FIELD_START;
            } else if (c == '\r') {
                rp->pending_cr = 1;
            } else if (c == QUOTE && rp->state == AT_FIELD_START) {
                rp->state = IN_QUOTED;
            } else {
                /* Plain bytes, quotes included: take the whole run at once. */
                const char *run = p - 1;
                while (p < end && *p != delim && *p != '\n' && *p != '\r')
                    p++;
                append(r, run, (size_t)(p - run));
                rp->state = IN_UNQUOTED;
            }
            break;
        case IN_QUOTED:
            if (c == QUOTE) {
                rp->state = QUOTE_IN_QUOTED;
            } else {
                /* Newlines inside quotes are data but still count as lines. */
                const char *run = p - 1;
                r->line += c == '\n';
                while (p < end && *p != QUOTE)
                    r->line += *p++ == '\n';
                append(r, run, (size_t)(p - run));
            }
            break;
        case QUOTE_IN_QUOTED:
            if (c == QUOTE) {
                append(r, "\"", 1);
                rp->state = IN_QUOTED;
            } else if (c == delim) {
                end_field(r);
                rp->state = AT_FIELD_START;
            } else if (c == '\r') {
                rp->pending_cr = 1;
            } else {
                set_defect(r, "bad quoting: a character after the closing quote");
                append(r, &c, 1);
                rp->state = IN_UNQUOTED;
            }
            break;
        }
    }
    *at = r->block_len;
    return 0;
}

static void begin_record(csv_reader *r)
{
    r->rec_len = 0;
    r->n_fields = 0;
    r->defect = NULL;
    r->defect_field = 0;
    r->blank = 0;
    r->out_of_memory = 0;
    r->record_line = r->line;
}

/* The record is complete: report it, unless it could not be held. */
static csv_event end_record(csv_reader *r, const record_parse *rp, i2v_error *err)
{
    if (r->out_of_memory) {
        i2v_fail(err, I2V_ERR_NOMEM, "%s:%llu: out of memory holding a row of %zu bytes",
                 r->name, (unsigned long long)r->record_line, r->rec_len);
        return CSV_ERROR;
    }
    r->blank = !rp->content;
    return CSV_RECORD;
}

csv_event csv_reader_next(csv_reader *r, i2v_error *err)
{
    begin_record(r);
    record_parse rp = {AT_FIELD_START, 0, 0};
    int consumed = 0;
    for (;;) {
        if (r->block_pos == r->block_len) {
            long got = fill(r, err);
            if (got < 0)
                return CSV_ERROR;
            if (got == 0)
                break;
        }
        consumed = 1;
        size_t at = r->block_pos;
        int ended = parse_block(r, &rp, &at);
        r->block_pos = at;
        if (ended)
            return end_record(r, &rp, err);
    }
    if (!consumed)
        return CSV_END;
    /* The last line had no newline; a CR before the end is its line end. */
    if (rp.state == IN_QUOTED)
        set_defect(r, "bad quoting: a quoted field is never closed");
    end_field(r);
    return end_record(r, &rp, err);
}
