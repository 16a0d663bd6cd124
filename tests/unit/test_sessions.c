/* i2v_sessions_run: interaction logs to sessions, one behaviour per test. */
#include <string.h>

#include "check.h"
#include "item2vec.h"
#include "util/rng.h"

typedef struct run_result {
    i2v_status status;
    char *out; /* malloc'ed */
    i2v_sessions_report report;
    i2v_error err;
} run_result;

static i2v_sessions_params params_for(const char *user, const char *item, const char *time)
{
    i2v_sessions_params p;
    i2v_sessions_params_default(&p);
    p.user_column = user;
    p.item_column = item;
    p.time_column = time;
    return p;
}

static run_result run_log(const char *log, const i2v_sessions_params *p)
{
    run_result r;
    memset(&r, 0, sizeof r);
    size_t out_len = 0;
    FILE *in = fmemopen((void *)log, strlen(log), "r");
    FILE *out = open_memstream(&r.out, &out_len);
    CHECK(in && out);
    r.status = i2v_sessions_run(p, in, "log.csv", out, "out", &r.report, &r.err);
    fclose(in);
    fclose(out);
    return r;
}

/* Runs with user,item,time columns named u, i, t and compares the output. */
static int gives(const char *log, const i2v_sessions_params *p, const char *want)
{
    run_result r = run_log(log, p);
    int ok = r.status == I2V_OK && strcmp(r.out, want) == 0;
    if (!ok)
        fprintf(stderr, "    status %d (%s)\n    got:\n%s    want:\n%s", r.status, r.err.message,
                r.out, want);
    free(r.out);
    return ok;
}

static i2v_sessions_params uit(void) { return params_for("u", "i", "t"); }

static void users_in_byte_order_each_by_time(void)
{
    i2v_sessions_params p = uit();
    p.with_user = 1;
    CHECK(gives("u,i,t\nbob,b2,20\nann,a2,5\nbob,b1,10\nAnn,x,1\nann,a1,3\n", &p,
                "Ann\tx\nann\ta1 a2\nbob\tb1 b2\n"));
}

static void equal_times_keep_input_order(void)
{
    i2v_sessions_params p = uit();
    CHECK(gives("u,i,t\nu1,c,5\nu1,a,5\nu1,z,1\nu1,b,5\nu1,a,5\n", &p, "z c a b a\n"));
}

static void gap_splits_only_when_exceeded(void)
{
    i2v_sessions_params p = uit();
    p.gap_usec = 10 * 1000000;
    CHECK(gives("u,i,t\nx,a,0\nx,b,10\nx,c,21\nx,d,30\ny,e,1000\n", &p, "a b\nc d\ne\n"));
    p.gap_usec = I2V_SESSIONS_NO_GAP;
    CHECK(gives("u,i,t\nx,a,0\nx,b,10\nx,c,21\nx,d,30000000\n", &p, "a b c d\n"));
    /* Gap 0: only events at the very same time share a session (baskets). */
    p.gap_usec = 0;
    CHECK(gives("u,i,t\nx,a,1\nx,b,1\nx,c,2\n", &p, "a b\nc\n"));
}

static void times_in_seconds_milliseconds_and_iso_mix(void)
{
    i2v_sessions_params p = uit();
    p.gap_usec = 60 * 1000000;
    CHECK(gives("u,i,t\n"
                "x,third,1704153630500\n"         /* ms: 2024-01-02T00:00:30.5Z */
                "x,first,2024-01-02T01:00:00+01:00\n"
                "x,second,1704153630.25\n"
                "x,later,2024-01-02 00:02:00Z\n",
                &p, "first second third\nlater\n"));
}

static void dedup_drops_consecutive_repeats_within_a_session(void)
{
    i2v_sessions_params p = uit();
    p.dedup = 1;
    p.gap_usec = 100 * 1000000;
    CHECK(gives("u,i,t\nx,a,1\nx,a,2\nx,b,3\nx,a,4\nx,a,5\nx,a,500\nx,c,501\n", &p,
                "a b a\na c\n"));
    run_result r = run_log("u,i,t\nx,a,1\nx,a,2\nx,a,3\n", &p);
    CHECK(r.status == I2V_OK && r.report.repeats == 2);
    free(r.out);
}

