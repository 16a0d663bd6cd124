/* item2vec convert: a model from one format into another. */
#include <getopt.h>
#include <string.h>

#include "answers.h"
#include "cli.h"
#include "files.h"

static const char convert_help[] =
    "Usage: item2vec convert -m MODEL -o OUT [--format F]\n"
    "Writes a model in another format.  The input's format is recognised by\n"
    "its content; the output's by OUT's name (.bin word2vec binary, .txt or\n"
    ".vec word2vec text, anything else native) or by --format.\n"
    "A native input is verified in full first: every checksum, every value.\n"
    "The word2vec formats keep items and input vectors only: item counts,\n"
    "training parameters, output weights, successors and the index are dropped,\n"
    "and a note on stderr says so.  Converting a word2vec file to native gives a model without\n"
    "counts or output weights (queries need neither).\n\n"
    "  -m, --model MODEL    the model to read\n"
    "  -o, --output OUT     where to write; - is standard output (word2vec\n"
    "                       binary unless --format says otherwise)\n"
    "      --format F       bin, text or native, whatever OUT's name says\n"
    "  -h, --help           this help\n\n"
    "OUT is written to a temporary file beside it and renamed into place, so\n"
    "an error or a signal never leaves a partial model.\n"
    "\nExamples:\n"
    "  item2vec convert -m model.i2v -o model.bin\n"
    "  item2vec convert -m vectors.txt -o vectors.i2v\n";

enum { OPT_FORMAT = 256 };

static int parse_format(const char *text, i2v_format *out)
{
    if (strcmp(text, "bin") == 0 || strcmp(text, "binary") == 0)
        *out = I2V_FORMAT_W2V_BIN;
    else if (strcmp(text, "text") == 0 || strcmp(text, "txt") == 0 || strcmp(text, "vec") == 0)
        *out = I2V_FORMAT_W2V_TEXT;
    else if (strcmp(text, "native") == 0 || strcmp(text, "i2v") == 0)
        *out = I2V_FORMAT_NATIVE;
    else
        return cli_usage_error("--format: '%s' is not one of bin, text, native", text);
    return 0;
}

/* Returns -1 to go on, or the exit code. */
static int parse_convert_args(int argc, char **argv, const char **model, const char **output,
                              i2v_format *format)
{
    static const struct option options[] = {
        {"model", required_argument, NULL, 'm'},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, bad = 0;
    opterr = 0;
    while (!bad && (c = cli_getopt_long(argc, argv, ":m:o:h", options)) != -1) {
        switch (c) {
        case 'm': *model = optarg; break;
        case 'o': *output = optarg; break;
        case OPT_FORMAT: bad = parse_format(optarg, format) != 0; break;
        case 'h':
            return cli_print_help(convert_help);
        default: return cli_bad_option(argv);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!*model)
        return cli_usage_error("-m MODEL is required");
    if (!*output)
        return cli_usage_error("-o OUT is required");
    if (*format == I2V_FORMAT_AUTO)
        *format = strcmp(*output, "-") == 0 ? I2V_FORMAT_W2V_BIN : i2v_format_from_path(*output);
    return -1;
}

/* Says what a word2vec output loses, when the model has it. */
static void note_dropped(const i2v_model *m, const char *output, i2v_format format)
{
    if (format == I2V_FORMAT_NATIVE || i2v_model_size(m) == 0)
        return;
    const char *parts[5];
    int n = 0;
    if (i2v_model_has_counts(m))
        parts[n++] = "item counts";
    if (i2v_model_params(m))
        parts[n++] = "training parameters";
    if (i2v_model_has_output(m))
        parts[n++] = "output weights";
    if (i2v_model_has_successors(m))
        parts[n++] = "successors";
    if (i2v_model_has_index(m))
        parts[n++] = "index";
    if (n == 0)
        return;
    char list[128] = "";
    for (int i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                 i == 0 ? "" : i + 1 == n ? " or " : ", ", parts[i]);
    cli_error("note: %s is %s, which keeps no %s; they are dropped", output,
              i2v_format_name(format), list);
}

int cmd_convert(int argc, char **argv)
{
    const char *model = NULL, *output = NULL;
    i2v_format format = I2V_FORMAT_AUTO;
    int code = parse_convert_args(argc, argv, &model, &output, &format);
    if (code >= 0)
        return code;
    cli_file inputs[] = {{"-m", model, 0}};
    cli_file outputs[] = {{"-o", output, 0}};
    if ((code = cli_check_files(inputs, 1, outputs, 1, strcmp(output, "-") == 0)) >= 0)
        return code;
    i2v_model *m = answers_open_model(model);
    if (!m)
        return EXIT_RUNTIME;
    i2v_error err;
    if (i2v_model_verify(m, &err) != I2V_OK) {
        i2v_model_free(m);
        return cli_fail(&err);
    }
    note_dropped(m, output, format);
    cli_output out;
    if (cli_output_open(&out, output) != 0) {
        i2v_model_free(m);
        return EXIT_RUNTIME;
    }
    i2v_status st = i2v_model_write(m, out.f, format, output, &err);
    i2v_model_free(m);
    if (st != I2V_OK) {
        cli_output_abort(&out);
        return cli_fail(&err);
    }
    return cli_output_commit(&out) == 0 ? EXIT_OK : EXIT_RUNTIME;
}
