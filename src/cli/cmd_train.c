/* item2vec train: sequences in, a model file out. */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "progress.h"

static const char train_help[] =
    "Usage: item2vec train -i FILE -o MODEL [options]\n"
    "Learns item embeddings with skip-gram and negative sampling (word2vec's\n"
    "SGNS), Hogwild on several threads.  One sequence per line; items separated\n"
    "by spaces or tabs; context windows never cross a line.\n\n"
    "  -i, --input FILE       sequences; - reads standard input (spooled once)\n"
    "  -o, --output MODEL     .bin word2vec binary, .txt/.vec word2vec text,\n"
    "                         anything else the native format (keeps counts,\n"
    "                         parameters and output weights)\n"
    "      --format F         bin, text or native, whatever the name says\n"
    "  -d, --dim N            dimensions (default 100)\n"
    "  -w, --window N         context reach, shrunk at random to 1..N per item as\n"
    "                         in word2vec (default 5); 0 = the whole sequence is\n"
    "                         the context (set-based item2vec; cost grows with the\n"
    "                         square of the sequence length)\n"
    "  -n, --negative N       negatives per positive pair (default 5)\n"
    "  -e, --epochs N         passes over the data (default 5); --iter is the same\n"
    "      --alpha X          starting learning rate (default 0.025)\n"
    "      --min-alpha X      final learning rate; the rate falls linearly from\n"
    "                         alpha to min-alpha over all epochs (default 0.0001)\n"
    "      --sample X         down-sampling threshold of frequent items, word2vec's\n"
    "                         formula; 0 disables (default 1e-3)\n"
    "      --ns-exponent X    negatives drawn from count^X (default 0.75; 0 is\n"
    "                         uniform, negative values favour rare items)\n"
    "      --min-count N      ignore items seen fewer times (default 5)\n"
    "      --max-vocab N      keep only the N most frequent items (default 0: all)\n"
    "  -t, --threads N        worker threads (default: online CPUs)\n"
    "      --seed N           random seed (default 1); with --threads 1 the output\n"
    "                         is byte-identical on every run\n"
    "      --resume MODEL     continue training a native model on new sequences:\n"
    "                         its items keep their vectors and output weights,\n"
    "                         counts are merged, new items reaching --min-count\n"
    "                         join; options not given are the model's own (as\n"
    "                         gensim's build_vocab(update=True) + train)\n"
    "      --tmpdir DIR       where the corpus is spooled as ids (default $TMPDIR\n"
    "                         or /tmp); about 4 bytes per item occurrence\n"
    "  -q, --quiet            no progress on stderr\n"
    "  -h, --help             this help\n\n"
    "Progress goes to stderr: a live line on a terminal, else one line per epoch.\n"
    "The model is written to a temporary file beside MODEL and renamed into\n"
    "place, so an error or a signal never leaves a partial model.\n";

enum {
    OPT_FORMAT = 256, OPT_ALPHA, OPT_MIN_ALPHA, OPT_SAMPLE, OPT_NS_EXPONENT, OPT_MIN_COUNT,
    OPT_MAX_VOCAB, OPT_SEED, OPT_TMPDIR, OPT_RESUME
};

typedef struct train_args {
    const char *input, *output, *tmpdir, *resume;
    i2v_format format;
    int quiet;
    i2v_train_params params;
} train_args;

static int parse_format(const char *text, i2v_format *out)
{
    if (strcmp(text, "bin") == 0 || strcmp(text, "binary") == 0)
        *out = I2V_FORMAT_W2V_BIN;
    else if (strcmp(text, "text") == 0 || strcmp(text, "txt") == 0 || strcmp(text, "vec") == 0)
        *out = I2V_FORMAT_W2V_TEXT;
    else if (strcmp(text, "native") == 0 || strcmp(text, "i2v") == 0)
        *out = I2V_FORMAT_NATIVE;
    else
        return cli_usage_error("--format: '%s' is not one of bin, text, native", text), -1;
    return 0;
}

