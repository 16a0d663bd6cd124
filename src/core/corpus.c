#include "core/corpus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"
#include "util/tempfile.h"
#include "core/reader.h"
#include "core/successors.h"
#include "core/vocab.h"
#include "util/grow.h"

enum { SPOOL_BLOCK_IDS = 1 << 16 };

/* A buffered writer of ids to a file descriptor. */
typedef struct id_writer {
    int fd;
    int in_place;   /* pwrite at the entry's own offset (the spool rewritten where it lies) */
    uint32_t buf[SPOOL_BLOCK_IDS];
    size_t len;
    uint64_t written;
} id_writer;

static i2v_status write_all(int fd, const void *data, size_t bytes, i2v_error *err)
{
    if (fd_write_all(fd, data, bytes) != 0)
        return i2v_fail_errno(err, errno, "writing the corpus spool (temporary directory)");
    return I2V_OK;
}

static i2v_status writer_flush(id_writer *w, i2v_error *err)
{
    i2v_status st = I2V_OK;
    if (!w->in_place)
        st = write_all(w->fd, w->buf, w->len * sizeof *w->buf, err);
    else if (fd_pwrite_all(w->fd, w->buf, w->len * sizeof *w->buf,
                           (off_t)((w->written - w->len) * sizeof *w->buf)) != 0)
        st = i2v_fail_errno(err, errno, "writing the corpus spool (temporary directory)");
    w->len = 0;
    return st;
}

static i2v_status writer_put(id_writer *w, uint32_t id, i2v_error *err)
{
    w->buf[w->len++] = id;
    w->written++;
    return w->len == SPOOL_BLOCK_IDS ? writer_flush(w, err) : I2V_OK;
}

static i2v_status open_spool(const char *tmpdir, int *fd_out, i2v_error *err)
{
    return temp_open_unlinked(tmpdir, "item2vec-spool", "the corpus spool", fd_out, err);
}

/* Pass 1: text -> provisional ids (order of first appearance). */
static i2v_status spool_text(FILE *in, const char *name, i2v_vocab *vocab, id_writer *w,
                             i2v_error *err)
{
    seq_reader r;
    i2v_status st = seq_reader_init(&r, in, name, err);
    if (st != I2V_OK)
        return st;
    for (;;) {
        const char *item;
        size_t len;
        uint32_t id;
        seq_event ev = seq_reader_next(&r, &item, &len, err);
        if (ev == SEQ_ITEM) {
            if ((st = i2v_vocab_add(vocab, item, len, 1, &id, err)) != I2V_OK) {
                i2v_fail_context(err, "%s: line %llu", name, (unsigned long long)r.line);
                break;
            }
            if ((st = writer_put(w, id, err)) != I2V_OK)
                break;
        } else if (ev == SEQ_EOL) {
            if ((st = writer_put(w, CORPUS_END_OF_SEQUENCE, err)) != I2V_OK)
                break;
        } else {
            if (ev == SEQ_ERROR)
                st = err ? err->code : I2V_ERR_IO;
            break;
        }
    }
    seq_reader_free(&r);
    if (st == I2V_OK)
        st = writer_flush(w, err);
    return st;
}

static i2v_status read_ids(int fd, uint64_t entry, uint32_t *buf, size_t want, size_t *got,
                           i2v_error *err)
{
    *got = 0;
    ssize_t n = fd_pread_all(fd, buf, want * sizeof *buf, (off_t)(entry * sizeof *buf));
    if (n < 0)
        return i2v_fail_errno(err, errno, "reading the corpus spool");
    *got = (size_t)n / sizeof *buf;
    return I2V_OK;
}

/* Pass 2: provisional ids -> final ids, dropping items not kept and the
 * sequences left empty.  Written over the provisional spool itself: an
 * entry never yields more than one, so the writes stay behind the reads,
 * and the disk holds one spool, not two. */
static i2v_status remap_spool(int from, uint64_t entries, const uint32_t *remap, id_writer *w,
                              corpus *c, i2v_error *err)
{
    uint32_t previous = CORPUS_END_OF_SEQUENCE; /* the last kept item of this sequence */
    uint32_t *block = malloc(SPOOL_BLOCK_IDS * sizeof *block);
    if (!block)
        return i2v_fail_nomem(err, "rewriting the corpus spool");
    i2v_status st = I2V_OK;
    uint64_t at = 0;
    size_t in_sequence = 0;
    while (at < entries && st == I2V_OK) {
        size_t got;
        st = read_ids(from, at, block, SPOOL_BLOCK_IDS, &got, err);
        if (st == I2V_OK && got == 0)
            st = i2v_fail(err, I2V_ERR_IO, "the corpus spool is shorter than written");
        for (size_t i = 0; i < got && st == I2V_OK; i++) {
            uint32_t id = block[i];
            if (id == CORPUS_END_OF_SEQUENCE) {
                if (in_sequence) {
                    st = writer_put(w, CORPUS_END_OF_SEQUENCE, err);
                    c->sequences++;
                }
                in_sequence = 0;
                previous = CORPUS_END_OF_SEQUENCE;
            } else if (remap[id] != I2V_DROPPED) {
                st = writer_put(w, remap[id], err);
                c->items++;
                in_sequence++;
                if (st == I2V_OK && c->successors && previous != CORPUS_END_OF_SEQUENCE)
                    st = succ_counter_add(c->successors, previous, remap[id], 1, err);
                previous = remap[id];
            }
        }
        at += got;
    }
    free(block);
    if (st == I2V_OK)
        st = writer_flush(w, err);
    c->entries = w->written;
    return st;
}

