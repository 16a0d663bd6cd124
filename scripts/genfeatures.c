/*
 * genfeatures — item features for planted data, for the cold-start demo,
 * tests and benchmark of item2vec. Needs only libc.
 *
 * Reads the planted truth that gensessions writes (--truth: item<TAB>group)
 * and gives every item, on one line of "item<TAB>features":
 *
 *  - category:GROUP, its planted group; with probability --mislabel the
 *    category of another group instead (a catalogue with errors);
 *  - brand:bN, drawn among its group's --brands-per-group brands. Brands
 *    are dealt to groups round-robin from a pool of --brands, so with fewer
 *    brands than groups x brands-per-group each brand sells in several
 *    groups: a brand hints at the group without naming it;
 *  - --tags-per-item tags tag:tN drawn uniformly from --tags: pure noise,
 *    shared by every group.
 *
 * --cold FILE writes a share (--cold-share) of the items, chosen at random,
 * one per line: the items a benchmark hides from training. Same input,
 * options and --seed, same bytes (own splitmix64 PRNG).
 * Exit: 0 ok, 1 I/O error or bad truth file, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGRAM "genfeatures"
#define EXIT_USAGE 2
#define MAX_COUNT 100000000ULL /* brands, tags, tags per item */
#define OUTPUT_BUFFER_BYTES (1 << 20)

struct options {
    uint64_t brands, brands_per_group, tags, tags_per_item, seed;
    double mislabel, cold_share;
    const char *truth_path, *out_path, *cold_path;
};

/* The truth file: items and their groups (group ids in order of first
 * appearance), names pointing into one buffer. */
struct catalogue {
    char *text;
    char **item;
    uint64_t *group;
    uint64_t items;
    char **group_name;
    uint64_t groups;
};

static void usage(FILE *stream)
{
    fprintf(stream,
        "Usage: " PROGRAM " --truth FILE [options]\n"
        "Writes item<TAB>features for every item of a planted truth file\n"
        "(gensessions --truth): its group as a category, a brand its group\n"
        "shares with others, and noise tags (see the top of genfeatures.c).\n\n"
        "  --truth FILE           item<TAB>group lines (required)\n"
        "  --mislabel p           chance an item's category is another group's\n"
        "                         (default 0)\n"
        "  --brands N             brands in the pool (default 40)\n"
        "  --brands-per-group N   brands each group sells (default 2)\n"
        "  --tags N               tags in the pool (default 100)\n"
        "  --tags-per-item N      noise tags per item (default 3)\n"
        "  --cold FILE            also write the items chosen as cold, one a line\n"
        "  --cold-share p         share of the items chosen as cold (default 0.1)\n"
        "  --seed N               PRNG seed (default 1)\n"
        "  -o, --output FILE      features output, - for stdout (default stdout)\n"
        "  -h, --help             this help\n\n"
        "Exit status: 0 success, 1 I/O error or bad truth file, 2 usage error.\n");
}

static _Noreturn void usage_error(const char *option, const char *text, const char *why)
{
    if (text)
        fprintf(stderr, PROGRAM ": --%s '%s': %s\n", option, text, why);
    else
        fprintf(stderr, PROGRAM ": --%s: %s\n", option, why);
    fprintf(stderr, "Try '" PROGRAM " --help'.\n");
    exit(EXIT_USAGE);
}

static uint64_t parse_count(const char *option, const char *text, uint64_t min, uint64_t max)
{
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (end == text || *end != '\0' || strchr(text, '-') != NULL)
        usage_error(option, text, "not a non-negative integer");
    if (errno == ERANGE || value < min || value > max) {
        char why[96];
        snprintf(why, sizeof why, "out of range [%llu, %llu]", (unsigned long long)min,
                 (unsigned long long)max);
        usage_error(option, text, why);
    }
    return value;
}

static double parse_share(const char *option, const char *text)
{
    char *end;
    double value = strtod(text, &end);
    if (end == text || *end != '\0' || !(value >= 0.0 && value <= 1.0))
        usage_error(option, text, "not a number in [0, 1]");
    return value;
}

