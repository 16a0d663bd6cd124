#include "cli.h"
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

const char *cli_command = "";

static void vmessage(const char *fmt, va_list ap)
{
    fprintf(stderr, "item2vec%s%s: ", *cli_command ? " " : "", cli_command);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
}

int cli_fail(const i2v_error *err)
{
    /* The library names a training parameter by its word ("dim must be
     * ..."); here it is the option of that name. */
    const i2v_param_info *p =
        err->param != I2V_PARAM_NONE ? i2v_param_describe((i2v_param)err->param) : NULL;
    size_t n = p ? strlen(p->name) : 0;
    if (p && strncmp(err->message, p->name, n) == 0 && err->message[n] == ' ')
        cli_error("--%s", err->message);
    else if (p)
        cli_error("%s (--%s)", err->message, p->name);
    else
        cli_error("%s", err->message);
    return err->code == I2V_ERR_INVALID ? EXIT_USAGE : EXIT_RUNTIME;
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'item2vec %s --help'.\n", cli_command);
    return EXIT_USAGE;
}

/* The long options of the command being parsed, for cli_bad_option. */
static const struct option *current_longs;

int cli_getopt_long(int argc, char **argv, const char *shorts, const struct option *longs)
{
    current_longs = longs;
    return getopt_long(argc, argv, shorts, longs, NULL);
}

size_t cli_edit_distance(const char *a, const char *b)
{
    size_t n = strlen(b), row[64];
    if (n >= sizeof row / sizeof *row || strlen(a) >= 64)
        return (size_t)-1;
    for (size_t j = 0; j <= n; j++)
        row[j] = j;
    for (size_t i = 1; a[i - 1]; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= n; j++) {
            size_t up = row[j], cost = a[i - 1] != b[j - 1];
            size_t best = diagonal + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = up;
        }
    }
    return row[n];
}

/* The closest long option to `name` (within 2 edits, or one it starts), or
 * NULL. */
static const char *closest_option(const char *name)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (const struct option *o = current_longs; o && o->name; o++) {
        size_t d = cli_edit_distance(name, o->name);
        if (strncmp(o->name, name, strlen(name)) == 0 && strlen(name) >= 3)
            d = 1;
        if (d < best_d) {
            best_d = d;
            best = o->name;
        }
    }
    return best;
}

int cli_bad_option(char **argv)
{
    /* A long option is named as typed: getopt has moved past it, and its
     * optopt is its code, which is no character for long-only options.
     * A short one is named by optopt, also inside a cluster ("-qZ"),
     * where getopt has not moved past the cluster yet. */
    const char *arg = optind > 0 ? argv[optind - 1] : NULL, *next = argv[optind];
    int is_char = optopt > ' ' && optopt < 0x7f;
    int in_cluster = is_char && next && next[0] == '-' && next[1] != '-' &&
                     strchr(next + 1, optopt) != NULL;
    if (arg && strncmp(arg, "--", 2) == 0 && arg[2] && !in_cluster) {
        char name[64];
        size_t len = strcspn(arg + 2, "=");
        snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), arg + 2);
        for (const struct option *o = current_longs; o && o->name; o++)
            if (strcmp(o->name, name) == 0)
                return cli_usage_error("option '--%s' needs a value", name);
        const char *hint = closest_option(name);
        if (hint)
            return cli_usage_error("option '--%s' is unknown; did you mean '--%s'?", name, hint);
        return cli_usage_error("option '--%s' is unknown", name);
    }
    if (is_char) {
        for (const struct option *o = current_longs; o && o->name; o++)
            if (o->val == optopt && o->has_arg)
                return cli_usage_error("option '-%c' needs a value", optopt);
        return cli_usage_error("option '-%c' is unknown", optopt);
    }
    return cli_usage_error("option '%s' is unknown or needs a value", arg ? arg : "?");
}

/* What a number's text is, before any range applies. */
typedef enum number_syntax {
    NUMBER_OK,
    NUMBER_NOT_WHOLE,   /* not digits only */
    NUMBER_NEGATIVE,    /* a minus sign before digits */
    NUMBER_NOT_REAL,    /* not a number at all, or NaN */
    NUMBER_OVERFLOW     /* too large (or too small) for its type */
} number_syntax;

static number_syntax read_whole(const char *text, uint64_t *out)
{
    const char *p = text;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '-' || *p == '+' || *p == '\0')
        return *p == '-' && p[1] >= '0' && p[1] <= '9' ? NUMBER_NEGATIVE : NUMBER_NOT_WHOLE;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    if (end == p || *end != '\0')
        return NUMBER_NOT_WHOLE;
    if (errno == ERANGE)
        return NUMBER_OVERFLOW;
    *out = v;
    return NUMBER_OK;
}

