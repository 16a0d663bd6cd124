/* item2vec info: what a model file holds, and optionally a full check. */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "answers.h"
#include "cli.h"

static const char info_help[] =
    "Usage: item2vec info -m MODEL [--verify]\n"
    "Describes a model: format, file size, items, dimensions, whether it has\n"
    "item counts and output weights (needed to resume training), successors,\n"
    "the nearest-neighbour index, and the training parameters when the format\n"
    "keeps them (native only).  One\n"
    "'key value' line each, the key being one word.\n"
    "Opening a native model checks its header and the checksums of its small\n"
    "sections, not its vectors; --verify reads everything: every checksum,\n"
    "every value finite, norms and the item index consistent, and every node\n"
    "of the nearest-neighbour index (its check, layers and links).\n\n"
    "  -m, --model MODEL    native .i2v, word2vec .bin or .txt/.vec\n"
    "      --verify         check the whole file; exit 1 when it is damaged\n"
    "  -h, --help           this help\n"
    "\nExamples:\n"
    "  item2vec info -m model.i2v\n"
    "  item2vec info -m model.i2v --verify\n";

enum { OPT_VERIFY = 256 };

static void print_params(const i2v_train_params *p)
{
    if (!p) {
        printf("%-16s%s\n", "training", "not recorded in this format");
        return;
    }
    /* A deterministic model is the same on any number of threads. */
    char threads[16] = "any";
    if (!p->deterministic)
        snprintf(threads, sizeof threads, "%u", p->threads);
    printf("%-16swindow %u, negative %u, epochs %u, alpha %g, min-alpha %g, sample %g, "
           "ns-exponent %g, min-count %llu, max-vocab %llu, threads %s, seed %llu, "
           "architecture %s, deterministic %s\n",
           "training", p->window, p->negative, p->epochs, p->alpha, p->min_alpha, p->sample,
           p->ns_exponent, (unsigned long long)p->min_count, (unsigned long long)p->max_vocab,
           threads, (unsigned long long)p->seed, p->cbow ? "CBOW" : "skip-gram",
           p->deterministic ? "yes" : "no");
    printf("%-16scontext %u, blend %g\n", "recommend", p->context, p->blend);
}

static void print_successors(const i2v_model *m)
{
    if (!i2v_model_has_successors(m)) {
        printf("%-16s%s\n", "successors", "no");
        return;
    }
    uint64_t listed = 0, items = 0;
    for (uint32_t i = 0; i < i2v_model_size(m); i++) {
        uint32_t k;
        i2v_model_successors(m, i, &k, NULL);
        listed += k;
        items += k > 0;
    }
    const i2v_train_params *p = i2v_model_params(m);
    printf("%-16syes, %llu of %u items have some, %llu in all (at most %u per item)\n",
           "successors", (unsigned long long)items, i2v_model_size(m),
           (unsigned long long)listed, p ? p->successors : 0);
}

/* The index line; 1 when the index is damaged (reported). */
static int print_index(const i2v_model *m)
{
    i2v_index_info info;
    i2v_error err;
    if (i2v_model_index_stale(m)) {
        printf("%-16s%s\n", "index", "stale: built for other vectors, ignored (run item2vec index)");
        return 0;
    }
    if (!i2v_model_has_index(m)) {
        printf("%-16s%s\n", "index", "no");
        return 0;
    }
    if (i2v_index_describe(m, &info, &err) != I2V_OK) {
        cli_flush_stdout();
        cli_error("%s", err.message);
        return 1;
    }
    printf("%-16syes, HNSW: M %u (layer 0: %u), %u layers, ef-construction %u, seed %llu, "
           "%llu bytes (%.1f an item)\n", "index", info.m, info.m0, info.top_layer + 1,
           info.ef_construction, (unsigned long long)info.seed, (unsigned long long)info.bytes,
           (double)info.bytes / i2v_model_size(m));
    return 0;
}

static int print_info(const i2v_model *m, const char *path)
{
    uint32_t n = i2v_model_size(m);
    i2v_format format = i2v_model_format(m);
    struct stat st;
    printf("%-16s%s\n", "file", path);
    if (format == I2V_FORMAT_NATIVE && i2v_model_format_version(m))
        printf("%-16s%s (version %u)\n", "format", i2v_format_name(format),
               i2v_model_format_version(m));
    else
        printf("%-16s%s\n", "format", i2v_format_name(format));
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        printf("%-16s%llu bytes\n", "size", (unsigned long long)st.st_size);
    printf("%-16s%u\n", "items", n);
    printf("%-16s%u\n", "dimensions", i2v_model_dim(m));
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += i2v_model_count(m, i);
    if (total)
        printf("%-16syes, %llu occurrences in all\n", "counts", (unsigned long long)total);
    else
        printf("%-16sno\n", "counts");
    printf("%-16s%s\n", "output-weights", i2v_model_has_output(m) ? "yes" : "no");
    print_successors(m);
    int damaged = print_index(m);
    print_params(i2v_model_params(m));
    return damaged;
}

int cmd_info(int argc, char **argv)
{
    static const struct option options[] = {
        {"model", required_argument, NULL, 'm'},
        {"verify", no_argument, NULL, OPT_VERIFY},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *path = NULL;
    int verify = 0, c;
    opterr = 0;
    while ((c = cli_getopt_long(argc, argv, ":m:h", options)) != -1) {
        switch (c) {
        case 'm': path = optarg; break;
        case OPT_VERIFY: verify = 1; break;
        case 'h':
            return cli_print_help(info_help);
        default: return cli_bad_option(argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!path)
        return cli_usage_error("-m MODEL is required");
    i2v_model *m = answers_open_model(path);
    if (!m)
        return EXIT_RUNTIME;
    int code = print_info(m, path) ? EXIT_RUNTIME : EXIT_OK;
    if (verify && code == EXIT_OK) {
        i2v_error err;
        if (cli_flush_stdout() != 0)
            code = EXIT_RUNTIME;
        else if (i2v_model_verify(m, &err) != I2V_OK ||
                 (i2v_model_has_index(m) && i2v_index_verify(m, &err) != I2V_OK))
            code = cli_fail(&err);
        else
            printf("%-16s%s\n", "verified", "yes: checksums match, all values are finite");
    }
    i2v_model_free(m);
    if (cli_flush_stdout() != 0)
        return EXIT_RUNTIME;
    return code;
}
