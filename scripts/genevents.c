/*
 * genevents — a synthetic interaction log (CSV or TSV with a header) for
 * tests and benchmarks of `item2vec sessions`.  Needs only libc and libm.
 *
 * Rows are "ts,user_id,item_id,action" in the order a server would log
 * them: time goes forward, and the sessions of many users interleave.
 * --concurrent sessions are open at once; each event continues one of them
 * at random; a finished session is replaced by a new one of a random user.
 * A session has a geometric length (mean --session-len) and stays in one
 * group of items (items are dealt round-robin into --groups groups,
 * Zipf-popular inside a group), so its items belong together.  The clock
 * advances by --think / --concurrent seconds per event, so the events of a
 * session are about --think seconds apart (exponentially distributed), and
 * many events share a second.
 *
 * --malformed p turns a share p of the rows into malformed ones (cycling:
 * a missing field, an unreadable time, bad quoting) to exercise reporting.
 * Same options and --seed, same bytes.  Exit: 0 ok, 1 I/O error, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROGRAM "genevents"
#define EXIT_USAGE 2
#define MAX_ITEMS 100000000ULL
#define ZIPF_EXPONENT 1.0
#define OUTPUT_BUFFER_BYTES (1 << 20)
#define DEFAULT_START 1704067200ULL /* 2024-01-01T00:00:00Z */

enum time_format { TIME_SECONDS, TIME_MILLIS, TIME_ISO };

struct options {
    uint64_t events, users, items, groups, concurrent, seed, start;
    double session_len, think, malformed;
    enum time_format time_format;
    char delim;
    const char *out_path;
};

struct session {
    uint64_t user, group, left;
};

static void usage(FILE *stream)
{
    fputs("Usage: " PROGRAM " [options]\n"
          "Writes a synthetic interaction log, ts,user_id,item_id,action, with\n"
          "interleaved sessions of planted item groups (see the top of genevents.c).\n\n"
          "  --events N         rows (default 100000)\n"
          "  --users N          users user_1..user_N (default 10000)\n"
          "  --items N          items item_1..item_N (default 5000)\n"
          "  --groups N         item groups (default 50)\n"
          "  --session-len X    mean events per session (default 8)\n"
          "  --concurrent N     sessions open at once (default 1000)\n"
          "  --think X          mean seconds between the events of a session (default 60)\n"
          "  --start EPOCH      first second (default 1704067200, 2024-01-01)\n"
          "  --time-format F    s (epoch seconds), ms, or iso (default s)\n"
          "  --tsv              tab-separated instead of commas\n"
          "  --malformed P      share of malformed rows (default 0)\n"
          "  --seed N           PRNG seed (default 1)\n"
          "  -o, --output FILE  - for standard output (default)\n"
          "  -h, --help         this help\n",
          stream);
}

static _Noreturn void usage_error(const char *option, const char *text, const char *why)
{
    fprintf(stderr, PROGRAM ": --%s '%s': %s\nTry '" PROGRAM " --help'.\n", option, text, why);
    exit(EXIT_USAGE);
}

static uint64_t parse_count(const char *option, const char *text, uint64_t min, uint64_t max)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end || strchr(text, '-') || errno == ERANGE || v < min || v > max)
        usage_error(option, text, "not a whole number in range");
    return v;
}

static double parse_real(const char *option, const char *text, double min, double max)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end || !(v >= min && v <= max))
        usage_error(option, text, "not a number in range");
    return v;
}

static void parse_options(int argc, char **argv, struct options *o)
{
    enum { EVENTS = 256, USERS, ITEMS, GROUPS, SESSION_LEN, CONCURRENT, THINK, START, FORMAT,
           TSV, MALFORMED, SEED };
    static const struct option longopts[] = {
        {"events", required_argument, NULL, EVENTS}, {"users", required_argument, NULL, USERS},
        {"items", required_argument, NULL, ITEMS}, {"groups", required_argument, NULL, GROUPS},
        {"session-len", required_argument, NULL, SESSION_LEN},
        {"concurrent", required_argument, NULL, CONCURRENT},
        {"think", required_argument, NULL, THINK}, {"start", required_argument, NULL, START},
        {"time-format", required_argument, NULL, FORMAT}, {"tsv", no_argument, NULL, TSV},
        {"malformed", required_argument, NULL, MALFORMED},
        {"seed", required_argument, NULL, SEED}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    *o = (struct options){.events = 100000, .users = 10000, .items = 5000, .groups = 50,
                          .concurrent = 1000, .seed = 1, .start = DEFAULT_START,
                          .session_len = 8, .think = 60, .delim = ',', .out_path = "-"};
    int c;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case EVENTS: o->events = parse_count("events", optarg, 0, UINT64_MAX / 2); break;
        case USERS: o->users = parse_count("users", optarg, 1, UINT64_MAX / 2); break;
        case ITEMS: o->items = parse_count("items", optarg, 1, MAX_ITEMS); break;
        case GROUPS: o->groups = parse_count("groups", optarg, 1, MAX_ITEMS); break;
        case SESSION_LEN: o->session_len = parse_real("session-len", optarg, 1, 1e6); break;
        case CONCURRENT: o->concurrent = parse_count("concurrent", optarg, 1, 10000000); break;
        case THINK: o->think = parse_real("think", optarg, 0, 1e7); break;
        case START: o->start = parse_count("start", optarg, 0, 100000000000ULL); break;
        case FORMAT:
            if (strcmp(optarg, "s") == 0) o->time_format = TIME_SECONDS;
            else if (strcmp(optarg, "ms") == 0) o->time_format = TIME_MILLIS;
            else if (strcmp(optarg, "iso") == 0) o->time_format = TIME_ISO;
            else usage_error("time-format", optarg, "expected s, ms or iso");
            break;
        case TSV: o->delim = '\t'; break;
        case MALFORMED: o->malformed = parse_real("malformed", optarg, 0, 1); break;
        case SEED: o->seed = parse_count("seed", optarg, 0, UINT64_MAX); break;
        case 'o': o->out_path = optarg; break;
        case 'h': usage(stdout); exit(0);
        default: fputs("Try '" PROGRAM " --help'.\n", stderr); exit(EXIT_USAGE);
        }
    }
    if (optind < argc)
        usage_error("", argv[optind], "unexpected argument");
    if (o->groups > o->items)
        usage_error("groups", "", "more groups than items");
}

