/* Sorting events by (user, time) within a memory budget: the order must be
 * the same whether everything fits in memory or goes through runs on disk,
 * and equal keys keep their input order. */
#include <dirent.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sessions/extsort.h"
#include "util/rng.h"

#define N_EVENTS 20000
#define BIG_BUDGET ((uint64_t)64 << 20)
#define TINY_BUDGET ((uint64_t)64 << 10)

typedef struct test_event {
    char user[40];
    size_t user_len;
    int64_t time;
    uint32_t item; /* the input position: equal keys must come out by it */
} test_event;

/* Users with shared prefixes, lengths around the 8 and 12 bytes the sort
 * keys hold inline, and a NUL byte; times with many ties. */
static void make_events(test_event *ev, size_t n)
{
    static const char *const stems[] = {"u",           "user",        "user0000",
                                        "user00000",   "user0000\0x", "user_123456",
                                        "user_1234567", "a-very-long-user-name-",
                                        "\xc3\xa9t\xc3\xa9"};
    static const size_t stem_len[] = {1, 4, 8, 9, 10, 11, 12, 22, 6};
    enum { N_STEMS = sizeof stem_len / sizeof stem_len[0] };
    i2v_rng rng = i2v_rng_seeded(7, 0);
    for (size_t i = 0; i < n; i++) {
        size_t s = i2v_rng_next(&rng) % N_STEMS;
        memcpy(ev[i].user, stems[s], stem_len[s]);
        int extra = (int)(i2v_rng_next(&rng) % 30);
        ev[i].user_len = stem_len[s] + (size_t)snprintf(ev[i].user + stem_len[s], 8, "%d", extra);
        if (extra == 0)
            ev[i].user_len = stem_len[s];
        ev[i].time = (int64_t)(i2v_rng_next(&rng) % 50) - 10;
        ev[i].item = (uint32_t)i;
    }
}

static int compare_reference(const void *pa, const void *pb)
{
    const test_event *a = pa, *b = pb;
    size_t n = a->user_len < b->user_len ? a->user_len : b->user_len;
    int c = memcmp(a->user, b->user, n);
    if (c)
        return c;
    if (a->user_len != b->user_len)
        return a->user_len < b->user_len ? -1 : 1;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return a->item < b->item ? -1 : a->item > b->item;
}

