#include "util/tempfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"

const char *temp_dir(const char *dir)
{
    if (!dir || !*dir)
        dir = getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

i2v_status temp_open_unlinked(const char *dir, const char *prefix, const char *what, int *fd,
                              i2v_error *err)
{
    dir = temp_dir(dir);
    size_t n = strlen(dir) + strlen(prefix) + sizeof "/-XXXXXX";
    char *path = malloc(n);
    if (!path)
        return i2v_fail_nomem(err, "naming a temporary file");
    snprintf(path, n, "%s/%s-XXXXXX", dir, prefix);
    int made = mkstemp(path);
    if (made < 0) {
        i2v_status st = i2v_fail_errno(err, errno, "%s: cannot create %s", dir, what);
        free(path);
        return st;
    }
    unlink(path); /* gone from the directory at once: nothing to clean up */
    free(path);
    *fd = made;
    return I2V_OK;
}

int fd_write_all(int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n > 0) {
        ssize_t done = write(fd, p, n);
        if (done < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += done;
        n -= (size_t)done;
    }
    return 0;
}

int fd_pwrite_all(int fd, const void *data, size_t n, off_t offset)
{
    size_t done = 0;
    while (done < n) {
        ssize_t put = pwrite(fd, (const char *)data + done, n - done, offset + (off_t)done);
        if (put < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        done += (size_t)put;
    }
    return 0;
}

ssize_t fd_pread_all(int fd, void *buf, size_t n, off_t offset)
{
    size_t done = 0;
    while (done < n) {
        ssize_t got = pread(fd, (char *)buf + done, n - done, offset + (off_t)done);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (got == 0)
            break;
        done += (size_t)got;
    }
    return (ssize_t)done;
}
