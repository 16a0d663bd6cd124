/* Reading a features file: "item<TAB>feature feature ..." lines into
 * item and feature dictionaries and, per item, the sorted set of its
 * features (see item2vec.h for the rules).
 *
 * (item, feature) pairs are collected as 64-bit keys, item id high, and
 * sorted once at the end: an item may come back on any later line, and
 * sorting both merges its lines and drops repeated features. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coldstart/coldstart.h"
#include "util/error.h"
#include "util/quote.h"
#include "util/grow.h"

#define READ_BLOCK_BYTES (64u * 1024u)
#define FEATURES_MAX_LINE ((size_t)I2V_MAX_ITEM_BYTES)
#define REASON_QUOTE_MAX 64 /* bytes of an item quoted in a reason */
#define INITIAL_PAIRS 4096

/* ---- lines --------------------------------------------------------- */

/* Whole lines from a stream, whatever their length up to
 * FEATURES_MAX_LINE, NUL bytes included. */
typedef struct line_source {
    FILE *in;
    char *buf;   /* buf[pos..len) is unread */
    size_t cap, len, pos;
    int eof;
    int read_errno;  /* errno of a failed read */
    uint64_t line;   /* number of the last line returned */
} line_source;

/* Reads more input after the unread bytes (moved to the front); returns
 * -1 on a read error. */
static int fill(line_source *s)
{
    size_t pending = s->len - s->pos;
    memmove(s->buf, s->buf + s->pos, pending);
    s->len = pending;
    s->pos = 0;
    if (s->len == s->cap) {
        char *grown = realloc(s->buf, s->cap * 2);
        if (!grown)
            return -2;
        s->buf = grown;
        s->cap *= 2;
    }
    errno = 0;
    size_t n = fread(s->buf + s->len, 1, s->cap - s->len, s->in);
    s->len += n;
    if (n == 0) {
        if (ferror(s->in)) {
            s->read_errno = errno ? errno : EIO;
            return -1;
        }
        s->eof = 1;
    }
    return 0;
}

/* Drops the rest of an over-long line, up to and including its '\n'. */
static int skip_rest_of_line(line_source *s)
{
    for (;;) {
        char *nl = memchr(s->buf + s->pos, '\n', s->len - s->pos);
        if (nl) {
            s->pos = (size_t)(nl - s->buf) + 1;
            return 0;
        }
        s->pos = s->len;
        if (s->eof)
            return 0;
        int r = fill(s);
        if (r != 0)
            return r;
    }
}

enum { LINE_END = 0, LINE_OK = 1, LINE_TOO_LONG = 2, LINE_READ_ERROR = -1, LINE_NOMEM = -2 };

/* The next line, without its '\n', in *line and *len. */
static int next_line(line_source *s, const char **line, size_t *len)
{
    size_t scanned = 0; /* bytes after pos known to hold no '\n' */
    for (;;) {
        char *from = s->buf + s->pos + scanned;
        char *nl = memchr(from, '\n', s->len - s->pos - scanned);
        if (nl || (s->eof && s->pos < s->len)) {
            char *end = nl ? nl : s->buf + s->len;
            *line = s->buf + s->pos;
            *len = (size_t)(end - *line);
            s->pos = nl ? (size_t)(nl - s->buf) + 1 : s->len;
            s->line++;
            return LINE_OK;
        }
        if (s->eof)
            return LINE_END;
        scanned = s->len - s->pos;
        if (scanned > FEATURES_MAX_LINE) {
            s->line++;
            int r = skip_rest_of_line(s);
            return r == 0 ? LINE_TOO_LONG : r;
        }
        int r = fill(s);
        if (r != 0)
            return r;
    }
}

/* ---- one line ------------------------------------------------------ */

/* What reading builds up. */
typedef struct features_builder {
    i2v_features *f;
    uint64_t *pairs; /* item << 32 | feature */
    size_t n_pairs, cap_pairs;
    uint64_t first_line_cap;
    i2v_features_report *report;
} features_builder;

