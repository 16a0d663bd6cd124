/* Analogy accuracy on a questions-words file, answered the way gensim's
 * KeyedVectors.evaluate_word_analogies answers it, so that the two report
 * the same accuracy on the same model. */
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "eval/eval.h"

/* gensim looks at the 5 best answers and takes the first whose folded
 * name is none of the question's three items; with case folding, a
 * differently cased spelling of an input can be among the answers. */
#define ANSWERS_CONSIDERED 5u

static i2v_status add_section(i2v_analogy_eval *out, const char *name, size_t len,
                              i2v_error *err)
{
    i2v_analogy_section *bigger =
        realloc(out->sections, (out->n_sections + 1) * sizeof *out->sections);
    if (!bigger)
        return i2v_fail_nomem(err, "reading analogy sections");
    out->sections = bigger;
    i2v_analogy_section *s = &out->sections[out->n_sections];
    memset(s, 0, sizeof *s);
    s->name = malloc(len + 1);
    if (!s->name)
        return i2v_fail_nomem(err, "reading analogy sections");
    memcpy(s->name, name, len);
    s->name[len] = '\0';
    out->n_sections++;
    return I2V_OK;
}

/* ": capital-common-countries": the name is the line's text after the
 * leading colons, blanks between fields made single spaces. */
static i2v_status start_section(i2v_analogy_eval *out, const eval_reader *r, i2v_error *err)
{
    size_t len = 0, at = 0;
    for (size_t i = 0; i < r->n_fields; i++)
        len += r->length[i] + 1;
    char *name = malloc(len + 1);
    if (!name)
        return i2v_fail_nomem(err, "reading analogy sections");
    for (size_t i = 0; i < r->n_fields; i++) {
        size_t field_len;
        const char *field = eval_field(r, i, &field_len);
        if (i == 0)
            while (field_len > 0 && *field == ':')
                field++, field_len--;
        if (at > 0 && field_len > 0)
            name[at++] = ' ';
        memcpy(name + at, field, field_len);
        at += field_len;
    }
    i2v_status st = add_section(out, name, at, err);
    free(name);
    return st;
}

/* The answer gensim takes: the first of the best answers whose folded name
 * is not one of the inputs, else the last one looked at. */
static int64_t chosen_answer(const word_index *w, const i2v_neighbor *best, uint32_t n,
                             const uint32_t q[3])
{
    int64_t chosen = -1;
    for (uint32_t j = 0; j < n; j++) {
        uint32_t id = word_index_canonical(w, best[j].id);
        chosen = id;
        if (id != q[0] && id != q[1] && id != q[2])
            break;
    }
    return chosen;
}

static i2v_status answer_question(word_index *w, const eval_reader *r,
                                  i2v_analogy_method method, i2v_analogy_section *section,
                                  i2v_error *err)
{
    uint32_t q[4];
    int known = 1;
    for (size_t i = 0; i < 4; i++) {
        size_t len;
        const char *item = eval_field(r, i, &len);
        int64_t id;
        i2v_status st = word_index_find(w, item, len, &id, err);
        if (st != I2V_OK)
            return st;
        known &= id >= 0;
        q[i] = id >= 0 ? (uint32_t)id : 0;
    }
    if (!known) {
        section->skipped++;
        return I2V_OK;
    }
    i2v_neighbor best[ANSWERS_CONSIDERED];
    uint32_t n = 0;
    i2v_status st = i2v_analogy(w->model, q[0], q[1], q[2], method, w->limit, ANSWERS_CONSIDERED,
                                best, &n, err);
    if (st != I2V_OK)
        return st;
    section->attempted++;
    section->correct += chosen_answer(w, best, n, q) == (int64_t)q[3];
    return I2V_OK;
}

static i2v_status read_line(word_index *w, const eval_reader *r, i2v_analogy_method method,
                            i2v_analogy_eval *out, i2v_error *err)
{
    if (eval_field(r, 0, NULL)[0] == ':')
        return start_section(out, r, err);
    if (r->n_fields != 4) {
        eval_note_malformed(&out->malformed, r->line);
        return I2V_OK;
    }
    if (out->n_sections == 0) { /* questions before any header */
        i2v_status st = add_section(out, "", 0, err);
        if (st != I2V_OK)
            return st;
    }
    return answer_question(w, r, method, &out->sections[out->n_sections - 1], err);
}

typedef struct question_run {
    word_index *w;
    i2v_analogy_method method;
    i2v_analogy_eval *out;
} question_run;

static i2v_status question_line(const eval_reader *r, void *state, i2v_error *err)
{
    question_run *q = state;
    return read_line(q->w, r, q->method, q->out, err);
}

static i2v_status read_questions(word_index *w, FILE *in, const char *name,
                                 i2v_analogy_method method, i2v_analogy_eval *out,
                                 i2v_error *err)
{
    question_run q = {w, method, out};
    return eval_reader_each(in, name, question_line, &q, err);
}

static i2v_status sum_sections(i2v_analogy_eval *out, i2v_error *err)
{
    out->total.name = malloc(sizeof "total");
    if (!out->total.name)
        return i2v_fail_nomem(err, "summing analogy sections");
    memcpy(out->total.name, "total", sizeof "total");
    for (size_t i = 0; i < out->n_sections; i++) {
        out->total.correct += out->sections[i].correct;
        out->total.attempted += out->sections[i].attempted;
        out->total.skipped += out->sections[i].skipped;
    }
    return I2V_OK;
}

i2v_status i2v_eval_analogies(const i2v_model *model, FILE *in, const char *name,
                              const i2v_word_eval_options *options, i2v_analogy_eval *out,
                              i2v_error *err)
{
    i2v_error scratch; /* the reader reports its failures through err */
    if (!err)
        err = &scratch;
    memset(out, 0, sizeof *out);
    word_index w;
    i2v_status st = word_index_init(&w, model, options->restrict_vocab, options->case_sensitive,
                                    err);
    if (st != I2V_OK)
        return st;
    st = read_questions(&w, in, name, options->method, out, err);
    word_index_free(&w);
    if (st == I2V_OK)
        st = sum_sections(out, err);
    if (st == I2V_OK && out->total.attempted + out->total.skipped == 0)
        st = i2v_fail(err, I2V_ERR_EMPTY, "%s: no question \"a b c d\" in the file%s", name,
                      out->malformed.count ? " (every line is malformed)" : "");
    return st;
}

void i2v_analogy_eval_free(i2v_analogy_eval *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_sections; i++)
        free(r->sections[i].name);
    free(r->sections);
    free(r->total.name);
    memset(r, 0, sizeof *r);
}
