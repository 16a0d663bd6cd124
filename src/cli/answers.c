#include "answers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "names.h"
#include "util/grow.h"

i2v_model *answers_open_model(const char *path)
{
    i2v_model *m = NULL;
    i2v_error err;
    i2v_status st;
    if (strcmp(path, "-") == 0) { /* read once, parsed from memory */
        size_t len;
        char *bytes = cli_read_whole("-", &len);
        if (!bytes)
            return NULL;
        st = i2v_model_parse(bytes, len, I2V_FORMAT_AUTO, "standard input", &m, &err);
        free(bytes);
    } else {
        st = i2v_model_open(path, I2V_FORMAT_AUTO, &m, &err);
    }
    if (st != I2V_OK) {
        cli_fail(&err);
        return NULL;
    }
    return m;
}

void query_terms_free(query_terms *q)
{
    free(q->positive);
    free(q->negative);
    free(q->text);
    memset(q, 0, sizeof *q);
}

static int reserve(query_terms *q, size_t words, size_t text_len)
{
    if (words > q->capacity) {
        size_t capacity = q->capacity ? q->capacity : 8;
        while (capacity < words)
            capacity *= 2;
        uint32_t *pos = realloc(q->positive, capacity * sizeof *pos);
        if (pos)
            q->positive = pos;
        uint32_t *neg = pos ? realloc(q->negative, capacity * sizeof *neg) : NULL;
        if (!neg)
            return -1;
        q->negative = neg;
        q->capacity = capacity;
    }
    if (text_len + 1 > q->text_capacity) {
        char *text = realloc(q->text, text_len + 1);
        if (!text)
            return -1;
        q->text = text;
        q->text_capacity = text_len + 1;
    }
    return 0;
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static void append_text(query_terms *q, const char *word, size_t len)
{
    if (q->text_len)
        q->text[q->text_len++] = ' ';
    memcpy(q->text + q->text_len, word, len);
    q->text_len += len;
    q->text[q->text_len] = '\0';
}

/* One word: its item, subtracted or not; -1 when the model lacks it. */
static int resolve(query_terms *q, const i2v_model *m, const char *word, size_t len, int words,
                   const char *where)
{
    int64_t id = i2v_model_find(m, word, len);
    if (id < 0 && (words & WORDS_SIGNED) && len > 1 && word[0] == '-') {
        id = i2v_model_find(m, word + 1, len - 1);
        if (id >= 0) {
            q->negative[q->n_negative++] = (uint32_t)id;
            return 0;
        }
        if (words & WORDS_SKIP_UNKNOWN) {
            q->n_unknown++;
            return 0;
        }
        cli_error("%s: '%.*s' is not in the model", where, I2V_QUOTED(len - 1, word + 1));
        return -1;
    }
    if (id < 0) {
        if (words & WORDS_SKIP_UNKNOWN) {
            q->n_unknown++;
            return 0;
        }
        cli_error("%s: '%.*s' is not in the model", where, I2V_QUOTED(len, word));
        return -1;
    }
    q->positive[q->n_positive++] = (uint32_t)id;
    return 0;
}

/* A whole query that is the display name of one item (--names), when it
 * is no item itself: that item, the query column keeping the name. */
static int named_query(query_terms *q, const i2v_model *m, const char *line, size_t len)
{
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    while (len && (line[0] == ' ' || line[0] == '\t'))
        line++, len--;
    int ambiguous;
    if (!names_loaded() || len == 0 || i2v_model_find(m, line, len) >= 0)
        return 0;
    int64_t id = names_find(line, len, &ambiguous);
    if (id < 0)
        return ambiguous ? 2 : 0;
    if (reserve(q, 1, len) != 0)
        return -2;
    q->n_positive = q->n_negative = q->n_unknown = 0;
    q->text_len = 0;
    append_text(q, line, len);
    q->n_words = 1;
    q->positive[q->n_positive++] = (uint32_t)id;
    return 1;
}

int query_terms_parse(query_terms *q, const i2v_model *m, const char *line, size_t len, int words,
                      const char *where)
{
    int named = named_query(q, m, line, len);
    if (named == 2) {
        cli_error("%s: '%.*s' is the name of several items: give the item itself", where,
                  I2V_QUOTED(len, line));
        return -1;
    }
    if (named != 0)
        return named < 0 ? -2 : 0;
    q->n_positive = q->n_negative = q->n_words = q->text_len = q->n_unknown = 0;
    /* At most one word per two bytes; never more text than the line. */
    if (reserve(q, len / 2 + 1, len) != 0)
        return -2;
    if (q->text)
        q->text[0] = '\0';
    int status = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && is_blank(line[i]))
            i++;
        size_t start = i;
        while (i < len && !is_blank(line[i]))
            i++;
        if (i == start)
            break;
        append_text(q, line + start, i - start);
        q->n_words++;
        if (resolve(q, m, line + start, i - start, words, where) != 0)
            status = -1;
    }
    return status;
}

