/* item2vec sessions: interaction logs (CSV/TSV) to sequences. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "files.h"

static const char sessions_help[] =
    "Usage: item2vec sessions -i FILE --user COL --item COL --time COL [options]\n"
    "Turns an interaction log (CSV or TSV, one event per row, with a header line\n"
    "or without) into sequences for 'item2vec train': each user's events ordered\n"
    "by time, split into sessions, one session per line, items separated by\n"
    "spaces.\n\n"
    "  -i, --input FILE     the log; - for standard input\n"
    "  -o, --output FILE    where the sessions go (default -: standard output);\n"
    "                       a file is replaced only when the run succeeds\n"
    "      --user COL       user column: a header name or a 1-based number\n"
    "      --header WHEN    whether the first line names the columns: yes, no, or\n"
    "                       auto (default): a header when a column is given by\n"
    "                       name, else when its time field is not a time; what\n"
    "                       auto decided is said on standard error\n"
    "      --item COL       item column\n"
    "      --time COL       time column\n"
    "      --gap DURATION   start a new session when two consecutive events of a\n"
    "                       user are more than DURATION apart: 90s, 30m, 2h, 1d,\n"
    "                       500ms, or seconds (default: never split)\n"
    "      --delim C        field delimiter: a character, or tab, comma,\n"
    "                       semicolon, pipe (default: the most frequent of these\n"
    "                       in the header line)\n"
    "      --dedup          drop an item repeating the previous one of its session\n"
    "      --min-len N      drop sessions (pieces) of fewer than N items (default 1)\n"
    "      --max-len N      cut longer sessions into pieces of N items; nothing\n"
    "                       is thrown away (default 0: no cut)\n"
    "      --min-count N    drop items with fewer than N events in the log\n"
    "                       (default 1)\n"
    "      --with-user      write user<TAB>items lines\n"
    "      --mem SIZE       memory for sorting, e.g. 64M, 1G (default 1G, at least\n"
    "                       64K); more events are sorted in runs on disk and merged\n"
    "      --tmpdir DIR     where sorted runs go (default $TMPDIR or /tmp); they are\n"
    "                       unlinked at creation and never left behind\n"
    "      --strict         stop at the first malformed row (exit 1)\n"
    "  -q, --quiet          no summary on standard error\n"
    "  -h, --help           this help\n\n"
    "Input: RFC 4180 quoting (\"a,b\", \"say \"\"hi\"\"\", newlines inside quotes);\n"
    "CRLF line ends; a UTF-8 byte-order mark is skipped; blank lines are skipped;\n"
    "spaces and tabs around the user, item and time are ignored.\n"
    "Time: seconds since 1970 (integer or decimal); numbers above 1e11 are\n"
    "milliseconds, above 1e14 microseconds, above 1e17 nanoseconds; or ISO 8601\n"
    "(2024-01-02, 2024-01-02T03:04:05.250Z, 2024-01-02 03:04:05+02:00); no zone\n"
    "means UTC.\n"
    "Output: users in byte order, each user's events by time, equal times in\n"
    "input order.  Rules apply in this order: split at gaps, drop rare items\n"
    "(--min-count counts every valid row), drop repeats (--dedup), cut (--max-len),\n"
    "drop short pieces (--min-len).  Blanks inside an item (space, tab, CR, LF)\n"
    "become '_' so that an item stays one item; the count is reported.\n"
    "Malformed rows (missing field, empty user or item, unreadable time, bad\n"
    "quoting) are skipped and reported on standard error with their line numbers\n"
    "(the first 10 and the total); the run still succeeds unless --strict.\n"
    "Exit: 0 ok, 1 runtime error (I/O, empty input, no valid row, --strict),\n"
    "2 usage error (bad option, unknown column).\n"
    "\nExamples:\n"
    "  item2vec sessions -i events.csv --user user_id --item item_id --time ts > sessions.txt\n"
    "  item2vec sessions -i u.data --header no --user 1 --item 2 --time 4 > sessions.txt\n"
    "  item2vec sessions -i log.tsv --user u --item i --time t --gap 30m --with-user > users.tsv\n";

#define USEC_PER_SEC 1e6
#define MAX_GAP_SEC (86400.0 * 1e6) /* a million days */

/* --gap: a non-negative number with an optional unit. */
static int parse_gap(const char *text, int64_t *usec)
{
    static const struct {
        const char *suffix;
        double seconds;
    } units[] = {{"", 1}, {"ms", 1e-3}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}};
    /* Only digits and a point: strtod alone would take "0x1p3", "1e3", "inf". */
    size_t number_len = strspn(text, "0123456789.");
    char *end;
    errno = 0;
    double value = number_len ? strtod(text, &end) : -1;
    if (value >= 0 && end != text + number_len)
        value = -1;
    if (value >= 0 && errno == 0)
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
            if (strcmp(end, units[i].suffix) == 0) {
                double seconds = value * units[i].seconds;
                if (!(seconds <= MAX_GAP_SEC))
                    break;
                *usec = (int64_t)llround(seconds * USEC_PER_SEC);
                return 0;
            }
    cli_usage_error("--gap: '%s' is not a duration (examples: 90s, 30m, 2h, 1d, 500ms, 600)",
                    text);
    return -1;
}