static void max_len_cuts_into_pieces_min_len_drops_short_ones(void)
{
    const char *log = "u,i,t\nx,1,1\nx,2,2\nx,3,3\nx,4,4\nx,5,5\nx,6,6\nx,7,7\ny,8,1\n";
    i2v_sessions_params p = uit();
    p.max_len = 3;
    CHECK(gives(log, &p, "1 2 3\n4 5 6\n7\n8\n"));
    p.min_len = 2;
    run_result r = run_log(log, &p);
    CHECK(r.status == I2V_OK && strcmp(r.out, "1 2 3\n4 5 6\n") == 0);
    CHECK(r.report.cuts == 2 && r.report.short_pieces == 2 && r.report.sessions == 2);
    free(r.out);
    /* A session of exactly max_len is not cut. */
    p.max_len = 7;
    p.min_len = 1;
    r = run_log(log, &p);
    CHECK(r.report.cuts == 0 && strcmp(r.out, "1 2 3 4 5 6 7\n8\n") == 0);
    free(r.out);
}

static void min_count_drops_rare_items_before_dedup(void)
{
    i2v_sessions_params p = uit();
    p.min_count = 2;
    p.dedup = 1;
    run_result r = run_log("u,i,t\nx,a,1\nx,rare,2\nx,a,3\ny,b,1\ny,a,2\nz,b,1\n", &p);
    CHECK(r.status == I2V_OK && strcmp(r.out, "a\nb a\nb\n") == 0);
    CHECK(r.report.rare_events == 1 && r.report.repeats == 1 && r.report.distinct_items == 3);
    free(r.out);
    p.min_count = 10;
    r = run_log("u,i,t\nx,a,1\n", &p);
    CHECK(r.status == I2V_ERR_EMPTY && strstr(r.err.message, "min-count") != NULL);
    free(r.out);
}

static void blanks_inside_items_and_users_are_replaced(void)
{
    i2v_sessions_params p = uit();
    p.with_user = 1;
    run_result r = run_log("u,i,t\n\"jo\tdoe\",\"red shoe\",1\n\"jo\tdoe\",\"a\nb\",2\n"
                           "\"jo\tdoe\",  plain  ,3\n",
                           &p);
    CHECK(r.status == I2V_OK && strcmp(r.out, "jo_doe\tred_shoe a_b plain\n") == 0);
    CHECK(r.report.items_renamed == 2 && r.report.users_renamed == 1);
    free(r.out);
}

static void columns_by_name_or_number_in_any_order(void)
{
    i2v_sessions_params p = params_for("3", "1", "time");
    CHECK(gives("item;extra;user;time\na;;x;2\nb;;x;1\n", &p, "b a\n"));
    /* A header name wins over a number. */
    p = params_for("2", "item", "t");
    CHECK(gives("2,user,item,t\nbyname,other,a,1\nbyname,other2,b,2\n", &p, "a b\n"));
    p = uit();
    p.delimiter = '|';
    CHECK(gives("u|i|t\nx|a,b|1\n", &p, "a,b\n"));
}

static void unknown_or_ambiguous_columns_are_usage_errors(void)
{
    i2v_sessions_params p = params_for("user", "item", "when");
    run_result r = run_log("user,item,ts\nx,a,1\n", &p);
    CHECK(r.status == I2V_ERR_INVALID && strstr(r.err.message, "'when'") &&
          strstr(r.err.message, "user, item, ts"));
    free(r.out);
    p = params_for("user", "item", "9");
    r = run_log("user,item,ts\nx,a,1\n", &p);
    CHECK(r.status == I2V_ERR_INVALID && strstr(r.err.message, "out of range"));
    free(r.out);
    p = params_for("user", "item", "ts");
    r = run_log("user,item,ts,item\nx,a,1,b\n", &p);
    CHECK(r.status == I2V_ERR_INVALID && strstr(r.err.message, "two columns named 'item'"));
    free(r.out);
}

static void malformed_rows_are_counted_with_their_lines(void)
{
    const char *log = "u,i,t\n"
                      "x,a,1\n"        /* 2 */
                      "x,b\n"          /* 3: missing time */
                      "x,c,yesterday\n" /* 4 */
                      ",d,4\n"         /* 5: empty user */
                      "\n"             /* 6: blank, skipped */
                      "x,\"e\"e,5\n"   /* 7: bad quoting */
                      "x,f,6\n";       /* 8 */
    i2v_sessions_params p = uit();
    run_result r = run_log(log, &p);
    CHECK(r.status == I2V_OK && strcmp(r.out, "a f\n") == 0);
    CHECK(r.report.malformed == 4 && r.report.n_examples == 4 && r.report.rows == 6);
    CHECK(r.report.events == 2 && r.report.blank_lines == 1);
    CHECK(r.report.examples[0].line == 3 && strstr(r.report.examples[0].reason, "missing field"));
    CHECK(r.report.examples[1].line == 4 && strstr(r.report.examples[1].reason, "'yesterday'"));
    CHECK(r.report.examples[2].line == 5 && strstr(r.report.examples[2].reason, "empty user"));
    CHECK(r.report.examples[3].line == 7 && strstr(r.report.examples[3].reason, "quot"));
    free(r.out);
    p.strict = 1;
    r = run_log(log, &p);
    CHECK(r.status == I2V_ERR_FORMAT && strstr(r.err.message, "log.csv:3: missing field"));
    free(r.out);
}