void answers_print(const i2v_model *m, int json, const char *query, size_t query_len,
                   const i2v_neighbor *answers, uint32_t n)
{
    for (uint32_t r = 0; r < n; r++) {
        size_t len, name_len = 0;
        const char *item = i2v_model_item(m, answers[r].id, &len);
        const char *name = names_loaded() ? names_of(answers[r].id, &name_len) : NULL;
        if (json) {
            fputs("{\"query\":", stdout);
            cli_json_string(stdout, query, query_len);
            printf(",\"rank\":%u,\"item\":", r + 1);
            cli_json_string(stdout, item, len);
            printf(",\"score\":%.6f", (double)answers[r].score);
            if (names_loaded()) {
                fputs(",\"name\":", stdout);
                if (name)
                    cli_json_string(stdout, name, name_len);
                else
                    fputs("null", stdout);
            }
            fputs("}\n", stdout);
        } else {
            fwrite(query, 1, query_len, stdout);
            printf("\t%u\t", r + 1);
            fwrite(item, 1, len, stdout);
            printf("\t%.6f", (double)answers[r].score);
            if (names_loaded()) {
                /* A name's tabs would shift the columns: they print as spaces. */
                putchar('\t');
                for (size_t i = 0; name && i < name_len; i++)
                    putchar(name[i] == '\t' ? ' ' : name[i]);
            }
            putchar('\n');
        }
    }
}

void answers_say_notes(unsigned notes, const char *model)
{
    if (notes & I2V_REC_NOTE_COSINE)
        cli_error("note: %s has no output vectors (word2vec formats keep none): "
                  "recommending by cosine similarity", model);
    if (notes & I2V_REC_NOTE_NO_COUNTS)
        cli_error("note: %s has no item counts: scoring by input . output alone", model);
    if (notes & I2V_REC_NOTE_NO_SUCCESSORS)
        cli_error("note: %s keeps no successors: the model's score alone (--blend ignored)",
                  model);
}

int query_block_init(query_block *b, size_t cap, uint32_t dim, uint32_t k)
{
    memset(b, 0, sizeof *b);
    b->dim = dim;
    b->cap = cap;
    b->k = k;
    b->vectors = malloc(cap * dim * sizeof *b->vectors);
    b->exclude_start = malloc((cap + 1) * sizeof *b->exclude_start);
    b->text_at = malloc(cap * sizeof *b->text_at);
    b->text_n = malloc(cap * sizeof *b->text_n);
    b->answers = malloc(cap * k * sizeof *b->answers);
    b->n_out = malloc(cap * sizeof *b->n_out);
    if (b->vectors && b->exclude_start && b->text_at && b->text_n && b->answers && b->n_out) {
        b->exclude_start[0] = 0;
        return 0;
    }
    query_block_free(b);
    cli_error("out of memory for %zu queries of %u answers", cap, k);
    return -1;
}

void query_block_free(query_block *b)
{
    free(b->vectors);
    free(b->exclude_start);
    free(b->exclude);
    free(b->text);
    free(b->text_at);
    free(b->text_n);
    free(b->answers);
    free(b->n_out);
    memset(b, 0, sizeof *b);
}

int query_block_add(query_block *b, const query_terms *q, const float *vector,
                    const uint32_t *exclude, size_t n_exclude)
{
    if (grow_array(&b->exclude, &b->exclude_cap, b->exclude_len + n_exclude + 1,
                   sizeof *b->exclude, 1024) != 0 ||
        grow_array(&b->text, &b->text_cap, b->text_len + q->text_len + 1, 1, 4096) != 0)
        return -1;
    memcpy(b->vectors + b->n * b->dim, vector, b->dim * sizeof *vector);
    copy_bytes(b->exclude + b->exclude_len, exclude, n_exclude * sizeof *exclude);
    b->exclude_len += n_exclude;
    b->exclude_start[b->n + 1] = b->exclude_len;
    memcpy(b->text + b->text_len, q->text, q->text_len);
    b->text_at[b->n] = b->text_len;
    b->text_n[b->n] = q->text_len;
    b->text_len += q->text_len;
    b->n++;
    return 0;
}

int query_block_answer(query_block *b, const i2v_model *m, uint32_t limit, uint32_t ef,
                       uint32_t threads, int json)
{
    i2v_error err;
    int code = 0;
    i2v_status st = I2V_OK;
    if (b->n > 0 && ef)
        st = i2v_nearest_index(m, b->vectors, b->n, b->exclude_start, b->exclude, limit, b->k,
                               ef, threads, b->answers, b->n_out, &err);
    else if (b->n > 0)
        st = i2v_nearest_many(m, b->vectors, b->n, b->exclude_start, b->exclude, limit, b->k,
                              threads, b->answers, b->n_out, &err);
    if (st != I2V_OK)
        code = cli_fail(&err);
    for (size_t q = 0; code == 0 && q < b->n; q++)
        answers_print(m, json, b->text + b->text_at[q], b->text_n[q], b->answers + q * b->k,
                      b->n_out[q]);
    b->n = b->exclude_len = b->text_len = 0;
    return code;
}

uint32_t answers_pick_ef(const i2v_model *m, const char *path, int exact, uint32_t restrict_to,
                         int usable, const char *why_not, uint32_t ef, uint32_t k)
{
    if (exact)
        return 0;
    if (i2v_model_index_stale(m)) {
        cli_error("note: %s: its index was built for other vectors and is ignored "
                  "(scanning); 'item2vec index' builds it again", path);
        return 0;
    }
    if (!i2v_model_has_index(m) || restrict_to != 0)
        return 0;
    if (!usable) {
        cli_error("note: %s: %s; scanning", path, why_not);
        return 0;
    }
    if (ef == 0)
        ef = I2V_INDEX_DEFAULT_EF;
    return ef < k ? k : ef;
}