i2v_status corpus_build(corpus *out, i2v_vocab *vocab, FILE *in, const char *name,
                        const corpus_options *options, i2v_error *err)
{
    memset(out, 0, sizeof *out);
    out->fd = -1;
    id_writer *w = malloc(sizeof *w);
    if (!w)
        return i2v_fail_nomem(err, "spooling the corpus");
    int first = -1;
    uint32_t *remap = NULL;
    uint64_t counted_before = i2v_vocab_total(vocab); /* a continued model's counts */
    i2v_status st = open_spool(options->tmpdir, &first, err);
    if (st == I2V_OK) {
        *w = (id_writer){.fd = first};
        st = spool_text(in, name, vocab, w, err);
    }
    uint64_t entries = w->written;
    if (st == I2V_OK && i2v_vocab_total(vocab) == counted_before)
        st = i2v_fail(err, I2V_ERR_EMPTY, "%s: no items (the input is empty or blank)", name);
    if (st == I2V_OK) {
        out->distinct = i2v_vocab_size(vocab);
        st = i2v_vocab_finalize(vocab, options->min_count, options->max_vocab, &remap, err);
        if (st == I2V_ERR_EMPTY)
            i2v_fail_context(err, "%s", name);
    }
    if (st == I2V_OK && options->successors > 0)
        st = succ_counter_create(i2v_vocab_size(vocab), options->successors, &out->successors,
                                 err);
    if (st == I2V_OK) {
        out->fd = first;
        first = -1;
        *w = (id_writer){.fd = out->fd, .in_place = 1};
        st = remap_spool(out->fd, entries, remap, w, out, err);
    }
    if (st == I2V_OK && ftruncate(out->fd, (off_t)(out->entries * sizeof(uint32_t))) != 0)
        st = i2v_fail_errno(err, errno, "cutting the corpus spool to its length");
    free(remap);
    free(w);
    if (first >= 0)
        close(first);
    if (st != I2V_OK)
        corpus_close(out);
    return st;
}

void corpus_close(corpus *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    succ_counter_free(c->successors);
    c->successors = NULL;
}

/* Loads the next block; returns the number of ids now buffered. */
static int cursor_fill(corpus_cursor *cur, i2v_error *err)
{
    size_t want = cur->buf_cap;
    if (cur->next >= cur->limit)
        return 0;
    if (cur->limit - cur->next < want)
        want = (size_t)(cur->limit - cur->next);
    size_t got;
    if (read_ids(cur->c->fd, cur->next, cur->buf, want, &got, err) != I2V_OK)
        return -1;
    if (got == 0) {
        i2v_fail(err, I2V_ERR_IO, "the corpus spool is shorter than written");
        return -1;
    }
    cur->at_entry = cur->next;
    cur->next += got;
    cur->len = got;
    cur->at = 0;
    return 1;
}

i2v_status corpus_cursor_open(corpus_cursor *cur, const corpus *c, uint32_t part,
                              uint32_t parts, i2v_error *err)
{
    memset(cur, 0, sizeof *cur);
    cur->c = c;
    cur->limit = c->entries;
    cur->buf_cap = SPOOL_BLOCK_IDS;
    cur->buf = malloc(SPOOL_BLOCK_IDS * sizeof *cur->buf);
    if (!cur->buf)
        return i2v_fail_nomem(err, "reading the corpus spool");
    uint64_t begin = c->entries / parts * part + (c->entries % parts) * part / parts;
    cur->end = c->entries / parts * (part + 1) + (c->entries % parts) * (part + 1) / parts;
    if (part + 1 == parts)
        cur->end = c->entries;
    /* A share starts at the first sequence starting at or after `begin`:
     * read from begin - 1 and skip through the first end marker. */
    cur->next = begin;
    if (begin > 0) {
        cur->next = begin - 1;
        for (;;) {
            int r = cursor_fill(cur, err);
            if (r < 0)
                return err ? err->code : I2V_ERR_IO;
            if (r == 0)
                break;
            while (cur->at < cur->len && cur->buf[cur->at] != CORPUS_END_OF_SEQUENCE)
                cur->at++;
            if (cur->at < cur->len) {
                cur->at++;
                break;
            }
        }
    }
    return I2V_OK;
}

