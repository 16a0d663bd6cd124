/* Splitting sequence text from arbitrary bytes.  The first byte chooses
 * leave-last-out or a holdout ratio and the seed.  Promises, against a
 * plain re-count: the statistics match the lines written; leave-last-out
 * writes each sequence of two or more items to test whole and to train
 * without its last item, so train + one item per test line = the input's
 * items; a holdout moves whole sequences, so train + test = the input. */
#include "fuzz_common.h"

static int is_blank(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\0' || c == '\n'; }

/* Items and non-blank lines of text. */
static void count(const uint8_t *text, size_t size, uint64_t *items, uint64_t *lines)
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t knobs = data[0];
    data++;
    size--;
    i2v_split_options o = {.test_ratio = (knobs & 7) / 8.0, .seed = knobs >> 3};
    char *train = NULL, *test = NULL;
    size_t train_len = 0, test_len = 0;
    FILE *in = fuzz_stream(data, size);
    FILE *train_out = open_memstream(&train, &train_len);
    FILE *test_out = open_memstream(&test, &test_len);
    if (!in || !train_out || !test_out)
        fuzz_fail("cannot open the streams", NULL);
    i2v_split_stats stats;
    i2v_error err;
    i2v_status st = i2v_split(in, "fuzz", train_out, "train", test_out, "test", &o, &stats, &err);
    fclose(in);
    fclose(train_out);
    fclose(test_out);
    uint64_t in_items, in_lines, train_items, train_lines, test_items, test_lines;
    count(data, size, &in_items, &in_lines);
    count((const uint8_t *)train, train_len, &train_items, &train_lines);
    count((const uint8_t *)test, test_len, &test_items, &test_lines);
    if (st == I2V_OK) {
        if (stats.sequences != in_lines || stats.train_lines != train_lines ||
            stats.test_lines != test_lines)
            fuzz_fail("the split statistics disagree with the lines", NULL);
        if (o.test_ratio == 0 ? train_items + test_lines != in_items
                              : train_items + test_items != in_items)
            fuzz_fail("the split lost or made up items", NULL);
    } else if (st != I2V_ERR_EMPTY || in_items != 0) {
        fuzz_fail("splitting text in memory failed", err.message);
    }
    free(train);
    free(test);
    return 0;
}
