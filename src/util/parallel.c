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
