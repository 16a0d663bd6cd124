/* Files a command reads and writes, told apart by what they are rather
 * than how they are named: a path is its device and inode (through "./",
 * symlinks and hard links), a file not there yet its directory's device
 * and inode and its own name.  And the standard descriptors, which must
 * never be closed while the program opens files. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "files.h"

typedef struct file_id {
    int known;       /* 0: not a file that can be compared (-, a device, a FIFO) */
    dev_t dev;
    ino_t ino;
    const char *name; /* a file not there yet: its name in that directory */
    size_t name_len;
} file_id;

/* The directory part of path ("." when none) into buf; 0, or -1 when it
 * does not fit. */
static int directory_of(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : 1;
    const char *dir = slash ? path : ".";
    if (slash == path)
        len = 1; /* "/name": the root */
    if (len + 1 > n)
        return -1;
    memcpy(buf, dir, len);
    buf[len] = '\0';
    return 0;
}

static file_id identify(const char *path, int is_output)
{
    file_id id = {0};
    struct stat st;
    if (!path || strcmp(path, "-") == 0)
        return id;
    if (stat(path, &st) == 0) {
        /* Devices and FIFOs are read or written as streams: /dev/null may
         * be an input and an output at once. */
        if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
            id.known = 1;
            id.dev = st.st_dev;
            id.ino = st.st_ino;
        }
        return id;
    }
    if (!is_output)
        return id;
    char dir[4096];
    if (directory_of(path, dir, sizeof dir) != 0 || stat(dir, &st) != 0)
        return id;
    const char *slash = strrchr(path, '/');
    id.known = 1;
    id.dev = st.st_dev;
    id.ino = st.st_ino;
    id.name = slash ? slash + 1 : path;
    id.name_len = strlen(id.name);
    return id;
}

static int same(const file_id *a, const file_id *b)
{
    if (!a->known || !b->known || a->dev != b->dev || a->ino != b->ino)
        return 0;
    if (!a->name != !b->name)
        return 0;
    return !a->name || (a->name_len == b->name_len && memcmp(a->name, b->name, a->name_len) == 0);
}

static const char *shown(const cli_file *f)
{
    return f->path && strcmp(f->path, "-") ? f->path : "standard output";
}

int cli_check_files(const cli_file *inputs, size_t n_in, const cli_file *outputs, size_t n_out,
                    int results_on_stdout)
{
    file_id out_id[8], stdout_id = {0};
    if (n_out > sizeof out_id / sizeof *out_id)
        n_out = sizeof out_id / sizeof *out_id;
    for (size_t o = 0; o < n_out; o++)
        out_id[o] = identify(outputs[o].path, 1);
    struct stat st;
    if (results_on_stdout && fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
        stdout_id.known = 1;
        stdout_id.dev = st.st_dev;
        stdout_id.ino = st.st_ino;
    }
    const cli_file *on_stdin = NULL;
    for (size_t i = 0; i < n_in; i++) {
        if (!inputs[i].path)
            continue;
        if (strcmp(inputs[i].path, "-") == 0) {
            if (on_stdin)
                return cli_usage_error("standard input can be read once: %s - and %s - "
                                       "cannot both read it",
                                       on_stdin->option, inputs[i].option);
            on_stdin = &inputs[i];
        }
        file_id in = identify(inputs[i].path, 0);
        for (size_t o = 0; o < n_out; o++)
            if (!inputs[i].replaced_on_success && same(&in, &out_id[o]))
                return cli_usage_error("%s %s is the same file as %s %s: refusing to write over "
                                       "an input",
                                       outputs[o].option, shown(&outputs[o]), inputs[i].option,
                                       inputs[i].path);
        if (same(&in, &stdout_id))
            return cli_usage_error("standard output is the same file as %s %s: refusing to "
                                   "write over an input",
                                   inputs[i].option, inputs[i].path);
    }
    for (size_t a = 0; a < n_out; a++)
        for (size_t b = a + 1; b < n_out; b++)
            if (same(&out_id[a], &out_id[b]))
                return cli_usage_error("%s %s and %s %s are the same file", outputs[a].option,
                                       shown(&outputs[a]), outputs[b].option, shown(&outputs[b]));
    return -1;
}

void cli_reopen_standard_descriptors(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        /* The lowest free descriptor is fd itself. */
        int got = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (got != fd) {
            if (got >= 0)
                close(got);
            _exit(EXIT_RUNTIME); /* nowhere safe to say so */
        }
    }
}
