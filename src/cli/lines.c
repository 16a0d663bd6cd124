#include "lines.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

enum { FIRST_BUFFER_BYTES = 1 << 16, READ_BYTES = 1 << 16 };

int line_source_open(line_source *s, const char *path)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    if (strcmp(path, "-") == 0) {
        s->fd = STDIN_FILENO;
        s->name = "standard input";
    } else {
        s->name = path;
        s->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (s->fd < 0) {
            cli_error("%s: cannot open: %s", path, strerror(errno));
            return -1;
        }
    }
    struct stat st;
    if (fstat(s->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        cli_error("%s: cannot read: %s", s->name, strerror(EISDIR));
        line_source_close(s);
        return -1;
    }
    return 0;
}

void line_source_close(line_source *s)
{
    if (s->fd > STDIN_FILENO)
        close(s->fd);
    s->fd = -1;
    free(s->buf);
    s->buf = NULL;
}

/* One read(2) into the buffer's free room; the buffer grows (and may
 * move) only when `may_move`. */
static int read_more(line_source *s, int may_move)
{
    if (s->cap - s->end < READ_BYTES) {
        if (!may_move)
            return 0;
        size_t cap = s->cap ? s->cap * 2 : FIRST_BUFFER_BYTES;
        char *bigger = cap > s->cap ? realloc(s->buf, cap) : NULL;
        if (!bigger) {
            cli_error("%s: out of memory for a long line", s->name);
            return -1;
        }
        s->buf = bigger;
        s->cap = cap;
    }
    for (;;) {
        ssize_t got = read(s->fd, s->buf + s->end, s->cap - s->end);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            cli_error("reading %s: %s", s->name, strerror(errno));
            return -1;
        }
        if (got == 0)
            s->eof = 1;
        s->end += (size_t)got;
        return 0;
    }
}

static int input_ready(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, 0) > 0;
}

/* The next complete line in the buffer (or the unterminated last one at
 * the end of the input), or 0. */
static int take_line(line_source *s, line *out)
{
    if (s->start == s->end)
        return 0;
    char *from = s->buf + s->start;
    char *nl = memchr(from, '\n', s->end - s->start);
    if (!nl && !s->eof)
        return 0;
    size_t len = nl ? (size_t)(nl - from) : s->end - s->start;
    *out = (line){from, len, ++s->number};
    s->start += len + (nl ? 1 : 0);
    return 1;
}

int line_source_block(line_source *s, line *lines, size_t max, size_t max_bytes)
{
    /* The lines handed out last time are used up: what is left of the
     * buffer moves to its front. */
    if (s->start > 0) {
        memmove(s->buf, s->buf + s->start, s->end - s->start);
        s->end -= s->start;
        s->start = 0;
    }
    size_t n = 0, bytes = 0;
    for (;;) {
        while (n < max && bytes < max_bytes && take_line(s, &lines[n])) {
            bytes += lines[n].len;
            n++;
        }
        if (n == max || bytes >= max_bytes || s->eof)
            return (int)n;
        if (n > 0 && (!input_ready(s->fd) || s->cap - s->end < READ_BYTES))
            return (int)n; /* answer what has arrived, and read on later */
        /* With lines taken the buffer must not move; with none it may. */
        if (read_more(s, n == 0) != 0)
            return -1;
    }
}
