/* Reading interaction logs: CSV syntax and timestamps, as `item2vec
 * sessions` relies on them. */
#include <string.h>

#include "check.h"
#include "sessions/csv.h"
#include "sessions/sessions.h"

/* All records of `text` as "field|field|...;" with "@line" and "!" for a
 * defect, e.g. "a|b@1;c@2!;". */
static void records_of(const char *text, size_t len, char delim, char *out, size_t size,
                       char *detected)
{
    FILE *f = fmemopen((void *)text, len, "r");
    CHECK(f != NULL);
    csv_reader r;
    i2v_error err;
    out[0] = '\0';
    CHECK(csv_reader_init(&r, f, "t.csv", delim, &err) == I2V_OK);
    if (detected)
        *detected = r.delimiter;
    csv_event ev;
    while ((ev = csv_reader_next(&r, &err)) == CSV_RECORD) {
        size_t used = strlen(out);
        for (size_t i = 0; i < r.n_fields; i++) {
            size_t n;
            const char *field = csv_field(&r, i, &n);
            used += (size_t)snprintf(out + used, size - used, "%s%.*s", i ? "|" : "", (int)n, field);
        }
        snprintf(out + used, size - used, "@%llu%s%s;", (unsigned long long)r.record_line,
                 r.defect ? "!" : "", r.blank ? "_" : "");
    }
    CHECK(ev == CSV_END);
    csv_reader_free(&r);
    fclose(f);
}

static int parses_as(const char *text, char delim, const char *want)
{
    char got[512];
    records_of(text, strlen(text), delim, got, sizeof got, NULL);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "    %s\n    got  %s\n    want %s\n", text, got, want);
        return 0;
    }
    return 1;
}

static void csv_quotes_hold_delimiters_newlines_and_doubled_quotes(void)
{
    CHECK(parses_as("a,b\n\"x,y\",\"say \"\"hi\"\"\"\n", ',', "a|b@1;x,y|say \"hi\"@2;"));
    CHECK(parses_as("a,b\n\"two\nlines\",z\nnext,row\n", ',', "a|b@1;two\nlines|z@2;next|row@4;"));
    CHECK(parses_as("\"\",\n", ',', "|@1;"));
    /* A quote inside an unquoted field is an ordinary character. */
    CHECK(parses_as("12\" screen,b\n", ',', "12\" screen|b@1;"));
}

static void csv_bad_quoting_is_a_defect_with_the_line_it_starts_on(void)
{
    CHECK(parses_as("h\n\"ab\"c,d\nok,1\n", ',', "h@1;abc|d@2!;ok|1@3;"));
    CHECK(parses_as("h\nok\n\"never closed,\nx\ny\n", ',', "h@1;ok@2;never closed,\nx\ny\n@3!;"));
}

static void csv_crlf_bom_blank_lines_and_a_missing_last_newline(void)
{
    CHECK(parses_as("\xEF\xBB\xBFu,i\r\n1,2\r\n\r\n\n3,\"4\"\r\n5,6", ',',
                    "u|i@1;1|2@2;@3_;@4_;3|4@5;5|6@6;"));
    /* A CR that does not end a line is data. */
    CHECK(parses_as("a\rb,c\n", ',', "a\rb|c@1;"));
}

static char detected_delimiter(const char *text)
{
    char got[512], delim = 0;
    records_of(text, strlen(text), 0, got, sizeof got, &delim);
    return delim;
}

static void delimiter_is_detected_from_the_header_line(void)
{
    CHECK(detected_delimiter("user\titem\ttime\nu,1\ti\t3\n") == '\t');
    CHECK(detected_delimiter("user,item,time\n") == ',');
    CHECK(detected_delimiter("user;item;time\n") == ';');
    CHECK(detected_delimiter("user|item|time\n") == '|');
    /* Commas inside quotes do not count. */
    CHECK(detected_delimiter("\"a,b,c\";x;y\n") == ';');
    CHECK(detected_delimiter("\xEF\xBB\xBF" "a|b\n") == '|');
    CHECK(detected_delimiter("single\n") == ',');
    CHECK(parses_as("a;b\n1;2\n", ';', "a|b@1;1|2@2;"));
}

