/* item2vec split: one sequence file in, training and test files out. */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "files.h"

static const char split_help[] =
    "Usage: item2vec split -i FILE --train OUT --test OUT [--ratio R] [--seed N]\n"
    "Splits sequences (one per line) into training and test data for\n"
    "'item2vec eval --next-item'.  Same input and options, same bytes.\n\n"
    "Leave-last-out (the default): a sequence of two or more items goes whole\n"
    "to --test, where its last item is the target, and without that last item\n"
    "to --train.  Models and baselines thus learn every history, never a target.\n\n"
    "Holdout (--ratio R): a sequence of two or more items goes whole to --test\n"
    "with probability R, else whole to --train; the choice is a hash of --seed\n"
    "and the sequence's position (blank lines do not count), so it never\n"
    "depends on other lines.\n\n"
    "One-item sequences always go to --train.  Blank lines are dropped; items\n"
    "are written separated by single spaces.\n\n"
    "  -i, --input FILE    sequences; - for standard input\n"
    "      --train OUT     training sequences\n"
    "      --test OUT      test sequences\n"
    "      --ratio R       hold out whole sequences with probability R, 0 <= R < 1\n"
    "                      (default 0: leave-last-out)\n"
    "      --seed N        chooses the held-out sequences (default 1)\n"
    "  -q, --quiet         no summary on stderr\n"
    "  -h, --help          this help\n\n"
    "Each output is written to a temporary file beside it and renamed into\n"
    "place once both are complete; - writes one of them to standard output.\n"
    "\nExamples:\n"
    "  item2vec split -i sessions.txt --train train.txt --test test.txt\n"
    "  item2vec split -i sessions.txt --train train.txt --test test.txt --ratio 0.1\n";

enum { OPT_TRAIN = 256, OPT_TEST, OPT_RATIO, OPT_SEED };

typedef struct split_args {
    const char *input, *train, *test;
    i2v_split_options options;
    int quiet;
} split_args;

/* Returns -1 to go on, or the exit code. */
static int parse_split_args(int argc, char **argv, split_args *a)
{
    static const struct option options[] = {
        {"input", required_argument, NULL, 'i'},
        {"train", required_argument, NULL, OPT_TRAIN},
        {"test", required_argument, NULL, OPT_TEST},
        {"ratio", required_argument, NULL, OPT_RATIO},
        {"seed", required_argument, NULL, OPT_SEED},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, bad = 0;
    opterr = 0;
    while (!bad && (c = cli_getopt_long(argc, argv, ":i:qh", options)) != -1) {
        switch (c) {
        case 'i': a->input = optarg; break;
        case OPT_TRAIN: a->train = optarg; break;
        case OPT_TEST: a->test = optarg; break;
        case OPT_RATIO:
            bad = cli_parse_double("--ratio", optarg, 0, 0.999999, &a->options.test_ratio);
            break;
        case OPT_SEED:
            bad = cli_parse_u64("--seed", optarg, 0, UINT64_MAX, &a->options.seed);
            break;
        case 'q': a->quiet = 1; break;
        case 'h':
            return cli_print_help(split_help);
        default: return cli_bad_option(argv);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!a->input)
        return cli_usage_error("-i FILE is required (- for standard input)");
    if (!a->train || !a->test)
        return cli_usage_error("--train OUT and --test OUT are both required");
    if (strcmp(a->train, a->test) == 0)
        return cli_usage_error("--train and --test name the same file '%s'", a->train);
    cli_file in[] = {{"-i", a->input, 0}};
    cli_file out[] = {{"--train", a->train, 0}, {"--test", a->test, 0}};
    return cli_check_files(in, 1, out, 2, !strcmp(a->train, "-") || !strcmp(a->test, "-"));
}

static void print_summary(const split_args *a, const i2v_split_stats *s)
{
    fprintf(stderr, "%s: %llu sequences (%llu of one item): %llu training lines, "
            "%llu test lines (%s)\n", strcmp(a->input, "-") ? a->input : "standard input",
            (unsigned long long)s->sequences, (unsigned long long)s->single_item,
            (unsigned long long)s->train_lines, (unsigned long long)s->test_lines,
            a->options.test_ratio > 0 ? "holdout" : "leave-last-out");
}

int cmd_split(int argc, char **argv)
{
    split_args a = {0};
    a.options.seed = 1;
    int code = parse_split_args(argc, argv, &a);
    if (code >= 0)
        return code;
    FILE *in = cli_open_input(a.input);
    if (!in)
        return EXIT_RUNTIME;
    cli_output train, test;
    if (cli_output_open(&train, a.train) != 0) {
        cli_close_input(in);
        return EXIT_RUNTIME;
    }
    if (cli_output_open(&test, a.test) != 0) {
        cli_output_abort(&train);
        cli_close_input(in);
        return EXIT_RUNTIME;
    }
    i2v_split_stats stats;
    i2v_error err;
    i2v_status st = i2v_split(in, strcmp(a.input, "-") ? a.input : "standard input", train.f,
                              a.train, test.f, a.test, &a.options, &stats, &err);
    cli_close_input(in);
    if (st != I2V_OK) {
        cli_output_abort(&train);
        cli_output_abort(&test);
        return cli_fail(&err);
    }
    /* Both written out before either replaces anything: a failure leaves
     * the previous train and test files as they were. */
    cli_output *outs[] = {&train, &test};
    if (cli_output_commit_all(outs, 2) != 0)
        return EXIT_RUNTIME;
    if (!a.quiet)
        print_summary(&a, &stats);
    return EXIT_OK;
}
