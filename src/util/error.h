/* Filling i2v_error: every failing library function returns through here so
 * that the status code and the message always agree. */
#ifndef I2V_ERROR_H
#define I2V_ERROR_H

#include "item2vec.h"

#if defined(__GNUC__)
#define I2V_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define I2V_PRINTF(f, a)
#endif

/* Formats the message into err (when not NULL) and returns code. */
i2v_status i2v_fail(i2v_error *err, i2v_status code, const char *fmt, ...) I2V_PRINTF(3, 4);

/* The same for a failed system call: appends ": strerror(errno)". */
i2v_status i2v_fail_errno(i2v_error *err, int errnum, const char *fmt, ...) I2V_PRINTF(3, 4);

/* Puts "context: " before the message already in err (when not NULL) and
 * returns its code: for errors met deep inside, named where the caller
 * knows the file and line. */
i2v_status i2v_fail_context(i2v_error *err, const char *fmt, ...) I2V_PRINTF(2, 3);

/* The same as i2v_fail for an error about training parameter `param`
 * (an i2v_param): err->param tells which. */
i2v_status i2v_fail_param(i2v_error *err, i2v_status code, int param, const char *fmt, ...)
    I2V_PRINTF(4, 5);

/* Out of memory while doing `what`. */
i2v_status i2v_fail_nomem(i2v_error *err, const char *what);

#endif
