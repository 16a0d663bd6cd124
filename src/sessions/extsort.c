#include "sessions/extsort.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"
#include "util/tempfile.h"
#include "util/grow.h"

/* One buffered event, 32 bytes.  The first PREFIX_BYTES of the user sit in
 * the key itself, zero-padded, compared as big-endian integers: user ids of
 * up to 12 bytes ("user_1234567") never send the sort to the user arena,
 * whose random accesses would miss the cache. */
typedef struct sort_key {
    uint64_t prefix;   /* user bytes 0..7 */
    uint32_t prefix2;  /* user bytes 8..11 */
    uint32_t user_len;
    int64_t time_usec;
    uint32_t user_off; /* into the user arena, which spills before 4 GiB */
    uint32_t item;
} sort_key;

/* What one buffered event costs besides its user bytes: its key and the key's
 * place in the merge sort's scratch array. */
#define KEY_COST (2 * sizeof(sort_key))
#define PREFIX_BYTES 12
#define MAX_USER_ARENA ((uint64_t)UINT32_MAX)
#define INSERTION_SORT_RUN 16
#define INITIAL_KEYS 1024
#define INITIAL_USER_BYTES 4096
#define MIN_IO_BUFFER ((size_t)16 << 10)
#define MAX_IO_BUFFER ((size_t)1 << 20)

/* A run on disk: records of RUN_HEADER_BYTES (user length u32, item u32,
 * time i64, native byte order: the file never outlives the process)
 * followed by the user bytes. */
#define RUN_HEADER_BYTES 16

typedef struct run_file {
    int fd;
    uint64_t records;
    uint32_t level; /* 0: written from the buffer; L+1: a merge of level-L runs */
} run_file;

typedef struct run_reader {
    int fd;
    char *buf;
    size_t cap, len, pos;
    uint64_t left;     /* records not read yet */
    sorted_event cur;  /* points into buf */
} run_reader;

/* A k-way merge: a binary min-heap of reader indices.  Ties go to the lower
 * index, the older run, which keeps the sort stable. */
typedef struct run_merger {
    run_reader *in;
    uint32_t n;
    uint32_t *heap;
    uint32_t heap_len;
    bool advance_top; /* the top event was handed out: move past it first */
} run_merger;

typedef struct run_writer {
    int fd;
    char *buf;
    size_t cap, len;
} run_writer;

struct event_sorter {
    uint64_t budget;
    char *tmpdir;
    uint32_t fanin;
    size_t io_buffer;

    sort_key *keys;
    size_t n_keys, keys_cap;
    char *users;
    size_t users_len, users_cap;

    run_file *runs; /* oldest first: each holds a later stretch of the input */
    size_t n_runs, runs_cap;
    uint64_t runs_written;

    size_t cursor;  /* in memory: the next key to hand out */
    bool merging;
    run_merger merger;
};

/* ---- comparisons ---- */

static int compare_bytes(const char *a, size_t a_len, const char *b, size_t b_len)
{
    int c = memcmp(a, b, a_len < b_len ? a_len : b_len);
    if (c)
        return c;
    return (a_len > b_len) - (a_len < b_len);
}

static int compare_time(int64_t a, int64_t b) { return (a > b) - (a < b); }

/* user[from..to) as a big-endian integer, zero-padded past len. */
static uint64_t user_bytes_be(const char *user, size_t len, size_t from, size_t to)
{
    uint64_t value = 0;
    for (size_t i = from; i < to; i++)
        value = value << 8 | (i < len ? (unsigned char)user[i] : 0);
    return value;
}

/* Equal prefixes mean the first min(len, 12) bytes agree and the rest of
 * the prefix of the shorter user is padding, equal to the longer one's
 * bytes there: a user of up to 12 bytes is then a prefix of the other, and
 * only longer users need the arena, past the prefix. */
