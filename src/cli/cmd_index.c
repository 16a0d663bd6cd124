/* item2vec index: an HNSW graph added to a native model, so that similar
 * answers from the graph instead of scanning every vector. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "answers.h"
#include "cli.h"
#include "files.h"

static const char index_help[] =
    "Usage: item2vec index -m MODEL -o OUT [options]\n"
    "Adds a nearest-neighbour index to a model: an HNSW graph (Malkov &\n"
    "Yashunin) over its input vectors by cosine, stored in the native file\n"
    "beside them and read in place, so that 'similar' answers from the graph\n"
    "instead of scanning every vector.  OUT is native; OUT may be MODEL (it is\n"
    "replaced only when the index is built and written).  An index built for\n"
    "other vectors (after --resume, coldstart or a rewrite) is ignored with a\n"
    "note until this command is run again.\n\n"
    "  -m, --model MODEL      the model: native, word2vec .bin or .txt/.vec\n"
    "  -o, --output OUT       the native model with its index (- is standard\n"
    "                         output)\n"
    "      --M N              links per node on the upper layers, 2..64\n"
    "                         (default 10; layer 0 keeps 2 N); more links: better\n"
    "                         recall, a larger index (about 8 N + 8 bytes an item)\n"
    "      --ef-construction N  candidates kept while linking a node (default\n"
    "                         200); more: a better graph, a slower build\n"
    "      --seed N           the nodes' layers are drawn from it (default 1)\n"
    "  -t, --threads N        build threads (default online CPUs); with 1 thread\n"
    "                         the index is the same bytes on every run\n"
    "      --drop             write MODEL without its index instead\n"
    "  -q, --quiet            no progress on stderr\n"
    "  -h, --help             this help\n\n"
    "'similar' and 'analogy' (3CosAdd) use the index when the model has one\n"
    "('--exact' scans, '--ef N' trades speed for recall); 'info' describes it\n"
    "and 'info --verify' checks every node.  The word2vec formats keep no\n"
    "index.\n"
    "\nExamples:\n"
    "  item2vec index -m model.i2v -o model.i2v\n"
    "  item2vec index -m model.i2v -o indexed.i2v --M 16 --ef-construction 400\n"
    "  item2vec similar -m indexed.i2v --ef 128 item_1\n";

enum { OPT_M = 256, OPT_EF_CONSTRUCTION, OPT_SEED, OPT_DROP };

typedef struct index_args {
    const char *model, *output;
    i2v_index_options o;
    int drop, quiet;
} index_args;

static int parse_index_args(int argc, char **argv, index_args *a)
{
    static const struct option options[] = {
        {"model", required_argument, NULL, 'm'},
        {"output", required_argument, NULL, 'o'},
        {"M", required_argument, NULL, OPT_M},
        {"ef-construction", required_argument, NULL, OPT_EF_CONSTRUCTION},
        {"seed", required_argument, NULL, OPT_SEED},
        {"threads", required_argument, NULL, 't'},
        {"drop", no_argument, NULL, OPT_DROP},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, bad = 0;
    opterr = 0;
    while (!bad && (c = cli_getopt_long(argc, argv, ":m:o:t:qh", options)) != -1) {
        switch (c) {
        case 'm': a->model = optarg; break;
        case 'o': a->output = optarg; break;
        case OPT_M: bad = cli_parse_u32("--M", optarg, 2, 64, &a->o.m); break;
        case OPT_EF_CONSTRUCTION:
            bad = cli_parse_u32("--ef-construction", optarg, 1, 100000, &a->o.ef_construction);
            break;
        case OPT_SEED: bad = cli_parse_u64("--seed", optarg, 0, UINT64_MAX, &a->o.seed); break;
        case 't':
            bad = cli_parse_u32("--threads", optarg, 1, I2V_MAX_THREADS, &a->o.threads);
            break;
        case OPT_DROP: a->drop = 1; break;
        case 'q': a->quiet = 1; break;
        case 'h': return cli_print_help(index_help);
        default: return cli_bad_option(argv);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!a->model)
        return cli_usage_error("-m MODEL is required");
    if (!a->output)
        return cli_usage_error("-o OUT is required");
    if (strcmp(a->output, "-") != 0 && i2v_format_from_path(a->output) != I2V_FORMAT_NATIVE)
        return cli_usage_error("-o %s: an index is kept by the native format only (name it "
                               "other than .bin, .txt or .vec)", a->output);
    return -1;
}

typedef struct build_progress {
    int quiet;
    double start, last;
} build_progress;

static void show_progress(uint32_t done, uint32_t total, void *user)
{
    build_progress *p = user;
    double now = cli_seconds_now();
    if (p->quiet || (now - p->last < 10.0 && done != total))
        return;
    p->last = now;
    fprintf(stderr, "index: %u of %u items linked, %.0f s\n", done, total, now - p->start);
}

int cmd_index(int argc, char **argv)
{
    index_args a;
    memset(&a, 0, sizeof a);
    i2v_index_options_default(&a.o);
    a.o.threads = cli_online_cpus();
    int code = parse_index_args(argc, argv, &a);
    if (code >= 0)
        return code;
    cli_file inputs[] = {{"-m", a.model, 1}};
    cli_file outputs[] = {{"-o", a.output, 0}};
    if ((code = cli_check_files(inputs, 1, outputs, 1, strcmp(a.output, "-") == 0)) >= 0)
        return code;
    i2v_model *m = answers_open_model(a.model);
    if (!m)
        return EXIT_RUNTIME;
    i2v_error err;
    i2v_status st = I2V_OK;
    build_progress p = {a.quiet, cli_seconds_now(), cli_seconds_now()};
    if (a.drop) {
        i2v_model_drop_index(m);
    } else {
        st = i2v_model_build_index(m, &a.o, show_progress, &p, &err);
        if (st == I2V_OK && !a.quiet) {
            i2v_index_info info;
            if (i2v_index_describe(m, &info, &err) == I2V_OK)
                fprintf(stderr, "index: %u items, %u layers, M %u, %.1f bytes an item, %.1f s\n",
                        i2v_model_size(m), info.top_layer + 1, info.m,
                        (double)info.bytes / i2v_model_size(m), cli_seconds_now() - p.start);
        }
    }
    cli_output out;
    if (st != I2V_OK || cli_output_open(&out, a.output) != 0) {
        i2v_model_free(m);
        return st != I2V_OK ? cli_fail(&err) : EXIT_RUNTIME;
    }
    st = i2v_model_write(m, out.f, I2V_FORMAT_NATIVE, a.output, &err);
    i2v_model_free(m);
    if (st != I2V_OK) {
        cli_output_abort(&out);
        return cli_fail(&err);
    }
    return cli_output_commit(&out) == 0 ? EXIT_OK : EXIT_RUNTIME;
}
