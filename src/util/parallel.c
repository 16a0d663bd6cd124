#include "util/parallel.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

/* One fan-out's bookkeeping, shared by its threads. */
typedef struct fanout {
    parallel_task task;
    void *state;
    pthread_mutex_t lock;
    pthread_cond_t finished;
    uint32_t running;   /* started threads that have not finished */
} fanout;

typedef struct slot {
    fanout *f;
    uint32_t index;
} slot;

static void *thread_main(void *arg)
{
    slot *s = arg;
    fanout *f = s->f;
    f->task(f->state, s->index);
    pthread_mutex_lock(&f->lock);
    f->running--;
    pthread_cond_signal(&f->finished);
    pthread_mutex_unlock(&f->lock);
    return NULL;
}

/* Starts tasks [first, n) on threads; marks in started[] which did. */
static void start_threads(fanout *f, slot *slots, pthread_t *tids, uint8_t *started,
                          uint32_t first, uint32_t n)
{
    for (uint32_t i = first; i < n; i++) {
        slots[i] = (slot){f, i};
        pthread_mutex_lock(&f->lock);
        f->running++;
        pthread_mutex_unlock(&f->lock);
        started[i] = pthread_create(&tids[i], NULL, thread_main, &slots[i]) == 0;
        if (!started[i]) {
            pthread_mutex_lock(&f->lock);
            f->running--;
            pthread_mutex_unlock(&f->lock);
        }
    }
}

/* Runs here the tasks whose thread did not start, then joins the others. */
static void finish(fanout *f, pthread_t *tids, const uint8_t *started, uint32_t first,
                   uint32_t n)
{
    for (uint32_t i = first; i < n; i++)
        if (!started[i])
            f->task(f->state, i);
    for (uint32_t i = first; i < n; i++)
        if (started[i])
            pthread_join(tids[i], NULL);
}

/* Everything a fan-out needs, or NULL when even that cannot be had (the
 * caller then runs every task itself). */
static int fanout_init(fanout *f, parallel_task task, void *state, uint32_t n, slot **slots,
                       pthread_t **tids, uint8_t **started)
{
    *f = (fanout){.task = task, .state = state};
    *slots = malloc(n * sizeof **slots);
    *tids = malloc(n * sizeof **tids);
    *started = calloc(n, 1);
    if (*slots && *tids && *started && pthread_mutex_init(&f->lock, NULL) == 0) {
        if (pthread_cond_init(&f->finished, NULL) == 0)
            return 0;
        pthread_mutex_destroy(&f->lock);
    }
    free(*slots);
    free(*tids);
    free(*started);
    return -1;
}

static void fanout_free(fanout *f, slot *slots, pthread_t *tids, uint8_t *started)
{
    pthread_cond_destroy(&f->finished);
    pthread_mutex_destroy(&f->lock);
    free(slots);
    free(tids);
    free(started);
}

static void run_all_here(uint32_t n, parallel_task task, void *state)
{
    for (uint32_t i = 0; i < n; i++)
        task(state, i);
}

void parallel_run(uint32_t n, parallel_task task, void *state)
{
    fanout f;
    slot *slots;
    pthread_t *tids;
    uint8_t *started;
    if (n <= 1 || fanout_init(&f, task, state, n, &slots, &tids, &started) != 0) {
        run_all_here(n, task, state);
        return;
    }
    start_threads(&f, slots, tids, started, 1, n);
    task(state, 0);
    finish(&f, tids, started, 1, n);
    fanout_free(&f, slots, tids, started);
}

static void deadline_in(struct timespec *t, unsigned ms)
{
    clock_gettime(CLOCK_REALTIME, t);
    t->tv_nsec += (long)(ms % 1000) * 1000000L;
    t->tv_sec += ms / 1000 + t->tv_nsec / 1000000000L;
    t->tv_nsec %= 1000000000L;
}

