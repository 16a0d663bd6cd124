/* i2v_sessions_run: interaction log -> events -> sorted by (user, time) ->
 * sessions.  Reading rows, finding the columns and checking every field
 * live here; CSV syntax is in csv.c, times in sessions_time.c, the sort in
 * extsort.c, the session rules in sessions_writer.c. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sessions/csv.h"
#include "util/error.h"
#include "util/quote.h"
#include "sessions/extsort.h"
#include "sessions/sessions.h"
#include "core/vocab.h"

/* The columns a row must have, in the order of `column_role`. */
enum { USER, ITEM, TIME, N_ROLES };
static const char *const column_role[N_ROLES] = {"user", "item", "time"};

#define SHOWN_NAME_BYTES 48   /* of a header name, in messages */
#define SHOWN_VALUE_BYTES 40  /* of a bad value, in messages */
#define HEADER_LIST_BYTES 300 /* of the column list in an unknown-column message */

typedef struct log_reader {
    const i2v_sessions_params *params;
    const char *name;
    csv_reader csv;
    size_t column[N_ROLES];                          /* 0-based */
    char column_name[N_ROLES][SHOWN_NAME_BYTES + 1]; /* as the header has it */
    i2v_vocab *items;
    event_sorter *sorter;
    i2v_sessions_report *report;
    char *renamed; /* an item with its blanks replaced */
    size_t renamed_cap;
} log_reader;

void i2v_sessions_params_default(i2v_sessions_params *p)
{
    memset(p, 0, sizeof *p);
    p->gap_usec = I2V_SESSIONS_NO_GAP;
    p->min_len = 1;
    p->min_count = 1;
    p->memory_bytes = I2V_SESSIONS_DEFAULT_MEMORY;
}

static i2v_status check_params(const i2v_sessions_params *p, i2v_error *err)
{
    const char *columns[N_ROLES] = {p->user_column, p->item_column, p->time_column};
    for (int role = 0; role < N_ROLES; role++)
        if (!columns[role] || !*columns[role])
            return i2v_fail(err, I2V_ERR_INVALID, "no %s column given", column_role[role]);
    if (p->delimiter == '"' || p->delimiter == '\n' || p->delimiter == '\r')
        return i2v_fail(err, I2V_ERR_INVALID, "the delimiter cannot be a quote or a line end");
    if (p->min_len < 1)
        return i2v_fail(err, I2V_ERR_INVALID, "min-len must be at least 1");
    if (p->min_count < 1)
        return i2v_fail(err, I2V_ERR_INVALID, "min-count must be at least 1");
    if (p->max_len && p->max_len < p->min_len)
        return i2v_fail(err, I2V_ERR_INVALID,
                        "max-len %llu is below min-len %llu: every piece would be dropped",
                        (unsigned long long)p->max_len, (unsigned long long)p->min_len);
    if (p->memory_bytes < I2V_SESSIONS_MIN_MEMORY)
        return i2v_fail(err, I2V_ERR_INVALID, "the memory budget must be at least %u bytes",
                        I2V_SESSIONS_MIN_MEMORY);
    if (p->merge_fanin == 1)
        return i2v_fail(err, I2V_ERR_INVALID, "merge fan-in must be at least 2");
    return I2V_OK;
}

/* ---- fields ---- */

static bool is_space_or_tab(char c) { return c == ' ' || c == '\t'; }

static const char *trimmed_field(const csv_reader *csv, size_t i, size_t *len)
{
    const char *s = csv_field(csv, i, len);
    while (*len && is_space_or_tab(*s)) {
        s++;
        --*len;
    }
    while (*len && is_space_or_tab(s[*len - 1]))
        --*len;
    return s;
}

/* Blanks in the sense of the sequence format: they would split the item. */
static bool is_sequence_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
}

/* The item as the output can carry it: blanks become '_'. */
static i2v_status output_safe_item(log_reader *lr, const char **item, size_t len, i2v_error *err)
{
    size_t i = 0;
    while (i < len && !is_sequence_blank((*item)[i]))
        i++;
    if (i == len)
        return I2V_OK;
    if (len > lr->renamed_cap) {
        char *bigger = realloc(lr->renamed, len);
        if (!bigger)
            return i2v_fail_nomem(err, "renaming an item with blanks");
        lr->renamed = bigger;
        lr->renamed_cap = len;
    }
    for (i = 0; i < len; i++)
        lr->renamed[i] = is_sequence_blank((*item)[i]) ? '_' : (*item)[i];
    *item = lr->renamed;
    lr->report->items_renamed++;
    return I2V_OK;
}

/* What the dictionary costs, charged against the sort budget. */
static size_t dictionary_bytes(const i2v_vocab *v)
{
    return vocab_memory_bytes(v);
}

