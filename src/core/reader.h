/* Streaming tokenizer for sequence text: yields items and line ends from a
 * stream without holding more than a block and the current item.  Lines
 * of any length are fine; an item may span any number of blocks. */
#ifndef I2V_READER_H
#define I2V_READER_H

#include <stdint.h>
#include <stdio.h>

#include "item2vec.h"

typedef enum seq_event {
    SEQ_ITEM,  /* *item / *len hold one item */
    SEQ_EOL,   /* the end of a line that had at least one item */
    SEQ_END,   /* end of input */
    SEQ_ERROR  /* err is filled */
} seq_event;

typedef struct seq_reader {
    FILE *in;
    const char *name;
    char *buf;        /* buf[pos..len) is unread */
    size_t cap, len, pos;
    int eof;
    int line_has_items;
    uint64_t line;    /* 1-based number of the line being read */
    uint64_t bytes;   /* bytes read so far */
} seq_reader;

/* Starts reading `in`; `name` is used in messages. */
i2v_status seq_reader_init(seq_reader *r, FILE *in, const char *name, i2v_error *err);
void seq_reader_free(seq_reader *r);

/* The next event.  An item pointer stays valid until the next call. */
seq_event seq_reader_next(seq_reader *r, const char **item, size_t *len, i2v_error *err);

#endif
