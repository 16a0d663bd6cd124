/* The search's input: copied once, split into training text and held-out
 * lines by a hash of the seed and each sequence's place, so the split
 * never depends on anything but the input and the seed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/reader.h"
#include "tune/tune.h"
#include "util/error.h"
#include "util/grow.h"
#include "util/hash.h"
#include "util/tempfile.h"

enum { COPY_BYTES = 1 << 16 };

/* An unlinked temporary file as a stream. */
static i2v_status temp_stream(const char *tmpdir, const char *what, FILE **out, i2v_error *err)
{
    int fd;
    i2v_status st = temp_open_unlinked(tmpdir, "item2vec-tune", what, &fd, err);
    if (st != I2V_OK)
        return st;
    if (!(*out = fdopen(fd, "w+b"))) {
        st = i2v_fail_errno(err, errno, "%s: cannot open %s", temp_dir(tmpdir), what);
        close(fd);
    }
    return st;
}

static i2v_status copy_input(FILE *in, const char *name, FILE *to, i2v_error *err)
{
    char *buf = malloc(COPY_BYTES);
    if (!buf)
        return i2v_fail_nomem(err, "copying the input");
    i2v_status st = I2V_OK;
    size_t got;
    while (st == I2V_OK && (got = fread(buf, 1, COPY_BYTES, in)) > 0)
        if (fwrite(buf, 1, got, to) != got)
            st = i2v_fail_errno(err, errno ? errno : EIO, "copying %s to a temporary file", name);
    if (st == I2V_OK && ferror(in))
        st = i2v_fail_errno(err, errno ? errno : EIO, "%s: read failed", name);
    if (st == I2V_OK && fflush(to) != 0)
        st = i2v_fail_errno(err, errno, "copying %s to a temporary file", name);
    free(buf);
    rewind(to);
    return st;
}

/* Items of the line being read, as one text of NUL-terminated words. */
typedef struct words {
    char *text;
    size_t len, cap;
    uint64_t *start;
    size_t n, start_cap;
} words;

static i2v_status words_add(words *w, const char *item, size_t len, i2v_error *err)
{
    if (grow_array(&w->text, &w->cap, w->len + len + 1, 1, 4096) != 0 ||
        grow_array(&w->start, &w->start_cap, w->n + 1, sizeof *w->start, 256) != 0)
        return i2v_fail_nomem(err, "holding out validation lines");
    memcpy(w->text + w->len, item, len);
    w->text[w->len + len] = '\0';
    w->start[w->n++] = w->len;
    w->len += len + 1;
    return I2V_OK;
}

/* Whether the eligible sequence at `place` is held out. */
static int held_out(uint64_t place, uint64_t seed, double share)
{
    uint64_t h = i2v_hash_mix(seed ^ i2v_hash_mix(place + 0x9e3779b97f4a7c15ull));
    return (double)(h >> 11) * (1.0 / 9007199254740992.0) < share;
}

/* Pass 1 over the copy: sequences, eligible ones, items. */
static i2v_status count_sequences(tune_data *d, i2v_error *err)
{
    seq_reader r;
    i2v_status st = seq_reader_init(&r, d->all, "the input", err);
    uint64_t in_line = 0, items = 0;
    while (st == I2V_OK) {
        const char *item;
        size_t len;
        seq_event ev = seq_reader_next(&r, &item, &len, err);
        if (ev == SEQ_ITEM) {
            in_line++;
            items++;
        } else if (ev == SEQ_EOL) {
            d->sequences++;
            d->eligible += in_line >= 2;
            in_line = 0;
        } else {
            if (ev == SEQ_ERROR)
                st = err->code;
            break;
        }
    }
    seq_reader_free(&r);
    d->mean_length = d->sequences ? (double)items / (double)d->sequences : 0;
    rewind(d->all);
    return st;
}

static int put_line(FILE *out, const words *w, size_t first, size_t end)
{
    for (size_t i = first; i < end; i++)
        if (fputs(w->text + w->start[i], out) == EOF || fputc(i + 1 < end ? ' ' : '\n', out) == EOF)
            return -1;
    return 0;
}

