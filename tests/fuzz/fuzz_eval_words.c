/* Evaluation files that name items, from arbitrary bytes, against a fixed
 * trained model (fuzz_fixed_model): analogy questions, scored pairs and
 * item groups, with case folding of any UTF-8 (or not) on or off.
 *
 * The first byte chooses the file kind and the options; the rest is the
 * file.  Promises: sections add up to the total, correct <= attempted,
 * pairs = used + oov, correlations and purity within their ranges (or
 * NaN exactly when nothing could be measured), malformed lines counted
 * with the first line numbers kept in order. */
#include <math.h>

#include "fuzz_common.h"

static void check_malformed(const i2v_eval_malformed *m)
{
    uint64_t kept = m->count < I2V_EVAL_LINES_KEPT ? m->count : I2V_EVAL_LINES_KEPT;
    for (uint64_t i = 0; i < kept; i++)
        if (m->lines[i] == 0 || (i > 0 && m->lines[i] <= m->lines[i - 1]))
            fuzz_fail("malformed line numbers are not kept in order", NULL);
}

static int in_unit_range(double x) { return x >= -1.0 - 1e-9 && x <= 1.0 + 1e-9; }

static void analogies(const i2v_model *m, FILE *in, const i2v_word_eval_options *o)
{
    i2v_analogy_eval r;
    i2v_error err;
    memset(&r, 0, sizeof r);
    i2v_status st = i2v_eval_analogies(m, in, "fuzz", o, &r, &err);
    if (st == I2V_OK) {
        i2v_analogy_section sum = {0};
        for (size_t i = 0; i < r.n_sections; i++) {
            sum.correct += r.sections[i].correct;
            sum.attempted += r.sections[i].attempted;
            sum.skipped += r.sections[i].skipped;
            if (!r.sections[i].name)
                fuzz_fail("a section has no name", NULL);
        }
        if (sum.correct != r.total.correct || sum.attempted != r.total.attempted ||
            sum.skipped != r.total.skipped)
            fuzz_fail("analogy sections do not add up to the total", NULL);
        if (r.total.correct > r.total.attempted)
            fuzz_fail("more correct analogies than attempted", NULL);
        check_malformed(&r.malformed);
    } else if (st != I2V_ERR_EMPTY) {
        fuzz_fail("analogies from memory failed", err.message);
    }
    i2v_analogy_eval_free(&r);
}

static void pairs(const i2v_model *m, FILE *in, const i2v_word_eval_options *o)
{
    i2v_pairs_eval r;
    i2v_error err;
    i2v_status st = i2v_eval_pairs(m, in, "fuzz", o, &r, &err);
    if (st == I2V_OK) {
        if (r.used + r.oov != r.pairs)
            fuzz_fail("pairs != used + oov", NULL);
        if (r.used < 2 && (!isnan(r.spearman) || !isnan(r.pearson)))
            fuzz_fail("a correlation of fewer than two pairs", NULL);
        if ((!isnan(r.spearman) && !in_unit_range(r.spearman)) ||
            (!isnan(r.pearson) && !in_unit_range(r.pearson)))
            fuzz_fail("a correlation outside [-1, 1]", NULL);
        check_malformed(&r.malformed);
    } else if (st != I2V_ERR_EMPTY) {
        fuzz_fail("pairs from memory failed", err.message);
    }
}

static void purity(const i2v_model *m, FILE *in, uint32_t k)
{
    i2v_purity_eval r;
    i2v_error err;
    i2v_status st = i2v_eval_purity(m, in, "fuzz", k, &r, &err);
    if (st == I2V_OK) {
        if (r.used + r.unknown != r.items)
            fuzz_fail("items != used + unknown", NULL);
        if (r.used == 0 ? !isnan(r.purity) : !(r.purity >= 0 && r.purity <= 1))
            fuzz_fail("purity outside [0, 1], or NaN with items used", NULL);
        check_malformed(&r.malformed);
    } else if (st != I2V_ERR_EMPTY) {
        fuzz_fail("purity from memory failed", err.message);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t knobs = data[0];
    const i2v_model *m = fuzz_fixed_model();
    i2v_word_eval_options o;
    i2v_word_eval_options_default(&o);
    o.case_sensitive = (knobs >> 2) & 1;
    o.method = (knobs >> 3) & 1 ? I2V_ANALOGY_MUL : I2V_ANALOGY_ADD;
    o.restrict_vocab = (knobs >> 4) & 1 ? 20 : o.restrict_vocab;
    FILE *in = fuzz_stream(data + 1, size - 1);
    if (!in)
        fuzz_fail("cannot open the file", NULL);
    switch (knobs & 3) {
    case 0: analogies(m, in, &o); break;
    case 1: pairs(m, in, &o); break;
    default: purity(m, in, 1 + ((knobs >> 5) & 7) * 9); break;
    }
    fclose(in);
    return 0;
}
