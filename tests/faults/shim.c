/* Fault injection for `make check-faults`: linked into a test build of the
 * item2vec binary with -Wl,--wrap for each call below, it counts the calls
 * the program makes (not those inside the C library) and makes the Nth
 * fail, N from ITEM2VEC_FAULT_AT, as the call fails for real: NULL or -1
 * with errno ENOMEM for allocations and mmap, EIO for reads, opens, fsync
 * and ftruncate, ENOSPC for writes and rename.  Output to stderr is never failed: the message
 * about the failure must get out.  At exit the number of calls counted is
 * written to the file ITEM2VEC_FAULT_COUNT names, so the driver knows when
 * N has passed the last call.  A test tool: not part of the product. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

static unsigned long calls, fail_at;
static int armed = -1;

int __real_open(const char *path, int flags, ...);
ssize_t __real_write(int fd, const void *buf, size_t n);

/* The shim's own calls go to the real functions: they are not counted. */
static void report_count(void)
{
    const char *path = getenv("ITEM2VEC_FAULT_COUNT");
    if (!path)
        return;
    int fd = __real_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%lu\n", calls);
    if (n > 0 && __real_write(fd, buf, (size_t)n) < 0)
        n = 0;
    close(fd);
}

/* Whether this call is the one to fail. */
static int fail_now(void)
{
    if (armed < 0) {
        const char *at = getenv("ITEM2VEC_FAULT_AT");
        fail_at = at ? strtoul(at, NULL, 10) : 0;
        armed = 1;
        atexit(report_count);
    }
    return ++calls == fail_at;
}

#define WRAP(ret, name, params) \
    ret __real_##name params;  \
    ret __wrap_##name params;  \
    ret __wrap_##name params

WRAP(void *, malloc, (size_t n))
{
    if (fail_now()) {
        errno = ENOMEM;
        return NULL;
    }
    return __real_malloc(n);
}

WRAP(void *, calloc, (size_t n, size_t size))
{
    if (fail_now()) {
        errno = ENOMEM;
        return NULL;
    }
    return __real_calloc(n, size);
}

WRAP(void *, realloc, (void *p, size_t n))
{
    if (fail_now()) {
        errno = ENOMEM;
        return NULL;
    }
    return __real_realloc(p, n);
}

WRAP(char *, strdup, (const char *s))
{
    if (fail_now()) {
        errno = ENOMEM;
        return NULL;
    }
    return __real_strdup(s);
}

int __wrap_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if (fail_now()) {
        errno = EIO;
        return -1;
    }
    return __real_open(path, flags, mode);
}

WRAP(int, mkstemp, (char *template))
{
    if (fail_now()) {
        errno = EIO;
        return -1;
    }
    return __real_mkstemp(template);
}

WRAP(FILE *, fopen, (const char *path, const char *mode))
{
    if (fail_now()) {
        errno = EIO;
        return NULL;
    }
    return __real_fopen(path, mode);
}

WRAP(FILE *, fdopen, (int fd, const char *mode))
{
    if (fail_now()) {
        errno = EIO;
        return NULL;
    }
    return __real_fdopen(fd, mode);
}

WRAP(ssize_t, read, (int fd, void *buf, size_t n))
{
    if (fail_now()) {
        errno = EIO;
        return -1;
    }
    return __real_read(fd, buf, n);
}

WRAP(ssize_t, pread, (int fd, void *buf, size_t n, off_t at))
{
    if (fail_now()) {
        errno = EIO;
        return -1;
    }
    return __real_pread(fd, buf, n, at);
}

/* A stdio call that fails sets the stream's error flag, as a real one
 * does (glibc's _IO_ERR_SEEN), so that ferror() sees it. */
#define STREAM_ERROR 0x20
WRAP(size_t, fread, (void *buf, size_t size, size_t n, FILE *f))
{
    if (fail_now()) {
        errno = EIO;
        f->_flags |= STREAM_ERROR;
        return 0;
    }
    return __real_fread(buf, size, n, f);
}

WRAP(ssize_t, pwrite, (int fd, const void *buf, size_t n, off_t at))
{
    if (fail_now()) {
        errno = ENOSPC;
        return -1;
    }
    return __real_pwrite(fd, buf, n, at);
}

WRAP(int, ftruncate, (int fd, off_t n))
{
    if (fail_now()) {
        errno = EIO;
        return -1;
    }
    return __real_ftruncate(fd, n);
}

WRAP(ssize_t, write, (int fd, const void *buf, size_t n))
{
    if (fd != STDERR_FILENO && fail_now()) {
        errno = ENOSPC;
        return -1;
    }
    return __real_write(fd, buf, n);
}

static int failing_stream(FILE *f)
{
    if (f == stderr || !fail_now())
        return 0;
    errno = ENOSPC;
    f->_flags |= STREAM_ERROR;
    return 1;
}

WRAP(size_t, fwrite, (const void *buf, size_t size, size_t n, FILE *f))
{
    return failing_stream(f) ? 0 : __real_fwrite(buf, size, n, f);
}

WRAP(int, fputs, (const char *s, FILE *f))
{
    return failing_stream(f) ? EOF : __real_fputs(s, f);
}

WRAP(int, fputc, (int c, FILE *f))
{
    return failing_stream(f) ? EOF : __real_fputc(c, f);
}

WRAP(int, putc, (int c, FILE *f))
{
    return failing_stream(f) ? EOF : __real_putc(c, f);
}

WRAP(int, fprintf, (FILE *f, const char *fmt, ...))
{
    if (failing_stream(f))
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(f, fmt, ap);
    va_end(ap);
    return r;
}

WRAP(int, fflush, (FILE *f))
{
    if (f && f != stderr && fail_now()) {
        errno = ENOSPC;
        f->_flags |= STREAM_ERROR;
        return EOF;
    }
    return __real_fflush(f);
}

WRAP(int, fsync, (int fd))
{
    if (fail_now()) {
        errno = EIO;
        return -1;
    }
    return __real_fsync(fd);
}

WRAP(int, rename, (const char *from, const char *to))
{
    if (fail_now()) {
        errno = ENOSPC;
        return -1;
    }
    return __real_rename(from, to);
}

WRAP(void *, mmap, (void *addr, size_t n, int prot, int flags, int fd, off_t at))
{
    if (fail_now()) {
        errno = ENOMEM;
        return MAP_FAILED;
    }
    return __real_mmap(addr, n, prot, flags, fd, at);
}
