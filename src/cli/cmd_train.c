/* item2vec train: sequences in, a model file out. */
#include <getopt.h>
#include <string.h>

#include "answers.h"
#include "cli.h"
#include "files.h"
#include "options.h"
#include "progress.h"

static const char train_usage[] =
    "Usage: item2vec train -i FILE -o MODEL [options]\n"
    "Learns item embeddings with skip-gram and negative sampling (word2vec's\n"
    "SGNS), Hogwild on several threads, or with --deterministic the same bytes\n"
    "whatever the thread count.  One sequence per line; items separated by\n"
    "spaces or tabs; context windows never cross a line.\n\n";

static const char train_details[] =
    "\nProgress goes to stderr: a live line on a terminal, else one line per epoch\n"
    "and one every 10 seconds inside a long epoch (ITEM2VEC_PROGRESS_SECONDS=S\n"
    "sets the interval).\n"
    "The model is written to a temporary file beside MODEL and renamed into\n"
    "place, so an error or a signal never leaves a partial model.\n"
    "\nExamples:\n"
    "  item2vec train -i sessions.txt -o model.i2v\n"
    "  item2vec train -i sessions.txt -o model.i2v --dim 64 --window 3 --epochs 20 --ns-exponent 0\n"
    "  item2vec train -i corpus.txt -o vectors.bin --cbow --min-count 5\n"
    "  item2vec train -i new.txt --resume model.i2v -o model.i2v\n";

enum { OPT_FORMAT = 256, OPT_ALPHA, OPT_MIN_ALPHA, OPT_SAMPLE, OPT_NS_EXPONENT, OPT_MIN_COUNT,
       OPT_MAX_VOCAB, OPT_SEED, OPT_TMPDIR, OPT_RESUME, OPT_SUCCESSORS, OPT_CONTEXT, OPT_BLEND,
       OPT_CBOW, OPT_DETERMINISTIC, OPT_KERNEL };

#define NONE I2V_PARAM_NONE
static const cli_option train_options[] = {
    {"input", 'i', "FILE", NONE, "sequences; - reads standard input (spooled once)", NULL},
    {"output", 'o', "MODEL", NONE, ".bin word2vec binary, .txt/.vec word2vec text, anything "
     "else the native format (keeps counts, parameters and output weights)", NULL},
    {"format", OPT_FORMAT, "F", NONE, "bin, text or native, whatever the name says", NULL},
    {"cbow", OPT_CBOW, NULL, I2V_PARAM_CBOW, "CBOW: the mean of an item's context predicts it "
     "(word2vec's -cbow 1, gensim's sg=0), where skip-gram has each context item predict it; "
     "faster per epoch, often weaker for items", "skip-gram"},
    {"dim", 'd', "N", I2V_PARAM_DIM, "--size is the same", NULL},
    {"size", 'd', "N", I2V_PARAM_DIM, NULL, NULL},
    {"window", 'w', "N", I2V_PARAM_WINDOW, "shrunk at random to 1..N per item as in word2vec; "
     "0 = the whole sequence is the context (set-based item2vec; cost grows with the square "
     "of the sequence length)", NULL},
    {"negative", 'n', "N", I2V_PARAM_NEGATIVE, "", NULL},
    {"epochs", 'e', "N", I2V_PARAM_EPOCHS, "--iter is the same", NULL},
    {"iter", 'e', "N", I2V_PARAM_EPOCHS, NULL, NULL},
    {"alpha", OPT_ALPHA, "X", I2V_PARAM_ALPHA, "", NULL},
    {"min-alpha", OPT_MIN_ALPHA, "X", I2V_PARAM_MIN_ALPHA, "the rate falls linearly from alpha "
     "to min-alpha over all epochs", NULL},
    {"sample", OPT_SAMPLE, "X", I2V_PARAM_SAMPLE, "", NULL},
    {"ns-exponent", OPT_NS_EXPONENT, "X", I2V_PARAM_NS_EXPONENT, "", NULL},
    {"min-count", OPT_MIN_COUNT, "N", I2V_PARAM_MIN_COUNT, "", NULL},
    {"max-vocab", OPT_MAX_VOCAB, "N", I2V_PARAM_MAX_VOCAB, "", NULL},
    {"threads", 't', "N", I2V_PARAM_THREADS, "", "online CPUs"},
    {"seed", OPT_SEED, "N", I2V_PARAM_SEED, "with --threads 1 or --deterministic the output is "
     "byte-identical on every run", NULL},
    {"deterministic", OPT_DETERMINISTIC, NULL, I2V_PARAM_DETERMINISTIC, "the model is a "
     "function of the input, the options and --seed only: byte-identical for every --threads "
     "(chunks of sequences train in rounds against the weights at the round's start; their "
     "changes are added in a fixed order)", "Hogwild"},
    {"kernel", OPT_KERNEL, "NAME", NONE, "the training kernel: reference (plain C, the same "
     "instructions on every x86-64 CPU), avx2, avx512 where the CPU has them", "the fastest"},
    {"successors", OPT_SUCCESSORS, "N", I2V_PARAM_SUCCESSORS, "counted in the same pass as the "
     "items and kept in a native model for recommend to blend in", NULL},
    {"context", OPT_CONTEXT, "L", I2V_PARAM_CONTEXT, "recorded in the model as recommend's "
     "default", NULL},
    {"blend", OPT_BLEND, "W", I2V_PARAM_BLEND, "recorded in the model as recommend's default",
     NULL},
    {"resume", OPT_RESUME, "MODEL", NONE, "continue training a native model on new sequences: "
     "its items keep their vectors and output weights, counts are merged, new items reaching "
     "--min-count join; options not given are the model's own (as gensim's "
     "build_vocab(update=True) + train)", NULL},
    {"tmpdir", OPT_TMPDIR, "DIR", NONE, "where the corpus is spooled as ids (default $TMPDIR or "
     "/tmp); about 4 bytes per item occurrence", NULL},
    {"quiet", 'q', NULL, NONE, "no progress on stderr", NULL},
    {"help", 'h', NULL, NONE, "this help", NULL},
    CLI_OPTIONS_END,
};
#undef NONE

