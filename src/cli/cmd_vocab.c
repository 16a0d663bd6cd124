/* item2vec vocab: item counts as TSV, most frequent first. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "files.h"
#include "options.h"

static const char vocab_help[] =
    "Usage: item2vec vocab -i FILE [--min-count N] [--max-vocab N]\n"
    "Counts the items of a sequence file (one sequence per line, items separated\n"
    "by spaces or tabs) and prints item<TAB>count, most frequent first, ties by\n"
    "item bytes.  Counts are exact.  An input with no item, or with no item\n"
    "reaching --min-count, is an error (exit 1).\n\n"
    "  -i, --input FILE    sequences to count; - for standard input\n"
    "      --min-count N   only items seen at least N times (default 1)\n"
    "      --max-vocab N   at most N items, the most frequent (default 0: all)\n"
    "  -h, --help          this help\n"
    "\nExamples:\n"
    "  item2vec vocab -i sessions.txt | head\n"
    "  item2vec vocab -i sessions.txt --min-count 5 > counts.tsv\n";

/* Long-only options: codes past any character, so that getopt's optopt
 * never passes for a short option they do not have. */
enum { OPT_MIN_COUNT = 256, OPT_MAX_VOCAB };

int cmd_vocab(int argc, char **argv)
{
    static const struct option options[] = {
        {"input", required_argument, NULL, 'i'},
        {"min-count", required_argument, NULL, OPT_MIN_COUNT},
        {"max-vocab", required_argument, NULL, OPT_MAX_VOCAB},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *input = NULL;
    /* The training parameters' ranges, but every item kept by default. */
    i2v_train_params cut;
    i2v_train_params_default(&cut);
    cut.min_count = 1;
    cut.max_vocab = 0;
    int c;
    opterr = 0;
    while ((c = cli_getopt_long(argc, argv, ":i:h", options)) != -1) {
        switch (c) {
        case 'i': input = optarg; break;
        case OPT_MIN_COUNT:
            if (cli_parse_param("--min-count", I2V_PARAM_MIN_COUNT, optarg, &cut) != 0)
                return EXIT_USAGE;
            break;
        case OPT_MAX_VOCAB:
            if (cli_parse_param("--max-vocab", I2V_PARAM_MAX_VOCAB, optarg, &cut) != 0)
                return EXIT_USAGE;
            break;
        case 'h':
            return cli_print_help(vocab_help);
        default: return cli_bad_option(argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!input)
        return cli_usage_error("-i FILE is required (- for standard input)");
    cli_file inputs[] = {{"-i", input, 0}};
    int code = cli_check_files(inputs, 1, NULL, 0, 1);
    if (code >= 0)
        return code;

    FILE *in = cli_open_input(input);
    if (!in)
        return EXIT_RUNTIME;
    i2v_error err;
    i2v_vocab *vocab = NULL;
    i2v_status st = i2v_vocab_create(&vocab, &err);
    if (st == I2V_OK)
        st = i2v_vocab_count_stream(vocab, in, strcmp(input, "-") ? input : "standard input", &err);
    cli_close_input(in);
    if (st == I2V_OK && i2v_vocab_total(vocab) == 0) {
        cli_error("%s: no items (the input is empty or blank)", input);
        i2v_vocab_free(vocab);
        return EXIT_RUNTIME;
    }
    if (st == I2V_OK)
        st = i2v_vocab_finalize(vocab, cut.min_count, cut.max_vocab, NULL, &err);
    if (st != I2V_OK) {
        i2v_vocab_free(vocab);
        return cli_fail(&err);
    }
    uint32_t n = i2v_vocab_size(vocab);
    for (uint32_t i = 0; i < n; i++) {
        size_t len;
        const char *item = i2v_vocab_item(vocab, i, &len);
        fwrite(item, 1, len, stdout);
        printf("\t%llu\n", (unsigned long long)i2v_vocab_count(vocab, i));
    }
    i2v_vocab_free(vocab);
    return cli_exit_status();
}
