/* Analogy accuracy and neighbour purity on hand-made models. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "item2vec.h"
#include "test_eval_fixture.h"

/* In frequency order.  man (1,0,0), woman (0,1,0), king and queen halfway
 * between those and (0,0,1), apple (0,0,1).  "Man", a rarer spelling of
 * man, points almost exactly along king - man + woman, so it is the best
 * answer to "man king woman ?" by id; folded, it is "MAN", an input, and
 * gensim passes over it to the next answer, queen. */
static const char *const names[] = {"man", "woman", "king", "queen", "Man", "apple"};
#define R 0.70710678f
static const float vectors[] = {1, 0, 0,  0, 1, 0,  R, 0, R,  0, R, R,  -0.2f, 1, 0.7f,  0, 0, 1};

static const char questions[] =
    ": royalty\n"
    "man king woman queen\n"   /* 2: Man first, skipped when folded: correct */
    "MAN KING WOMAN QUEEN\n"   /* 3: the same, folded */
    "man king woman apple\n"   /* 4: queen is not apple: incorrect */
    "man king woman pear\n"    /* 5: pear unknown: skipped */
    "too few words\n"          /* 6: malformed */
    ":  fruit  and more\n"
    "woman queen man king\n";  /* 8: king */

static i2v_analogy_eval run_analogies(const char *text, uint32_t restrict_vocab,
                                      int case_sensitive, i2v_analogy_method method,
                                      i2v_status *st)
{
    i2v_model *m = fixture_model(names, 6, 3, vectors, NULL);
    i2v_word_eval_options o;
    i2v_word_eval_options_default(&o);
    o.restrict_vocab = restrict_vocab;
    o.case_sensitive = case_sensitive;
    o.method = method;
    FILE *f = fixture_text(text);
    i2v_analogy_eval r;
    i2v_error err;
    *st = i2v_eval_analogies(m, f, "questions.txt", &o, &r, &err);
    fclose(f);
    i2v_model_free(m);
    return r;
}

static int section_is(const i2v_analogy_section *s, const char *name, uint64_t correct,
                      uint64_t attempted, uint64_t skipped)
{
    int ok = strcmp(s->name, name) == 0 && s->correct == correct && s->attempted == attempted &&
             s->skipped == skipped;
    if (!ok)
        fprintf(stderr, "    section '%s': %llu/%llu, %llu skipped\n", s->name,
                (unsigned long long)s->correct, (unsigned long long)s->attempted,
                (unsigned long long)s->skipped);
    return ok;
}

static void analogies_are_answered_as_gensim_answers_them(void)
{
    i2v_status st;
    i2v_analogy_eval r = run_analogies(questions, 0, 0, I2V_ANALOGY_ADD, &st);
    CHECK(st == I2V_OK);
    CHECK(r.n_sections == 2);
    if (r.n_sections == 2) {
        CHECK(section_is(&r.sections[0], "royalty", 2, 3, 1));
        CHECK(section_is(&r.sections[1], "fruit and more", 1, 1, 0));
    }
    CHECK(section_is(&r.total, "total", 3, 4, 1));
    CHECK(r.malformed.count == 1 && r.malformed.lines[0] == 6);
    i2v_analogy_eval_free(&r);
}

static void case_sensitive_analogies_keep_spellings_apart(void)
{
    /* "Man" is now an answer of its own; MAN, KING... are unknown. */
    i2v_status st;
    i2v_analogy_eval r = run_analogies(questions, 0, 1, I2V_ANALOGY_ADD, &st);
    CHECK(st == I2V_OK);
    CHECK(section_is(&r.total, "total", 1, 3, 2));
    i2v_analogy_eval_free(&r);
}

static void restrict_limits_questions_and_answers(void)
{
    /* Only man, woman, king, queen: "Man" cannot answer, apple questions
     * are skipped. */
    i2v_status st;
    i2v_analogy_eval r = run_analogies(questions, 4, 1, I2V_ANALOGY_ADD, &st);
    CHECK(st == I2V_OK);
    CHECK(section_is(&r.total, "total", 2, 2, 3));
    i2v_analogy_eval_free(&r);
}

static void three_cos_mul_answers_too(void)
{
    /* 3CosMul also ranks Man first, then queen, for "man king woman ?". */
    i2v_status st;
    i2v_analogy_eval r = run_analogies(questions, 0, 0, I2V_ANALOGY_MUL, &st);
    CHECK(st == I2V_OK);
    CHECK(section_is(&r.total, "total", 3, 4, 1));
    i2v_analogy_eval_free(&r);
}

static void questions_before_a_header_and_empty_files(void)
{
    i2v_status st;
    i2v_analogy_eval r = run_analogies("man king woman queen\n", 0, 0, I2V_ANALOGY_ADD, &st);
    CHECK(st == I2V_OK && r.n_sections == 1 && strcmp(r.sections[0].name, "") == 0);
    CHECK(section_is(&r.total, "total", 1, 1, 0));
    i2v_analogy_eval_free(&r);
    const char *empty[] = {"\n", ": only a header\n", "one two three\n"};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        r = run_analogies(empty[i], 0, 0, I2V_ANALOGY_ADD, &st);
        CHECK(st == I2V_ERR_EMPTY);
        i2v_analogy_eval_free(&r);
    }
}

/* ---- neighbour purity -------------------------------------------------- */

static void purity_is_the_same_group_share_of_neighbours(void)
{
    /* a1..a3 around (1,0), b1 b2 around (0,1), c on the diagonal and in
     * no group.  Top 2: each a has the other two a's (1.0); each b has
     * the other b and c (0.5).  Mean over the five grouped items: 0.8. */
    const char *const items[] = {"a1", "a2", "a3", "b1", "b2", "c"};
    const float v[] = {1, 0.1f, 1, 0, 1, -0.1f, 0.1f, 1, -0.1f, 1, 0.7f, 0.7f};
    i2v_model *m = fixture_model(items, 6, 2, v, NULL);
    FILE *f = fixture_text("a1\tx\na2\tx\na3 x\nb1\ty\nb2\ty\nzzz\tx\nbad\n\na1\ty\n");
    i2v_purity_eval r;
    i2v_error err;
    CHECK(i2v_eval_purity(m, f, "groups.tsv", 2, &r, &err) == I2V_OK);
    CHECK(r.k == 2 && r.items == 6 && r.used == 5 && r.unknown == 1);
    CHECK(r.malformed.count == 2 && r.malformed.lines[0] == 7 && r.malformed.lines[1] == 9);
    CHECK_NEAR(r.purity, 0.8, 1e-12);
    fclose(f);
    f = fixture_text("lonely\n");
    CHECK(i2v_eval_purity(m, f, "groups.tsv", 2, &r, &err) == I2V_ERR_EMPTY);
    fclose(f);
    i2v_model_free(m);
}

int main(void)
{
    RUN(analogies_are_answered_as_gensim_answers_them);
    RUN(case_sensitive_analogies_keep_spellings_apart);
    RUN(restrict_limits_questions_and_answers);
    RUN(three_cos_mul_answers_too);
    RUN(questions_before_a_header_and_empty_files);
    RUN(purity_is_the_same_group_share_of_neighbours);
    CHECK_EXIT();
}
