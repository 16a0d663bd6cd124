/* The settings search's reading of its input from arbitrary bytes: the
 * copy, the held-out lines and their mapping to a vocabulary.  The first
 * byte chooses how many lines to hold out and the seed.  Promises: no
 * more lines are held out than asked for nor than a fifth of the
 * sequences of two or more items; the training part has every sequence,
 * a held-out one without its last item only; the held-out text is those
 * sequences whole; the mapped histories hold known items only. */
#include "fuzz_common.h"
#include "tune/tune.h"

static uint64_t words_in(FILE *f, uint64_t *lines)
{
    uint64_t words = 0;
    int c, in_word = 0, line_has = 0;
    *lines = 0;
    rewind(f);
    while ((c = getc(f)) != EOF) {
        int blank = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
        if (!blank) {
            words += !in_word;
            in_word = line_has = 1;
        } else {
            in_word = 0;
            if (c == '\n') {
                *lines += line_has;
                line_has = 0;
            }
        }
    }
    *lines += line_has;
    rewind(f);
    return words;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint64_t wanted = data[0] & 0x0f, seed = data[0] >> 4;
    FILE *in = fuzz_stream(data + 1, size - 1);
    if (!in)
        fuzz_fail("cannot open the input stream", NULL);
    tune_data d;
    i2v_error err;
    i2v_status st = tune_data_read(&d, in, "fuzz", wanted, seed, NULL, &err);
    fclose(in);
    if (st == I2V_OK) {
        uint64_t all_lines, train_lines, held_lines;
        uint64_t all = words_in(d.all, &all_lines), train = words_in(d.train, &train_lines);
        uint64_t held = words_in(d.held, &held_lines);
        if (d.held_lines > wanted || d.held_lines > d.eligible / 5 || d.eligible > d.sequences)
            fuzz_fail("more lines held out than asked for or than a fifth", NULL);
        if (held_lines != d.held_lines || all_lines != d.sequences || train_lines != d.sequences)
            fuzz_fail("the parts do not have the lines they should", NULL);
        if (all - train != d.held_lines || held != d.n_words)
            fuzz_fail("the training part lost other items than the held-out targets", NULL);
        const i2v_model *m = fuzz_fixed_model();
        i2v_vocab *v = NULL;
        if (i2v_vocab_create(&v, &err) != I2V_OK)
            fuzz_fail("cannot create a vocabulary", err.message);
        for (uint32_t i = 0; i < i2v_model_size(m); i++) {
            size_t len;
            uint32_t id;
            const char *item = i2v_model_item(m, i, &len);
            if (i2v_vocab_add(v, item, len, 1, &id, &err) != I2V_OK)
                fuzz_fail("cannot fill the vocabulary", err.message);
        }
        tune_lines l;
        if (tune_lines_map(&l, &d, v, &err) == I2V_OK) {
            for (size_t i = 0; i < l.n; i++)
                for (size_t j = 0; j < l.histories[i].n; j++)
                    if (l.histories[i].items[j] >= i2v_vocab_size(v))
                        fuzz_fail("a mapped history holds an unknown item", NULL);
            tune_lines_free(&l);
        }
        i2v_vocab_free(v);
    } else if (st != I2V_ERR_EMPTY && st != I2V_ERR_LIMIT && st != I2V_ERR_NOMEM &&
               st != I2V_ERR_FORMAT) {
        fuzz_fail("reading the input failed otherwise than by its content", err.message);
    }
    tune_data_free(&d);
    return 0;
}