i2v_status corpus_cursor_open_range(corpus_cursor *cur, const corpus *c, uint64_t begin,
                                    uint64_t end, i2v_error *err)
{
    memset(cur, 0, sizeof *cur);
    cur->c = c;
    cur->end = cur->limit = end < c->entries ? end : c->entries;
    cur->next = begin;
    /* A chunk is small: a buffer of its own size, not a whole block. */
    uint64_t span = cur->limit > begin ? cur->limit - begin : 1;
    cur->buf_cap = span < SPOOL_BLOCK_IDS ? (size_t)span : SPOOL_BLOCK_IDS;
    cur->buf = malloc(cur->buf_cap * sizeof *cur->buf);
    if (!cur->buf)
        return i2v_fail_nomem(err, "reading the corpus spool");
    return I2V_OK;
}

void corpus_chunks_free(corpus_chunks *chunks)
{
    free(chunks->start);
    free(chunks->items_before);
    memset(chunks, 0, sizeof *chunks);
}

i2v_status corpus_chunks_cut(const corpus *c, uint64_t chunk_items, corpus_chunks *out,
                             i2v_error *err)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0, cap_items = 0;
    uint32_t *buf = malloc(SPOOL_BLOCK_IDS * sizeof *buf);
    i2v_status st = buf ? I2V_OK : i2v_fail_nomem(err, "cutting the corpus into chunks");
    uint64_t items = 0, in_chunk = 0, n = 0;
    /* start[0] = 0; a chunk closes at the first end marker once it holds
     * chunk_items items. */
    for (uint64_t at = 0; st == I2V_OK && at <= c->entries;) {
        if (n == 0 || in_chunk >= chunk_items || at == c->entries) {
            if (grow_array(&out->start, &cap, n + 1, sizeof *out->start, 1024) != 0 ||
                grow_array(&out->items_before, &cap_items, n + 1, sizeof *out->items_before,
                           1024) != 0) {
                st = i2v_fail_nomem(err, "cutting the corpus into chunks");
                break;
            }
            out->start[n] = at;
            out->items_before[n] = items;
            n++;
            in_chunk = 0;
            if (at == c->entries)
                break;
        }
        size_t want = c->entries - at < SPOOL_BLOCK_IDS ? (size_t)(c->entries - at)
                                                        : SPOOL_BLOCK_IDS;
        size_t got;
        if ((st = read_ids(c->fd, at, buf, want, &got, err)) != I2V_OK)
            break;
        if (got == 0) {
            st = i2v_fail(err, I2V_ERR_IO, "the corpus spool is shorter than written");
            break;
        }
        /* Up to the end of the first sequence that fills the chunk. */
        size_t i = 0;
        for (; i < got; i++) {
            if (buf[i] != CORPUS_END_OF_SEQUENCE) {
                items++;
                in_chunk++;
            } else if (in_chunk >= chunk_items) {
                i++;
                break;
            }
        }
        at += i;
    }
    free(buf);
    if (st != I2V_OK) {
        corpus_chunks_free(out);
        return st;
    }
    /* n - 1 chunks: the last start is the end of the spool. */
    out->n = n - 1;
    return I2V_OK;
}

void corpus_cursor_close(corpus_cursor *cur)
{
    free(cur->buf);
    cur->buf = NULL;
}

int corpus_cursor_next(corpus_cursor *cur, uint32_t **ids, size_t *n, uint32_t **seq_buf,
                       size_t *seq_cap, i2v_error *err)
{
    if (cur->at == cur->len) {
        int r = cursor_fill(cur, err);
        if (r <= 0)
            return r;
    }
    if (cur->at_entry + cur->at >= cur->end)
        return 0;
    /* Fast path: the whole sequence is in the buffer. */
    size_t start = cur->at, i = start;
    while (i < cur->len && cur->buf[i] != CORPUS_END_OF_SEQUENCE)
        i++;
    if (i < cur->len) {
        *ids = cur->buf + start;
        *n = i - start;
        cur->at = i + 1;
        return 1;
    }
    /* The sequence crosses blocks: gather it into seq_buf. */
    size_t len = 0;
    for (;;) {
        size_t chunk = i - start;
        if (grow_array(seq_buf, seq_cap, len + chunk, sizeof **seq_buf, 1024) != 0) {
            i2v_fail_nomem(err, "holding a long sequence");
            return -1;
        }
        memcpy(*seq_buf + len, cur->buf + start, chunk * sizeof *cur->buf);
        len += chunk;
        cur->at = i;
        if (i < cur->len) {
            cur->at++; /* past the end marker */
            break;
        }
        int r = cursor_fill(cur, err);
        if (r < 0)
            return -1;
        if (r == 0)
            break; /* the spool always ends with a marker; be lenient anyway */
        start = i = 0;
        while (i < cur->len && cur->buf[i] != CORPUS_END_OF_SEQUENCE)
            i++;
    }
    *ids = *seq_buf;
    *n = len;
    return 1;
}
