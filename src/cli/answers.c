#include "answers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

i2v_model *answers_open_model(const char *path)
{
    i2v_model *m = NULL;
    i2v_error err;
    if (i2v_model_open(path, I2V_FORMAT_AUTO, &m, &err) != I2V_OK) {
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
    if (id < 0 && words == WORDS_SIGNED && len > 1 && word[0] == '-') {
        id = i2v_model_find(m, word + 1, len - 1);
        if (id >= 0) {
            q->negative[q->n_negative++] = (uint32_t)id;
            return 0;
        }
        cli_error("%s: '%.*s' is not in the model", where, I2V_QUOTED(len - 1, word + 1));
        return -1;
    }
    if (id < 0) {
        cli_error("%s: '%.*s' is not in the model", where, I2V_QUOTED(len, word));
        return -1;
    }
    q->positive[q->n_positive++] = (uint32_t)id;
    return 0;
}

int query_terms_parse(query_terms *q, const i2v_model *m, const char *line, size_t len, int words,
                      const char *where)
{
    q->n_positive = q->n_negative = q->n_words = q->text_len = 0;
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
        size_t len;
        const char *item = i2v_model_item(m, answers[r].id, &len);
        if (json) {
            fputs("{\"query\":", stdout);
            cli_json_string(stdout, query, query_len);
            printf(",\"rank\":%u,\"item\":", r + 1);
            cli_json_string(stdout, item, len);
            printf(",\"score\":%.6f}\n", (double)answers[r].score);
        } else {
            fwrite(query, 1, query_len, stdout);
            printf("\t%u\t", r + 1);
            fwrite(item, 1, len, stdout);
            printf("\t%.6f\n", (double)answers[r].score);
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
