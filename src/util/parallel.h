/* Fanning work out to threads, with one rule everywhere: every task runs
 * exactly once.  A task whose thread cannot be started runs on the calling
 * thread instead: slower, never different, never an error. */
#ifndef I2V_PARALLEL_H
#define I2V_PARALLEL_H

#include <stdint.h>

/* Task `index` of a fan-out over `state`. */
typedef void (*parallel_task)(void *state, uint32_t index);

/* Runs task(state, i) for i in [0, n): task 0 on the calling thread, the
 * others on threads of their own; returns when all have finished. */
void parallel_run(uint32_t n, parallel_task task, void *state);

/* What the calling thread does while the tasks run: called about every
 * `interval_ms` milliseconds until the last task has finished. */
typedef void (*parallel_watch)(void *watch_state);

/* Runs every task on a thread of its own while the calling thread calls
 * watch() (progress, say); a task whose thread cannot be started runs on
 * the calling thread, which then watches again.  Returns when all tasks
 * have finished. */
void parallel_run_watched(uint32_t n, parallel_task task, void *state, parallel_watch watch,
                          void *watch_state, unsigned interval_ms);

#endif
