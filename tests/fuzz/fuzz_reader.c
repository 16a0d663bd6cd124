/* Sequence text from arbitrary bytes, through everything that reads it:
 * the vocabulary counter, the corpus spooler and a tiny training run.
 *
 * The first byte sets the knobs (min-count, max-vocab, window, sampling),
 * the rest is the text.  Promises checked against a plain re-count of the
 * bytes: every item is counted once, the vocabulary is sorted by count
 * then bytes and finds each of its items, the corpus holds every line
 * that has an item, and the trained model verifies and round-trips. */
#include "fuzz_common.h"

static int is_blank(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\0' || c == '\n';
}

/* Items and lines with at least one item, counted the simple way. */
static void recount(const uint8_t *text, size_t size, uint64_t *items, uint64_t *lines)
{
    int in_item = 0, line_has_items = 0;
    *items = *lines = 0;
    for (size_t i = 0; i < size; i++) {
        if (!is_blank(text[i])) {
            *items += !in_item;
            in_item = line_has_items = 1;
            continue;
        }
        in_item = 0;
        if (text[i] == '\n') {
            *lines += line_has_items;
            line_has_items = 0;
        }
    }
    *lines += line_has_items;
}

static int sorted_before(const i2v_vocab *v, uint32_t a, uint32_t b)
{
    uint64_t ca = i2v_vocab_count(v, a), cb = i2v_vocab_count(v, b);
    if (ca != cb)
        return ca > cb;
    size_t la, lb;
    const char *na = i2v_vocab_item(v, a, &la), *nb = i2v_vocab_item(v, b, &lb);
    int c = memcmp(na, nb, la < lb ? la : lb);
    return c < 0 || (c == 0 && la < lb);
}

static void check_vocab(const uint8_t *text, size_t size, uint64_t items)
{
    FILE *in = fuzz_stream(text, size);
    i2v_vocab *v = NULL;
    i2v_error err;
    if (!in || i2v_vocab_create(&v, &err) != I2V_OK)
        fuzz_fail("cannot set up the vocabulary", NULL);
    i2v_status st = i2v_vocab_count_stream(v, in, "fuzz", &err);
    fclose(in);
    if (st != I2V_OK)
        fuzz_fail("counting a stream in memory failed", err.message);
    if (i2v_vocab_total(v) != items)
        fuzz_fail("the vocabulary did not count every item once", NULL);
    st = i2v_vocab_finalize(v, 1, 0, NULL, &err);
    if (st != I2V_OK && !(st == I2V_ERR_EMPTY && items == 0))
        fuzz_fail("finalize failed", err.message);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < i2v_vocab_size(v); i++) {
        size_t len;
        const char *item = i2v_vocab_item(v, i, &len);
        for (size_t j = 0; j < len; j++)
            if (is_blank((uint8_t)item[j]))
                fuzz_fail("an item holds a blank byte", NULL);
        if (len == 0 || i2v_vocab_find(v, item, len) != (int64_t)i)
            fuzz_fail("the vocabulary does not find its own item", NULL);
        if (i > 0 && !sorted_before(v, i - 1, i))
            fuzz_fail("the vocabulary is not sorted by count, then bytes", NULL);
        sum += i2v_vocab_count(v, i);
    }
    if (sum != items)
        fuzz_fail("the counts do not add up to the items", NULL);
    i2v_vocab_free(v);
}

static void check_training(uint8_t knobs, const uint8_t *text, size_t size, uint64_t items,
                           uint64_t lines)
{
    i2v_train_params p;
    i2v_train_params_default(&p);
    p.dim = 4;
    p.epochs = 1;
    p.threads = 1;
    p.negative = 2;
    p.min_count = 1 + (knobs & 1);
    p.max_vocab = (knobs >> 1) & 3;
    p.window = (knobs >> 3) & 3;
    p.sample = (knobs & 0x20) ? 1e-3 : 0;
    i2v_trainer *t = NULL;
    i2v_error err;
    if (i2v_trainer_create(&p, NULL, &t, &err) != I2V_OK)
        fuzz_fail("cannot create a trainer", err.message);
    FILE *in = fuzz_stream(text, size);
    if (!in)
        fuzz_fail("cannot open the text", NULL);
    i2v_status st = i2v_trainer_read_corpus(t, in, "fuzz", &err);
    fclose(in);
    if (st == I2V_ERR_EMPTY) {
        i2v_trainer_free(t);
        return;
    }
    if (st != I2V_OK)
        fuzz_fail("reading a corpus from memory failed", err.message);
    if (items == 0)
        fuzz_fail("a corpus without items was accepted", NULL);
    if (p.min_count == 1 && p.max_vocab == 0 &&
        (i2v_trainer_corpus_items(t) != items || i2v_trainer_corpus_sequences(t) != lines))
        fuzz_fail("the corpus lost items or lines", NULL);
    i2v_model *m = NULL;
    st = i2v_trainer_run(t, NULL, NULL, &err);
    if (st == I2V_OK)
        st = i2v_trainer_take_model(t, &m, &err);
    if (st != I2V_OK)
        fuzz_fail("training a tiny corpus failed", err.message);
    i2v_trainer_free(t);
    fuzz_exercise_model(m, 1);
    i2v_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t knobs = data[0];
    const uint8_t *text = data + 1;
    size--;
    uint64_t items, lines;
    recount(text, size, &items, &lines);
    check_vocab(text, size, items);
    check_training(knobs, text, size, items, lines);
    return 0;
}