static int compare_keys(const sort_key *a, const sort_key *b, const char *users)
{
    if (a->prefix != b->prefix)
        return a->prefix < b->prefix ? -1 : 1;
    if (a->prefix2 != b->prefix2)
        return a->prefix2 < b->prefix2 ? -1 : 1;
    if (a->user_len <= PREFIX_BYTES || b->user_len <= PREFIX_BYTES) {
        if (a->user_len != b->user_len)
            return a->user_len < b->user_len ? -1 : 1;
    } else {
        int c = compare_bytes(users + a->user_off + PREFIX_BYTES, a->user_len - PREFIX_BYTES,
                              users + b->user_off + PREFIX_BYTES, b->user_len - PREFIX_BYTES);
        if (c)
            return c;
    }
    return compare_time(a->time_usec, b->time_usec);
}

static int compare_events(const sorted_event *a, const sorted_event *b)
{
    int c = compare_bytes(a->user, a->user_len, b->user, b->user_len);
    return c ? c : compare_time(a->time_usec, b->time_usec);
}

/* ---- in-memory merge sort (stable) ---- */

static void insertion_sort(sort_key *keys, size_t n, const char *users)
{
    for (size_t i = 1; i < n; i++) {
        sort_key k = keys[i];
        size_t j = i;
        for (; j > 0 && compare_keys(&k, &keys[j - 1], users) < 0; j--)
            keys[j] = keys[j - 1];
        keys[j] = k;
    }
}

/* Merges from[lo..mid) and from[mid..hi) into to[lo..hi); the left side
 * wins ties. */
static void merge_halves(const sort_key *from, sort_key *to, size_t lo, size_t mid, size_t hi,
                         const char *users)
{
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi)
        to[k++] = compare_keys(&from[j], &from[i], users) < 0 ? from[j++] : from[i++];
    while (i < mid)
        to[k++] = from[i++];
    while (j < hi)
        to[k++] = from[j++];
}

/* Sorts to[lo..hi), using from[lo..hi) (which holds the same keys) as
 * scratch.  Top-down, so that small ranges are sorted while they are in
 * the cache: a bottom-up sort of a buffer of a gigabyte would stream the
 * whole buffer through memory once per pass. */
static void sort_range(sort_key *from, sort_key *to, size_t lo, size_t hi, const char *users)
{
    if (hi - lo <= INSERTION_SORT_RUN) {
        insertion_sort(to + lo, hi - lo, users);
        return;
    }
    size_t mid = lo + (hi - lo) / 2;
    sort_range(to, from, lo, mid, users);
    sort_range(to, from, mid, hi, users);
    merge_halves(from, to, lo, mid, hi, users);
}

static void sort_keys(sort_key *keys, sort_key *scratch, size_t n, const char *users)
{
    if (n == 0) /* keys is NULL then, and memcpy must not see a NULL */
        return;
    memcpy(scratch, keys, n * sizeof *keys);
    sort_range(scratch, keys, 0, n, users);
}

/* ---- run files ---- */

static i2v_status open_run_file(const char *tmpdir, int *fd_out, i2v_error *err)
{
    return temp_open_unlinked(tmpdir, "item2vec-sessions", "a temporary sort file", fd_out, err);
}

static i2v_status write_all(int fd, const char *data, size_t n, const char *tmpdir,
                            i2v_error *err)
{
    if (fd_write_all(fd, data, n) != 0)
        return i2v_fail_errno(err, errno, "%s: writing a temporary sort file", tmpdir);
    return I2V_OK;
}

static i2v_status writer_flush(run_writer *w, const char *tmpdir, i2v_error *err)
{
    i2v_status st = write_all(w->fd, w->buf, w->len, tmpdir, err);
    w->len = 0;
    return st;
}

static i2v_status writer_put(run_writer *w, const void *data, size_t n, const char *tmpdir,
                             i2v_error *err)
{
    if (n > w->cap - w->len) {
        i2v_status st = writer_flush(w, tmpdir, err);
        if (st != I2V_OK)
            return st;
        if (n > w->cap)
            return write_all(w->fd, data, n, tmpdir, err);
    }
    memcpy(w->buf + w->len, data, n);
    w->len += n;
    return I2V_OK;
}

