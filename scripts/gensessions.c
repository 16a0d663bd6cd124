/*
 * gensessions — synthetic item sessions with a planted group structure, for
 * demos, tests and benchmarks of item2vec. Needs only libc and libm.
 *
 * Catalogue: item_1..item_N are dealt round-robin into G groups: item_i is in
 * group_((i-1) mod G + 1) with rank (i-1) div G there. Inside a group
 * popularity is Zipf over rank, weight 1/(rank+1)^s (--zipf s); groups are
 * mildly Zipf too, weight 1/g^GROUP_ZIPF. So item_1 is the most frequent item.
 *
 * Session: length uniform in [--min-len, --max-len], group drawn by group
 * popularity. Before each event after the first, with probability --switch,
 * the session moves to another group (by popularity, never the same one).
 * With probability --noise an event is drawn from the whole catalogue by
 * global popularity, else from the current group by Zipf. Repeats happen.
 * With --chain c, each event after the first is, with probability c, the
 * previous item's own successor instead (a fixed item of that item's group,
 * chosen by a hash): the order of consumption carries information, as in
 * series, albums and "customers also bought next".  --chain 0 (the default)
 * draws nothing for it, so the other options give the same bytes as
 * before it existed.
 *
 * Output: one session per line, items separated by single spaces, '\n' ends;
 * --truth writes "item<TAB>group" for every item. Same options and --seed,
 * same bytes (own splitmix64 PRNG). Exit: 0 ok, 1 I/O error, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGRAM "gensessions"
#define EXIT_USAGE 2
#define MAX_ITEMS 100000000ULL     /* keeps the tables (8 bytes/item) small */
#define MAX_SESSION_LEN 1000000ULL /* events per session */
#define MAX_ZIPF 10.0
#define GROUP_ZIPF 0.5             /* group_1 is ~4.5x as popular as group_20 */
#define OUTPUT_BUFFER_BYTES (1 << 20)
#define DIGITS_MAX 24              /* decimal digits of a uint64_t, rounded up */

struct options {
    uint64_t items, groups, sessions, min_len, max_len, seed;
    double zipf, noise, switch_prob, chain;
    const char *out_path, *truth_path, *prefix;
};

/* Cumulative (unnormalised) weights; a draw is a binary search in one. */
struct popularity {
    double *rank_cdf;  /* [ceil(items/groups)] Zipf over rank, shared by groups */
    double *group_cdf; /* [groups] */
    double *item_cdf;  /* [items] P(group) * P(rank | group), for noise */
};

static void usage(FILE *stream)
{
    fprintf(stream,
        "Usage: " PROGRAM " [options]\n"
        "Writes synthetic sessions, one per line, items separated by spaces,\n"
        "drawn from planted groups of items (see the top of gensessions.c).\n\n"
        "  --items N         items item_1..item_N (default 2000)\n"
        "  --groups G        groups group_1..group_G, dealt round-robin: item_i\n"
        "                    is in group_((i-1) mod G + 1) (default 20)\n"
        "  --sessions S      number of sessions (default 20000)\n"
        "  --min-len N       shortest session, in events (default 5)\n"
        "  --max-len N       longest session; lengths are uniform (default 30)\n"
        "  --zipf s          Zipf exponent of popularity inside a group (default 1);\n"
        "                    groups differ mildly (exponent %g); item_1 is the\n"
        "                    most popular item\n"
        "  --noise p         chance an event comes from the whole catalogue,\n"
        "                    not the session's group (default 0.1)\n"
        "  --switch p        chance per event of moving to another group (default 0.05)\n"
        "  --chain c         chance an event is the previous item's fixed successor\n"
        "                    (an item of its group chosen by a hash; default 0)\n"
        "  --seed N          PRNG seed; same options and seed, same output (default 1)\n"
        "  --prefix STR      item name prefix (default item_)\n"
        "  -o, --output FILE sessions output, - for stdout (default stdout)\n"
        "  --truth FILE      also write item<TAB>group for every item\n"
        "  -h, --help        this help\n\n"
        "Exit status: 0 success, 1 I/O error, 2 usage error.\n",
        GROUP_ZIPF);
}