/* Returns -1 to go on, or the exit code. */
static const struct option train_options[] = {
        {"input", required_argument, NULL, 'i'},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"dim", required_argument, NULL, 'd'},
        {"size", required_argument, NULL, 'd'},
        {"window", required_argument, NULL, 'w'},
        {"negative", required_argument, NULL, 'n'},
        {"epochs", required_argument, NULL, 'e'},
        {"iter", required_argument, NULL, 'e'},
        {"alpha", required_argument, NULL, OPT_ALPHA},
        {"min-alpha", required_argument, NULL, OPT_MIN_ALPHA},
        {"sample", required_argument, NULL, OPT_SAMPLE},
        {"ns-exponent", required_argument, NULL, OPT_NS_EXPONENT},
        {"min-count", required_argument, NULL, OPT_MIN_COUNT},
        {"max-vocab", required_argument, NULL, OPT_MAX_VOCAB},
        {"threads", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, OPT_SEED},
        {"tmpdir", required_argument, NULL, OPT_TMPDIR},
        {"resume", required_argument, NULL, OPT_RESUME},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
};
static const char train_short_options[] = ":i:o:d:w:n:e:t:qh";

/* The --resume model, found before the other options are parsed, because
 * its training parameters are the defaults they override. */
static const char *find_resume(int argc, char **argv)
{
    const char *resume = NULL;
    int c;
    opterr = 0;
    optind = 0; /* GNU: restart scanning from argv[1] */
    while ((c = getopt_long(argc, argv, train_short_options, train_options, NULL)) != -1)
        if (c == OPT_RESUME)
            resume = optarg;
    optind = 0;
    return resume;
}