static i2v_status writer_put_event(run_writer *w, const sorted_event *ev, const char *tmpdir,
                                   i2v_error *err)
{
    char header[RUN_HEADER_BYTES];
    uint32_t user_len = (uint32_t)ev->user_len;
    memcpy(header, &user_len, 4);
    memcpy(header + 4, &ev->item, 4);
    memcpy(header + 8, &ev->time_usec, 8);
    i2v_status st = writer_put(w, header, sizeof header, tmpdir, err);
    return st == I2V_OK ? writer_put(w, ev->user, ev->user_len, tmpdir, err) : st;
}

/* Makes n bytes readable at buf[pos].  Returns false on error. */
static bool reader_ensure(run_reader *r, size_t n, i2v_error *err)
{
    if (r->len - r->pos >= n)
        return true;
    memmove(r->buf, r->buf + r->pos, r->len - r->pos);
    r->len -= r->pos;
    r->pos = 0;
    if (n > r->cap) {
        char *bigger = realloc(r->buf, n);
        if (!bigger) {
            i2v_fail_nomem(err, "reading a long user from a temporary sort file");
            return false;
        }
        r->buf = bigger;
        r->cap = n;
    }
    while (r->len < n) {
        ssize_t got = read(r->fd, r->buf + r->len, r->cap - r->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            i2v_fail_errno(err, errno, "reading a temporary sort file");
            return false;
        }
        if (got == 0) {
            i2v_fail(err, I2V_ERR_IO, "a temporary sort file ended early");
            return false;
        }
        r->len += (size_t)got;
    }
    return true;
}

/* Reads the next record into r->cur: 1, or 0 at the end, -1 on error. */
static int reader_next(run_reader *r, i2v_error *err)
{
    if (r->left == 0)
        return 0;
    uint32_t user_len;
    if (!reader_ensure(r, RUN_HEADER_BYTES, err))
        return -1;
    memcpy(&user_len, r->buf + r->pos, 4);
    if (!reader_ensure(r, RUN_HEADER_BYTES + (size_t)user_len, err))
        return -1;
    const char *rec = r->buf + r->pos;
    memcpy(&r->cur.item, rec + 4, 4);
    memcpy(&r->cur.time_usec, rec + 8, 8);
    r->cur.user = rec + RUN_HEADER_BYTES;
    r->cur.user_len = user_len;
    r->pos += RUN_HEADER_BYTES + (size_t)user_len;
    r->left--;
    return 1;
}

/* ---- k-way merge ---- */

static bool merger_less(const run_merger *m, uint32_t a, uint32_t b)
{
    int c = compare_events(&m->in[a].cur, &m->in[b].cur);
    return c < 0 || (c == 0 && a < b);
}

static void merger_sift_down(run_merger *m, uint32_t at)
{
    for (;;) {
        uint32_t least = at, left = 2 * at + 1, right = left + 1;
        if (left < m->heap_len && merger_less(m, m->heap[left], m->heap[least]))
            least = left;
        if (right < m->heap_len && merger_less(m, m->heap[right], m->heap[least]))
            least = right;
        if (least == at)
            return;
        uint32_t t = m->heap[at];
        m->heap[at] = m->heap[least];
        m->heap[least] = t;
        at = least;
    }
}

static void merger_close(run_merger *m)
{
    for (uint32_t i = 0; i < m->n && m->in; i++)
        free(m->in[i].buf);
    free(m->in);
    free(m->heap);
    memset(m, 0, sizeof *m);
}

/* Starts merging runs[0..n) (oldest first); the run fds stay owned by the
 * caller. */
