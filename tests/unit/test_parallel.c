/* The one fan-out rule: every task runs exactly once, whatever the number
 * of tasks, and the watcher runs on the calling thread while they do. */
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "util/parallel.h"

enum { MAX_TASKS = 40 };

typedef struct tally {
    _Atomic int runs[MAX_TASKS];
    int slow;
} tally;

static void count_task(void *state, uint32_t index)
{
    tally *t = state;
    atomic_fetch_add(&t->runs[index], 1);
    if (t->slow) {
        struct timespec pause = {0, 30 * 1000000L};
        nanosleep(&pause, NULL);
    }
}

static void every_task_runs_exactly_once(void)
{
    for (uint32_t n = 0; n <= 33; n++) {
        tally t;
        memset(&t, 0, sizeof t);
        parallel_run(n, count_task, &t);
        for (uint32_t i = 0; i < MAX_TASKS; i++)
            CHECK(atomic_load(&t.runs[i]) == (i < n ? 1 : 0));
    }
}

static void watch_count(void *state) { (*(int *)state)++; }

static void watched_tasks_run_once_while_the_caller_watches(void)
{
    for (uint32_t n = 1; n <= 5; n++) {
        tally t;
        memset(&t, 0, sizeof t);
        t.slow = 1;
        int watched = 0;
        parallel_run_watched(n, count_task, &t, watch_count, &watched, 1);
        for (uint32_t i = 0; i < MAX_TASKS; i++)
            CHECK(atomic_load(&t.runs[i]) == (i < n ? 1 : 0));
        CHECK(watched > 0); /* 30 ms of work, a watch every millisecond */
    }
}

/* A team in phases: in phase k every member writes its slot, and after a
 * barrier every member reads every other member's write of phase k. */
enum { TEAM_PHASES = 200 };

typedef struct team_log {
    _Atomic uint32_t slot[MAX_TASKS];
    _Atomic int wrong;
    _Atomic uint32_t members;
    uint32_t size;
} team_log;

static void team_member(void *state, uint32_t member, uint32_t size, parallel_team *team)
{
    team_log *log = state;
    atomic_fetch_add(&log->members, 1);
    log->size = size; /* every member writes the same */
    for (uint32_t k = 1; k <= TEAM_PHASES; k++) {
        atomic_store_explicit(&log->slot[member], k, memory_order_relaxed);
        parallel_team_sync(team);
        for (uint32_t m = 0; m < size; m++)
            if (atomic_load_explicit(&log->slot[m], memory_order_relaxed) != k)
                atomic_store(&log->wrong, 1);
        parallel_team_sync(team);
    }
}

static void team_members_meet_at_every_barrier(void)
{
    for (uint32_t n = 1; n <= 6; n++) {
        team_log log;
        memset(&log, 0, sizeof log);
        parallel_team_run(n, team_member, &log);
        CHECK(log.size >= 1 && log.size <= n);
        CHECK(atomic_load(&log.members) == log.size);
        CHECK(!atomic_load(&log.wrong));
    }
}

int main(void)
{
    RUN(every_task_runs_exactly_once);
    RUN(team_members_meet_at_every_barrier);
    RUN(watched_tasks_run_once_while_the_caller_watches);
    CHECK_EXIT();
}