static size_t files_in(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

/* Sorts the events with a budget and fan-in; 1 when the order matches the
 * reference, event for event.  *runs gets the runs written. */
static int sorts_like_reference(const test_event *ev, const test_event *want, size_t n,
                                uint64_t budget, uint32_t fanin, const char *tmpdir, uint64_t *runs)
{
    event_sorter *s = NULL;
    i2v_error err = {.code = I2V_OK};
    int ok = event_sorter_create(budget, tmpdir, fanin, &s, &err) == I2V_OK;
    for (size_t i = 0; ok && i < n; i++)
        ok = event_sorter_add(s, ev[i].user, ev[i].user_len, ev[i].time, ev[i].item, 0, &err) ==
             I2V_OK;
    ok = ok && event_sorter_finish(s, &err) == I2V_OK;
    /* Runs are unlinked at creation: nothing is ever visible on disk. */
    CHECK(files_in(tmpdir) == 0);
    size_t got_n = 0;
    while (ok) {
        sorted_event e;
        bool got;
        ok = event_sorter_next(s, &e, &got, &err) == I2V_OK;
        if (!ok || !got)
            break;
        ok = got_n < n && e.item == want[got_n].item && e.time_usec == want[got_n].time &&
             e.user_len == want[got_n].user_len &&
             memcmp(e.user, want[got_n].user, e.user_len) == 0;
        got_n++;
    }
    if (!ok)
        fprintf(stderr, "    budget %llu fanin %u: mismatch at event %zu: %s\n",
                (unsigned long long)budget, fanin, got_n, err.message);
    *runs = s ? event_sorter_runs_written(s) : 0;
    event_sorter_free(s);
    return ok && got_n == n;
}

static char tmpdir[] = "/tmp/item2vec-sort-test-XXXXXX";

static void external_sort_matches_in_memory_sort_and_is_stable(void)
{
    test_event *ev = malloc(N_EVENTS * sizeof *ev), *want = malloc(N_EVENTS * sizeof *want);
    CHECK(ev && want);
    make_events(ev, N_EVENTS);
    memcpy(want, ev, N_EVENTS * sizeof *ev);
    qsort(want, N_EVENTS, sizeof *want, compare_reference);
    uint64_t runs;
    CHECK(sorts_like_reference(ev, want, N_EVENTS, BIG_BUDGET, 64, tmpdir, &runs));
    CHECK(runs == 0);
    CHECK(sorts_like_reference(ev, want, N_EVENTS, TINY_BUDGET, 64, tmpdir, &runs));
    CHECK(runs > 10);
    /* Fan-in 2 and 3: merges of merges, during input and at the end. */
    uint64_t runs_fanin_64 = runs;
    CHECK(sorts_like_reference(ev, want, N_EVENTS, TINY_BUDGET, 2, tmpdir, &runs));
    CHECK(runs > runs_fanin_64); /* merged runs count too */
    CHECK(sorts_like_reference(ev, want, N_EVENTS, TINY_BUDGET, 3, tmpdir, &runs));
    free(ev);
    free(want);
}

static void no_events_and_one_event(void)
{
    test_event one = {"solo", 4, 42, 7};
    uint64_t runs;
    CHECK(sorts_like_reference(&one, &one, 0, TINY_BUDGET, 2, tmpdir, &runs));
    CHECK(sorts_like_reference(&one, &one, 1, TINY_BUDGET, 2, tmpdir, &runs));
}

static void users_larger_than_the_budget_still_sort(void)
{
    /* The buffer always takes one event, however large. */
    size_t big = 200000;
    char *user = malloc(big);
    CHECK(user != NULL);
    memset(user, 'z', big);
    event_sorter *s = NULL;
    i2v_error err;
    CHECK(event_sorter_create(TINY_BUDGET, tmpdir, 2, &s, &err) == I2V_OK);
    CHECK(event_sorter_add(s, user, big, 2, 0, 0, &err) == I2V_OK);
    CHECK(event_sorter_add(s, "a", 1, 1, 1, 0, &err) == I2V_OK);
    CHECK(event_sorter_add(s, user, big, 1, 2, 0, &err) == I2V_OK);
    CHECK(event_sorter_finish(s, &err) == I2V_OK);
    uint32_t order[3] = {9, 9, 9};
    for (int i = 0; i < 3; i++) {
        sorted_event e;
        bool got = false;
        CHECK(event_sorter_next(s, &e, &got, &err) == I2V_OK && got);
        order[i] = e.item;
    }
    CHECK(order[0] == 1 && order[1] == 2 && order[2] == 0);
    event_sorter_free(s);
    free(user);
}

static void an_unusable_temporary_directory_names_itself(void)
{
    event_sorter *s = NULL;
    i2v_error err;
    CHECK(event_sorter_create(TINY_BUDGET, "/nonexistent-item2vec-dir", 2, &s, &err) == I2V_OK);
    i2v_status st = I2V_OK;
    for (int i = 0; i < 5000 && st == I2V_OK; i++)
        st = event_sorter_add(s, "user", 4, i, 0, 0, &err);
    CHECK(st == I2V_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent-item2vec-dir") != NULL);
    event_sorter_free(s);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(external_sort_matches_in_memory_sort_and_is_stable);
    RUN(no_events_and_one_event);
    RUN(users_larger_than_the_budget_still_sort);
    RUN(an_unusable_temporary_directory_names_itself);
    rmdir(tmpdir);
    CHECK_EXIT();
}