static void csv_records_longer_than_a_read_block_are_whole(void)
{
    size_t n = 3u << 20;
    char *text = malloc(n + 16);
    CHECK(text != NULL);
    memcpy(text, "h,v\n\"", 5);
    memset(text + 5, 'x', n);
    memcpy(text + 5 + n, "\",1\n", 4);
    FILE *f = fmemopen(text, n + 9, "r");
    csv_reader r;
    i2v_error err;
    CHECK(csv_reader_init(&r, f, "t", 0, &err) == I2V_OK);
    CHECK(csv_reader_next(&r, &err) == CSV_RECORD);
    CHECK(csv_reader_next(&r, &err) == CSV_RECORD);
    size_t len;
    csv_field(&r, 0, &len);
    CHECK(len == n && r.n_fields == 2 && !r.defect);
    csv_reader_free(&r);
    fclose(f);
    free(text);
}

static int64_t time_of(const char *text)
{
    int64_t usec = INT64_MIN;
    const char *why = session_parse_time(text, strlen(text), &usec);
    if (why)
        fprintf(stderr, "    '%s': %s\n", text, why);
    return usec;
}

static const char *time_error(const char *text)
{
    int64_t usec;
    return session_parse_time(text, strlen(text), &usec);
}

#define SEC INT64_C(1000000)

static void epoch_numbers_are_seconds_or_milliseconds_by_magnitude(void)
{
    CHECK(time_of("0") == 0);
    CHECK(time_of("1700000000") == 1700000000 * SEC);
    CHECK(time_of("1700000000.25") == 1700000000 * SEC + 250000);
    CHECK(time_of("-1.5") == -1500000);
    CHECK(time_of("100000000000") == 100000000000 * SEC); /* 1e11: still seconds */
    CHECK(time_of("1700000000123") == 1700000000123 * 1000);
    CHECK(time_of("1700000000123.5") == 1700000000123 * 1000 + 500);
    CHECK(time_of("1700000000123456") == 1700000000123456);
    CHECK(time_of("1700000000123456789") == 1700000000123456);
    CHECK(time_error("12a") != NULL);
    CHECK(time_error("1e9") != NULL);
    CHECK(time_error("") != NULL);
    CHECK(time_error("-") != NULL);
    CHECK(time_error("99999999999999999999") != NULL);
}

static void iso8601_dates_times_fractions_and_offsets(void)
{
    const int64_t jan2 = 1704153600 * SEC; /* 2024-01-02T00:00:00Z */
    CHECK(time_of("1970-01-01") == 0);
    CHECK(time_of("2024-01-02") == jan2);
    CHECK(time_of("2024-01-02T03:04:05Z") == jan2 + (3 * 3600 + 4 * 60 + 5) * SEC);
    CHECK(time_of("2024-01-02 03:04:05") == jan2 + (3 * 3600 + 4 * 60 + 5) * SEC);
    CHECK(time_of("2024-01-02T03:04") == jan2 + (3 * 3600 + 4 * 60) * SEC);
    CHECK(time_of("2024-01-02T03:04:05.5Z") == jan2 + (3 * 3600 + 4 * 60 + 5) * SEC + 500000);
    CHECK(time_of("2024-01-02T03:04:05,123456789Z") ==
          jan2 + (3 * 3600 + 4 * 60 + 5) * SEC + 123456);
    CHECK(time_of("2024-01-02T05:30:00+05:30") == jan2);
    CHECK(time_of("2024-01-02T05:30:00+0530") == jan2);
    CHECK(time_of("2024-01-01T22:00:00-02") == jan2);
    CHECK(time_of("2024-02-29") == jan2 + 58 * 86400 * SEC);
    CHECK(time_of("2000-03-01") == 951868800 * SEC);
    CHECK(time_of("1969-12-31T23:59:59Z") == -SEC);
    CHECK(time_error("2023-02-29") != NULL);
    CHECK(time_error("2024-13-01") != NULL);
    CHECK(time_error("2024-01-02T24:00:00") != NULL);
    CHECK(time_error("2024-01-02T03:04:05+25:00") != NULL);
    CHECK(time_error("2024-01-02T03:04:05 UTC") != NULL);
    CHECK(time_error("2024-01-02x") != NULL);
    CHECK(time_error("2024-1-2") != NULL);
}

int main(void)
{
    RUN(csv_quotes_hold_delimiters_newlines_and_doubled_quotes);
    RUN(csv_bad_quoting_is_a_defect_with_the_line_it_starts_on);
    RUN(csv_crlf_bom_blank_lines_and_a_missing_last_newline);
    RUN(delimiter_is_detected_from_the_header_line);
    RUN(csv_records_longer_than_a_read_block_are_whole);
    RUN(epoch_numbers_are_seconds_or_milliseconds_by_magnitude);
    RUN(iso8601_dates_times_fractions_and_offsets);
    CHECK_EXIT();
}