/* splitmix64: small, fast and reproducible. */
static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double next_unit(uint64_t *state) { return (double)(next_u64(state) >> 11) * 0x1.0p-53; }

static uint64_t below(uint64_t *state, uint64_t n) { return next_u64(state) % n; }

/* Cumulative Zipf weights over the ranks of one group. */
static double *zipf_cdf(uint64_t n)
{
    double *cdf = malloc(n * sizeof *cdf);
    if (!cdf) {
        fprintf(stderr, PROGRAM ": out of memory\n");
        exit(1);
    }
    double sum = 0;
    for (uint64_t r = 0; r < n; r++)
        cdf[r] = sum += 1.0 / pow((double)(r + 1), ZIPF_EXPONENT);
    return cdf;
}

static uint64_t draw_rank(const double *cdf, uint64_t n, uint64_t *rng)
{
    double target = next_unit(rng) * cdf[n - 1];
    uint64_t lo = 0, hi = n - 1;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (cdf[mid] > target) hi = mid; else lo = mid + 1;
    }
    return lo;
}

static void new_session(struct session *s, const struct options *o, uint64_t *rng)
{
    s->user = below(rng, o->users) + 1;
    s->group = below(rng, o->groups);
    /* Geometric with mean session_len, at least 1. */
    double p = 1.0 / o->session_len;
    s->left = 1 + (uint64_t)floor(log(1.0 - next_unit(rng)) / log(1.0 - (p < 1 ? p : 0.999999)));
}

static int format_time(char *out, size_t size, double t, enum time_format format)
{
    uint64_t sec = (uint64_t)t;
    if (format == TIME_SECONDS)
        return snprintf(out, size, "%llu", (unsigned long long)sec);
    unsigned ms = (unsigned)((t - (double)sec) * 1000);
    if (format == TIME_MILLIS)
        return snprintf(out, size, "%llu", (unsigned long long)sec * 1000 + ms);
    time_t tt = (time_t)sec;
    struct tm tm;
    gmtime_r(&tt, &tm);
    return snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

int main(int argc, char **argv)
{
    struct options o;
    parse_options(argc, argv, &o);
    FILE *out = strcmp(o.out_path, "-") == 0 ? stdout : fopen(o.out_path, "w");
    if (!out) {
        fprintf(stderr, PROGRAM ": %s: %s\n", o.out_path, strerror(errno));
        return 1;
    }
    static char buffer[OUTPUT_BUFFER_BYTES];
    setvbuf(out, buffer, _IOFBF, sizeof buffer);
    static const char *const actions[] = {"view", "view", "view", "click", "cart"};
    uint64_t rng = o.seed, per_group = (o.items + o.groups - 1) / o.groups;
    double *cdf = zipf_cdf(per_group);
    struct session *open = malloc(o.concurrent * sizeof *open);
    if (!open) {
        fprintf(stderr, PROGRAM ": out of memory\n");
        return 1;
    }
    for (uint64_t k = 0; k < o.concurrent; k++)
        new_session(&open[k], &o, &rng);
    double step = o.think / (double)o.concurrent;
    double malformed_debt = 0;
    char d = o.delim, when[48];
    fprintf(out, "ts%cuser_id%citem_id%caction\n", d, d, d);
    for (uint64_t e = 0; e < o.events; e++) {
        struct session *s = &open[below(&rng, o.concurrent)];
        if (s->left == 0)
            new_session(s, &o, &rng);
        s->left--;
        /* Group g holds items g+1, g+1+G, ...; rank r is item g+1+r*G. */
        uint64_t item;
        do
            item = s->group + 1 + draw_rank(cdf, per_group, &rng) * o.groups;
        while (item > o.items);
        format_time(when, sizeof when, (double)o.start + (double)e * step, o.time_format);
        const char *action = actions[below(&rng, 5)];
        malformed_debt += o.malformed;
        if (malformed_debt >= 1) {
            malformed_debt -= 1;
            switch (e % 3) {
            case 0: fprintf(out, "%s%cuser_%llu\n", when, d, (unsigned long long)s->user); break;
            case 1: fprintf(out, "yesterday%cuser_%llu%citem_%llu%c%s\n", d,
                            (unsigned long long)s->user, d, (unsigned long long)item, d, action);
                    break;
            default: fprintf(out, "%s%cuser_%llu%c\"item_%llu\"x%c%s\n", when, d,
                             (unsigned long long)s->user, d, (unsigned long long)item, d, action);
            }
            continue;
        }
        fprintf(out, "%s%cuser_%llu%citem_%llu%c%s\n", when, d, (unsigned long long)s->user, d,
                (unsigned long long)item, d, action);
    }
    free(open);
    free(cdf);
    if (fflush(out) != 0 || ferror(out) || (out != stdout && fclose(out) != 0)) {
        fprintf(stderr, PROGRAM ": %s: %s\n", o.out_path, strerror(errno));
        return 1;
    }
    return 0;
}
