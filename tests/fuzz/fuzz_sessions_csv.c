/* Interaction logs (CSV/TSV) from arbitrary bytes through
 * i2v_sessions_run: the CSV reader, the time parser, the sort and the
 * session writer.
 *
 * The first two bytes set the knobs (delimiter, columns by name or
 * number, gap, dedup, lengths, min-count, strict); the rest is the log.
 * Promises: the report adds up (rows = events + malformed), and the
 * output is sequence text with exactly the sessions and items the report
 * announces, so that it feeds `item2vec train` as it is. */
#include "fuzz_common.h"

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\0' || c == '\n'; }

static void check_output(const char *out, size_t len, const i2v_sessions_report *r)
{
    uint64_t lines = 0, items = 0;
    int in_item = 0, line_has_items = 0;
    for (size_t i = 0; i < len; i++) {
        if (!is_blank(out[i])) {
            items += !in_item;
            in_item = line_has_items = 1;
            continue;
        }
        in_item = 0;
        if (out[i] == '\n') {
            if (!line_has_items)
                fuzz_fail("the sessions output has an empty line", NULL);
            lines++;
            line_has_items = 0;
        }
    }
    if (len > 0 && out[len - 1] != '\n')
        fuzz_fail("the sessions output does not end with a line end", NULL);
    if (lines != r->sessions || items != r->items_written)
        fuzz_fail("the sessions output disagrees with the report", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delimiters[] = {0, ',', '\t', ';', '|', ' ', 'x', 0};
    if (size < 2)
        return 0;
    uint8_t a = data[0], b = data[1];
    data += 2;
    size -= 2;

    i2v_sessions_params p;
    i2v_sessions_params_default(&p);
    int by_number = a & 1;
    p.user_column = by_number ? "1" : "user";
    p.item_column = by_number ? "2" : "item";
    p.time_column = by_number ? "3" : "time";
    p.delimiter = delimiters[(a >> 1) & 7];
    p.gap_usec = (a & 0x10) ? 60 * INT64_C(1000000) : I2V_SESSIONS_NO_GAP;
    p.dedup = (a >> 5) & 1;
    p.strict = (a >> 6) & 1;
    p.min_len = 1 + (b & 1);
    p.max_len = (b >> 1) & 3;
    if (p.max_len && p.max_len < p.min_len)
        p.max_len = p.min_len;
    p.min_count = 1 + ((b >> 3) & 1);
    p.memory_bytes = I2V_SESSIONS_MIN_MEMORY;
    p.merge_fanin = 2;

    FILE *in = fuzz_stream(data, size);
    char *out_buf = NULL;
    size_t out_len = 0;
    FILE *out = open_memstream(&out_buf, &out_len);
    if (!in || !out)
        fuzz_fail("cannot open the streams", NULL);
    i2v_sessions_report report;
    i2v_error err;
    i2v_status st = i2v_sessions_run(&p, in, "fuzz.csv", out, "fuzz-out", &report, &err);
    fclose(in);
    fclose(out);
    if (st == I2V_OK) {
        if (report.rows != report.events + report.malformed)
            fuzz_fail("rows != events + malformed", NULL);
        if (report.n_examples > I2V_SESSIONS_MAX_EXAMPLES ||
            report.n_examples > report.malformed)
            fuzz_fail("more malformed examples than malformed rows", NULL);
        check_output(out_buf, out_len, &report);
    } else if (st != I2V_ERR_EMPTY && st != I2V_ERR_FORMAT && st != I2V_ERR_INVALID) {
        fuzz_fail("an unexpected error from a log in memory", err.message);
    }
    free(out_buf);
    return 0;
}