static void parse_options(int argc, char **argv, struct options *opt)
{
    enum { OPT_TRUTH = 256, OPT_MISLABEL, OPT_BRANDS, OPT_BRANDS_PER_GROUP, OPT_TAGS,
           OPT_TAGS_PER_ITEM, OPT_COLD, OPT_COLD_SHARE, OPT_SEED };
    static const struct option longopts[] = {
        {"truth", required_argument, NULL, OPT_TRUTH},
        {"mislabel", required_argument, NULL, OPT_MISLABEL},
        {"brands", required_argument, NULL, OPT_BRANDS},
        {"brands-per-group", required_argument, NULL, OPT_BRANDS_PER_GROUP},
        {"tags", required_argument, NULL, OPT_TAGS},
        {"tags-per-item", required_argument, NULL, OPT_TAGS_PER_ITEM},
        {"cold", required_argument, NULL, OPT_COLD},
        {"cold-share", required_argument, NULL, OPT_COLD_SHARE},
        {"seed", required_argument, NULL, OPT_SEED},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    *opt = (struct options){ .brands = 40, .brands_per_group = 2, .tags = 100,
        .tags_per_item = 3, .seed = 1, .cold_share = 0.1, .out_path = "-" };
    int c;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_TRUTH: opt->truth_path = optarg; break;
        case OPT_MISLABEL: opt->mislabel = parse_share("mislabel", optarg); break;
        case OPT_BRANDS: opt->brands = parse_count("brands", optarg, 1, MAX_COUNT); break;
        case OPT_BRANDS_PER_GROUP:
            opt->brands_per_group = parse_count("brands-per-group", optarg, 1, MAX_COUNT);
            break;
        case OPT_TAGS: opt->tags = parse_count("tags", optarg, 1, MAX_COUNT); break;
        case OPT_TAGS_PER_ITEM:
            opt->tags_per_item = parse_count("tags-per-item", optarg, 0, MAX_COUNT);
            break;
        case OPT_COLD: opt->cold_path = optarg; break;
        case OPT_COLD_SHARE: opt->cold_share = parse_share("cold-share", optarg); break;
        case OPT_SEED: opt->seed = parse_count("seed", optarg, 0, UINT64_MAX); break;
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
    if (!opt->truth_path)
        usage_error("truth", NULL, "required: the item<TAB>group file of gensessions --truth");
    if (opt->cold_path && strcmp(opt->cold_path, "-") == 0 && strcmp(opt->out_path, "-") == 0)
        usage_error("cold", "-", "standard output already holds the features (-o)");
}

/* splitmix64 (Steele, Lea, Flood 2014), as in gensessions. */
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

static uint64_t below(uint64_t *state, uint64_t n) /* uniform in [0, n), n small */
{
    return next_u64(state) % n;
}

/* ---- the truth file ------------------------------------------------ */

static char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, PROGRAM ": %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, used = 0;
    char *buf = malloc(cap + 1);
    size_t n;
    while (buf && (n = fread(buf + used, 1, cap - used, f)) > 0) {
        used += n;
        if (used == cap) {
            char *grown = realloc(buf, 2 * cap + 1);
            if (!grown)
                free(buf);
            buf = grown;
            cap *= 2;
        }
    }
    int failed = !buf || ferror(f);
    fclose(f);
    if (failed) {
        fprintf(stderr, PROGRAM ": %s: %s\n", path, buf ? "read error" : strerror(ENOMEM));
        free(buf);
        return NULL;
    }
    buf[used] = '\0';
    *len = used;
    return buf;
}

/* The group id of `name`, adding it when new (linear search: a planted
 * truth has tens of groups). */
static int group_id(struct catalogue *cat, char *name, uint64_t *id)
{
    for (uint64_t g = 0; g < cat->groups; g++) {
        if (strcmp(cat->group_name[g], name) == 0) {
            *id = g;
            return 0;
        }
    }
    char **grown = realloc(cat->group_name, (cat->groups + 1) * sizeof *grown);
    if (!grown)
        return -1;
    cat->group_name = grown;
    cat->group_name[cat->groups] = name;
    *id = cat->groups++;
    return 0;
}

static int load_truth(const char *path, struct catalogue *cat)
{
    size_t len;
    memset(cat, 0, sizeof *cat);
    if (!(cat->text = read_whole(path, &len)))
        return -1;
    uint64_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += cat->text[i] == '\n';
    cat->item = malloc((lines + 1) * sizeof *cat->item);
    cat->group = malloc((lines + 1) * sizeof *cat->group);
    if (!cat->item || !cat->group)
        return fprintf(stderr, PROGRAM ": %s: %s\n", path, strerror(ENOMEM)), -1;
    uint64_t line = 0;
    for (char *p = cat->text, *end = cat->text + len; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *stop = nl ? nl : end;
        line++;
        *stop = '\0';
        char *tab = strchr(p, '\t');
        if (!tab || tab == p || tab[1] == '\0') {
            fprintf(stderr, PROGRAM ": %s: line %llu: not item<TAB>group\n", path,
                    (unsigned long long)line);
            return -1;
        }
        *tab = '\0';
        cat->item[cat->items] = p;
        if (group_id(cat, tab + 1, &cat->group[cat->items]) != 0)
            return fprintf(stderr, PROGRAM ": %s: %s\n", path, strerror(ENOMEM)), -1;
        cat->items++;
        p = stop + 1;
    }
    if (cat->items == 0) {
        fprintf(stderr, PROGRAM ": %s: no item\n", path);
        return -1;
    }
    return 0;
}

