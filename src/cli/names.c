/* Display names beside item ids (--names FILE: "item<TAB>name" lines):
 * printed next to every answer, used as plot labels, and accepted as
 * queries when a name belongs to one item only.  One table per process,
 * loaded once by the command that was asked for it. */
#include "names.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

static struct {
    char *text;             /* the file, names NUL-terminated in place */
    const char **of;        /* per model id: its name, or NULL */
    uint32_t *len;
    i2v_vocab *by_name;     /* name -> index into `owner` */
    uint32_t *owner;        /* the model id a name belongs to */
    uint32_t items;
} names;

void names_free(void)
{
    free(names.text);
    free(names.of);
    free(names.len);
    free(names.owner);
    i2v_vocab_free(names.by_name);
    memset(&names, 0, sizeof names);
}

int names_load(const char *path, const i2v_model *m)
{
    size_t n;
    if (!(names.text = cli_read_whole(path, &n)))
        return -1;
    names.items = i2v_model_size(m);
    names.of = calloc(names.items ? names.items : 1, sizeof *names.of);
    names.len = calloc(names.items ? names.items : 1, sizeof *names.len);
    names.owner = malloc((n / 2 + 1) * sizeof *names.owner);
    i2v_error err;
    if (!names.of || !names.len || !names.owner ||
        i2v_vocab_create(&names.by_name, &err) != I2V_OK) {
        cli_error("%s: out of memory", path);
        names_free();
        return -1;
    }
    uint64_t line = 0, malformed = 0, unknown = 0, first_bad = 0;
    for (size_t at = 0; at < n;) {
        char *start = names.text + at, *end = memchr(start, '\n', n - at);
        size_t len = end ? (size_t)(end - start) : n - at;
        at += len + 1;
        line++;
        if (len && start[len - 1] == '\r')
            len--;
        start[len] = '\0';
        if (len == 0)
            continue;
        char *tab = memchr(start, '\t', len);
        if (!tab || tab == start || tab + 1 == start + len) {
            malformed++;
            first_bad = first_bad ? first_bad : line;
            continue;
        }
        int64_t id = i2v_model_find(m, start, (size_t)(tab - start));
        if (id < 0) {
            unknown++;
            continue;
        }
        const char *name = tab + 1;
        size_t name_len = (size_t)(start + len - name);
        if (names.of[id]) /* listed twice: the first line holds */
            continue;
        names.of[id] = name;
        names.len[id] = (uint32_t)name_len;
        uint32_t vid;
        if (i2v_vocab_add(names.by_name, name, name_len, 1, &vid, &err) != I2V_OK) {
            cli_error("%s: %s", path, err.message);
            names_free();
            return -1;
        }
        if (i2v_vocab_count(names.by_name, vid) == 1)
            names.owner[vid] = (uint32_t)id;
    }
    if (malformed)
        cli_error("%s: %llu line%s not item<TAB>name (the first: line %llu), skipped", path,
                  (unsigned long long)malformed, malformed == 1 ? "" : "s",
                  (unsigned long long)first_bad);
    (void)unknown; /* a catalogue may name more items than the model holds */
    return 0;
}

int names_loaded(void) { return names.of != NULL; }

const char *names_of(uint32_t id, size_t *len)
{
    if (!names.of || id >= names.items || !names.of[id])
        return NULL;
    *len = names.len[id];
    return names.of[id];
}

int64_t names_find(const char *name, size_t len, int *ambiguous)
{
    *ambiguous = 0;
    if (!names.by_name)
        return -1;
    int64_t vid = i2v_vocab_find(names.by_name, name, len);
    if (vid < 0)
        return -1;
    if (i2v_vocab_count(names.by_name, (uint32_t)vid) > 1) {
        *ambiguous = 1;
        return -1;
    }
    return names.owner[vid];
}
