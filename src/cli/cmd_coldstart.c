/* item2vec coldstart: places items known only by their features (category,
 * brand, tags) in a model's space, learning from the items that have both. */
#include <getopt.h>
#include <string.h>

#include "answers.h"
#include "cli.h"
#include "files.h"

static const char coldstart_help[] =
    "Usage: item2vec coldstart -m MODEL --features FILE -o OUT [options]\n"
    "Gives a vector to items that have features but no behaviour (new items\n"
    "nobody has interacted with yet), by learning how features map into the\n"
    "model's space from the items that have both.\n\n"
    "FILE has one item per line: the item, a tab, then its features separated\n"
    "by spaces (item_7<TAB>category:shoes brand:acme tag:red).  Features are\n"
    "any words; an item on several lines has all their features.  Blank lines\n"
    "and lines starting with # are skipped; malformed lines (no tab, no\n"
    "feature, a blank inside the item) are skipped and reported with their\n"
    "line numbers.\n\n"
    "Method: a linear map from an item's bag of features to its vector is\n"
    "fitted on the items in both MODEL and FILE.  A cold item (in FILE, not\n"
    "in MODEL, or dropped from it by min-count) gets the direction its\n"
    "features map to, at the median length of MODEL's vectors; one without\n"
    "any feature a known item carries is skipped.\n\n"
    "  -m, --model MODEL    the trained model (any format)\n"
    "  -f, --features FILE  item features; - reads standard input\n"
    "  -o, --output OUT     the new model: MODEL's items (vectors, counts and\n"
    "                       output weights kept), then the cold items in byte\n"
    "                       order with count 0 and zero output weights; .bin\n"
    "                       word2vec binary, .txt/.vec text, else native\n"
    "      --method M       ridge (default): ridge regression from binary\n"
    "                       features plus a constant to the vectors, solved\n"
    "                       exactly (Cholesky) up to 2048 features, by\n"
    "                       conjugate gradient beyond; mean: each feature\n"
    "                       alone, its vector the mean of its items' less the\n"
    "                       overall mean, an item's content the overall mean\n"
    "                       plus its features' vectors\n"
    "      --lambda L       ridge penalty, 1e-9 to 1e9 (default 1): larger\n"
    "                       pulls rare features' weights towards zero\n"
    "      --fuse A         also blend items that have both, 0 to 1:\n"
    "                       A x behaviour + (1-A) x content, the content at\n"
    "                       the behaviour vector's length (default: behaviour\n"
    "                       kept unchanged)\n"
    "  -q, --quiet          no summary on stderr (problems are still reported)\n"
    "  -h, --help           this help\n\n"
    "OUT is written to a temporary file beside it and renamed into place, so\n"
    "an error or a signal never leaves a partial model.\n"
    "\nExamples:\n"
    "  item2vec coldstart -m model.i2v -f features.tsv -o with-new-items.i2v\n"
    "  item2vec coldstart -m model.i2v -f features.tsv -o out.i2v --method mean\n";

enum { OPT_METHOD = 256, OPT_LAMBDA, OPT_FUSE };

typedef struct coldstart_args {
    const char *model, *features, *output;
    i2v_coldstart_params params;
    int lambda_given, quiet;
} coldstart_args;

static int parse_method(const char *text, i2v_coldstart_method *out)
{
    if (strcmp(text, "ridge") == 0)
        *out = I2V_COLDSTART_RIDGE;
    else if (strcmp(text, "mean") == 0)
        *out = I2V_COLDSTART_MEAN;
    else
        return cli_usage_error("--method: '%s' is not one of ridge, mean", text), -1;
    return 0;
}

/* Returns -1 to go on, else the exit code (help printed or usage error). */
static int parse_option(int c, coldstart_args *a, char **argv)
{
    i2v_coldstart_params *p = &a->params;
    switch (c) {
    case 'm': a->model = optarg; return -1;
    case 'f': a->features = optarg; return -1;
    case 'o': a->output = optarg; return -1;
    case 'q': a->quiet = 1; return -1;
    case OPT_METHOD: return parse_method(optarg, &p->method) ? EXIT_USAGE : -1;
    case OPT_LAMBDA:
        a->lambda_given = 1;
        return cli_parse_double("--lambda", optarg, 1e-9, 1e9, &p->lambda) ? EXIT_USAGE : -1;
    case OPT_FUSE: return cli_parse_double("--fuse", optarg, 0, 1, &p->fuse) ? EXIT_USAGE : -1;
    case 'h': return cli_print_help(coldstart_help);
    default: return cli_bad_option(argv);
    }
}