static void free_catalogue(struct catalogue *cat)
{
    free(cat->text);
    free(cat->item);
    free(cat->group);
    free(cat->group_name);
}

/* ---- output -------------------------------------------------------- */

static FILE *open_output(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!f) {
        fprintf(stderr, PROGRAM ": %s: %s\n", path, strerror(errno));
        return NULL;
    }
    setvbuf(f, NULL, _IOFBF, OUTPUT_BUFFER_BYTES);
    errno = 0;
    return f;
}

static int close_output(FILE *f, const char *path)
{
    int write_failed = ferror(f), saved = errno;
    if (fclose(f) == 0 && !write_failed)
        return 0;
    if (!write_failed)
        saved = errno;
    fprintf(stderr, PROGRAM ": %s: %s\n", strcmp(path, "-") == 0 ? "standard output" : path,
            strerror(saved ? saved : EIO));
    return -1;
}

static void write_item(FILE *out, const struct options *opt, const struct catalogue *cat,
                       uint64_t i, uint64_t *rng)
{
    uint64_t g = cat->group[i];
    if (cat->groups > 1 && next_unit(rng) < opt->mislabel)
        g = (g + 1 + below(rng, cat->groups - 1)) % cat->groups; /* any other group */
    uint64_t slot = cat->group[i] * opt->brands_per_group + below(rng, opt->brands_per_group);
    fprintf(out, "%s\tcategory:%s brand:b%llu", cat->item[i], cat->group_name[g],
            (unsigned long long)(slot % opt->brands + 1));
    for (uint64_t t = 0; t < opt->tags_per_item; t++)
        fprintf(out, " tag:t%llu", (unsigned long long)(below(rng, opt->tags) + 1));
    putc('\n', out);
}

static int write_features(const struct options *opt, const struct catalogue *cat)
{
    FILE *f = open_output(opt->out_path);
    if (!f)
        return -1;
    uint64_t rng = opt->seed;
    for (uint64_t i = 0; i < cat->items && !ferror(f); i++)
        write_item(f, opt, cat, i, &rng);
    return close_output(f, opt->out_path);
}

/* Exactly round(share x items) items, by a partial Fisher-Yates shuffle of
 * the item numbers, written in catalogue order. */
static int write_cold(const struct options *opt, const struct catalogue *cat)
{
    uint64_t n = cat->items, want = (uint64_t)(opt->cold_share * (double)n + 0.5);
    uint64_t *order = malloc(n * sizeof *order);
    char *chosen = calloc(n, 1);
    if (!order || !chosen) {
        free(order);
        free(chosen);
        fprintf(stderr, PROGRAM ": %s: %s\n", opt->cold_path, strerror(ENOMEM));
        return -1;
    }
    uint64_t rng = opt->seed ^ 0xC01D5EEDULL;
    for (uint64_t i = 0; i < n; i++)
        order[i] = i;
    for (uint64_t i = 0; i < want; i++) {
        uint64_t j = i + below(&rng, n - i), t = order[i];
        order[i] = order[j];
        order[j] = t;
        chosen[order[i]] = 1;
    }
    free(order);
    FILE *f = open_output(opt->cold_path);
    for (uint64_t i = 0; f && i < n; i++)
        if (chosen[i])
            fprintf(f, "%s\n", cat->item[i]);
    free(chosen);
    return f ? close_output(f, opt->cold_path) : -1;
}

int main(int argc, char **argv)
{
    struct options opt;
    parse_options(argc, argv, &opt);
    struct catalogue cat;
    int status = 0;
    if (load_truth(opt.truth_path, &cat) != 0)
        status = 1;
    else if (write_features(&opt, &cat) != 0 || (opt.cold_path && write_cold(&opt, &cat) != 0))
        status = 1;
    free_catalogue(&cat);
    return status;
}
