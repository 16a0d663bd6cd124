/* Sorting events by (user bytes, time) within a memory budget, stable for
 * equal keys: events are collected in a buffer; a full buffer is sorted and
 * written to a temporary file (a "run"); at the end the runs are merged.
 * When everything fits, nothing touches the disk.
 *
 * Stability comes for free: the in-memory sort is a merge sort, runs hold
 * consecutive stretches of the input, and merges break ties by run age. */
#ifndef I2V_EXTSORT_H
#define I2V_EXTSORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "item2vec.h"

#define EXTSORT_DEFAULT_FANIN 64u

typedef struct sorted_event {
    const char *user; /* valid until the next event_sorter_next call */
    size_t user_len;
    int64_t time_usec;
    uint32_t item;
} sorted_event;

typedef struct event_sorter event_sorter;

/* memory_bytes: the budget for the buffer and merge buffers; tmpdir: where
 * runs go (NULL: $TMPDIR or /tmp); fanin: runs merged at once (>= 2).
 * Run files are unlinked as soon as they are created. */
i2v_status event_sorter_create(uint64_t memory_bytes, const char *tmpdir, uint32_t fanin,
                               event_sorter **out, i2v_error *err);

/* Closes and frees everything; accepts NULL. */
void event_sorter_free(event_sorter *sorter);

/* Adds an event.  `other_bytes` is memory the caller holds within the same
 * budget (the item dictionary): the buffer shrinks to make room for it, but
 * never below a quarter of the budget. */
i2v_status event_sorter_add(event_sorter *sorter, const char *user, size_t user_len,
                            int64_t time_usec, uint32_t item, size_t other_bytes,
                            i2v_error *err);

/* No more events: sorts, and merges runs down to one merge of at most
 * fanin runs. */
i2v_status event_sorter_finish(event_sorter *sorter, i2v_error *err);

/* The next event in order; *got is false after the last one. */
i2v_status event_sorter_next(event_sorter *sorter, sorted_event *event, bool *got,
                             i2v_error *err);

/* Runs written to disk so far, merges included (0: all in memory). */
uint64_t event_sorter_runs_written(const event_sorter *sorter);

#endif