static void only_the_first_ten_malformed_rows_are_kept(void)
{
    char log[2048] = "u,i,t\n";
    for (int i = 0; i < 25; i++)
        strcat(log, "x,a,bad\n");
    strcat(log, "x,a,1\n");
    i2v_sessions_params p = uit();
    run_result r = run_log(log, &p);
    CHECK(r.status == I2V_OK && r.report.malformed == 25);
    CHECK(r.report.n_examples == I2V_SESSIONS_MAX_EXAMPLES && r.report.examples[9].line == 11);
    free(r.out);
}

static void empty_input_header_only_and_no_valid_row_are_errors(void)
{
    i2v_sessions_params p = uit();
    const char *logs[] = {"", "\n\n", "u,i,t\n", "u,i,t\n\n", "u,i,t\nx,a,never\n"};
    const char *why[] = {"empty", "empty", "no data rows", "no data rows", "malformed"};
    for (size_t k = 0; k < sizeof logs / sizeof logs[0]; k++) {
        run_result r = run_log(logs[k], &p);
        CHECK(r.status == I2V_ERR_EMPTY && strstr(r.err.message, why[k]));
        CHECK(r.out[0] == '\0');
        free(r.out);
    }
}

/* A log of n rows: users and items from small pools, times with ties. */
static char *random_log(size_t n)
{
    char *log = malloc(n * 48 + 16);
    CHECK(log != NULL);
    size_t at = (size_t)sprintf(log, "ts\tuser\titem\n");
    i2v_rng rng = i2v_rng_seeded(11, 1);
    for (size_t k = 0; k < n; k++) {
        unsigned user = (unsigned)(i2v_rng_next(&rng) % 300);
        unsigned item = (unsigned)(i2v_rng_next(&rng) % 40);
        unsigned t = (unsigned)(i2v_rng_next(&rng) % 5000);
        at += (size_t)sprintf(log + at, "%u\tuser-%u\titem%u\n", t, user, item);
    }
    return log;
}

static void a_tiny_memory_budget_gives_the_same_output(void)
{
    char *log = random_log(30000);
    i2v_sessions_params p = params_for("user", "item", "ts");
    p.gap_usec = 100 * 1000000;
    p.dedup = 1;
    p.max_len = 20;
    p.with_user = 1;
    run_result in_memory = run_log(log, &p);
    p.memory_bytes = I2V_SESSIONS_MIN_MEMORY;
    p.merge_fanin = 3;
    run_result on_disk = run_log(log, &p);
    CHECK(in_memory.status == I2V_OK && on_disk.status == I2V_OK);
    CHECK(in_memory.report.runs == 0 && on_disk.report.runs > 10);
    CHECK(strcmp(in_memory.out, on_disk.out) == 0);
    CHECK(in_memory.report.sessions == on_disk.report.sessions && in_memory.report.sessions > 300);
    free(in_memory.out);
    free(on_disk.out);
    free(log);
}

int main(void)
{
    RUN(users_in_byte_order_each_by_time);
    RUN(equal_times_keep_input_order);
    RUN(gap_splits_only_when_exceeded);
    RUN(times_in_seconds_milliseconds_and_iso_mix);
    RUN(dedup_drops_consecutive_repeats_within_a_session);
    RUN(max_len_cuts_into_pieces_min_len_drops_short_ones);
    RUN(min_count_drops_rare_items_before_dedup);
    RUN(blanks_inside_items_and_users_are_replaced);
    RUN(columns_by_name_or_number_in_any_order);
    RUN(unknown_or_ambiguous_columns_are_usage_errors);
    RUN(malformed_rows_are_counted_with_their_lines);
    RUN(only_the_first_ten_malformed_rows_are_kept);
    RUN(empty_input_header_only_and_no_valid_row_are_errors);
    RUN(a_tiny_memory_budget_gives_the_same_output);
    CHECK_EXIT();
}