static int is_space_or_tab(char c) { return c == ' ' || c == '\t'; }
static int is_feature_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static void add_malformed(i2v_features_report *r, uint64_t line, const char *reason,
                          const char *item, size_t item_len)
{
    r->malformed++;
    if (r->n_examples >= I2V_COLDSTART_MAX_EXAMPLES)
        return;
    i2v_features_problem *p = &r->examples[r->n_examples++];
    p->line = line;
    if (item)
        snprintf(p->reason, sizeof p->reason, "item '%.*s%s': %s",
                 I2V_QUOTED_TO(REASON_QUOTE_MAX, item_len, item),
                 I2V_QUOTE_MORE(REASON_QUOTE_MAX, item_len), reason);
    else
        snprintf(p->reason, sizeof p->reason, "%s", reason);
}

/* Why the item is unusable, or NULL. */
static const char *item_problem(const char *item, size_t len)
{
    if (len == 0)
        return "no item before the tab";
    for (size_t i = 0; i < len; i++)
        if (item[i] == ' ' || item[i] == '\r' || item[i] == '\0')
            return "the item holds a blank or a NUL byte, which no sequence can hold";
    return NULL;
}

/* Why the features are unusable, or NULL. */
static const char *features_problem(const char *p, const char *end)
{
    int any = 0;
    for (; p < end; p++) {
        if (*p == '\0')
            return "a feature holds a NUL byte";
        any |= !is_feature_blank(*p);
    }
    return any ? NULL : "no feature after the tab";
}

static i2v_status push_pair(features_builder *b, uint32_t item, uint32_t feature, i2v_error *err)
{
    if (grow_array(&b->pairs, &b->cap_pairs, b->n_pairs + 1, sizeof *b->pairs, INITIAL_PAIRS) != 0)
        return i2v_fail_nomem(err, "reading item features");
    b->pairs[b->n_pairs++] = (uint64_t)item << 32 | feature;
    return I2V_OK;
}

/* Remembers the line where item `id` first appears. */
static i2v_status note_first_line(features_builder *b, uint32_t id, uint64_t line, i2v_error *err)
{
    if (grow_array(&b->f->first_line, &b->first_line_cap, (size_t)id + 1,
                   sizeof *b->f->first_line, INITIAL_PAIRS) != 0)
        return i2v_fail_nomem(err, "reading item features");
    b->f->first_line[id] = line;
    return I2V_OK;
}

static i2v_status add_item_features(features_builder *b, const char *item, size_t item_len,
                                    const char *p, const char *end, i2v_error *err)
{
    uint32_t before = i2v_vocab_size(b->f->items), id, feature;
    i2v_status st = i2v_vocab_add(b->f->items, item, item_len, 1, &id, err);
    if (st == I2V_OK && id == before)
        st = note_first_line(b, id, b->report->lines, err);
    /* An item seen before gets more pairs: its lines are merged. */
    while (st == I2V_OK && p < end) {
        while (p < end && is_feature_blank(*p))
            p++;
        const char *word = p;
        while (p < end && !is_feature_blank(*p))
            p++;
        if (p > word) {
            st = i2v_vocab_add(b->f->features, word, (size_t)(p - word), 1, &feature, err);
            if (st == I2V_OK)
                st = push_pair(b, id, feature, err);
        }
    }
    return st;
}

/* One line: skipped, counted as malformed, or added. */
static i2v_status read_line(features_builder *b, const char *line, size_t len, i2v_error *err)
{
    const char *end = line + len;
    if (end > line && end[-1] == '\r')
        end--;
    const char *p = line;
    while (p < end && is_space_or_tab(*p))
        p++;
    if (p == end || *p == '#') {
        b->report->skipped_lines++;
        return I2V_OK;
    }
    const char *item = line;
    while (*item == ' ')
        item++;
    const char *tab = memchr(item, '\t', (size_t)(end - item));
    if (!tab) {
        add_malformed(b->report, b->report->lines, "no tab between the item and its features",
                      NULL, 0);
        return I2V_OK;
    }
    const char *item_end = tab;
    while (item_end > item && item_end[-1] == ' ')
        item_end--;
    size_t item_len = (size_t)(item_end - item);
    const char *why = item_problem(item, item_len);
    if (!why)
        why = features_problem(tab + 1, end);
    if (why) {
        add_malformed(b->report, b->report->lines, why, item_len ? item : NULL, item_len);
        return I2V_OK;
    }
    return add_item_features(b, item, item_len, tab + 1, end, err);
}

/* ---- the whole file ------------------------------------------------ */

