/* Internal pieces of i2v_sessions_run (see item2vec.h for the contract):
 * timestamp parsing and the session writer that applies the rules to a
 * user-and-time ordered stream of events. */
#ifndef I2V_SESSIONS_H
#define I2V_SESSIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "item2vec.h"

#define USEC_PER_SEC INT64_C(1000000)

/* Parses a timestamp (number or ISO 8601, see item2vec.h) of exactly len
 * bytes, no surrounding blanks, into microseconds since 1970-01-01 UTC.
 * Returns NULL on success, else a short reason ("month out of range"). */
const char *session_parse_time(const char *text, size_t len, int64_t *usec);

/* The rules of item2vec.h, applied to events that arrive by user, then time. */
typedef struct session_writer session_writer;

/* `items` names the item ids and holds their counts (for min_count). */
i2v_status session_writer_create(const i2v_sessions_params *params, const i2v_vocab *items,
                                 FILE *out, const char *out_name, i2v_sessions_report *report,
                                 session_writer **w, i2v_error *err);

/* One event; the user bytes need stay valid only during the call. */
i2v_status session_writer_event(session_writer *w, const char *user, size_t user_len,
                                int64_t time_usec, uint32_t item, i2v_error *err);

/* Ends the last session and flushes the output. */
i2v_status session_writer_finish(session_writer *w, i2v_error *err);

void session_writer_free(session_writer *w);

#endif