typedef struct train_args {
    const char *input, *output, *tmpdir, *resume, *kernel;
    i2v_format format;
    int quiet;
    i2v_train_params given;  /* the training parameters given on the command line, */
    uint32_t given_mask;     /* bit p set for each parameter p given */
} train_args;

static int print_train_help(void)
{
    fputs(train_usage, stdout);
    cli_options_help(stdout, train_options);
    fputs(train_details, stdout);
    return cli_exit_status();
}

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

/* A training parameter's value: parsed and checked against the library's
 * range now, applied once the defaults are known (they may come from the
 * --resume model). */
static int take_param(train_args *a, const cli_option *o, const char *text)
{
    if (!o->arg) { /* a flag: the parameter's 1 */
        i2v_param_set_whole(&a->given, (i2v_param)o->param, 1);
        a->given_mask |= 1u << o->param;
        return 0;
    }
    char opt[64];
    snprintf(opt, sizeof opt, "--%s", i2v_param_describe((i2v_param)o->param)->name);
    if (cli_parse_param(opt, o->param, text, &a->given) != 0)
        return -1;
    a->given_mask |= 1u << o->param;
    return 0;
}

/* One pass over argv.  Returns -1 to go on, or the exit code. */
static int parse_train_args(int argc, char **argv, train_args *a)
{
    cli_getopt g;
    cli_getopt_build(train_options, &g);
    int c, bad = 0;
    opterr = 0;
    while (!bad && (c = cli_getopt_long(argc, argv, g.shorts, g.longs)) != -1) {
        const cli_option *o = cli_option_by_key(train_options, c);
        if (o && o->param != I2V_PARAM_NONE) {
            bad = take_param(a, o, optarg);
            continue;
        }
        switch (c) {
        case 'i': a->input = optarg; break;
        case 'o': a->output = optarg; break;
        case OPT_FORMAT: bad = parse_format(optarg, &a->format); break;
        case OPT_TMPDIR: a->tmpdir = optarg; break;
        case OPT_RESUME: a->resume = optarg; break;
        case OPT_KERNEL: bad = cli_parse_kernel(optarg, &a->kernel); break;
        case 'q': a->quiet = 1; break;
        case 'h': return print_train_help();
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
    if (a->format == I2V_FORMAT_AUTO)
        a->format = strcmp(a->output, "-") == 0 ? I2V_FORMAT_W2V_BIN
                                                  : i2v_format_from_path(a->output);
    return -1;
}

/* The parameters to train with: the defaults (those of the --resume model
 * when there is one, but the threads always this machine's), then what
 * the command line gave.  Returns -1 to go on, or the exit code. */
static int settle_params(const train_args *a, const i2v_model *base, i2v_train_params *p)
{
    if (base)
        i2v_train_params_from_model(base, p);
    else
        i2v_train_params_default(p);
    p->threads = cli_online_cpus() < I2V_MAX_THREADS ? cli_online_cpus() : I2V_MAX_THREADS;
    for (int k = 0; k < I2V_PARAM_COUNT; k++)
        if (a->given_mask >> k & 1)
            i2v_param_copy(p, &a->given, (i2v_param)k);
    /* Successors are kept by the native format only: counting them for
     * a word2vec file would be work for nothing. */
    if (a->format != I2V_FORMAT_NATIVE)
        p->successors = 0;
    i2v_error err;
    if (i2v_train_params_check(p, &err) != I2V_OK)
        return cli_fail(&err);
    return -1;
}

/* Opens and verifies the --resume model.  Returns NULL after printing why
 * on failure. */
static i2v_model *open_base(const char *path)
{
    i2v_error err;
    i2v_model *base = answers_open_model(path);
    if (!base)
        return NULL;
    /* Opening checks the small sections only; every vector is about to be
     * copied and trained on, so damage there is found now, not hours later
     * as a "divergence" or never. */
    if (i2v_model_verify(base, &err) != I2V_OK) {
        cli_fail(&err);
        i2v_model_free(base);
        return NULL;
    }
    if (i2v_model_has_index(base)) {
        cli_error("note: %s: its index is not carried over (the vectors change); "
                  "'item2vec index' builds one for the new model", path);
    }
    return base;
}

/* Reads, trains and writes; returns the exit code. */
static int train_and_write(const train_args *a, const i2v_train_params *params,
                           i2v_trainer *trainer, i2v_model *base, FILE *in)
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
        fprintf(stderr, "%s: %llu sequences, %llu items, %llu distinct counted, %u kept "
                        "(min-count %llu, max-vocab %llu)%s\n",
                in_name, (unsigned long long)i2v_trainer_corpus_sequences(trainer),
                (unsigned long long)i2v_trainer_corpus_items(trainer),
                (unsigned long long)i2v_trainer_corpus_distinct(trainer),
                i2v_vocab_size(i2v_trainer_vocab(trainer)),
                (unsigned long long)params->min_count, (unsigned long long)params->max_vocab,
                base ? ", continuing a model" : "");
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
    int code = parse_train_args(argc, argv, &a);
    if (code < 0) {
        /* --resume M -o M is safe: M is replaced only after success. */
        cli_file in[] = {{"-i", a.input, 0}, {"--resume", a.resume, 1}};
        cli_file out[] = {{"-o", a.output, 0}};
        code = cli_check_files(in, 2, out, 1, strcmp(a.output, "-") == 0);
    }
    i2v_model *base = NULL;
    if (code < 0 && a.resume && !(base = open_base(a.resume)))
        code = EXIT_RUNTIME;
    i2v_train_params params;
    if (code < 0)
        code = settle_params(&a, base, &params);
    i2v_error err;
    i2v_trainer *trainer = NULL;
    FILE *in = NULL;
    if (code < 0 && i2v_trainer_create(&params, a.tmpdir, &trainer, &err) != I2V_OK)
        code = cli_fail(&err);
    if (code < 0 && a.kernel && i2v_trainer_set_kernel(trainer, a.kernel, &err) != I2V_OK)
        code = cli_fail(&err);
    if (code < 0 && !(in = cli_open_input(a.input)))
        code = EXIT_RUNTIME;
    if (code < 0)
        code = train_and_write(&a, &params, trainer, base, in);
    cli_close_input(in);
    i2v_trainer_free(trainer);
    i2v_model_free(base);
    return code;
}