static i2v_status merger_open(run_merger *m, const run_file *runs, uint32_t n, size_t io_buffer,
                              i2v_error *err)
{
    memset(m, 0, sizeof *m);
    m->in = calloc(n, sizeof *m->in);
    m->heap = malloc(n * sizeof *m->heap);
    if (!m->in || !m->heap) {
        merger_close(m);
        return i2v_fail_nomem(err, "merging sorted runs");
    }
    m->n = n;
    for (uint32_t i = 0; i < n; i++) {
        run_reader *r = &m->in[i];
        r->fd = runs[i].fd;
        r->left = runs[i].records;
        r->cap = io_buffer;
        r->buf = malloc(io_buffer);
        if (!r->buf) {
            merger_close(m);
            return i2v_fail_nomem(err, "merging sorted runs");
        }
        if (lseek(r->fd, 0, SEEK_SET) != 0) {
            merger_close(m);
            return i2v_fail_errno(err, errno, "rewinding a temporary sort file");
        }
        int got = reader_next(r, err);
        if (got < 0) {
            merger_close(m);
            return err ? err->code : I2V_ERR_IO;
        }
        if (got)
            m->heap[m->heap_len++] = i;
    }
    for (uint32_t i = m->heap_len / 2; i-- > 0;)
        merger_sift_down(m, i);
    return I2V_OK;
}

static i2v_status merger_next(run_merger *m, sorted_event *ev, bool *got, i2v_error *err)
{
    if (m->advance_top) {
        m->advance_top = false;
        int more = reader_next(&m->in[m->heap[0]], err);
        if (more < 0)
            return err ? err->code : I2V_ERR_IO;
        if (!more)
            m->heap[0] = m->heap[--m->heap_len];
        merger_sift_down(m, 0);
    }
    *got = m->heap_len > 0;
    if (*got) {
        *ev = m->in[m->heap[0]].cur;
        m->advance_top = true;
    }
    return I2V_OK;
}

/* ---- the sorter ---- */

static size_t io_buffer_size(uint64_t budget, uint32_t fanin)
{
    /* The merge buffers come on top of the full sort buffer while runs are
     * merged during input: an eighth of the budget for all of them. */
    uint64_t each = budget / 8 / (fanin + 1);
    return each < MIN_IO_BUFFER ? MIN_IO_BUFFER : each > MAX_IO_BUFFER ? MAX_IO_BUFFER : each;
}

i2v_status event_sorter_create(uint64_t memory_bytes, const char *tmpdir, uint32_t fanin,
                               event_sorter **out, i2v_error *err)
{
    *out = NULL;
    if (fanin < 2)
        return i2v_fail(err, I2V_ERR_INVALID, "merge fan-in %u: at least 2 runs are merged at once",
                        fanin);
    tmpdir = temp_dir(tmpdir);
    event_sorter *s = calloc(1, sizeof *s);
    if (!s || !(s->tmpdir = strdup(tmpdir))) {
        free(s);
        return i2v_fail_nomem(err, "creating the event sorter");
    }
    s->budget = memory_bytes;
    s->fanin = fanin;
    s->io_buffer = io_buffer_size(memory_bytes, fanin);
    *out = s;
    return I2V_OK;
}

static void release_buffer(event_sorter *s)
{
    free(s->keys);
    free(s->users);
    s->keys = NULL;
    s->users = NULL;
    s->n_keys = s->keys_cap = s->users_len = s->users_cap = 0;
}

void event_sorter_free(event_sorter *s)
{
    if (!s)
        return;
    merger_close(&s->merger);
    for (size_t i = 0; i < s->n_runs; i++)
        close(s->runs[i].fd);
    free(s->runs);
    release_buffer(s);
    free(s->tmpdir);
    free(s);
}

uint64_t event_sorter_runs_written(const event_sorter *s) { return s->runs_written; }

static i2v_status push_run(event_sorter *s, run_file run, i2v_error *err)
{
    if (grow_array(&s->runs, &s->runs_cap, s->n_runs + 1, sizeof *s->runs, 16) != 0) {
        close(run.fd);
        return i2v_fail_nomem(err, "listing sorted runs");
    }
    s->runs[s->n_runs++] = run;
    s->runs_written++;
    return I2V_OK;
}

