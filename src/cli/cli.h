/* What every subcommand shares: exit codes, messages, option values,
 * opening inputs and writing outputs safely. */
#ifndef I2V_CLI_H
#define I2V_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "item2vec.h"

enum {
    EXIT_OK = 0,
    EXIT_RUNTIME = 1, /* I/O, bad data, unknown item, divergence */
    EXIT_USAGE = 2    /* unknown option, value out of range */
};

/* The subcommand being run, for messages ("item2vec train: ..."). */
extern const char *cli_command;

/* "item2vec CMD: message\n" on stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* A library error: prints its message, returns the exit code it maps to
 * (EXIT_USAGE for I2V_ERR_INVALID, else EXIT_RUNTIME). */
int cli_fail(const i2v_error *err);

/* A usage error: prints the message and a pointer to --help; returns
 * EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* getopt_long, remembering the long options for cli_bad_option. */
struct option;
int cli_getopt_long(int argc, char **argv, const char *shorts, const struct option *longs);

/* Reports getopt's '?' or ':' for the options of the last cli_getopt_long:
 * a known option without its value, or an unknown one with the closest
 * known option as a hint ("did you mean '--top'?").  Returns EXIT_USAGE. */
int cli_bad_option(char **argv);

/* Levenshtein distance of two short strings (-1 past 63 bytes). */
size_t cli_edit_distance(const char *a, const char *b);

/* Strict number parsing for option `opt`: the whole text must be a number
 * within [min, max].  Prints a usage error and returns -1 otherwise. */
int cli_parse_u64(const char *opt, const char *text, uint64_t min, uint64_t max, uint64_t *out);
int cli_parse_u32(const char *opt, const char *text, uint32_t min, uint32_t max, uint32_t *out);
int cli_parse_double(const char *opt, const char *text, double min, double max, double *out);

/* --kernel NAME: one of the training kernels this CPU runs (the usage
 * error names them).  Returns -1 after printing otherwise. */
int cli_parse_kernel(const char *text, const char **out);

/* Opens an input file ("-" is standard input).  Refuses directories.
 * Prints the reason and returns NULL on failure. */
FILE *cli_open_input(const char *path);
void cli_close_input(FILE *f);

/* The whole of a file ("-": standard input) in memory (malloc'ed, *len
 * bytes); prints why and returns NULL on failure. */
char *cli_read_whole(const char *path, size_t *len);

/* An output written safely: a regular file is written to a temporary name
 * in the same directory and renamed into place on commit, so a failure or
 * a signal never leaves a partial file and never harms the file that was
 * there; "-" (standard output), FIFOs and devices are written directly. */
typedef struct cli_output {
    char *path;     /* as given */
    char *tmp;      /* temporary name, or NULL when written directly */
    FILE *f;
    int is_stdout;
    int slot;       /* signal-cleanup slot of tmp, or -1 */
} cli_output;

/* Returns 0, or prints the reason and returns -1. */
int cli_output_open(cli_output *o, const char *path);
/* Flushes, syncs and renames into place; returns 0, or prints and returns -1
 * (the temporary file is then removed). */
int cli_output_commit(cli_output *o);
/* Commits several outputs together: all are written out before any is
 * renamed into place, so a failure leaves every previous file as it was. */
int cli_output_commit_all(cli_output **outs, size_t n);
/* Discards the output: removes the temporary file.  Safe to call twice. */
void cli_output_abort(cli_output *o);

/* SIGINT/SIGTERM/SIGHUP remove the pending temporary outputs, then end
 * the process as the signal would.  cli_output_open installs it. */
void cli_install_signal_cleanup(void);

/* Writes stdout out; on failure (a full disk, a closed pipe) prints the
 * reason (once, however often it is called) and returns -1. */
int cli_flush_stdout(void);

/* The exit code of a command whose results are all on stdout: EXIT_OK, or
 * EXIT_RUNTIME when they could not all be written. */
int cli_exit_status(void);

/* Prints a command's --help text; returns cli_exit_status(). */
int cli_print_help(const char *text);

/* Writes len bytes of text as a JSON string: quotes, backslashes and
 * control characters escaped, and each byte that is not part of valid
 * UTF-8 replaced by U+FFFD, so the output is always valid JSON. */
void cli_json_string(FILE *out, const char *text, size_t len);

/* Number of online CPUs (at least 1). */
uint32_t cli_online_cpus(void);

/* Seconds on the monotonic clock, for durations. */
double cli_seconds_now(void);

/* Subcommands: each parses its own argv (argv[0] is the command name). */
int cmd_vocab(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_similar(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_analogy(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_sessions(int argc, char **argv);
int cmd_split(int argc, char **argv);
int cmd_coldstart(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_recommend(int argc, char **argv);
int cmd_tune(int argc, char **argv);

#endif
