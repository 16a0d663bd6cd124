/* Internal pieces of i2v_sessions_run: timestamp parsing. */
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

#endif