/* ---- the header ---- */

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static bool field_is(const csv_reader *csv, size_t i, const char *name)
{
    size_t len;
    const char *f = trimmed_field(csv, i, &len);
    return len == strlen(name) && memcmp(f, name, len) == 0;
}

/* "a, b, c" for messages, shortened to fit. */
static void list_columns(const csv_reader *csv, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < csv->n_fields && used + 1 < size; i++) {
        size_t len;
        const char *f = trimmed_field(csv, i, &len);
        int n = snprintf(out + used, size - used, "%s%.*s", i ? ", " : "",
                         (int)(len > SHOWN_NAME_BYTES ? SHOWN_NAME_BYTES : len), f);
        used += n > 0 ? (size_t)n : 0;
    }
    if (used >= size - 1 && size > 4)
        memcpy(out + size - 4, "...", 4);
}

static i2v_status unknown_column(const log_reader *lr, int role, const char *spec, i2v_error *err)
{
    char columns[HEADER_LIST_BYTES];
    list_columns(&lr->csv, columns, sizeof columns);
    return i2v_fail(err, I2V_ERR_INVALID, "%s: no column named '%s' for the %s (the header has: %s)%s",
                    lr->name, spec, column_role[role], columns,
                    lr->csv.delimiter_detected
                        ? ""
                        : "; no tab, comma, semicolon or pipe in the header: give the delimiter");
}

/* A header name wins; else a 1-based number; a name found twice is
 * ambiguous. */
static i2v_status find_column(log_reader *lr, int role, const char *spec, i2v_error *err)
{
    const csv_reader *csv = &lr->csv;
    size_t found = csv->n_fields;
    for (size_t i = 0; i < csv->n_fields; i++) {
        if (!field_is(csv, i, spec))
            continue;
        if (found < csv->n_fields)
            return i2v_fail(err, I2V_ERR_INVALID,
                            "%s: the header has two columns named '%s' (%zu and %zu); give the %s "
                            "column by number",
                            lr->name, spec, found + 1, i + 1, column_role[role]);
        found = i;
    }
    if (found == csv->n_fields && all_digits(spec)) {
        char *end;
        unsigned long long number = strtoull(spec, &end, 10);
        if (number < 1 || number > csv->n_fields)
            return i2v_fail(err, I2V_ERR_INVALID,
                            "%s: %s column %s is out of range: the header has %zu columns",
                            lr->name, column_role[role], spec, csv->n_fields);
        found = (size_t)number - 1;
    }
    if (found == csv->n_fields)
        return unknown_column(lr, role, spec, err);
    lr->column[role] = found;
    size_t len;
    const char *name = trimmed_field(csv, found, &len);
    snprintf(lr->column_name[role], sizeof lr->column_name[role], "%.*s",
             (int)(len > SHOWN_NAME_BYTES ? SHOWN_NAME_BYTES : len), name);
    return I2V_OK;
}

/* AUTO's decision when every column is a number: the first line is data
 * when its time field reads as a time. */
static int first_line_is_data(log_reader *lr)
{
    const csv_reader *csv = &lr->csv;
    size_t at = lr->column[TIME], len;
    if (csv->defect || at >= csv->n_fields)
        return 0;
    const char *f = trimmed_field(csv, at, &len);
    int64_t t;
    int data = session_parse_time(f, len, &t) == NULL;
    snprintf(lr->report->header_reason, sizeof lr->report->header_reason,
             "%s line %llu as %s: its time field (column %zu) '%.*s' %s a time",
             data ? "read" : "took", (unsigned long long)csv->record_line,
             data ? "data" : "the header", at + 1, (int)(len > 40 ? 40 : len), f,
             data ? "is" : "is not");
    return data;
}

/* Columns by number only, against the first line's fields. */
static i2v_status number_columns(log_reader *lr, const char *const specs[N_ROLES],
                                 i2v_error *err)
{
    for (int role = 0; role < N_ROLES; role++) {
        if (!all_digits(specs[role]))
            return i2v_fail(err, I2V_ERR_INVALID,
                            "%s: without a header line the %s column must be a 1-based number, "
                            "not '%s'",
                            lr->name, column_role[role], specs[role]);
        unsigned long long number = strtoull(specs[role], NULL, 10);
        if (number < 1 || number > lr->csv.n_fields)
            return i2v_fail(err, I2V_ERR_INVALID,
                            "%s: %s column %s is out of range: the first line has %zu fields",
                            lr->name, column_role[role], specs[role], lr->csv.n_fields);
        lr->column[role] = (size_t)number - 1;
        snprintf(lr->column_name[role], sizeof lr->column_name[role], "%llu", number);
    }
    return I2V_OK;
}