static i2v_status sort_buffer(event_sorter *s, i2v_error *err)
{
    sort_key *scratch = malloc((s->n_keys ? s->n_keys : 1) * sizeof *scratch);
    if (!scratch)
        return i2v_fail_nomem(err, "sorting events");
    sort_keys(s->keys, scratch, s->n_keys, s->users);
    free(scratch);
    return I2V_OK;
}

/* Writes the sorted buffer out as a run. */
static i2v_status write_buffer_run(event_sorter *s, run_writer *w, i2v_error *err)
{
    for (size_t i = 0; i < s->n_keys; i++) {
        const sort_key *k = &s->keys[i];
        sorted_event ev = {s->users + k->user_off, k->user_len, k->time_usec, k->item};
        i2v_status st = writer_put_event(w, &ev, s->tmpdir, err);
        if (st != I2V_OK)
            return st;
    }
    return writer_flush(w, s->tmpdir, err);
}

static i2v_status write_merged_run(event_sorter *s, run_merger *m, run_writer *w,
                                   uint64_t *records, i2v_error *err)
{
    for (;;) {
        sorted_event ev;
        bool got;
        i2v_status st = merger_next(m, &ev, &got, err);
        if (st != I2V_OK)
            return st;
        if (!got)
            return writer_flush(w, s->tmpdir, err);
        if ((st = writer_put_event(w, &ev, s->tmpdir, err)) != I2V_OK)
            return st;
        ++*records;
    }
}

/* Replaces the newest `count` runs by their merge, one level up. */
static i2v_status merge_newest_runs(event_sorter *s, size_t count, i2v_error *err)
{
    run_file *first = &s->runs[s->n_runs - count];
    run_file merged = {-1, 0, 0};
    for (size_t i = 0; i < count; i++)
        if (first[i].level + 1 > merged.level)
            merged.level = first[i].level + 1;
    run_writer w = {-1, malloc(s->io_buffer), s->io_buffer, 0};
    if (!w.buf)
        return i2v_fail_nomem(err, "merging sorted runs");
    i2v_status st = open_run_file(s->tmpdir, &w.fd, err);
    if (st == I2V_OK)
        st = merger_open(&s->merger, first, (uint32_t)count, s->io_buffer, err);
    if (st == I2V_OK)
        st = write_merged_run(s, &s->merger, &w, &merged.records, err);
    merger_close(&s->merger);
    free(w.buf);
    if (st != I2V_OK) {
        if (w.fd >= 0)
            close(w.fd);
        return st;
    }
    for (size_t i = 0; i < count; i++)
        close(first[i].fd);
    s->n_runs -= count;
    merged.fd = w.fd;
    return push_run(s, merged, err);
}

/* Runs form levels like the digits of a counter: when `fanin` runs of one
 * level gather at the end of the list, they become one run of the next
 * level.  Each event is thus rewritten once per level, and the number of
 * open runs stays below fanin per level. */
static i2v_status merge_full_levels(event_sorter *s, i2v_error *err)
{
    while (s->n_runs >= s->fanin) {
        uint32_t level = s->runs[s->n_runs - 1].level;
        size_t same = 0;
        while (same < s->n_runs && s->runs[s->n_runs - 1 - same].level == level)
            same++;
        if (same < s->fanin)
            return I2V_OK;
        i2v_status st = merge_newest_runs(s, s->fanin, err);
        if (st != I2V_OK)
            return st;
    }
    return I2V_OK;
}

static i2v_status spill_buffer(event_sorter *s, i2v_error *err)
{
    i2v_status st = sort_buffer(s, err);
    if (st != I2V_OK)
        return st;
    run_file run = {-1, s->n_keys, 0};
    run_writer w = {-1, malloc(s->io_buffer), s->io_buffer, 0};
    if (!w.buf)
        return i2v_fail_nomem(err, "writing a sorted run");
    st = open_run_file(s->tmpdir, &w.fd, err);
    if (st == I2V_OK)
        st = write_buffer_run(s, &w, err);
    free(w.buf);
    if (st != I2V_OK) {
        if (w.fd >= 0)
            close(w.fd);
        return st;
    }
    run.fd = w.fd;
    s->n_keys = 0;
    s->users_len = 0;
    if ((st = push_run(s, run, err)) != I2V_OK)
        return st;
    return merge_full_levels(s, err);
}