/* "--option 'text': why", or "--option: why" when text is NULL. */
static _Noreturn void usage_error(const char *option, const char *text, const char *why)
{
    if (text != NULL)
        fprintf(stderr, PROGRAM ": --%s '%s': %s\n", option, text, why);
    else
        fprintf(stderr, PROGRAM ": --%s: %s\n", option, why);
    fprintf(stderr, "Try '" PROGRAM " --help'.\n");
    exit(EXIT_USAGE);
}

static uint64_t parse_count(const char *option, const char *text,
                            uint64_t min, uint64_t max)
{
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (end == text || *end != '\0' || strchr(text, '-') != NULL)
        usage_error(option, text, "not a non-negative integer");
    if (errno == ERANGE || value < min || value > max) {
        char why[96];
        snprintf(why, sizeof why, "out of range [%llu, %llu]",
                 (unsigned long long)min, (unsigned long long)max);
        usage_error(option, text, why);
    }
    return value;
}

static double parse_real(const char *option, const char *text,
                         double min, double max)
{
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || isnan(value))
        usage_error(option, text, "not a number");
    if (value < min || value > max) {
        char why[64];
        snprintf(why, sizeof why, "out of range [%g, %g]", min, max);
        usage_error(option, text, why);
    }
    return value;
}

static void parse_options(int argc, char **argv, struct options *opt)
{
    enum { OPT_ITEMS = 256, OPT_GROUPS, OPT_SESSIONS, OPT_MIN_LEN, OPT_MAX_LEN,
           OPT_ZIPF, OPT_NOISE, OPT_SWITCH, OPT_SEED, OPT_PREFIX, OPT_TRUTH, OPT_CHAIN };
    static const struct option longopts[] = {
        {"items", required_argument, NULL, OPT_ITEMS},
        {"groups", required_argument, NULL, OPT_GROUPS},
        {"sessions", required_argument, NULL, OPT_SESSIONS},
        {"min-len", required_argument, NULL, OPT_MIN_LEN},
        {"max-len", required_argument, NULL, OPT_MAX_LEN},
        {"zipf", required_argument, NULL, OPT_ZIPF},
        {"noise", required_argument, NULL, OPT_NOISE},
        {"switch", required_argument, NULL, OPT_SWITCH},
        {"chain", required_argument, NULL, OPT_CHAIN},
        {"seed", required_argument, NULL, OPT_SEED},
        {"prefix", required_argument, NULL, OPT_PREFIX},
        {"truth", required_argument, NULL, OPT_TRUTH},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    *opt = (struct options){ .items = 2000, .groups = 20, .sessions = 20000,
        .min_len = 5, .max_len = 30, .seed = 1, .zipf = 1.0, .noise = 0.1,
        .switch_prob = 0.05, .out_path = "-", .prefix = "item_" };
    int c;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_ITEMS: opt->items = parse_count("items", optarg, 1, MAX_ITEMS); break;
        case OPT_GROUPS: opt->groups = parse_count("groups", optarg, 1, MAX_ITEMS); break;
        case OPT_SESSIONS: opt->sessions = parse_count("sessions", optarg, 0, UINT64_MAX); break;
        case OPT_MIN_LEN: opt->min_len = parse_count("min-len", optarg, 1, MAX_SESSION_LEN); break;
        case OPT_MAX_LEN: opt->max_len = parse_count("max-len", optarg, 1, MAX_SESSION_LEN); break;
        case OPT_ZIPF: opt->zipf = parse_real("zipf", optarg, 0.0, MAX_ZIPF); break;
        case OPT_NOISE: opt->noise = parse_real("noise", optarg, 0.0, 1.0); break;
        case OPT_SWITCH: opt->switch_prob = parse_real("switch", optarg, 0.0, 1.0); break;
        case OPT_CHAIN: opt->chain = parse_real("chain", optarg, 0.0, 1.0); break;
        case OPT_SEED: opt->seed = parse_count("seed", optarg, 0, UINT64_MAX); break;
        case OPT_PREFIX: opt->prefix = optarg; break;
        case OPT_TRUTH: opt->truth_path = optarg; break;
        case 'o': opt->out_path = optarg; break;
        case 'h': usage(stdout); exit(0);
        default: fprintf(stderr, "Try '" PROGRAM " --help'.\n"); exit(EXIT_USAGE);
        }
    }
    if (optind < argc) {
        fprintf(stderr, PROGRAM ": '%s': unexpected argument (options only)\n"
                "Try '" PROGRAM " --help'.\n", argv[optind]);
        exit(EXIT_USAGE);
    }
    if (opt->groups > opt->items)
        usage_error("groups", NULL, "more groups than --items: a group would be empty");
    if (opt->min_len > opt->max_len)
        usage_error("min-len", NULL, "greater than --max-len");
    if (opt->truth_path && strcmp(opt->truth_path, "-") == 0
        && strcmp(opt->out_path, "-") == 0)
        usage_error("truth", "-", "standard output already holds the sessions (-o)");
    if (strpbrk(opt->prefix, " \t\r\n") != NULL)
        usage_error("prefix", opt->prefix, "must not contain blanks");
}

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast, good enough here. */
static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double next_unit(uint64_t *state) /* uniform in [0, 1) */
{
    return (double)(next_u64(state) >> 11) * 0x1.0p-53;
}