static number_syntax read_real(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || isnan(v))
        return NUMBER_NOT_REAL;
    if (errno == ERANGE || isinf(v))
        return NUMBER_OVERFLOW;
    *out = v;
    return NUMBER_OK;
}

static void whole_error(const char *opt, const char *text, number_syntax why, uint64_t min,
                        uint64_t max)
{
    if (why == NUMBER_NEGATIVE)
        cli_usage_error("%s: '%s' is negative; expected %llu to %llu", opt, text,
                        (unsigned long long)min, (unsigned long long)max);
    else if (why == NUMBER_NOT_WHOLE)
        cli_usage_error("%s: '%s' is not a whole number", opt, text);
    else
        cli_usage_error("%s: '%s' is out of range; expected %llu to %llu", opt, text,
                        (unsigned long long)min, (unsigned long long)max);
}

static void real_error(const char *opt, const char *text, number_syntax why, double min,
                       int min_open, double max)
{
    if (why == NUMBER_NOT_REAL)
        cli_usage_error("%s: '%s' is not a number", opt, text);
    else if (min_open)
        cli_usage_error("%s: '%s' is out of range; expected more than %g, up to %g", opt, text,
                        min, max);
    else
        cli_usage_error("%s: '%s' is out of range; expected %g to %g", opt, text, min, max);
}