/* Pass 2: the training text, the held-out text and their words. */
static i2v_status split_sequences(tune_data *d, double share, uint64_t most, uint64_t seed,
                                  i2v_error *err)
{
    seq_reader r;
    i2v_status st = seq_reader_init(&r, d->all, "the input", err);
    words line = {0}, held = {0};
    uint64_t place = 0;
    size_t line_cap = 0;
    while (st == I2V_OK) {
        const char *item;
        size_t len;
        seq_event ev = seq_reader_next(&r, &item, &len, err);
        if (ev == SEQ_ITEM) {
            st = words_add(&line, item, len, err);
            continue;
        }
        if (ev != SEQ_EOL) {
            if (ev == SEQ_ERROR)
                st = err->code;
            break;
        }
        /* Each eligible line by its own draw, never more than `most`. */
        int hold = line.n >= 2 && held_out(place++, seed, share) && d->held_lines < most;
        /* A held-out sequence trains on its history: only the target is
         * kept from the candidates. */
        if (put_line(d->train, &line, 0, hold ? line.n - 1 : line.n) != 0 ||
            (hold && put_line(d->held, &line, 0, line.n) != 0))
            st = i2v_fail_errno(err, errno ? errno : EIO, "writing a temporary file");
        for (size_t i = 0; st == I2V_OK && hold && i < line.n; i++)
            st = words_add(&held, line.text + line.start[i], strlen(line.text + line.start[i]),
                           err);
        if (st == I2V_OK && hold) {
            if (grow_array(&d->line_start, &line_cap, d->held_lines + 2, sizeof *d->line_start,
                           256) != 0)
                st = i2v_fail_nomem(err, "holding out validation lines");
            else
                d->line_start[++d->held_lines] = held.n;
        }
        line.n = line.len = 0;
    }
    seq_reader_free(&r);
    free(line.text);
    free(line.start);
    d->text = held.text;
    d->word_start = held.start;
    d->n_words = held.n;
    if (st == I2V_OK && (fflush(d->train) != 0 || fflush(d->held) != 0))
        st = i2v_fail_errno(err, errno, "writing a temporary file");
    rewind(d->all);
    rewind(d->train);
    rewind(d->held);
    return st;
}

i2v_status tune_data_read(tune_data *d, FILE *in, const char *name, uint64_t wanted,
                          uint64_t seed, const char *tmpdir, i2v_error *err)
{
    memset(d, 0, sizeof *d);
    i2v_status st = temp_stream(tmpdir, "a copy of the input", &d->all, err);
    if (st == I2V_OK)
        st = temp_stream(tmpdir, "the training part of the input", &d->train, err);
    if (st == I2V_OK)
        st = temp_stream(tmpdir, "the validation lines", &d->held, err);
    if (st == I2V_OK)
        st = copy_input(in, name, d->all, err);
    if (st == I2V_OK)
        st = count_sequences(d, err);
    if (st == I2V_OK && d->sequences == 0)
        st = i2v_fail(err, I2V_ERR_EMPTY, "%s: no sequences (the input is empty or blank)", name);
    if (st != I2V_OK)
        return st;
    double share = 0;
    uint64_t most = 0;
    if (wanted > 0) {
        uint64_t fifth = d->eligible / 5;
        if (fifth < 1)
            return i2v_fail(err, I2V_ERR_EMPTY,
                            "%s: %llu sequences of two or more items are too few to hold out "
                            "validation lines (a fifth of them at most)",
                            name, (unsigned long long)d->eligible);
        most = wanted < fifth ? wanted : fifth;
        share = (double)most / (double)d->eligible;
    }
    if (!(d->line_start = calloc(1, sizeof *d->line_start)))
        return i2v_fail_nomem(err, "holding out validation lines");
    st = split_sequences(d, share, most, seed, err);
    if (st == I2V_OK && wanted > 0 && d->held_lines == 0)
        st = i2v_fail(err, I2V_ERR_EMPTY, "%s: no validation line was held out", name);
    return st;
}

void tune_data_free(tune_data *d)
{
    if (d->all)
        fclose(d->all);
    if (d->train)
        fclose(d->train);
    if (d->held)
        fclose(d->held);
    free(d->text);
    free(d->word_start);
    free(d->line_start);
    memset(d, 0, sizeof *d);
}

i2v_status tune_lines_map(tune_lines *l, const tune_data *d, const i2v_vocab *vocab,
                          i2v_error *err)
{
    memset(l, 0, sizeof *l);
    l->n = d->held_lines;
    l->histories = malloc((l->n ? l->n : 1) * sizeof *l->histories);
    l->targets = malloc((l->n ? l->n : 1) * sizeof *l->targets);
    l->ids = malloc((d->n_words ? d->n_words : 1) * sizeof *l->ids);
    if (!l->histories || !l->targets || !l->ids) {
        tune_lines_free(l);
        return i2v_fail_nomem(err, "mapping validation lines");
    }
    size_t used = 0;
    for (size_t i = 0; i < l->n; i++) {
        uint64_t first = d->line_start[i], last = d->line_start[i + 1] - 1;
        uint32_t *ids = l->ids + used;
        size_t n = 0;
        for (uint64_t w = first; w < last; w++) {
            const char *item = d->text + d->word_start[w];
            int64_t id = i2v_vocab_find(vocab, item, strlen(item));
            if (id >= 0)
                ids[n++] = (uint32_t)id;
        }
        const char *target = d->text + d->word_start[last];
        int64_t t = i2v_vocab_find(vocab, target, strlen(target));
        l->targets[i] = t >= 0 ? (uint32_t)t : UINT32_MAX;
        l->histories[i] = (i2v_history){ids, n};
        used += n;
    }
    return I2V_OK;
}

void tune_lines_free(tune_lines *l)
{
    free(l->histories);
    free(l->targets);
    free(l->ids);
    memset(l, 0, sizeof *l);
}
