/* Inputs and outputs compared by what they are, not by their names; and
 * the standard descriptors kept open. */
#ifndef I2V_CLI_FILES_H
#define I2V_CLI_FILES_H

#include <stddef.h>

typedef struct cli_file {
    const char *option;       /* "-i", "--train": for the message */
    const char *path;         /* NULL: not given; "-": a standard stream */
    int replaced_on_success;  /* an input the command may replace, after success only
                                 (train --resume M -o M) */
} cli_file;

/* Before any work: no output may be one of the inputs (by device and
 * inode, through "./", symlinks and hard links, a file not there yet by
 * its directory and name), no two outputs one file, and, when the command
 * writes its results to standard output, standard output (a regular file)
 * no input; and at most one input "-" (standard input is read once).
 * Devices and FIFOs are never compared.  Returns -1 to go on,
 * or EXIT_USAGE after a message naming both. */
int cli_check_files(const cli_file *inputs, size_t n_in, const cli_file *outputs, size_t n_out,
                    int results_on_stdout);

/* Descriptors 0, 1 and 2 that are closed are opened on /dev/null, so that
 * no file the program opens takes their numbers (a model written where
 * diagnostics go).  Call first thing in main. */
void cli_reopen_standard_descriptors(void);

#endif
