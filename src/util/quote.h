/* Item names quoted in messages.  An item may be megabytes long; a message
 * quotes at most I2V_QUOTE_MAX bytes of it, so the reason that follows the
 * name always fits.  Use as the arguments of "%.*s". */
#ifndef I2V_QUOTE_H
#define I2V_QUOTE_H

#include <stddef.h>

#define I2V_QUOTE_MAX 200

/* At most `max` of the `len` bytes at s. */
#define I2V_QUOTED_TO(max, len, s)                                                         \
    (int)((size_t)(len) < (size_t)(max) ? (size_t)(len) : (size_t)(max)), (const char *)(s)

#define I2V_QUOTED(len, s) I2V_QUOTED_TO(I2V_QUOTE_MAX, len, s)

/* "..." when a name of `len` bytes was cut at `max`: the argument of a
 * "%s" written right after the "%.*s". */
#define I2V_QUOTE_MORE(max, len) ((size_t)(len) > (size_t)(max) ? "..." : "")

#endif
