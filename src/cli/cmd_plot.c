/* item2vec plot: a 2-D map of the embedding space as a standalone SVG. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "cli.h"
#include "names.h"
#include "files.h"
#include "eval_report.h"

static const char plot_help[] =
    "Usage: item2vec plot -m MODEL -o MAP.svg [options]\n"
    "Draws the embedding space as a 2-D map: a standalone SVG with the items as\n"
    "points, coloured by group, a legend, and the most frequent items labelled.\n\n"
    "  -m, --model MODEL     .i2v, word2vec .bin or text model\n"
    "  -o, --output FILE     the SVG; - for standard output\n"
    "      --coords FILE     also write the 2-D coordinates, TSV\n"
    "                        item<TAB>x<TAB>y (<TAB>group with --groups); with\n"
    "                        --coords alone no SVG is needed\n"
    "      --top N           plot the N most frequent items (default 2000)\n"
    "      --items FILE      plot the items of FILE instead: the first field of\n"
    "                        each line (so an item<TAB>group file will do)\n"
    "      --groups FILE     item<TAB>group lines: points coloured by group, a\n"
    "                        legend with each group's count, most populous first\n"
    "      --labels N        label the N most frequent items plotted (default 30;\n"
    "                        0: none)\n"
    "      --method M        tsne (default) or pca\n"
    "      --perplexity P    t-SNE: effective neighbours per point, 1 to 10000\n"
    "                        (default 30; lowered to (items - 1) / 3 if larger)\n"
    "      --iterations N    t-SNE: gradient steps (default 1000)\n"
    "      --seed N          t-SNE: the jitter of its start (default 1)\n"
    "      --threads N       t-SNE threads (default: online CPUs); the map is the\n"
    "                        same for any number\n"
    "      --title T         the title (default: the model's file name and method)\n"
    "      --names FILE      item<TAB>display name lines: names as labels and\n"
    "                        hover titles instead of ids\n"
    "  -q, --quiet           no summary on stderr\n"
    "  -h, --help            this help\n\n"
    "Vectors are scaled to unit length first, so nearness on the map follows\n"
    "cosine similarity, as 'similar' ranks.  PCA: the two leading principal\n"
    "components (to rounding; well under a second).  t-SNE: exact, every pair\n"
    "at every step (O(n^2): seconds for 2,000 items, minutes for 10,000, the\n"
    "most it takes), with early exaggeration, momentum and adaptive gains as\n"
    "in van der Maaten's reference, started from the PCA map; same model and\n"
    "options, same map.  t-SNE keeps clusters apart, but distances between\n"
    "clusters and their sizes mean little there; PCA keeps distances, and\n"
    "separates less.\n\n"
    "The map has no axes (projected coordinates have no units); hovering over a\n"
    "point in a browser shows its item.  Labels are placed where they cover no\n"
    "point and no other label, and left out where there is no room.  Colours\n"
    "repeat after 20 groups; the legend names the most populous ones.  Outputs\n"
    "are written to a temporary file beside them and renamed into place.\n"
    "\nExamples:\n"
    "  item2vec plot -m model.i2v -o map.svg\n"
    "  item2vec plot -m model.i2v -o map.svg --groups truth.tsv --method pca\n";

enum {
    OPT_COORDS = 256, OPT_TOP, OPT_ITEMS, OPT_GROUPS, OPT_LABELS, OPT_METHOD, OPT_PERPLEXITY,
    OPT_ITERATIONS, OPT_SEED, OPT_THREADS, OPT_TITLE, OPT_NAMES
};

#define DEFAULT_TOP 2000u
#define DEFAULT_LABELS 30u

typedef struct plot_args {
    const char *model, *output, *coords, *items, *groups, *title, *names;
    uint32_t top, labels;
    int top_given, tsne_given, quiet;
    i2v_projection_params projection;
} plot_args;

static int parse_method(const char *text, i2v_projection_method *out)
{
    if (strcmp(text, "tsne") == 0 || strcmp(text, "t-sne") == 0)
        *out = I2V_PROJECT_TSNE;
    else if (strcmp(text, "pca") == 0)
        *out = I2V_PROJECT_PCA;
    else
        return cli_usage_error("--method: '%s' is not tsne or pca", text), -1;
    return 0;
}

/* One option; returns 0, -1 after a usage error, or 1 for --help. */
static int parse_option(int c, plot_args *a)
{
    i2v_projection_params *p = &a->projection;
    switch (c) {
    case 'm': a->model = optarg; return 0;
    case 'o': a->output = optarg; return 0;
    case OPT_COORDS: a->coords = optarg; return 0;
    case OPT_ITEMS: a->items = optarg; return 0;
    case OPT_GROUPS: a->groups = optarg; return 0;
    case OPT_TITLE: a->title = optarg; return 0;
    case OPT_NAMES: a->names = optarg; return 0;
    case 'q': a->quiet = 1; return 0;
    case OPT_TOP:
        a->top_given = 1;
        return cli_parse_u32("--top", optarg, 1, UINT32_MAX, &a->top);
    case OPT_LABELS: return cli_parse_u32("--labels", optarg, 0, UINT32_MAX, &a->labels);
    case OPT_METHOD: return parse_method(optarg, &p->method);
    case OPT_PERPLEXITY:
        a->tsne_given = 1;
        return cli_parse_double("--perplexity", optarg, 1, I2V_TSNE_MAX_PERPLEXITY,
                                &p->perplexity);
    case OPT_ITERATIONS:
        a->tsne_given = 1;
        return cli_parse_u32("--iterations", optarg, 1, I2V_TSNE_MAX_ITERATIONS,
                             &p->iterations);
    case OPT_SEED:
        a->tsne_given = 1;
        return cli_parse_u64("--seed", optarg, 0, UINT64_MAX, &p->seed);
    case OPT_THREADS:
        return cli_parse_u32("--threads", optarg, 1, I2V_MAX_THREADS, &p->threads);
    case 'h': return 1;
    }
    return -1;
}