/* --mem: a whole number of bytes with an optional K, M, G or T (powers of
 * 1024), optionally followed by B or iB. */
static int parse_size(const char *text, uint64_t *bytes)
{
    char *end;
    errno = 0;
    unsigned long long value = text[0] >= '0' && text[0] <= '9' ? strtoull(text, &end, 10) : 0;
    if (text[0] < '0' || text[0] > '9' || errno) {
        cli_usage_error("--mem: '%s' is not a size (examples: 64M, 1G)", text);
        return -1;
    }
    static const char units[] = "kmgt";
    uint64_t scale = 1;
    const char *unit = *end ? strchr(units, *end | 0x20) : NULL;
    if (unit && *unit) {
        scale = (uint64_t)1 << (10 * (unit - units + 1));
        end++;
    }
    if (*end && strcmp(end, "B") != 0 && strcmp(end, "iB") != 0) {
        cli_usage_error("--mem: '%s' is not a size (examples: 64M, 1G)", text);
        return -1;
    }
    if (value > UINT64_MAX / scale || value * scale < I2V_SESSIONS_MIN_MEMORY) {
        cli_usage_error("--mem: '%s' is out of range; at least 64K", text);
        return -1;
    }
    *bytes = value * scale;
    return 0;
}

static int parse_delimiter(const char *text, char *delim)
{
    static const struct {
        const char *name;
        char c;
    } names[] = {{"tab", '\t'}, {"\\t", '\t'}, {"comma", ','}, {"semicolon", ';'}, {"pipe", '|'}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(text, names[i].name) == 0) {
            *delim = names[i].c;
            return 0;
        }
    if (strlen(text) == 1 && text[0] != '"' && text[0] != '\n' && text[0] != '\r') {
        *delim = text[0];
        return 0;
    }
    cli_usage_error("--delim: '%s' is not a delimiter: one character (not a quote or a line end), "
                    "or tab, comma, semicolon, pipe",
                    text);
    return -1;
}

static void report_malformed(const char *input, const i2v_sessions_report *r)
{
    if (r->malformed == 0)
        return;
    cli_error("%s: %llu malformed row%s skipped:", input, (unsigned long long)r->malformed,
              r->malformed == 1 ? "" : "s");
    for (uint32_t i = 0; i < r->n_examples; i++)
        fprintf(stderr, "  line %llu: %s\n", (unsigned long long)r->examples[i].line,
                r->examples[i].reason);
    if (r->malformed > r->n_examples)
        fprintf(stderr, "  ... and %llu more\n", (unsigned long long)(r->malformed - r->n_examples));
}

static void report_summary(const i2v_sessions_report *r, int quiet)
{
    if (r->items_renamed)
        cli_error("%llu item value%s contained blanks; each blank became '_'",
                  (unsigned long long)r->items_renamed, r->items_renamed == 1 ? "" : "s");
    if (r->users_renamed)
        cli_error("%llu user name%s contained tabs or line ends; each became '_'",
                  (unsigned long long)r->users_renamed, r->users_renamed == 1 ? "" : "s");
    if (quiet)
        return;
    char sorted[64] = "sorted in memory";
    if (r->runs)
        snprintf(sorted, sizeof sorted, "%llu sorted runs on disk", (unsigned long long)r->runs);
    cli_error("%llu events of %llu users and %llu items -> %llu sessions, %llu items written "
              "(dropped: %llu rare, %llu repeats, %llu short pieces; %llu cuts; %s)",
              (unsigned long long)r->events, (unsigned long long)r->users,
              (unsigned long long)r->distinct_items, (unsigned long long)r->sessions,
              (unsigned long long)r->items_written, (unsigned long long)r->rare_events,
              (unsigned long long)r->repeats, (unsigned long long)r->short_pieces,
              (unsigned long long)r->cuts, sorted);
}

typedef struct sessions_args {
    i2v_sessions_params params;
    const char *input, *output;
    int quiet;
} sessions_args;

enum {
    OPT_USER = 256, OPT_ITEM, OPT_TIME, OPT_GAP, OPT_DELIM, OPT_DEDUP, OPT_MIN_LEN, OPT_MAX_LEN,
    OPT_MIN_COUNT, OPT_WITH_USER, OPT_MEM, OPT_TMPDIR, OPT_STRICT, OPT_HEADER
};

static int parse_header(const char *text, i2v_sessions_header *out)
{
    if (strcmp(text, "auto") == 0)
        *out = I2V_HEADER_AUTO;
    else if (strcmp(text, "yes") == 0)
        *out = I2V_HEADER_YES;
    else if (strcmp(text, "no") == 0)
        *out = I2V_HEADER_NO;
    else
        return cli_usage_error("--header: '%s' is not one of yes, no, auto", text), -1;
    return 0;
}