static int compare_pairs(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts and merges the pairs into per-item feature sets. */
static i2v_status index_pairs(features_builder *b, i2v_error *err)
{
    i2v_features *f = b->f;
    uint32_t n_items = i2v_vocab_size(f->items);
    qsort(b->pairs, b->n_pairs, sizeof *b->pairs, compare_pairs);
    f->start = calloc((size_t)n_items + 1, sizeof *f->start);
    f->feature = malloc((b->n_pairs ? b->n_pairs : 1) * sizeof *f->feature);
    if (!f->start || !f->feature)
        return i2v_fail_nomem(err, "indexing item features");
    size_t kept = 0;
    for (size_t i = 0; i < b->n_pairs; i++) {
        if (i > 0 && b->pairs[i] == b->pairs[i - 1])
            continue;
        f->start[(b->pairs[i] >> 32) + 1]++;
        f->feature[kept++] = (uint32_t)b->pairs[i];
    }
    for (uint32_t i = 0; i < n_items; i++)
        f->start[i + 1] += f->start[i];
    b->report->pairs = kept;
    return I2V_OK;
}

static i2v_status read_all_lines(features_builder *b, line_source *src, const char *name,
                                 i2v_error *err)
{
    const char *line = NULL;
    size_t len = 0;
    int r;
    while ((r = next_line(src, &line, &len)) > 0) {
        b->report->lines = src->line;
        if (r == LINE_TOO_LONG) {
            add_malformed(b->report, src->line, "the line is longer than the item limit", NULL,
                          0);
            continue;
        }
        i2v_error why;
        i2v_status st = read_line(b, line, len, &why);
        if (st != I2V_OK)
            return i2v_fail(err, st, "%s: line %llu: %s", name, (unsigned long long)src->line,
                            why.message);
    }
    if (r == LINE_READ_ERROR)
        return i2v_fail_errno(err, src->read_errno, "%s: read failed after line %llu", name,
                              (unsigned long long)src->line);
    if (r == LINE_NOMEM)
        return i2v_fail_nomem(err, "reading a long line of item features");
    return I2V_OK;
}

static i2v_status check_not_empty(const i2v_features *f, const i2v_features_report *r,
                                  const char *name, i2v_error *err)
{
    if (r->lines == 0)
        return i2v_fail(err, I2V_ERR_EMPTY, "%s: empty file: no item features", name);
    if (i2v_vocab_size(f->items) == 0)
        return i2v_fail(err, I2V_ERR_EMPTY,
                        "%s: no line holds an item and its features (%llu lines: %llu malformed, "
                        "%llu blank or comments)",
                        name, (unsigned long long)r->lines, (unsigned long long)r->malformed,
                        (unsigned long long)r->skipped_lines);
    return I2V_OK;
}

static i2v_status features_new(const char *name, i2v_features **out, i2v_error *err)
{
    i2v_features *f = calloc(1, sizeof *f);
    if (!f || !(f->name = strdup(name))) {
        free(f);
        return i2v_fail_nomem(err, "reading item features");
    }
    *out = f;
    i2v_status st = i2v_vocab_create(&f->items, err);
    if (st == I2V_OK)
        st = i2v_vocab_create(&f->features, err);
    return st;
}

i2v_status i2v_features_read(FILE *in, const char *name, i2v_features **out,
                             i2v_features_report *report, i2v_error *err)
{
    *out = NULL;
    memset(report, 0, sizeof *report);
    features_builder b = {.report = report};
    line_source src = {.in = in, .cap = READ_BLOCK_BYTES};
    src.buf = malloc(src.cap);
    i2v_status st = src.buf ? features_new(name, &b.f, err)
                            : i2v_fail_nomem(err, "reading item features");
    if (st == I2V_OK)
        st = read_all_lines(&b, &src, name, err);
    if (st == I2V_OK)
        st = check_not_empty(b.f, report, name, err);
    if (st == I2V_OK)
        st = index_pairs(&b, err);
    free(src.buf);
    free(b.pairs);
    if (b.f && b.f->items && b.f->features) { /* both made, unless memory ran out */
        report->items = i2v_vocab_size(b.f->items);
        report->features = i2v_vocab_size(b.f->features);
    }
    if (st != I2V_OK) {
        i2v_features_free(b.f);
        return st;
    }
    *out = b.f;
    return I2V_OK;
}

void i2v_features_free(i2v_features *f)
{
    if (!f)
        return;
    free(f->name);
    i2v_vocab_free(f->items);
    i2v_vocab_free(f->features);
    free(f->start);
    free(f->feature);
    free(f->first_line);
    free(f);
}
