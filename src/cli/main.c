/* item2vec: one binary, one subcommand per file in src/cli/. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "files.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"vocab", cmd_vocab, "count items: TSV item<TAB>count, most frequent first"},
    {"train", cmd_train, "learn embeddings from sequences (skip-gram, negative sampling)"},
    {"similar", cmd_similar, "nearest items by cosine: TSV query<TAB>rank<TAB>item<TAB>score"},
    {"recommend", cmd_recommend, "next items for each history: the model's prediction with successors"},
    {"tune", cmd_tune, "find the training settings that win on your own data, within a budget"},
    {"analogy", cmd_analogy, "A is to B as C is to ?  (3CosAdd, or 3CosMul)"},
    {"eval", cmd_eval, "analogy accuracy, pair correlation, next-item HR/MRR/NDCG, dimension"},
    {"index", cmd_index, "add a nearest-neighbour index (HNSW) to a model: similar in microseconds"},
    {"convert", cmd_convert, "a model into another format (native, word2vec binary/text)"},
    {"info", cmd_info, "what a model holds; --verify checks the whole file"},
    {"sessions", cmd_sessions, "interaction logs (CSV/TSV) to sequences, one session per line"},
    {"split", cmd_split, "split sequences into training and test data (leave-last-out)"},
    {"coldstart", cmd_coldstart, "place items known only by their features (cold start)"},
    {"plot", cmd_plot, "2-D map of the embedding space (t-SNE or PCA) as SVG"},
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: item2vec COMMAND [OPTIONS]\n"
            "Item embeddings from sequences of item ids (sessions, baskets, playlists,\n"
            "sentences), and answers to \"what is similar to this item?\".\n\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n'item2vec COMMAND --help' or 'item2vec help COMMAND' describes a command.\n"
            "--version prints the version.\n"
            "Exit codes: 0 success, 1 runtime failure (I/O, bad data, unknown item,\n"
            "divergence), 2 usage error.\n\n"
            "Examples:\n"
            "  item2vec sessions -i events.csv --user user_id --item item_id --time ts > sessions.txt\n"
            "  item2vec train -i sessions.txt -o model.i2v\n"
            "  item2vec similar -m model.i2v item_1\n"
            "  item2vec recommend -m model.i2v < histories.txt\n");
}

/* Not a command: the closest ones (as git does), else the list. */
static int unknown_command(const char *name)
{
    fprintf(stderr, "item2vec: '%s' is not a command.\n", name);
    int hinted = 0;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (cli_edit_distance(name, commands[i].name) <= 2 ||
            (strlen(name) >= 3 && strncmp(commands[i].name, name, strlen(name)) == 0)) {
            fprintf(stderr, "%s  %s\n", hinted ? "" : "\nDid you mean\n",
                    commands[i].name);
            hinted = 1;
        }
    if (hinted)
        fputs("\nSee 'item2vec --help' for all of them.\n", stderr);
    else
        usage(stderr);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    cli_reopen_standard_descriptors();
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "help") == 0 && argc >= 3) { /* item2vec help CMD: CMD --help */
        char *help_argv[] = {argv[2], "--help", NULL};
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(argv[2], commands[i].name) == 0) {
                cli_command = commands[i].name;
                return commands[i].run(2, help_argv);
            }
        name = argv[2];
        return unknown_command(name);
    }
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return cli_exit_status();
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("item2vec %s\n", I2V_VERSION_STRING);
        return cli_exit_status();
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(name, commands[i].name) == 0) {
            cli_command = commands[i].name;
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    return unknown_command(name);
}