static i2v_status read_header(log_reader *lr, i2v_error *err)
{
    csv_event ev;
    while ((ev = csv_reader_next(&lr->csv, err)) == CSV_RECORD && lr->csv.blank)
        ;
    if (ev == CSV_ERROR)
        return err ? err->code : I2V_ERR_IO;
    if (ev == CSV_END)
        return i2v_fail(err, I2V_ERR_EMPTY, "%s: the input is empty", lr->name);
    const i2v_sessions_params *p = lr->params;
    const char *specs[N_ROLES] = {p->user_column, p->item_column, p->time_column};
    int numbers = all_digits(specs[USER]) && all_digits(specs[ITEM]) && all_digits(specs[TIME]);
    if (p->header == I2V_HEADER_NO || (p->header == I2V_HEADER_AUTO && numbers)) {
        i2v_status st = number_columns(lr, specs, err);
        if (st != I2V_OK)
            return st;
        lr->report->header = p->header == I2V_HEADER_NO ? 0 : !first_line_is_data(lr);
        if (!lr->report->header)
            return I2V_OK; /* the line read is the first row */
    } else {
        lr->report->header = 1;
        if (p->header == I2V_HEADER_AUTO)
            snprintf(lr->report->header_reason, sizeof lr->report->header_reason,
                     "took line %llu as the header: columns are given by name",
                     (unsigned long long)lr->csv.record_line);
    }
    if (lr->csv.defect)
        return i2v_fail(err, I2V_ERR_FORMAT, "%s:%llu: the header is malformed: field %zu: %s",
                        lr->name, (unsigned long long)lr->csv.record_line,
                        lr->csv.defect_field, lr->csv.defect);
    for (int role = 0; role < N_ROLES; role++) {
        i2v_status st = find_column(lr, role, specs[role], err);
        if (st != I2V_OK)
            return st;
    }
    return I2V_OK;
}

/* ---- rows ---- */

static void describe_column(const log_reader *lr, int role, char *out, size_t size)
{
    snprintf(out, size, "column %zu '%s'", lr->column[role] + 1, lr->column_name[role]);
}

/* Checks a row; on a problem writes why to `reason` and returns false.
 * Messages are only formatted for bad rows: this runs for every event. */
static bool row_fields(log_reader *lr, const char *field[N_ROLES], size_t len[N_ROLES],
                       int64_t *time_usec, char *reason, size_t size)
{
    const csv_reader *csv = &lr->csv;
    char column[SHOWN_NAME_BYTES + 32];
    if (csv->defect) {
        snprintf(reason, size, "field %zu: %s", csv->defect_field, csv->defect);
        return false;
    }
    for (int role = 0; role < N_ROLES; role++) {
        if (lr->column[role] >= csv->n_fields) {
            describe_column(lr, role, column, sizeof column);
            snprintf(reason, size, "missing field: no %s (%s) in a row of %zu field%s",
                     column_role[role], column, csv->n_fields, csv->n_fields == 1 ? "" : "s");
            return false;
        }
        field[role] = trimmed_field(csv, lr->column[role], &len[role]);
        if (len[role] == 0) {
            describe_column(lr, role, column, sizeof column);
            snprintf(reason, size, "%s: empty %s", column, column_role[role]);
            return false;
        }
    }
    const char *why = session_parse_time(field[TIME], len[TIME], time_usec);
    if (why) {
        describe_column(lr, TIME, column, sizeof column);
        snprintf(reason, size, "%s: cannot read the time '%.*s%s': %s", column,
                 I2V_QUOTED_TO(SHOWN_VALUE_BYTES, len[TIME], field[TIME]),
                 I2V_QUOTE_MORE(SHOWN_VALUE_BYTES, len[TIME]), why);
        return false;
    }
    return true;
}

static i2v_status note_malformed(log_reader *lr, const char *reason, i2v_error *err)
{
    i2v_sessions_report *r = lr->report;
    uint64_t line = lr->csv.record_line;
    if (lr->params->strict)
        return i2v_fail(err, I2V_ERR_FORMAT, "%s:%llu: %s", lr->name, (unsigned long long)line,
                        reason);
    if (r->n_examples < I2V_SESSIONS_MAX_EXAMPLES) {
        i2v_sessions_problem *ex = &r->examples[r->n_examples++];
        ex->line = line;
        snprintf(ex->reason, sizeof ex->reason, "%s", reason);
    }
    r->malformed++;
    return I2V_OK;
}

static i2v_status add_event(log_reader *lr, const char *field[N_ROLES], size_t len[N_ROLES],
                            int64_t time_usec, i2v_error *err)
{
    const char *item = field[ITEM];
    uint32_t id;
    i2v_status st = output_safe_item(lr, &item, len[ITEM], err);
    if (st == I2V_OK)
        st = i2v_vocab_add(lr->items, item, len[ITEM], 1, &id, err);
    if (st == I2V_OK)
        st = event_sorter_add(lr->sorter, field[USER], len[USER], time_usec, id,
                              dictionary_bytes(lr->items), err);
    if (st == I2V_OK)
        lr->report->events++;
    return st;
}

