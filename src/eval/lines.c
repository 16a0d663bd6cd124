/* Evaluation files, one record per non-blank line, as fields. */
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "eval/eval.h"
#include "util/grow.h"

enum { INITIAL_FIELDS = 16, INITIAL_TEXT_BYTES = 256 };

i2v_status eval_reader_init(eval_reader *r, FILE *in, const char *name, i2v_error *err)
{
    memset(r, 0, sizeof *r);
    r->fields_cap = INITIAL_FIELDS;
    r->text_cap = INITIAL_TEXT_BYTES;
    r->offset = malloc(r->fields_cap * sizeof *r->offset);
    r->length = malloc(r->fields_cap * sizeof *r->length);
    r->text = malloc(r->text_cap);
    if (!r->offset || !r->length || !r->text) {
        eval_reader_free(r);
        return i2v_fail_nomem(err, "reading an evaluation file");
    }
    i2v_status st = seq_reader_init(&r->seq, in, name, err);
    if (st != I2V_OK)
        eval_reader_free(r);
    return st;
}

void eval_reader_free(eval_reader *r)
{
    seq_reader_free(&r->seq);
    free(r->offset);
    free(r->length);
    free(r->text);
    r->offset = r->length = NULL;
    r->text = NULL;
}

static i2v_status append_field(eval_reader *r, const char *item, size_t len, i2v_error *err)
{
    size_t offset_cap = r->fields_cap, length_cap = r->fields_cap;
    if (grow_array(&r->offset, &offset_cap, r->n_fields + 1, sizeof *r->offset, 0) != 0 ||
        grow_array(&r->length, &length_cap, r->n_fields + 1, sizeof *r->length, 0) != 0 ||
        grow_array(&r->text, &r->text_cap, r->text_len + len + 1, 1, 0) != 0)
        return i2v_fail_nomem(err, "reading a long line");
    r->fields_cap = offset_cap < length_cap ? offset_cap : length_cap;
    memcpy(r->text + r->text_len, item, len);
    r->text[r->text_len + len] = '\0';
    r->offset[r->n_fields] = r->text_len;
    r->length[r->n_fields] = len;
    r->n_fields++;
    r->text_len += len + 1;
    return I2V_OK;
}

int eval_reader_next(eval_reader *r, i2v_error *err)
{
    r->n_fields = 0;
    r->text_len = 0;
    if (r->done)
        return 0;
    for (;;) {
        const char *item;
        size_t len;
        switch (seq_reader_next(&r->seq, &item, &len, err)) {
        case SEQ_ITEM:
            /* The tokenizer's line counter is exact while it hands out an
             * item; at the end of a line it has already moved on. */
            if (r->n_fields == 0)
                r->line = r->seq.line;
            if (append_field(r, item, len, err) != I2V_OK)
                return -1;
            break;
        case SEQ_EOL: return 1;
        case SEQ_END: r->done = 1; return 0;
        case SEQ_ERROR: return -1;
        }
    }
}

const char *eval_field(const eval_reader *r, size_t i, size_t *len)
{
    if (len)
        *len = r->length[i];
    return r->text + r->offset[i];
}

i2v_status eval_reader_each(FILE *in, const char *name, eval_line_fn line, void *state,
                            i2v_error *err)
{
    i2v_error scratch; /* the reader reports its failures through err */
    if (!err)
        err = &scratch;
    eval_reader r;
    i2v_status st = eval_reader_init(&r, in, name, err);
    if (st != I2V_OK)
        return st;
    int more;
    while (st == I2V_OK && (more = eval_reader_next(&r, err)) > 0)
        st = line(&r, state, err);
    if (st == I2V_OK && more < 0)
        st = err->code;
    eval_reader_free(&r);
    return st;
}

void eval_note_malformed(i2v_eval_malformed *m, uint64_t line)
{
    if (m->count < I2V_EVAL_LINES_KEPT)
        m->lines[m->count] = line;
    m->count++;
}
