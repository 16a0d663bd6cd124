/* Splitting sequences into training and test data. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "item2vec.h"

typedef struct split_output {
    char *train, *test;
    size_t train_len, test_len;
    i2v_split_stats stats;
    i2v_status status;
} split_output;

static split_output split_text(const char *text, double ratio, uint64_t seed)
{
    split_output s = {0};
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    FILE *train = open_memstream(&s.train, &s.train_len);
    FILE *test = open_memstream(&s.test, &s.test_len);
    CHECK(in && train && test);
    i2v_split_options o = {ratio, seed};
    i2v_error err;
    s.status = i2v_split(in, "in", train, "train", test, "test", &o, &s.stats, &err);
    fclose(in);
    fclose(train);
    fclose(test);
    return s;
}

static void split_free(split_output *s)
{
    free(s->train);
    free(s->test);
}

static void leave_last_out_keeps_the_history_for_training(void)
{
    split_output s = split_text("a b c\n\nd\ne\tf\r\n  g h  ", 0, 1);
    CHECK(s.status == I2V_OK);
    CHECK(strcmp(s.train, "a b\nd\ne\ng\n") == 0);
    CHECK(strcmp(s.test, "a b c\ne f\ng h\n") == 0);
    CHECK(s.stats.sequences == 4 && s.stats.single_item == 1);
    CHECK(s.stats.train_lines == 4 && s.stats.test_lines == 3);
    split_free(&s);
}

/* 300 sequences "sN x y" and a few one-item lines. */
static char *many_sequences(void)
{
    size_t cap = 300 * 32, at = 0;
    char *text = malloc(cap);
    CHECK(text != NULL);
    for (int i = 0; i < 300; i++)
        at += (size_t)snprintf(text + at, cap - at, i % 50 == 0 ? "solo%d\n" : "s%d x y\n", i);
    return text;
}

static void holdout_is_deterministic_and_keeps_sequences_whole(void)
{
    char *text = many_sequences();
    split_output a = split_text(text, 0.2, 7), b = split_text(text, 0.2, 7);
    split_output c = split_text(text, 0.2, 8);
    CHECK(a.status == I2V_OK && b.status == I2V_OK && c.status == I2V_OK);
    CHECK(strcmp(a.train, b.train) == 0 && strcmp(a.test, b.test) == 0);
    CHECK(strcmp(a.test, c.test) != 0);
    CHECK(a.stats.train_lines + a.stats.test_lines == 300);
    /* Whole sequences only, and never a one-item one. */
    CHECK(strstr(a.test, "solo") == NULL);
    for (char *line = a.test; *line; line = strchr(line, '\n') + 1)
        CHECK(strncmp(strchr(line, ' '), " x y\n", 5) == 0);
    /* About a fifth of the 294 long sequences: 59 expected, sd ~7. */
    CHECK(a.stats.test_lines > 30 && a.stats.test_lines < 90);
    split_free(&a);
    split_free(&b);
    split_free(&c);
    free(text);
}

static void an_empty_input_and_a_bad_ratio_are_errors(void)
{
    split_output s = split_text(" \n\n", 0, 1);
    CHECK(s.status == I2V_ERR_EMPTY);
    split_free(&s);
    s = split_text("a b\n", 1.0, 1);
    CHECK(s.status == I2V_ERR_INVALID);
    split_free(&s);
}

int main(void)
{
    RUN(leave_last_out_keeps_the_history_for_training);
    RUN(holdout_is_deterministic_and_keeps_sequences_whole);
    RUN(an_empty_input_and_a_bad_ratio_are_errors);
    CHECK_EXIT();
}