/* First index in cdf[0..n) whose cumulative weight exceeds u * cdf[n-1]. */
static uint64_t draw(const double *cdf, uint64_t n, uint64_t *rng)
{
    double target = next_unit(rng) * cdf[n - 1];
    uint64_t lo = 0, hi = n - 1; /* hi is always a valid answer */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (cdf[mid] > target) hi = mid; else lo = mid + 1;
    }
    return lo;
}

static uint64_t group_size(const struct options *opt, uint64_t group)
{
    return (opt->items - group + opt->groups - 1) / opt->groups;
}

static int build_popularity(const struct options *opt, struct popularity *pop)
{
    uint64_t ranks = group_size(opt, 0);
    pop->rank_cdf = malloc(ranks * sizeof *pop->rank_cdf);
    pop->group_cdf = malloc(opt->groups * sizeof *pop->group_cdf);
    pop->item_cdf = malloc(opt->items * sizeof *pop->item_cdf);
    if (!pop->rank_cdf || !pop->group_cdf || !pop->item_cdf)
        return -1;
    double sum = 0.0;
    for (uint64_t r = 0; r < ranks; r++)
        pop->rank_cdf[r] = sum += pow((double)(r + 1), -opt->zipf);
    sum = 0.0;
    for (uint64_t g = 0; g < opt->groups; g++)
        pop->group_cdf[g] = sum += pow((double)(g + 1), -GROUP_ZIPF);
    sum = 0.0;
    for (uint64_t i = 0; i < opt->items; i++) {
        uint64_t g = i % opt->groups, r = i / opt->groups;
        double p_group = pop->group_cdf[g] - (g ? pop->group_cdf[g - 1] : 0.0);
        double p_rank = pop->rank_cdf[r] - (r ? pop->rank_cdf[r - 1] : 0.0);
        pop->item_cdf[i] = sum += p_group * p_rank
                                  / pop->rank_cdf[group_size(opt, g) - 1];
    }
    return 0;
}

static void free_popularity(struct popularity *pop)
{
    free(pop->rank_cdf);
    free(pop->group_cdf);
    free(pop->item_cdf);
}

