/* Temporary files that can never be left behind: created in the
 * temporary directory and unlinked at once, so only the descriptor holds
 * them, whatever happens to the process.  And the read/write loops every
 * user of a raw descriptor needs. */
#ifndef I2V_TEMPFILE_H
#define I2V_TEMPFILE_H

#include <stddef.h>
#include <sys/types.h>

#include "item2vec.h"

/* Where temporary files go: `dir` when given and not empty, else $TMPDIR
 * when set and not empty, else /tmp. */
const char *temp_dir(const char *dir);

/* Creates PREFIX-XXXXXX in temp_dir(dir), unlinks it and gives its
 * descriptor in *fd.  `what` names the file in the message ("the corpus
 * spool"): "DIR: cannot create WHAT: reason". */
i2v_status temp_open_unlinked(const char *dir, const char *prefix, const char *what, int *fd,
                              i2v_error *err);

/* write(2) until all n bytes are out, EINTR retried: 0, or -1 with errno
 * set. */
int fd_write_all(int fd, const void *data, size_t n);

/* pwrite(2) of all n bytes at offset, EINTR retried: 0, or -1 with errno
 * set. */
int fd_pwrite_all(int fd, const void *data, size_t n, off_t offset);

/* pread(2) until n bytes or the end of the file, EINTR retried: how many
 * bytes were read, or -1 with errno set. */
ssize_t fd_pread_all(int fd, void *buf, size_t n, off_t offset);

#endif
