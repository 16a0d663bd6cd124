/* A subcommand's options as one table: getopt's tables, the option part of
 * --help and the parsing of training parameters all come from it, so the
 * help can never list an option the parser lacks, nor a default or a range
 * the library does not use. */
#ifndef I2V_CLI_OPTIONS_H
#define I2V_CLI_OPTIONS_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "item2vec.h"

typedef struct cli_option {
    const char *name;   /* long name, without "--" */
    int key;            /* the short option's letter, or a code >= 256 */
    const char *arg;    /* what the value is ("N", "FILE"); NULL for a flag */
    int param;          /* the training parameter (I2V_PARAM_*) the value sets, whose
                           range checks it and whose doc and default the help shows;
                           I2V_PARAM_NONE for other options */
    const char *help;   /* help text; for a parameter, said after its doc line.  NULL
                           hides the option (a spelling kept for word2vec users) */
    const char *shown_default; /* the default as the help states it; NULL: for a
                                  parameter, the library's, else none */
} cli_option;

/* The last entry of a table. */
#define CLI_OPTIONS_END {NULL, 0, NULL, I2V_PARAM_NONE, NULL, NULL}

/* Room for the getopt tables of a table of at most CLI_MAX_OPTIONS options. */
#define CLI_MAX_OPTIONS 48

typedef struct cli_getopt {
    struct option longs[CLI_MAX_OPTIONS + 1];
    char shorts[2 * CLI_MAX_OPTIONS + 2];
} cli_getopt;

/* Fills g from the table (short options in getopt's ':'-first form, so
 * that a missing value is reported, not guessed). */
void cli_getopt_build(const cli_option *options, cli_getopt *g);

/* The entry whose key is `key`, or NULL. */
const cli_option *cli_option_by_key(const cli_option *options, int key);

/* Writes the table as --help lists it: "  -d, --dim N" then the help,
 * wrapped at 79 columns in a column of its own, and "(default ...)". */
void cli_options_help(FILE *out, const cli_option *options);

/* Parses `text` as the value of training parameter `param`, given as
 * option `opt` (for messages): the syntax of its type, then its range as
 * the library checks it.  Sets the field of `params` and returns 0, or
 * prints a usage error and returns -1. */
int cli_parse_param(const char *opt, int param, const char *text, i2v_train_params *params);

#endif