/* Returns -1 to go on, else the exit code (help printed or usage error). */
static int parse_option(int c, sessions_args *a, char **argv)
{
    i2v_sessions_params *p = &a->params;
    switch (c) {
    case 'i': a->input = optarg; return -1;
    case 'o': a->output = optarg; return -1;
    case 'q': a->quiet = 1; return -1;
    case OPT_USER: p->user_column = optarg; return -1;
    case OPT_ITEM: p->item_column = optarg; return -1;
    case OPT_TIME: p->time_column = optarg; return -1;
    case OPT_GAP: return parse_gap(optarg, &p->gap_usec) ? EXIT_USAGE : -1;
    case OPT_DELIM: return parse_delimiter(optarg, &p->delimiter) ? EXIT_USAGE : -1;
    case OPT_DEDUP: p->dedup = 1; return -1;
    case OPT_WITH_USER: p->with_user = 1; return -1;
    case OPT_STRICT: p->strict = 1; return -1;
    case OPT_HEADER: return parse_header(optarg, &p->header) ? EXIT_USAGE : -1;
    case OPT_TMPDIR: p->tmpdir = optarg; return -1;
    case OPT_MEM: return parse_size(optarg, &p->memory_bytes) ? EXIT_USAGE : -1;
    case OPT_MIN_LEN:
        return cli_parse_u64("--min-len", optarg, 1, UINT64_MAX, &p->min_len) ? EXIT_USAGE : -1;
    case OPT_MAX_LEN:
        return cli_parse_u64("--max-len", optarg, 0, UINT64_MAX, &p->max_len) ? EXIT_USAGE : -1;
    case OPT_MIN_COUNT:
        return cli_parse_u64("--min-count", optarg, 1, UINT64_MAX, &p->min_count) ? EXIT_USAGE
                                                                                    : -1;
    case 'h':
        return cli_print_help(sessions_help);
    default: return cli_bad_option(argv);
    }
}

static int parse_args(int argc, char **argv, sessions_args *a)
{
    static const struct option options[] = {
        {"input", required_argument, NULL, 'i'},   {"output", required_argument, NULL, 'o'},
        {"user", required_argument, NULL, OPT_USER}, {"item", required_argument, NULL, OPT_ITEM},
        {"time", required_argument, NULL, OPT_TIME}, {"gap", required_argument, NULL, OPT_GAP},
        {"delim", required_argument, NULL, OPT_DELIM}, {"dedup", no_argument, NULL, OPT_DEDUP},
        {"min-len", required_argument, NULL, OPT_MIN_LEN},
        {"max-len", required_argument, NULL, OPT_MAX_LEN},
        {"min-count", required_argument, NULL, OPT_MIN_COUNT},
        {"with-user", no_argument, NULL, OPT_WITH_USER}, {"mem", required_argument, NULL, OPT_MEM},
        {"tmpdir", required_argument, NULL, OPT_TMPDIR}, {"strict", no_argument, NULL, OPT_STRICT},
        {"header", required_argument, NULL, OPT_HEADER},
        {"quiet", no_argument, NULL, 'q'},           {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    i2v_sessions_params_default(&a->params);
    a->output = "-";
    int c;
    opterr = 0;
    while ((c = cli_getopt_long(argc, argv, ":i:o:qh", options)) != -1) {
        int code = parse_option(c, a, argv);
        if (code >= 0)
            return code;
    }
    const i2v_sessions_params *p = &a->params;
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!a->input)
        return cli_usage_error("-i FILE is required (- for standard input)");
    if (!p->user_column || !p->item_column || !p->time_column)
        return cli_usage_error("--user, --item and --time are all required");
    if (p->max_len && p->max_len < p->min_len)
        return cli_usage_error("--max-len %llu is below --min-len %llu: every piece would be dropped",
                               (unsigned long long)p->max_len, (unsigned long long)p->min_len);
    return -1;
}

int cmd_sessions(int argc, char **argv)
{
    sessions_args a;
    int code = parse_args(argc, argv, &a);
    if (code >= 0)
        return code;
    cli_file inputs[] = {{"-i", a.input, 0}};
    cli_file outputs[] = {{"-o", a.output, 0}};
    if ((code = cli_check_files(inputs, 1, outputs, 1, strcmp(a.output, "-") == 0)) >= 0)
        return code;
    FILE *in = cli_open_input(a.input);
    if (!in)
        return EXIT_RUNTIME;
    cli_output out;
    if (cli_output_open(&out, a.output) != 0) {
        cli_close_input(in);
        return EXIT_RUNTIME;
    }
    const char *in_name = strcmp(a.input, "-") ? a.input : "standard input";
    const char *out_name = strcmp(a.output, "-") ? a.output : "standard output";
    i2v_sessions_report report;
    i2v_error err;
    i2v_status st = i2v_sessions_run(&a.params, in, in_name, out.f, out_name, &report, &err);
    cli_close_input(in);
    report_malformed(in_name, &report);
    if (st != I2V_OK) {
        cli_output_abort(&out);
        return cli_fail(&err);
    }
    if (cli_output_commit(&out) != 0)
        return EXIT_RUNTIME;
    if (!a.quiet && a.params.header == I2V_HEADER_AUTO && report.header_reason[0])
        cli_error("%s: %s (--header yes or no decides otherwise)", in_name, report.header_reason);
    report_summary(&report, a.quiet);
    return EXIT_OK;
}