/* The record the reader holds, as a data row. */
static i2v_status take_row(log_reader *lr, i2v_error *err)
{
    lr->report->rows++;
    const char *field[N_ROLES];
    size_t len[N_ROLES];
    int64_t time_usec;
    char reason[I2V_SESSIONS_REASON_SIZE];
    return row_fields(lr, field, len, &time_usec, reason, sizeof reason)
               ? add_event(lr, field, len, time_usec, err)
               : note_malformed(lr, reason, err);
}

static i2v_status read_rows(log_reader *lr, i2v_error *err)
{
    /* Without a header, the line read first is the first row. */
    i2v_status st = lr->report->header ? I2V_OK : take_row(lr, err);
    while (st == I2V_OK) {
        csv_event ev = csv_reader_next(&lr->csv, err);
        if (ev == CSV_END)
            return I2V_OK;
        if (ev == CSV_ERROR)
            return err ? err->code : I2V_ERR_IO;
        if (lr->csv.blank) {
            lr->report->blank_lines++;
            continue;
        }
        st = take_row(lr, err);
    }
    return st;
}

static i2v_status check_rows_read(const log_reader *lr, i2v_error *err)
{
    const i2v_sessions_report *r = lr->report;
    if (r->rows == 0)
        return i2v_fail(err, I2V_ERR_EMPTY, "%s: no data rows%s", lr->name,
                        r->header ? " after the header" : "");
    if (r->events == 0)
        return i2v_fail(err, I2V_ERR_EMPTY, "%s: no valid row: all %llu data rows are malformed",
                        lr->name, (unsigned long long)r->rows);
    return I2V_OK;
}

/* ---- sessions ---- */

static i2v_status write_sessions(log_reader *lr, FILE *out, const char *out_name, i2v_error *err)
{
    session_writer *w;
    i2v_status st = event_sorter_finish(lr->sorter, err);
    if (st != I2V_OK)
        return st;
    lr->report->runs = event_sorter_runs_written(lr->sorter);
    if ((st = session_writer_create(lr->params, lr->items, out, out_name, lr->report, &w, err)) !=
        I2V_OK)
        return st;
    for (;;) {
        sorted_event ev;
        bool got;
        st = event_sorter_next(lr->sorter, &ev, &got, err);
        if (st != I2V_OK || !got)
            break;
        st = session_writer_event(w, ev.user, ev.user_len, ev.time_usec, ev.item, err);
        if (st != I2V_OK)
            break;
    }
    if (st == I2V_OK)
        st = session_writer_finish(w, err);
    session_writer_free(w);
    if (st == I2V_OK && lr->report->sessions == 0)
        st = i2v_fail(err, I2V_ERR_EMPTY,
                      "%s: no session written: all were dropped by min-len %llu or min-count %llu",
                      lr->name, (unsigned long long)lr->params->min_len,
                      (unsigned long long)lr->params->min_count);
    return st;
}

i2v_status i2v_sessions_run(const i2v_sessions_params *params, FILE *in, const char *in_name,
                            FILE *out, const char *out_name, i2v_sessions_report *report,
                            i2v_error *err)
{
    i2v_sessions_report unused;
    if (!report)
        report = &unused;
    memset(report, 0, sizeof *report);
    i2v_status st = check_params(params, err);
    if (st != I2V_OK)
        return st;
    log_reader lr = {.params = params, .name = in_name, .report = report};
    uint32_t fanin = params->merge_fanin ? params->merge_fanin : EXTSORT_DEFAULT_FANIN;
    if ((st = csv_reader_init(&lr.csv, in, in_name, params->delimiter, err)) != I2V_OK)
        return st;
    report->delimiter = lr.csv.delimiter;
    st = read_header(&lr, err);
    if (st == I2V_OK)
        st = i2v_vocab_create(&lr.items, err);
    if (st == I2V_OK)
        st = event_sorter_create(params->memory_bytes, params->tmpdir, fanin, &lr.sorter, err);
    if (st == I2V_OK)
        st = read_rows(&lr, err);
    csv_reader_free(&lr.csv);
    free(lr.renamed);
    if (st == I2V_OK)
        st = check_rows_read(&lr, err);
    if (st == I2V_OK) {
        report->distinct_items = i2v_vocab_size(lr.items);
        st = write_sessions(&lr, out, out_name, err);
    }
    event_sorter_free(lr.sorter);
    i2v_vocab_free(lr.items);
    return st;
}
