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

/* A team: threads that run one task together and meet at barriers, for
 * work in phases (deterministic training's rounds).  The team has as many
 * members as threads could be started, at least the calling thread, at
 * most n; a member learns the size from its task's arguments, so the work
 * must be shared out by claiming, never by assuming n members. */
typedef struct parallel_team parallel_team;
typedef void (*parallel_team_task)(void *state, uint32_t member, uint32_t size,
                                   parallel_team *team);

/* Runs task on up to n members, member 0 on the calling thread; returns
 * when every member has returned. */
void parallel_team_run(uint32_t n, parallel_team_task task, void *state);

/* Waits until every member of the team has called it: what a member
 * wrote before is seen by every member after.  Every member must call it
 * the same number of times. */
void parallel_team_sync(parallel_team *team);

#endif