static int check_plot_args(int argc, char **argv, const plot_args *a)
{
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!a->model)
        return cli_usage_error("-m MODEL is required");
    if (!a->output && !a->coords)
        return cli_usage_error("-o MAP.svg is required (or --coords FILE)");
    if (a->items && a->top_given)
        return cli_usage_error("--top and --items both choose the items: give one");
    if (a->tsne_given && a->projection.method != I2V_PROJECT_TSNE)
        return cli_usage_error("--perplexity, --iterations and --seed are for --method tsne");
    if (a->projection.method == I2V_PROJECT_TSNE && a->top > I2V_TSNE_MAX_POINTS)
        return cli_usage_error("--top: %u items are too many for exact t-SNE (at most %u)",
                               a->top, I2V_TSNE_MAX_POINTS);
    if (a->items && a->groups && !strcmp(a->items, "-") && !strcmp(a->groups, "-"))
        return cli_usage_error("only one input can be standard input (-)");
    if (a->output && a->coords && !strcmp(a->output, a->coords))
        return cli_usage_error("-o and --coords name the same file '%s'", a->output);
    return -1;
}

/* Returns -1 to go on, or the exit code. */
static int parse_plot_args(int argc, char **argv, plot_args *a)
{
    static const struct option options[] = {
        {"model", required_argument, NULL, 'm'},
        {"output", required_argument, NULL, 'o'},
        {"coords", required_argument, NULL, OPT_COORDS},
        {"top", required_argument, NULL, OPT_TOP},
        {"items", required_argument, NULL, OPT_ITEMS},
        {"groups", required_argument, NULL, OPT_GROUPS},
        {"labels", required_argument, NULL, OPT_LABELS},
        {"method", required_argument, NULL, OPT_METHOD},
        {"perplexity", required_argument, NULL, OPT_PERPLEXITY},
        {"iterations", required_argument, NULL, OPT_ITERATIONS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"title", required_argument, NULL, OPT_TITLE},
        {"names", required_argument, NULL, OPT_NAMES},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, r = 0;
    opterr = 0;
    while (r == 0 && (c = cli_getopt_long(argc, argv, ":m:o:qh", options)) != -1) {
        if (c == '?' || c == ':')
            return cli_bad_option(argv);
        r = parse_option(c, a);
    }
    if (r == 1)
        return cli_print_help(plot_help);
    if (r != 0)
        return EXIT_USAGE;
    return check_plot_args(argc, argv, a);
}

/* ---- the run --------------------------------------------------------- */

typedef struct plot_run {
    plot_args a;
    FILE *items_in, *groups_in;
    i2v_model *model;
    i2v_item_groups *groups;
    uint32_t *ids;
    uint32_t n;
    double *xy;
    i2v_projection_report projection;
    double seconds;
    cli_output svg, coords;
    int svg_open, coords_open;
} plot_run;

static const char *display_name(const char *path)
{
    return strcmp(path, "-") ? path : "standard input";
}

static void run_free(plot_run *r)
{
    cli_close_input(r->items_in);
    cli_close_input(r->groups_in);
    if (r->svg_open)
        cli_output_abort(&r->svg);
    if (r->coords_open)
        cli_output_abort(&r->coords);
    i2v_item_groups_free(r->groups);
    i2v_model_free(r->model);
    free(r->ids);
    free(r->xy);
}

/* Inputs and outputs are opened before the model is loaded and the map
 * computed, so that a typo or an unwritable path fails at once. */
static int open_files(plot_run *r)
{
    const plot_args *a = &r->a;
    if (a->items && !(r->items_in = cli_open_input(a->items)))
        return -1;
    if (a->groups && !(r->groups_in = cli_open_input(a->groups)))
        return -1;
    if (a->output) {
        if (cli_output_open(&r->svg, a->output) != 0)
            return -1;
        r->svg_open = 1;
    }
    if (a->coords) {
        if (cli_output_open(&r->coords, a->coords) != 0)
            return -1;
        r->coords_open = 1;
    }
    return 0;
}

/* The steps of a run return 0, or print why and return -1. */

static int select_items(plot_run *r)
{
    if (r->a.items) {
        i2v_item_list_report report;
        i2v_error err;
        if (i2v_item_list_read(r->model, r->items_in, display_name(r->a.items), &r->ids,
                               &r->n, &report, &err) != I2V_OK)
            return cli_fail(&err), -1;
        if (report.unknown)
            cli_error("%s: %llu listed item%s not in the model, skipped (first on line %llu)",
                      r->a.items, (unsigned long long)report.unknown,
                      report.unknown == 1 ? "" : "s",
                      (unsigned long long)report.first_unknown);
        return 0;
    }
    uint32_t size = i2v_model_size(r->model);
    r->n = r->a.top < size ? r->a.top : size;
    if (r->n == 0)
        return cli_error("%s: the model has no item to plot", r->a.model), -1;
    if (!(r->ids = malloc(r->n * sizeof *r->ids)))
        return cli_error("out of memory while choosing items"), -1;
    for (uint32_t i = 0; i < r->n; i++) /* ids are in frequency order */
        r->ids[i] = i;
    return 0;
}

static int read_groups(plot_run *r)
{
    if (!r->a.groups)
        return 0;
    i2v_item_groups_report report;
    i2v_error err;
    if (i2v_item_groups_read(r->model, r->groups_in, display_name(r->a.groups), &r->groups,
                             &report, &err) != I2V_OK)
        return cli_fail(&err), -1;
    eval_warn_malformed(r->a.groups, &report.malformed, "\"item<TAB>group\", each item once");
    return 0;
}

static int project(plot_run *r)
{
    if (!(r->xy = malloc(2 * (size_t)r->n * sizeof *r->xy)))
        return cli_error("out of memory while projecting"), -1;
    double start = cli_seconds_now();
    i2v_error err;
    i2v_status st = i2v_project_items(r->model, r->ids, r->n, &r->a.projection, r->xy,
                                      &r->projection, &err);
    r->seconds = cli_seconds_now() - start;
    return st == I2V_OK ? 0 : (cli_fail(&err), -1);
}

/* ---- outputs --------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

/* "t-SNE of the 2000 most frequent items · perplexity 30 · ..." */
static void describe(const plot_run *r, char *text, size_t size)
{
    const i2v_projection_params *p = &r->a.projection;
    int at;
    if (r->a.items)
        at = snprintf(text, size, "%s of %u items listed in %s",
                      i2v_projection_method_name(p->method), r->n, base_name(r->a.items));
    else
        at = snprintf(text, size, "%s of the %u most frequent items",
                      i2v_projection_method_name(p->method), r->n);
    if (at < 0 || (size_t)at >= size)
        return;
    if (p->method == I2V_PROJECT_TSNE)
        snprintf(text + at, size - at, " \xc2\xb7 perplexity %g \xc2\xb7 %u iterations "
                 "\xc2\xb7 seed %llu \xc2\xb7 KL %.3f", r->projection.perplexity, p->iterations,
                 (unsigned long long)p->seed, r->projection.kl_divergence);
    else
        snprintf(text + at, size - at, " \xc2\xb7 the axes explain %.1f%% and %.1f%% of the "
                 "variance", 100 * r->projection.explained[0], 100 * r->projection.explained[1]);
}

static int write_map(plot_run *r, i2v_plot_report *report)
{
    uint32_t n_groups = r->groups ? i2v_item_groups_count(r->groups) : 0;
    i2v_plot_point *points = malloc((r->n ? r->n : 1) * sizeof *points);
    const char **names = malloc((n_groups ? n_groups : 1) * sizeof *names);
    char *title = malloc(strlen(r->a.model) + 64), subtitle[512];
    if (!points || !names || !title) {
        free(points);
        free(names);
        free(title);
        return cli_error("out of memory while drawing the map"), -1;
    }
    for (uint32_t g = 0; g < n_groups; g++)
        names[g] = i2v_item_groups_name(r->groups, g, NULL);
    for (uint32_t i = 0; i < r->n; i++) {
        size_t len;
        const char *name = names_of(r->ids[i], &len); /* NUL-terminated as loaded */
        points[i] = (i2v_plot_point){r->xy[2 * (size_t)i], r->xy[2 * (size_t)i + 1],
                                     name ? name : i2v_model_item(r->model, r->ids[i], NULL),
                                     r->groups ? i2v_item_group(r->groups, r->ids[i])
                                               : I2V_NO_GROUP};
    }
    sprintf(title, "%s \xe2\x80\x94 %s map", base_name(r->a.model),
            i2v_projection_method_name(r->a.projection.method));
    describe(r, subtitle, sizeof subtitle);
    i2v_plot_options options = {r->a.title ? r->a.title : title, subtitle, names, n_groups,
                                r->a.labels};
    i2v_error err;
    i2v_status st = i2v_plot_svg(r->svg.f, r->a.output, points, r->n, &options, report, &err);
    free(points);
    free(names);
    free(title);
    return st == I2V_OK ? 0 : (cli_fail(&err), -1);
}

static void write_coords(const plot_run *r)
{
    for (uint32_t i = 0; i < r->n; i++) {
        fprintf(r->coords.f, "%s\t%.6g\t%.6g", i2v_model_item(r->model, r->ids[i], NULL),
                r->xy[2 * (size_t)i], r->xy[2 * (size_t)i + 1]);
        if (r->groups) {
            uint32_t g = i2v_item_group(r->groups, r->ids[i]);
            fprintf(r->coords.f, "\t%s",
                    g == I2V_NO_GROUP ? "" : i2v_item_groups_name(r->groups, g, NULL));
        }
        fputc('\n', r->coords.f);
    }
}

static int commit_outputs(plot_run *r)
{
    cli_output *outs[2];
    size_t n = 0;
    if (r->svg_open)
        outs[n++] = &r->svg;
    if (r->coords_open)
        outs[n++] = &r->coords;
    r->svg_open = r->coords_open = 0; /* committed or aborted either way */
    return cli_output_commit_all(outs, n);
}

static void print_summary(const plot_run *r, const i2v_plot_report *report)
{
    char text[512];
    describe(r, text, sizeof text);
    fprintf(stderr, "item2vec plot: %s, %.1f s", text, r->seconds);
    if (r->a.output)
        fprintf(stderr, "; %u of %u labels placed; %s", report->labels_placed,
                report->labels_placed + report->labels_dropped,
                strcmp(r->a.output, "-") ? r->a.output : "standard output");
    fputc('\n', stderr);
}

static int run_plot(plot_run *r)
{
    if (open_files(r) != 0)
        return EXIT_RUNTIME;
    if (!(r->model = answers_open_model(r->a.model)))
        return EXIT_RUNTIME;
    if (r->a.names && names_load(r->a.names, r->model) != 0)
        return EXIT_RUNTIME;
    /* Options were checked: whatever fails from here on is the data. */
    i2v_plot_report report = {0};
    if (select_items(r) != 0 || read_groups(r) != 0 || project(r) != 0 ||
        (r->svg_open && write_map(r, &report) != 0))
        return EXIT_RUNTIME;
    if (r->coords_open)
        write_coords(r);
    if (commit_outputs(r) != 0)
        return EXIT_RUNTIME;
    if (!r->a.quiet)
        print_summary(r, &report);
    return EXIT_OK;
}

int cmd_plot(int argc, char **argv)
{
    plot_run r;
    memset(&r, 0, sizeof r);
    r.a.top = DEFAULT_TOP;
    r.a.labels = DEFAULT_LABELS;
    i2v_projection_params_default(&r.a.projection);
    r.a.projection.method = I2V_PROJECT_TSNE;
    r.a.projection.threads = cli_online_cpus();
    if (r.a.projection.threads > I2V_MAX_THREADS)
        r.a.projection.threads = I2V_MAX_THREADS;
    int code = parse_plot_args(argc, argv, &r.a);
    if (code >= 0)
        return code;
    cli_file in[] = {{"-m", r.a.model, 0}, {"--items", r.a.items, 0}, {"--groups", r.a.groups, 0},
                     {"--names", r.a.names, 0}};
    cli_file out[] = {{"-o", r.a.output, 0}, {"--coords", r.a.coords, 0}};
    int on_stdout = (r.a.output && !strcmp(r.a.output, "-")) || (r.a.coords && !strcmp(r.a.coords, "-"));
    if ((code = cli_check_files(in, 4, out, 2, on_stdout)) >= 0)
        return code;
    code = run_plot(&r);
    run_free(&r);
    names_free();
    return code;
}
