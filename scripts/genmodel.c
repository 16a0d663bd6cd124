/*
 * genmodel — a random embedding model in word2vec binary format, for
 * benchmarks of loading and querying.  Needs only libc.
 *
 * Items are item_1..item_N, each row D float32 values uniform in [-1, 1)
 * from a splitmix64 generator: same options and --seed, same bytes.
 * Written as word2vec.c writes it ("N D\n", then "name " + floats + "\n");
 * `item2vec convert` makes a native model from it.
 * Exit: 0 ok, 1 I/O error, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGRAM "genmodel"
#define EXIT_USAGE 2
#define MAX_ITEMS 100000000ULL
#define MAX_DIM 10000ULL
#define OUTPUT_BUFFER_BYTES (1 << 22)

static void usage(FILE *stream)
{
    fprintf(stream,
            "Usage: " PROGRAM " --items N --dim D [--seed S] [-o FILE]\n"
            "Writes a random word2vec binary model: item_1..item_N, D float32\n"
            "values per row uniform in [-1, 1).  FILE defaults to standard output.\n");
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int parse_count(const char *opt, const char *text, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end || errno || v < 1 || v > max) {
        fprintf(stderr, PROGRAM ": %s: '%s' is not a number from 1 to %llu\n", opt, text,
                (unsigned long long)max);
        return -1;
    }
    *out = v;
    return 0;
}

static int write_model(FILE *out, uint64_t items, uint64_t dim, uint64_t seed)
{
    float *row = malloc(dim * sizeof *row);
    if (!row)
        return -1;
    fprintf(out, "%llu %llu\n", (unsigned long long)items, (unsigned long long)dim);
    for (uint64_t i = 1; i <= items; i++) {
        for (uint64_t j = 0; j < dim; j++)
            row[j] = (float)((double)(splitmix64(&seed) >> 40) / (double)(1ull << 23) - 1.0);
        fprintf(out, "item_%llu ", (unsigned long long)i);
        fwrite(row, sizeof *row, dim, out);
        putc('\n', out);
        if (ferror(out))
            break;
    }
    free(row);
    return ferror(out) || fflush(out) != 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"items", required_argument, NULL, 'n'}, {"dim", required_argument, NULL, 'd'},
        {"seed", required_argument, NULL, 's'},  {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    uint64_t items = 0, dim = 0, seed = 1;
    const char *path = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'n': bad = parse_count("--items", optarg, MAX_ITEMS, &items); break;
        case 'd': bad = parse_count("--dim", optarg, MAX_DIM, &dim); break;
        case 's': bad = parse_count("--seed", optarg, UINT64_MAX, &seed); break;
        case 'o': path = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return EXIT_USAGE;
        }
        if (bad)
            return EXIT_USAGE;
    }
    if (!items || !dim || optind < argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    FILE *out = path ? fopen(path, "wb") : stdout;
    if (!out) {
        fprintf(stderr, PROGRAM ": %s: %s\n", path, strerror(errno));
        return 1;
    }
    static char buffer[OUTPUT_BUFFER_BYTES];
    setvbuf(out, buffer, _IOFBF, sizeof buffer);
    int failed = write_model(out, items, dim, seed);
    if ((path && fclose(out) != 0) || failed) {
        fprintf(stderr, PROGRAM ": %s: write failed: %s\n", path ? path : "standard output",
                strerror(errno ? errno : EIO));
        return 1;
    }
    return 0;
}