void parallel_run_watched(uint32_t n, parallel_task task, void *state, parallel_watch watch,
                          void *watch_state, unsigned interval_ms)
{
    fanout f;
    slot *slots;
    pthread_t *tids;
    uint8_t *started;
    if (n == 0)
        return;
    if (fanout_init(&f, task, state, n, &slots, &tids, &started) != 0) {
        run_all_here(n, task, state);
        return;
    }
    start_threads(&f, slots, tids, started, 0, n);
    for (uint32_t i = 0; i < n; i++)
        if (!started[i])
            task(state, i);
    pthread_mutex_lock(&f.lock);
    while (f.running > 0) {
        struct timespec until;
        deadline_in(&until, interval_ms);
        pthread_cond_timedwait(&f.finished, &f.lock, &until);
        if (f.running > 0) {
            pthread_mutex_unlock(&f.lock);
            watch(watch_state);
            pthread_mutex_lock(&f.lock);
        }
    }
    pthread_mutex_unlock(&f.lock);
    for (uint32_t i = 0; i < n; i++)
        if (started[i])
            pthread_join(tids[i], NULL);
    fanout_free(&f, slots, tids, started);
}

struct parallel_team {
    parallel_team_task task;
    void *state;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    uint32_t size;          /* 0 until every thread that could start has */
    uint32_t waiting;       /* members at the barrier */
    uint64_t generation;    /* barriers passed */
    int synced;             /* lock and changed are initialized */
};

typedef struct team_seat {
    parallel_team *team;
    uint32_t member;
} team_seat;

static void *team_thread(void *arg)
{
    team_seat *seat = arg;
    parallel_team *team = seat->team;
    /* Wait for the size: it is known once every thread was started. */
    pthread_mutex_lock(&team->lock);
    while (team->size == 0)
        pthread_cond_wait(&team->changed, &team->lock);
    uint32_t size = team->size;
    pthread_mutex_unlock(&team->lock);
    team->task(team->state, seat->member, size, team);
    return NULL;
}

void parallel_team_sync(parallel_team *team)
{
    if (!team->synced || team->size <= 1)
        return;
    pthread_mutex_lock(&team->lock);
    uint64_t generation = team->generation;
    if (++team->waiting == team->size) {
        team->waiting = 0;
        team->generation++;
        pthread_cond_broadcast(&team->changed);
    } else {
        while (team->generation == generation)
            pthread_cond_wait(&team->changed, &team->lock);
    }
    pthread_mutex_unlock(&team->lock);
}

void parallel_team_run(uint32_t n, parallel_team_task task, void *state)
{
    parallel_team team = {.task = task, .state = state};
    team_seat *seats = n > 1 ? malloc(n * sizeof *seats) : NULL;
    pthread_t *tids = n > 1 ? malloc(n * sizeof *tids) : NULL;
    if (seats && tids && pthread_mutex_init(&team.lock, NULL) == 0) {
        if (pthread_cond_init(&team.changed, NULL) == 0)
            team.synced = 1;
        else
            pthread_mutex_destroy(&team.lock);
    }
    uint32_t started = 1; /* the calling thread */
    /* Members are numbered without gaps: the first thread that cannot be
     * started ends the team's growth. */
    while (team.synced && started < n) {
        seats[started] = (team_seat){&team, started};
        if (pthread_create(&tids[started], NULL, team_thread, &seats[started]) != 0)
            break;
        started++;
    }
    if (team.synced) {
        pthread_mutex_lock(&team.lock);
        team.size = started;
        pthread_cond_broadcast(&team.changed);
        pthread_mutex_unlock(&team.lock);
    } else {
        team.size = 1;
    }
    task(state, 0, team.size, &team);
    for (uint32_t i = 1; i < started; i++)
        pthread_join(tids[i], NULL);
    if (team.synced) {
        pthread_cond_destroy(&team.changed);
        pthread_mutex_destroy(&team.lock);
    }
    free(seats);
    free(tids);
}
