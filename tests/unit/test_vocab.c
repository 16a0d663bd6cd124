/* Counting and sorting items: what `item2vec vocab` and training rely on. */
#include <string.h>

#include "check.h"
#include "item2vec.h"
#include "util/error.h"
#include "core/reader.h"

static i2v_vocab *count_text(const char *text, size_t len, uint64_t min_count, uint64_t max_vocab,
                             i2v_status *st)
{
    i2v_vocab *v = NULL;
    i2v_error err;
    FILE *f = fmemopen((void *)text, len, "r");
    CHECK(f != NULL);
    CHECK(i2v_vocab_create(&v, &err) == I2V_OK);
    CHECK(i2v_vocab_count_stream(v, f, "text", &err) == I2V_OK);
    fclose(f);
    *st = i2v_vocab_finalize(v, min_count, max_vocab, NULL, &err);
    return v;
}

static int item_is(const i2v_vocab *v, uint32_t id, const char *want, uint64_t count)
{
    size_t len;
    const char *got = i2v_vocab_item(v, id, &len);
    return got && len == strlen(want) && memcmp(got, want, len) == 0 &&
           i2v_vocab_count(v, id) == count;
}

static void counts_sort_by_frequency_then_bytes(void)
{
    const char *text = "b a c\nc b\nab a b\nc\n";
    i2v_status st;
    i2v_vocab *v = count_text(text, strlen(text), 1, 0, &st);
    CHECK(st == I2V_OK);
    CHECK(i2v_vocab_size(v) == 4);
    CHECK(item_is(v, 0, "b", 3));
    CHECK(item_is(v, 1, "c", 3));
    CHECK(item_is(v, 2, "a", 2));
    CHECK(item_is(v, 3, "ab", 1));
    CHECK(i2v_vocab_total(v) == 9);
    CHECK(i2v_vocab_find(v, "a", 1) == 2);
    CHECK(i2v_vocab_find(v, "zz", 2) == -1);
    i2v_vocab_free(v);
}

static void ties_put_a_prefix_before_its_extensions(void)
{
    const char *text = "abc ab a abd\n";
    i2v_status st;
    i2v_vocab *v = count_text(text, strlen(text), 1, 0, &st);
    CHECK(item_is(v, 0, "a", 1));
    CHECK(item_is(v, 1, "ab", 1));
    CHECK(item_is(v, 2, "abc", 1));
    CHECK(item_is(v, 3, "abd", 1));
    i2v_vocab_free(v);
}

static void min_count_and_max_vocab_drop_the_rarest(void)
{
    const char *text = "x x x y y z\nw w w w\n";
    i2v_status st;
    i2v_vocab *v = count_text(text, strlen(text), 2, 0, &st);
    CHECK(st == I2V_OK);
    CHECK(i2v_vocab_size(v) == 3);
    CHECK(i2v_vocab_find(v, "z", 1) == -1);
    CHECK(i2v_vocab_total(v) == 9);
    i2v_vocab_free(v);
    v = count_text(text, strlen(text), 1, 2, &st);
    CHECK(i2v_vocab_size(v) == 2);
    CHECK(item_is(v, 0, "w", 4));
    CHECK(item_is(v, 1, "x", 3));
    i2v_vocab_free(v);
    v = count_text(text, strlen(text), 100, 0, &st);
    CHECK(st == I2V_ERR_EMPTY);
    CHECK(i2v_vocab_size(v) == 0);
    i2v_vocab_free(v);
}

static void crlf_tabs_and_blank_lines_separate_items(void)
{
    const char *text = "a\tb\r\n\r\n\n  a  \t b\r\nc";
    i2v_status st;
    i2v_vocab *v = count_text(text, strlen(text), 1, 0, &st);
    CHECK(i2v_vocab_size(v) == 3);
    CHECK(item_is(v, 0, "a", 2));
    CHECK(item_is(v, 1, "b", 2));
    CHECK(item_is(v, 2, "c", 1));
    i2v_vocab_free(v);
}