/* The most the buffer may hold now, in bytes. */
static uint64_t buffer_limit(const event_sorter *s, size_t other_bytes)
{
    uint64_t floor = s->budget / 4;
    return other_bytes + floor < s->budget ? s->budget - other_bytes : floor;
}

static i2v_status reserve(event_sorter *s, size_t user_len, uint64_t limit, i2v_error *err)
{
    if (s->n_keys == s->keys_cap) {
        size_t most = (size_t)(limit / KEY_COST) + 1;
        size_t cap = s->keys_cap ? 2 * s->keys_cap : INITIAL_KEYS;
        if (cap > most && most > s->keys_cap)
            cap = most;
        sort_key *bigger = realloc(s->keys, cap * sizeof *bigger);
        if (!bigger)
            return i2v_fail_nomem(err, "buffering events for sorting");
        s->keys = bigger;
        s->keys_cap = cap;
    }
    if (grow_array(&s->users, &s->users_cap, s->users_len + user_len, 1, INITIAL_USER_BYTES) != 0)
        return i2v_fail_nomem(err, "buffering events for sorting");
    return I2V_OK;
}

i2v_status event_sorter_add(event_sorter *s, const char *user, size_t user_len,
                            int64_t time_usec, uint32_t item, size_t other_bytes,
                            i2v_error *err)
{
    if (user_len > UINT32_MAX)
        return i2v_fail(err, I2V_ERR_LIMIT, "a user is longer than 4 GiB");
    uint64_t limit = buffer_limit(s, other_bytes);
    uint64_t used = (uint64_t)(s->n_keys + 1) * KEY_COST + s->users_len + user_len;
    bool full = used > limit || s->users_len + user_len > MAX_USER_ARENA;
    i2v_status st;
    if (s->n_keys > 0 && full && (st = spill_buffer(s, err)) != I2V_OK)
        return st;
    if ((st = reserve(s, user_len, limit, err)) != I2V_OK)
        return st;
    memcpy(s->users + s->users_len, user, user_len);
    s->keys[s->n_keys++] = (sort_key){user_bytes_be(user, user_len, 0, 8),
                                      (uint32_t)user_bytes_be(user, user_len, 8, 12),
                                      (uint32_t)user_len, time_usec, (uint32_t)s->users_len, item};
    s->users_len += user_len;
    return I2V_OK;
}

i2v_status event_sorter_finish(event_sorter *s, i2v_error *err)
{
    if (s->n_runs == 0)
        return sort_buffer(s, err);
    i2v_status st = s->n_keys ? spill_buffer(s, err) : I2V_OK;
    release_buffer(s);
    /* Merging the newest runs first keeps each merge on consecutive runs. */
    while (st == I2V_OK && s->n_runs > s->fanin) {
        size_t excess = s->n_runs - s->fanin + 1;
        st = merge_newest_runs(s, excess < s->fanin ? excess : s->fanin, err);
    }
    if (st == I2V_OK)
        st = merger_open(&s->merger, s->runs, (uint32_t)s->n_runs, s->io_buffer, err);
    s->merging = st == I2V_OK;
    return st;
}

i2v_status event_sorter_next(event_sorter *s, sorted_event *ev, bool *got, i2v_error *err)
{
    if (s->merging)
        return merger_next(&s->merger, ev, got, err);
    *got = s->cursor < s->n_keys;
    if (*got) {
        const sort_key *k = &s->keys[s->cursor++];
        *ev = (sorted_event){s->users + k->user_off, k->user_len, k->time_usec, k->item};
    }
    return I2V_OK;
}
