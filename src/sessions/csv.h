/* Streaming reader of delimited text (CSV, TSV) after RFC 4180: one record
 * at a time, fields unquoted, with the line each record starts on, so that
 * problems can be reported by line.  A record that breaks the quoting rules
 * is still returned, whole, with `defect` set: the caller decides whether
 * that is fatal. */
#ifndef I2V_CSV_H
#define I2V_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "item2vec.h"

/* Longest record kept, in bytes of field text; longer ones are scanned to
 * their end but returned as defects. */
#define CSV_MAX_RECORD_BYTES ((size_t)I2V_MAX_ITEM_BYTES)
/* Most fields kept per record; more is a defect. */
#define CSV_MAX_FIELDS ((size_t)1 << 20)

typedef enum csv_event {
    CSV_RECORD, /* a record is ready (see csv_field and defect) */
    CSV_END,    /* end of input */
    CSV_ERROR   /* reading failed; err is filled */
} csv_event;

typedef struct csv_reader {
    FILE *in;
    const char *name;
    char delimiter;
    int delimiter_detected; /* 0 when detection found no candidate */

    char *block;            /* input bytes block[pos..len) not parsed yet */
    size_t block_len, block_pos, block_cap;
    int eof;

    /* The current record: field i is rec[field_end[i-1] .. field_end[i]),
     * field 0 starts at 0.  Separators and quotes are not stored. */
    char *rec;
    size_t rec_len, rec_cap;
    size_t *field_end;
    size_t n_fields, fields_cap;

    uint64_t line;          /* 1-based line the parser is on */
    uint64_t record_line;   /* the line the current record started on */
    int blank;              /* the record is an empty line */
    const char *defect;     /* NULL, or why the record breaks the rules */
    int out_of_memory;      /* the record could not be held (an error) */
    size_t defect_field;    /* 1-based field the defect was found in */
} csv_reader;

/* Starts reading `in` (named `name` in messages).  delimiter 0 detects it
 * from the first line: the most frequent of tab, comma, semicolon and pipe
 * outside quotes (ties in that order; comma when there is none, with
 * delimiter_detected = 0).  A UTF-8 byte-order mark is skipped. */
i2v_status csv_reader_init(csv_reader *r, FILE *in, const char *name, char delimiter,
                           i2v_error *err);
void csv_reader_free(csv_reader *r);

/* Reads the next record. */
csv_event csv_reader_next(csv_reader *r, i2v_error *err);

/* Field i (0-based) of the current record; i < n_fields. */
static inline const char *csv_field(const csv_reader *r, size_t i, size_t *len)
{
    size_t start = i ? r->field_end[i - 1] : 0;
    *len = r->field_end[i] - start;
    return r->rec + start;
}

#endif