static void write_item(FILE *out, const char *prefix, uint64_t item)
{
    char digits[DIGITS_MAX];
    int n = DIGITS_MAX;
    do digits[--n] = (char)('0' + item % 10); while ((item /= 10) != 0);
    fputs(prefix, out);
    fwrite(digits + n, 1, (size_t)(DIGITS_MAX - n), out);
}

/* The fixed successor of 0-based `item`: an item of the same group, by a
 * hash of the item. */
static uint64_t successor_of(const struct options *opt, uint64_t item)
{
    uint64_t group = item % opt->groups, h = item + 0x5eed;
    uint64_t rank = next_u64(&h) % group_size(opt, group);
    return rank * opt->groups + group;
}

static void write_session(FILE *out, const struct options *opt,
                          const struct popularity *pop, uint64_t *rng)
{
    uint64_t span = opt->max_len - opt->min_len + 1;
    uint64_t len = opt->min_len + next_u64(rng) % span;
    uint64_t group = draw(pop->group_cdf, opt->groups, rng);
    uint64_t previous = 0;
    for (uint64_t e = 0; e < len; e++) {
        if (e > 0 && opt->groups > 1 && next_unit(rng) < opt->switch_prob) {
            uint64_t from = group;
            do group = draw(pop->group_cdf, opt->groups, rng); while (group == from);
        }
        uint64_t item; /* 0-based */
        if (e > 0 && opt->chain > 0 && next_unit(rng) < opt->chain) {
            item = successor_of(opt, previous);
        } else if (next_unit(rng) < opt->noise) {
            item = draw(pop->item_cdf, opt->items, rng);
        } else {
            uint64_t rank = draw(pop->rank_cdf, group_size(opt, group), rng);
            item = rank * opt->groups + group;
        }
        if (e > 0)
            putc(' ', out);
        write_item(out, opt->prefix, item + 1);
        previous = item;
    }
    putc('\n', out);
}

static FILE *open_output(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, PROGRAM ": %s: %s\n", path, strerror(errno));
        return NULL;
    }
    setvbuf(f, NULL, _IOFBF, OUTPUT_BUFFER_BYTES);
    errno = 0; /* so close_output reports the errno of a failed write */
    return f;
}

/* Reports the first write error or the one fclose finds (e.g. ENOSPC). */
static int close_output(FILE *f, const char *path)
{
    int write_failed = ferror(f), saved = errno;
    if (fclose(f) == 0 && !write_failed)
        return 0;
    if (!write_failed)
        saved = errno;
    fprintf(stderr, PROGRAM ": %s: %s\n", strcmp(path, "-") == 0
            ? "standard output" : path, strerror(saved ? saved : EIO));
    return -1;
}

static int write_truth(const struct options *opt)
{
    FILE *f = open_output(opt->truth_path);
    if (f == NULL)
        return -1;
    for (uint64_t i = 0; i < opt->items && !ferror(f); i++) {
        write_item(f, opt->prefix, i + 1);
        fprintf(f, "\tgroup_%llu\n",
                (unsigned long long)(i % opt->groups + 1));
    }
    return close_output(f, opt->truth_path);
}

static int write_sessions(const struct options *opt, const struct popularity *pop)
{
    FILE *f = open_output(opt->out_path);
    if (f == NULL)
        return -1;
    uint64_t rng = opt->seed;
    for (uint64_t s = 0; s < opt->sessions && !ferror(f); s++)
        write_session(f, opt, pop, &rng);
    return close_output(f, opt->out_path);
}

int main(int argc, char **argv)
{
    struct options opt;
    parse_options(argc, argv, &opt);
    struct popularity pop;
    int status = 0;
    if (build_popularity(&opt, &pop) != 0) {
        fprintf(stderr, PROGRAM ": --items %llu: %s\n",
                (unsigned long long)opt.items, strerror(ENOMEM));
        status = 1;
    } else if (opt.truth_path && write_truth(&opt) != 0) {
        status = 1;
    } else if (write_sessions(&opt, &pop) != 0) {
        status = 1;
    }
    free_popularity(&pop);
    return status;
}