int cli_parse_u64(const char *opt, const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    number_syntax why = read_whole(text, &v);
    if (why == NUMBER_OK && (v < min || v > max))
        why = NUMBER_OVERFLOW;
    if (why != NUMBER_OK) {
        whole_error(opt, text, why, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_u32(const char *opt, const char *text, uint32_t min, uint32_t max, uint32_t *out)
{
    uint64_t v;
    if (cli_parse_u64(opt, text, min, max, &v) != 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

int cli_parse_kernel(const char *text, const char **out)
{
    const char *names[8];
    size_t n = i2v_train_kernels(names, sizeof names / sizeof *names);
    char list[128] = "";
    for (size_t i = 0; i < n && i < sizeof names / sizeof *names; i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = names[i];
            return 0;
        }
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
    }
    return cli_usage_error("--kernel: '%s' is not a kernel this CPU runs (%s)", text, list), -1;
}

int cli_parse_double(const char *opt, const char *text, double min, double max, double *out)
{
    double v = 0;
    number_syntax why = read_real(text, &v);
    if (why == NUMBER_OK && !(v >= min && v <= max))
        why = NUMBER_OVERFLOW;
    if (why != NUMBER_OK) {
        real_error(opt, text, why, min, 0, max);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_param(const char *opt, int param, const char *text, i2v_train_params *params)
{
    const i2v_param_info *info = i2v_param_describe((i2v_param)param);
    if (!info) {
        cli_error("%s: internal: not a training parameter", opt);
        return -1;
    }
    /* The syntax is the command line's; the range is the library's check. */
    if (info->type == I2V_PARAM_WHOLE) {
        uint64_t v = 0;
        number_syntax why = read_whole(text, &v);
        if (why == NUMBER_OK && i2v_param_check_whole((i2v_param)param, v, NULL) != I2V_OK)
            why = NUMBER_OVERFLOW;
        if (why != NUMBER_OK) {
            whole_error(opt, text, why, info->whole_min, info->whole_max);
            return -1;
        }
        i2v_param_set_whole(params, (i2v_param)param, v);
        return 0;
    }
    double v = 0;
    number_syntax why = read_real(text, &v);
    if (why == NUMBER_OK && i2v_param_check_real((i2v_param)param, v, NULL) != I2V_OK)
        why = NUMBER_OVERFLOW;
    if (why != NUMBER_OK) {
        real_error(opt, text, why, info->real_min, info->real_min_open, info->real_max);
        return -1;
    }
    i2v_param_set_real(params, (i2v_param)param, v);
    return 0;
}

FILE *cli_open_input(const char *path)
{
    if (strcmp(path, "-") == 0)
        return stdin;
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error("%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        cli_error("%s: cannot read: it is a directory", path);
        fclose(f);
        return NULL;
    }
    return f;
}

char *cli_read_whole(const char *path, size_t *len)
{
    FILE *f = cli_open_input(path);
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap);
    int failed = !text;
    while (!failed) {
        if (n == cap) {
            char *grown = realloc(text, cap * 2);
            if (!grown) {
                failed = 1;
                break;
            }
            text = grown;
            cap *= 2;
        }
        size_t got = fread(text + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (failed)
        cli_error("%s: out of memory reading it", path);
    else if (ferror(f)) {
        cli_error("%s: read failed: %s", path, strerror(errno ? errno : EIO));
        failed = 1;
    }
    cli_close_input(f);
    if (failed) {
        free(text);
        return NULL;
    }
    *len = n;
    return text;
}

void cli_close_input(FILE *f)
{
    if (f && f != stdin)
        fclose(f);
}

/* Temporary files a signal must remove.  Fixed buffers: the handler may
 * only touch memory that is never reallocated.  A few slots, because some
 * commands (split) write several outputs at once. */
enum { PENDING_SLOTS = 8 };
static char pending_tmp[PENDING_SLOTS][PATH_MAX + 64];
static volatile sig_atomic_t pending_set[PENDING_SLOTS];

static void on_fatal_signal(int sig)
{
    for (int i = 0; i < PENDING_SLOTS; i++)
        if (pending_set[i])
            unlink(pending_tmp[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_install_signal_cleanup(void)
{
    static int installed;
    if (installed)
        return;
    installed = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* Returns the slot now naming tmp, or -1 when none is free (the file is
 * then still removed on every path but a signal). */
static int register_tmp(const char *tmp)
{
    if (strlen(tmp) >= sizeof pending_tmp[0])
        return -1;
    for (int i = 0; i < PENDING_SLOTS; i++)
        if (!pending_set[i]) {
            strcpy(pending_tmp[i], tmp);
            pending_set[i] = 1;
            return i;
        }
    return -1;
}

static void unregister_tmp(cli_output *o)
{
    if (o->slot >= 0)
        pending_set[o->slot] = 0;
    o->slot = -1;
}

/* "DIR/.NAME.TAG-XXXXXX" beside path (the same directory, so a rename
 * cannot cross devices), NAME cut so that the whole fits NAME_MAX: any
 * legal output name has legal sibling names.  NULL when out of memory. */
static char *sibling_template(const char *path, const char *tag)
{
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    size_t n = strlen(path) + strlen(tag) + 32;
    char *name = malloc(n);
    if (!name)
        return NULL;
    size_t extra = strlen("..-XXXXXX") + strlen(tag), base = strlen(path + dir_len);
    if (base + extra > NAME_MAX)
        base = NAME_MAX - extra;
    snprintf(name, n, "%.*s.%.*s.%s-XXXXXX", (int)dir_len, path, (int)base, path + dir_len, tag);
    return name;
}

/* Opens a temporary file beside `path` for o; 0 or -1 after a message. */
static int open_temporary(cli_output *o, const char *path)
{
    if (!(o->tmp = sibling_template(path, "tmp"))) {
        cli_error("%s: out of memory", path);
        return -1;
    }
    cli_install_signal_cleanup();
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT)
            cli_error("%s: cannot write: the directory does not exist", path);
        else
            cli_error("%s: cannot write in its directory: %s", path, strerror(e));
        free(o->tmp);
        o->tmp = NULL;
        return -1;
    }
    o->slot = register_tmp(o->tmp);
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || !(o->f = fdopen(fd, "wb"))) {
        cli_error("%s: cannot write: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return 0;
}

int cli_output_open(cli_output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->slot = -1;
    if (strcmp(path, "-") == 0) {
        o->path = "-";
        o->f = stdout;
        o->is_stdout = 1;
        return 0;
    }
    if (!(o->path = strdup(path))) {
        cli_error("%s: out of memory", path);
        return -1;
    }
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        cli_error("%s: cannot write: it is a directory", path);
        cli_output_abort(o);
        return -1;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        /* A FIFO or a device: written directly, never replaced. */
        if (!(o->f = fopen(path, "wb"))) {
            cli_error("%s: cannot open for writing: %s", path, strerror(errno));
            cli_output_abort(o);
            return -1;
        }
        return 0;
    }
    if (open_temporary(o, path) != 0) {
        cli_output_abort(o);
        return -1;
    }
    return 0;
}

void cli_output_abort(cli_output *o)
{
    if (o->f && !o->is_stdout)
        fclose(o->f);
    if (o->tmp)
        unlink(o->tmp);
    unregister_tmp(o);
    if (!o->is_stdout)
        free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    o->f = NULL;
}

/* Flushes, syncs and closes o's file, keeping its temporary name; 0, or
 * -1 after a message and cli_output_abort. */
static int output_finish(cli_output *o)
{
    if (o->is_stdout)
        return cli_flush_stdout();
    errno = 0;
    int failed = fflush(o->f) != 0 || ferror(o->f);
    if (!failed && o->tmp && fsync(fileno(o->f)) != 0)
        failed = 1;
    int e = errno;
    if (fclose(o->f) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    o->f = NULL;
    if (failed) {
        cli_error("%s: write failed: %s", o->path, strerror(e ? e : EIO));
        cli_output_abort(o);
        return -1;
    }
    return 0;
}

/* Renames a finished output into place and releases it. */
static int output_rename(cli_output *o)
{
    int r = 0;
    if (o->tmp && rename(o->tmp, o->path) != 0) {
        cli_error("%s: cannot replace: %s", o->path, strerror(errno));
        r = -1;
    } else {
        free(o->tmp); /* renamed: nothing to remove any more */
        o->tmp = NULL;
    }
    cli_output_abort(o);
    return r;
}

int cli_output_commit(cli_output *o)
{
    return cli_output_commit_all(&o, 1);
}

/* The file at o's path kept under a second name (a hard link) while o
 * replaces it, so that a commit of several outputs can put it back; NULL
 * when there is none, or when the file system cannot link (the commit is
 * then as safe as a single rename can make it). */
static char *keep_previous(const cli_output *o, int *slot)
{
    struct stat st;
    *slot = -1;
    if (!o->tmp || stat(o->path, &st) != 0 || !S_ISREG(st.st_mode))
        return NULL;
    char *name = sibling_template(o->path, "old");
    int fd = name ? mkstemp(name) : -1;
    if (fd < 0) {
        free(name);
        return NULL;
    }
    close(fd);
    /* link() will not replace: the name is freed first, then taken. */
    if (unlink(name) != 0 || link(o->path, name) != 0) {
        free(name);
        return NULL;
    }
    *slot = register_tmp(name);
    return name;
}

/* After a commit of several outputs: the kept previous file goes, or, when
 * the commit failed after this output was renamed, comes back (and a new
 * file where there was none is removed). */
static void settle_previous(char *kept, int slot, int put_back, const char *path)
{
    if (put_back && kept)
        rename(kept, path);
    else if (put_back)
        unlink(path);
    else if (kept)
        unlink(kept);
    if (slot >= 0)
        pending_set[slot] = 0;
    free(kept);
}

enum { COMMIT_MOST = 8 };

int cli_output_commit_all(cli_output **outs, size_t n)
{
    int failed = n > COMMIT_MOST;
    if (failed)
        cli_error("internal: more than %d outputs at once", COMMIT_MOST);
    for (size_t i = 0; i < n; i++)
        if (!failed)
            failed = output_finish(outs[i]) != 0;
        else
            cli_output_abort(outs[i]);
    if (failed) {
        for (size_t i = 0; i < n; i++)
            cli_output_abort(outs[i]);
        return -1;
    }
    if (n == 1)
        return output_rename(outs[0]);
    /* Several outputs: all or none.  Each previous file is kept under a
     * second name until every rename has succeeded; if one fails, those
     * renamed before it are put back as they were. */
    char *kept[COMMIT_MOST] = {0}, *path[COMMIT_MOST] = {0};
    int slot[COMMIT_MOST];
    int r = 0;
    for (size_t i = 0; i < n; i++) {
        kept[i] = keep_previous(outs[i], &slot[i]);
        if (outs[i]->tmp && !(path[i] = strdup(outs[i]->path))) {
            cli_error("%s: out of memory", outs[i]->path);
            r = -1;
        }
    }
    size_t renamed = 0;
    for (size_t i = 0; i < n && r == 0; i++)
        if ((r = output_rename(outs[i])) == 0)
            renamed = i + 1;
    for (size_t i = 0; i < n; i++) {
        settle_previous(kept[i], slot[i], r != 0 && i < renamed && path[i], path[i]);
        free(path[i]);
        if (i >= renamed)
            cli_output_abort(outs[i]);
    }
    return r;
}

int cli_flush_stdout(void)
{
    /* Once stdout has failed, later calls fail too but have no errno left
     * to tell: the first reason is the one reported, once. */
    static int reported;
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (!reported)
            cli_error("writing standard output: %s", strerror(errno ? errno : EIO));
        reported = 1;
        return -1;
    }
    return 0;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when
 * the bytes there are not one (overlong forms, surrogates and values past
 * U+10FFFF included). */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
               : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
        (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
        return 0;
    return len;
}

void cli_json_string(FILE *out, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    putc('"', out);
    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence(s + i, len - i);
        if (n == 0) {
            fputs("\\ufffd", out); /* JSON text must be Unicode */
            i++;
        } else if (s[i] == '"' || s[i] == '\\') {
            fprintf(out, "\\%c", s[i]);
            i++;
        } else if (s[i] < 0x20 || s[i] == 0x7f) {
            fprintf(out, "\\u%04x", s[i]);
            i++;
        } else {
            fwrite(s + i, 1, n, out);
            i += n;
        }
    }
    putc('"', out);
}

int cli_exit_status(void)
{
    return cli_flush_stdout() == 0 ? EXIT_OK : EXIT_RUNTIME;
}

int cli_print_help(const char *text)
{
    fputs(text, stdout);
    return cli_exit_status();
}

uint32_t cli_online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (uint32_t)n : 1;
}

double cli_seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}