static int parse_args(int argc, char **argv, coldstart_args *a)
{
    static const struct option options[] = {
        {"model", required_argument, NULL, 'm'},   {"features", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},  {"method", required_argument, NULL, OPT_METHOD},
        {"lambda", required_argument, NULL, OPT_LAMBDA},
        {"fuse", required_argument, NULL, OPT_FUSE}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    i2v_coldstart_params_default(&a->params);
    int c;
    opterr = 0;
    while ((c = cli_getopt_long(argc, argv, ":m:f:o:qh", options)) != -1) {
        int code = parse_option(c, a, argv);
        if (code >= 0)
            return code;
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!a->model)
        return cli_usage_error("-m MODEL is required");
    if (!a->features)
        return cli_usage_error("--features FILE is required");
    if (!a->output)
        return cli_usage_error("-o OUT is required");
    if (a->lambda_given && a->params.method != I2V_COLDSTART_RIDGE)
        return cli_usage_error("--lambda applies to --method ridge only");
    return -1;
}

static void report_features(const char *name, const i2v_features_report *r, int quiet)
{
    if (r->malformed) {
        cli_error("%s: %llu malformed line%s skipped:", name, (unsigned long long)r->malformed,
                  r->malformed == 1 ? "" : "s");
        for (uint32_t i = 0; i < r->n_examples; i++)
            fprintf(stderr, "  line %llu: %s\n", (unsigned long long)r->examples[i].line,
                    r->examples[i].reason);
        if (r->malformed > r->n_examples)
            fprintf(stderr, "  ... and %llu more\n",
                    (unsigned long long)(r->malformed - r->n_examples));
    }
    if (!quiet)
        cli_error("%s: %u items, %u distinct features, %llu item-feature pairs", name, r->items,
                  r->features, (unsigned long long)r->pairs);
}

static void report_skipped(const char *name, const i2v_coldstart_report *r)
{
    if (r->skipped == 0)
        return;
    cli_error("%s: %u cold item%s skipped, not placed:", name, r->skipped,
              r->skipped == 1 ? "" : "s");
    for (uint32_t i = 0; i < r->n_examples; i++)
        fprintf(stderr, "  line %llu: %s\n", (unsigned long long)r->examples[i].line,
                r->examples[i].reason);
    if (r->skipped > r->n_examples)
        fprintf(stderr, "  ... and %u more\n", r->skipped - r->n_examples);
}

static void report_run(const coldstart_args *a, const i2v_coldstart_report *r, uint32_t size)
{
    char how[96];
    if (a->params.method == I2V_COLDSTART_RIDGE && r->iterations)
        snprintf(how, sizeof how, "ridge, lambda %g, %s, %u iterations", a->params.lambda,
                 r->solver, r->iterations);
    else if (a->params.method == I2V_COLDSTART_RIDGE)
        snprintf(how, sizeof how, "ridge, lambda %g, %s", a->params.lambda, r->solver);
    else
        snprintf(how, sizeof how, "feature means");
    cli_error("fitted %u feature%s on %u items that have both (%s); mean cosine of content "
              "and behaviour %.3f; features carried by cold items only, ignored: %u",
              r->features, r->features == 1 ? "" : "s", r->known, how, r->fit_cosine,
              r->unused_features);
    cli_error("%s: %u items: placed %u cold items, fused %u, skipped %u; %u items without "
              "features kept as they were",
              a->output, size, r->placed, r->fused, r->skipped, r->without_features);
}

/* Reads the features file; prints and returns NULL on failure. */
static i2v_features *read_features(const char *path, const char *name, int quiet)
{
    FILE *in = cli_open_input(path);
    if (!in)
        return NULL;
    i2v_features *f = NULL;
    i2v_features_report report;
    i2v_error err;
    i2v_status st = i2v_features_read(in, name, &f, &report, &err);
    cli_close_input(in);
    report_features(name, &report, quiet || st != I2V_OK);
    if (st != I2V_OK) {
        cli_fail(&err);
        return NULL;
    }
    return f;
}

/* Opens and fully verifies the model: its vectors are all read, and a
 * damaged file must not be passed on.  Prints and returns NULL on failure. */
static i2v_model *open_verified_model(const char *path)
{
    i2v_model *m = answers_open_model(path);
    i2v_error err;
    if (m && i2v_model_verify(m, &err) != I2V_OK) {
        cli_fail(&err);
        i2v_model_free(m);
        return NULL;
    }
    if (m && i2v_model_has_index(m)) {
        cli_error("note: %s: its index is not carried over (items are added); "
                  "'item2vec index' builds one for the new model", path);
    }
    return m;
}

/* The cold-start model of the arguments' inputs; prints and returns the
 * exit code on failure. */
static int build_cold_model(const coldstart_args *a, const char *features_name, i2v_model **cold,
                            i2v_coldstart_report *report)
{
    i2v_model *model = open_verified_model(a->model);
    if (!model)
        return EXIT_RUNTIME;
    i2v_features *features = read_features(a->features, features_name, a->quiet);
    if (!features) {
        i2v_model_free(model);
        return EXIT_RUNTIME;
    }
    i2v_error err;
    i2v_status st = i2v_coldstart_run(model, features, &a->params, cold, report, &err);
    i2v_features_free(features);
    i2v_model_free(model);
    if (st != I2V_OK)
        return cli_fail(&err);
    report_skipped(features_name, report);
    return EXIT_OK;
}

int cmd_coldstart(int argc, char **argv)
{
    coldstart_args a;
    int code = parse_args(argc, argv, &a);
    if (code >= 0)
        return code;
    cli_file inputs[] = {{"-m", a.model, 0}, {"-f", a.features, 0}};
    cli_file outputs[] = {{"-o", a.output, 0}};
    if ((code = cli_check_files(inputs, 2, outputs, 1, strcmp(a.output, "-") == 0)) >= 0)
        return code;
    const char *features_name = strcmp(a.features, "-") ? a.features : "standard input";
    /* The output first: a missing directory is reported before any work. */
    cli_output out;
    if (cli_output_open(&out, a.output) != 0)
        return EXIT_RUNTIME;
    i2v_model *cold = NULL;
    i2v_coldstart_report report;
    code = build_cold_model(&a, features_name, &cold, &report);
    if (code != EXIT_OK) {
        cli_output_abort(&out);
        return code;
    }
    i2v_error err;
    if (i2v_model_write(cold, out.f, i2v_format_from_path(a.output), a.output, &err) != I2V_OK) {
        cli_output_abort(&out);
        i2v_model_free(cold);
        return cli_fail(&err);
    }
    code = cli_output_commit(&out) == 0 ? EXIT_OK : EXIT_RUNTIME;
    if (code == EXIT_OK && !a.quiet)
        report_run(&a, &report, i2v_model_size(cold));
    i2v_model_free(cold);
    return code;
}
