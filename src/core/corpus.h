/* The corpus as item ids, spooled to an unlinked temporary file: text is
 * parsed once, and every epoch streams ids back in blocks, so memory never
 * grows with the corpus.  Layout: uint32 ids, each sequence followed by
 * CORPUS_END_OF_SEQUENCE; only kept items, no empty sequence. */
#ifndef I2V_CORPUS_H
#define I2V_CORPUS_H

#include <stdint.h>
#include <stdio.h>

#include "item2vec.h"

#define CORPUS_END_OF_SEQUENCE 0xffffffffu

typedef struct succ_counter succ_counter;

typedef struct corpus {
    int fd;              /* -1 when closed */
    uint64_t entries;    /* ids + end markers */
    uint64_t items;      /* ids */
    uint64_t sequences;
    uint64_t distinct;   /* items counted, before min_count and max_vocab */
    /* Each kept item's successors, counted as the spool is rewritten with
     * final ids (so an item dropped between two others joins them), or
     * NULL when not asked for; owned by the corpus until taken. */
    succ_counter *successors;
} corpus;

/* How the vocabulary is cut and where the spool goes. */
typedef struct corpus_options {
    const char *tmpdir;   /* NULL: $TMPDIR or /tmp */
    uint64_t min_count;
    uint64_t max_vocab;
    uint32_t successors;  /* kept per item; 0: none counted */
} corpus_options;

/* Reads the text once into `vocab` (counting, on top of whatever it holds:
 * a continued model's pinned items) and a spool of provisional ids,
 * finalizes the vocabulary and rewrites the spool with final ids.  On
 * failure nothing is left open. */
i2v_status corpus_build(corpus *out, i2v_vocab *vocab, FILE *in, const char *name,
                        const corpus_options *options, i2v_error *err);

void corpus_close(corpus *c);

/* Streams the sequences that start in entries [begin, end) of the spool:
 * the share of one thread out of several. */
typedef struct corpus_cursor {
    const corpus *c;
    uint64_t next;      /* next entry to read from the file */
    uint64_t end;       /* sequences starting at or after this are not ours */
    uint64_t at_entry;  /* entry index of buf[at] */
    uint64_t limit;     /* no entry at or past this is read */
    uint32_t *buf;
    size_t buf_cap;     /* ids buf holds */
    size_t len, at;
} corpus_cursor;

i2v_status corpus_cursor_open(corpus_cursor *cur, const corpus *c, uint32_t part,
                              uint32_t parts, i2v_error *err);
/* Streams the sequences in entries [begin, end), where begin is where a
 * sequence starts (a chunk's, from corpus_chunks_cut). */
i2v_status corpus_cursor_open_range(corpus_cursor *cur, const corpus *c, uint64_t begin,
                                    uint64_t end, i2v_error *err);
void corpus_cursor_close(corpus_cursor *cur);

/* The spool cut into chunks of whole sequences, each the shortest run of
 * sequences from its start that holds at least `chunk_items` items (the
 * last may hold fewer): where the cuts fall depends on the spool alone. */
typedef struct corpus_chunks {
    uint64_t n;
    uint64_t *start;         /* n + 1 entries: chunk i is entries [start[i], start[i+1]) */
    uint64_t *items_before;  /* n + 1: the items of the chunks before chunk i */
} corpus_chunks;

i2v_status corpus_chunks_cut(const corpus *c, uint64_t chunk_items, corpus_chunks *out,
                             i2v_error *err);
void corpus_chunks_free(corpus_chunks *chunks);

/* The next sequence: *ids points to *n ids valid until the next call.
 * Returns 1 for a sequence, 0 at the end of the share, -1 on error. */
int corpus_cursor_next(corpus_cursor *cur, uint32_t **ids, size_t *n, uint32_t **seq_buf,
                       size_t *seq_cap, i2v_error *err);

#endif