static void utf8_passes_through_and_nul_separates(void)
{
    const char text[] = "caf\xc3\xa9 na\xc3\xafve\0x\n";
    i2v_status st;
    i2v_vocab *v = count_text(text, sizeof text - 1, 1, 0, &st);
    CHECK(i2v_vocab_size(v) == 3);
    CHECK(i2v_vocab_find(v, "caf\xc3\xa9", 5) >= 0);
    CHECK(i2v_vocab_find(v, "x", 1) >= 0);
    i2v_vocab_free(v);
}

static void long_items_are_kept_whole(void)
{
    /* Items far longer than a read block, and than word2vec's 100 bytes. */
    size_t n = 3u << 20;
    char *text = malloc(2 * n + 8);
    CHECK(text != NULL);
    memset(text, 'q', n);
    text[n] = ' ';
    memset(text + n + 1, 'q', n - 1);
    memcpy(text + 2 * n, "q\nq q\n", 6);
    i2v_status st;
    i2v_vocab *v = count_text(text, 2 * n + 6, 1, 0, &st);
    CHECK(i2v_vocab_size(v) == 2);
    size_t len;
    i2v_vocab_item(v, 0, &len);
    CHECK(len == 1 && i2v_vocab_count(v, 0) == 2);
    i2v_vocab_item(v, 1, &len);
    CHECK(len == n && i2v_vocab_count(v, 1) == 2);
    i2v_vocab_free(v);
    free(text);
}

static void reader_reports_line_ends_once_per_nonblank_line(void)
{
    const char *text = "a b\n\n \nc\r\nd";
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    seq_reader r;
    i2v_error err;
    CHECK(seq_reader_init(&r, f, "t", &err) == I2V_OK);
    char got[64] = "";
    for (;;) {
        const char *item;
        size_t len;
        seq_event ev = seq_reader_next(&r, &item, &len, &err);
        if (ev == SEQ_END || ev == SEQ_ERROR)
            break;
        strncat(got, ev == SEQ_ITEM ? item : "|", ev == SEQ_ITEM ? len : 1);
    }
    CHECK(strcmp(got, "ab|c|d|") == 0);
    seq_reader_free(&r);
    fclose(f);
}

static void many_distinct_items_grow_the_table(void)
{
    i2v_vocab *v = NULL;
    i2v_error err;
    CHECK(i2v_vocab_create(&v, &err) == I2V_OK);
    char name[32];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 200000; i++) {
            int len = snprintf(name, sizeof name, "item_%d", i);
            CHECK(i2v_vocab_add(v, name, (size_t)len, (uint64_t)(i % 7 + 1), NULL, &err) == I2V_OK);
        }
    CHECK(i2v_vocab_size(v) == 200000);
    CHECK(i2v_vocab_finalize(v, 1, 1000, NULL, &err) == I2V_OK);
    CHECK(i2v_vocab_size(v) == 1000);
    CHECK(i2v_vocab_count(v, 0) == 14 && i2v_vocab_count(v, 999) == 14);
    i2v_vocab_free(v);
}

static void errors_met_deep_inside_get_their_context(void)
{
    i2v_error err;
    i2v_fail(&err, I2V_ERR_LIMIT, "more than %u distinct items", 7u);
    CHECK(i2v_fail_context(&err, "%s: line %d", "in.txt", 3) == I2V_ERR_LIMIT);
    CHECK(strcmp(err.message, "in.txt: line 3: more than 7 distinct items") == 0);
    /* Too long for the buffer: cut, still terminated. */
    char name[2 * I2V_ERROR_MESSAGE_SIZE];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    CHECK(i2v_fail_context(&err, "%s", name) == I2V_ERR_LIMIT);
    CHECK(strlen(err.message) == I2V_ERROR_MESSAGE_SIZE - 1);
}

int main(void)
{
    RUN(counts_sort_by_frequency_then_bytes);
    RUN(ties_put_a_prefix_before_its_extensions);
    RUN(min_count_and_max_vocab_drop_the_rarest);
    RUN(crlf_tabs_and_blank_lines_separate_items);
    RUN(utf8_passes_through_and_nul_separates);
    RUN(long_items_are_kept_whole);
    RUN(reader_reports_line_ends_once_per_nonblank_line);
    RUN(many_distinct_items_grow_the_table);
    RUN(errors_met_deep_inside_get_their_context);
    CHECK_EXIT();
}