/* Returns -1 to go on, or the exit code. */
static int parse_train_args(int argc, char **argv, train_args *a)
{
    i2v_train_params *p = &a->params;
    int c, bad = 0;
    opterr = 0;
    while (!bad && (c = getopt_long(argc, argv, train_short_options, train_options, NULL)) != -1) {
        switch (c) {
        case 'i': a->input = optarg; break;
        case 'o': a->output = optarg; break;
        case OPT_FORMAT: bad = parse_format(optarg, &a->format); break;
        case 'd': bad = cli_parse_u32("--dim", optarg, 1, I2V_MAX_DIM, &p->dim); break;
        case 'w': bad = cli_parse_u32("--window", optarg, 0, I2V_MAX_WINDOW, &p->window); break;
        case 'n':
            bad = cli_parse_u32("--negative", optarg, 1, I2V_MAX_NEGATIVE, &p->negative);
            break;
        case 'e': bad = cli_parse_u32("--epochs", optarg, 1, I2V_MAX_EPOCHS, &p->epochs); break;
        case 't':
            bad = cli_parse_u32("--threads", optarg, 1, I2V_MAX_THREADS, &p->threads);
            break;
        case OPT_ALPHA: bad = cli_parse_double("--alpha", optarg, 1e-12, 1e6, &p->alpha); break;
        case OPT_MIN_ALPHA:
            bad = cli_parse_double("--min-alpha", optarg, 0, 1e6, &p->min_alpha);
            break;
        case OPT_SAMPLE: bad = cli_parse_double("--sample", optarg, 0, 1e6, &p->sample); break;
        case OPT_NS_EXPONENT:
            bad = cli_parse_double("--ns-exponent", optarg, -100, 100, &p->ns_exponent);
            break;
        case OPT_MIN_COUNT:
            bad = cli_parse_u64("--min-count", optarg, 1, UINT64_MAX, &p->min_count);
            break;
        case OPT_MAX_VOCAB:
            bad = cli_parse_u64("--max-vocab", optarg, 0, I2V_MAX_ITEMS, &p->max_vocab);
            break;
        case OPT_SEED: bad = cli_parse_u64("--seed", optarg, 0, UINT64_MAX, &p->seed); break;
        case OPT_TMPDIR: a->tmpdir = optarg; break;
        case OPT_RESUME: a->resume = optarg; break;
        case 'q': a->quiet = 1; break;
        case 'h':
            return cli_print_help(train_help);
        default: return cli_bad_option(argv);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!a->input)
        return cli_usage_error("-i FILE is required (- for standard input)");
    if (!a->output)
        return cli_usage_error("-o MODEL is required");
    if (p->min_alpha > p->alpha)
        return cli_usage_error("--min-alpha (%g) must not exceed --alpha (%g)", p->min_alpha,
                               p->alpha);
    if (a->format == I2V_FORMAT_AUTO)
        a->format = strcmp(a->output, "-") == 0 ? I2V_FORMAT_W2V_BIN
                                                  : i2v_format_from_path(a->output);
    return -1;
}

/* Opens the --resume model; its parameters (all but threads) become the
 * defaults.  Returns NULL after printing why on failure. */
static i2v_model *open_base(const char *path, i2v_train_params *defaults)
{
    i2v_model *base = NULL;
    i2v_error err;
    if (i2v_model_open(path, I2V_FORMAT_AUTO, &base, &err) != I2V_OK) {
        cli_fail(&err);
        return NULL;
    }
    /* Opening checks the small sections only; every vector is about to be
     * copied and trained on, so damage there is found now, not hours later
     * as a "divergence" or never. */
    if (i2v_model_verify(base, &err) != I2V_OK) {
        cli_fail(&err);
        i2v_model_free(base);
        return NULL;
    }
    const i2v_train_params *p = i2v_model_params(base);
    uint32_t threads = defaults->threads;
    if (p)
        *defaults = *p;
    defaults->dim = i2v_model_dim(base);
    defaults->threads = threads;
    return base;
}

/* Reads, trains and writes; returns the exit code. */
static int train_and_write(const train_args *a, i2v_trainer *trainer, i2v_model *base, FILE *in)
{
    i2v_error err;
    i2v_model *model = NULL;
    /* Open the output before training: a bad path fails in a second, not
     * after an hour of work. */
    cli_output out;
    if (cli_output_open(&out, a->output) != 0)
        return EXIT_RUNTIME;
    const char *in_name = strcmp(a->input, "-") ? a->input : "standard input";
    i2v_status st = base ? i2v_trainer_resume(trainer, base, &err) : I2V_OK;
    if (st == I2V_OK)
        st = i2v_trainer_read_corpus(trainer, in, in_name, &err);
    if (st == I2V_OK && !a->quiet)
        fprintf(stderr, "%s: %llu sequences, %llu items, %u distinct kept (min-count %llu)%s\n",
                in_name, (unsigned long long)i2v_trainer_corpus_sequences(trainer),
                (unsigned long long)i2v_trainer_corpus_items(trainer),
                i2v_vocab_size(i2v_trainer_vocab(trainer)),
                (unsigned long long)a->params.min_count, base ? ", continuing a model" : "");
    progress_display display;
    progress_display_init(&display);
    if (st == I2V_OK)
        st = i2v_trainer_run(trainer, a->quiet ? NULL : progress_display_update, &display, &err);
    progress_display_finish(&display);
    if (st == I2V_OK)
        st = i2v_trainer_take_model(trainer, &model, &err);
    if (st == I2V_OK)
        st = i2v_model_write(model, out.f, a->format, a->output, &err);
    i2v_model_free(model);
    if (st != I2V_OK) {
        cli_output_abort(&out);
        return cli_fail(&err);
    }
    return cli_output_commit(&out) == 0 ? EXIT_OK : EXIT_RUNTIME;
}

int cmd_train(int argc, char **argv)
{
    train_args a = {0};
    i2v_train_params_default(&a.params);
    a.params.threads = cli_online_cpus();
    if (a.params.threads > I2V_MAX_THREADS)
        a.params.threads = I2V_MAX_THREADS;
    const char *resume = find_resume(argc, argv);
    i2v_model *base = NULL;
    if (resume && !(base = open_base(resume, &a.params)))
        return EXIT_RUNTIME;
    int code = parse_train_args(argc, argv, &a);
    i2v_error err;
    i2v_trainer *trainer = NULL;
    FILE *in = NULL;
    if (code < 0 && i2v_trainer_create(&a.params, a.tmpdir, &trainer, &err) != I2V_OK)
        code = cli_fail(&err);
    if (code < 0 && !(in = cli_open_input(a.input)))
        code = EXIT_RUNTIME;
    if (code < 0)
        code = train_and_write(&a, trainer, base, in);
    cli_close_input(in);
    i2v_trainer_free(trainer);
    i2v_model_free(base);
    return code;
}
